import { buildClientSchema, getIntrospectionQuery, GraphQLField, GraphQLInputType, GraphQLNamedType, GraphQLObjectType, GraphQLSchema, isEnumType, isInputObjectType, isListType, isNonNullType, isScalarType, isCompositeType, getNamedType } from 'graphql';
import { Role } from '../src/users/role.enum';
import { createTestApp, TestApp } from './support/create-test-app';
import { listenForWebsockets, SubscriptionProbe, wsClient } from './support/subscriptions';

/** Fields anyone may call on the admin API. Adding one here is a security decision. */
const PUBLIC_ADMIN_FIELDS = ['Mutation.login'];

/** A syntactically valid call of any field: required arguments get placeholder values of the right type. */
function callOf(schema: GraphQLSchema, operation: 'query' | 'mutation' | 'subscription', field: GraphQLField<unknown, unknown>): string {
  const args = field.args
    .filter((arg) => isNonNullType(arg.type))
    .map((arg) => `${arg.name}: ${placeholder(arg.type, 0)}`)
    .join(', ');
  return `${operation} { ${field.name}${args ? `(${args})` : ''}${selection(getNamedType(field.type))} }`;
}

function selection(type: GraphQLNamedType): string {
  return isCompositeType(type) ? ' { __typename }' : '';
}

function placeholder(type: GraphQLInputType, depth: number): string {
  if (isNonNullType(type)) return placeholder(type.ofType, depth);
  if (isListType(type)) return `[${placeholder(type.ofType, depth)}]`;
  if (isEnumType(type)) return type.getValues()[0].name;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields())
      .filter((f) => isNonNullType(f.type) && depth < 4)
      .map((f) => `${f.name}: ${placeholder(f.type, depth + 1)}`);
    return `{ ${fields.join(', ')} }`;
  }
  if (isScalarType(type)) {
    switch (type.name) {
      case 'Int':
      case 'Float':
        return '1';
      case 'Boolean':
        return 'true';
      case 'ID':
        return '"00000000-0000-4000-8000-000000000000"';
      case 'DateTime':
        return '"2026-01-01T00:00:00.000Z"';
      default:
        return '"placeholder"';
    }
  }
  throw new Error(`no placeholder for ${String(type)}`);
}

describe('admin schema: every field declares who may call it', () => {
  let t: TestApp;
  let schema: GraphQLSchema;
  let memberToken: string;
  let calls: [string, string][];
  let subscriptions: [string, string][];

  beforeAll(async () => {
    t = await createTestApp();
    const introspection = await t.admin().send(getIntrospectionQuery());
    schema = buildClientSchema(introspection.data as never);
    memberToken = await t.login(await t.createUser({ role: Role.Member }));
    calls = [];
    for (const [operation, type] of [
      ['query', schema.getQueryType()],
      ['mutation', schema.getMutationType()],
    ] as const) {
      for (const field of Object.values((type as GraphQLObjectType).getFields())) {
        const name = `${(type as GraphQLObjectType).name}.${field.name}`;
        if (!PUBLIC_ADMIN_FIELDS.includes(name)) calls.push([name, callOf(schema, operation, field)]);
      }
    }
  });
  afterAll(() => t.close());

  it('refuses every admin subscription (over WebSocket) to an anonymous caller and to a member', async () => {
    const subscriptionType = schema.getSubscriptionType();
    subscriptions = Object.values(subscriptionType?.getFields() ?? {}).map((field) => [
      `Subscription.${field.name}`,
      callOf(schema, 'subscription', field),
    ]);
    expect(subscriptions.map(([name]) => name)).toContain('Subscription.moderationQueueChanged');
    const base = await listenForWebsockets(t);
    for (const [callerName, token, code] of [
      ['anonymous', undefined, 'UNAUTHENTICATED'],
      ['member', memberToken, 'FORBIDDEN'],
    ] as const) {
      const client = wsClient(`${base}/admin/graphql`, token);
      try {
        const outcomes: Record<string, unknown> = {};
        for (const [name, query] of subscriptions) {
          outcomes[name] = (await new SubscriptionProbe(client, query).failure())[0].extensions?.code;
        }
        expect({ callerName, outcomes }).toEqual({ callerName, outcomes: Object.fromEntries(subscriptions.map(([name]) => [name, code])) });
      } finally {
        await client.dispose();
      }
    }
  });

  it('finds the admin operations to check', () => {
    expect(calls.map(([name]) => name)).toEqual(expect.arrayContaining(['Query.me', 'Query.users', 'Mutation.createUser', 'Mutation.createAccessToken']));
  });

  it('refuses every non-public admin query and mutation to an anonymous caller with UNAUTHENTICATED', async () => {
    const outcomes: Record<string, string | undefined> = {};
    for (const [name, query] of calls) {
      const res = await t.admin().send(query);
      outcomes[name] = res.errors?.[0]?.extensions.code;
    }
    expect(outcomes).toEqual(Object.fromEntries(calls.map(([name]) => [name, 'UNAUTHENTICATED'])));
  });

  it('refuses every non-public admin query and mutation to a member with FORBIDDEN', async () => {
    const outcomes: Record<string, string | undefined> = {};
    for (const [name, query] of calls) {
      const res = await t.admin(memberToken).send(query);
      outcomes[name] = res.errors?.[0]?.extensions.code;
    }
    expect(outcomes).toEqual(Object.fromEntries(calls.map(([name]) => [name, 'FORBIDDEN'])));
  });
});
