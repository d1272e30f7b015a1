import { FastifyRequest } from 'fastify';
import { buildSchema, GraphQLError, parse } from 'graphql';
import { BadUserInputError, ForbiddenError } from '../errors/app-error';
import { checkSubscriptionDocument, checkSubscriptionSource, toSubscriptionStartError, websocketAuthorization } from './websocket-subscriptions';

const schema = buildSchema(`
  type Query { ok: Boolean }
  type Item { id: ID! name(prefix: String): String child: Item }
  type Subscription { itemAdded: Item }
`);
const limits = { maxDepth: 3, maxCost: 100, maxAliases: 2 };
const request = (authorization?: string) => ({ headers: authorization ? { authorization } : {} }) as unknown as FastifyRequest;
const codeOf = (fn: () => void): unknown => {
  try {
    fn();
  } catch (error) {
    return (error as GraphQLError).extensions?.code;
  }
  return null;
};

describe('websocketAuthorization', () => {
  it('takes the connection_init authorization, else the upgrade header, and flags a non-string', () => {
    expect(websocketAuthorization({ req: request('Bearer header'), _connectionInit: { authorization: 'Bearer payload' } })).toBe('Bearer payload');
    expect(websocketAuthorization({ req: request('Bearer header'), _connectionInit: {} })).toBe('Bearer header');
    expect(websocketAuthorization({ req: request(), _connectionInit: undefined })).toBeUndefined();
    expect(websocketAuthorization({ req: request('Bearer header'), _connectionInit: { authorization: 42 } })).toBeNull();
  });
});

describe('subscription document checks', () => {
  it('accepts a valid subscription within the limits', () => {
    expect(codeOf(() => checkSubscriptionDocument(schema, parse('subscription { itemAdded { id name } }'), limits))).toBeNull();
    expect(codeOf(() => checkSubscriptionSource('subscription { itemAdded { id } }', 100))).toBeNull();
  });

  it.each([
    ['a JSON "AST"', 'GRAPHQL_PARSE_FAILED', JSON.parse(JSON.stringify(parse('subscription { itemAdded { id } }')))],
    ['an unknown field', 'GRAPHQL_VALIDATION_FAILED', parse('subscription { nope }')],
    ['too deep', 'QUERY_TOO_COMPLEX', parse('subscription { itemAdded { child { child { id } } } }')],
    ['too many aliases', 'QUERY_TOO_COMPLEX', parse('subscription { itemAdded { a: id b: id c: id } }')],
    ['a NUL in a string literal', 'BAD_USER_INPUT', parse('subscription { itemAdded { name(prefix: "a\\u0000") } }')],
  ])('refuses %s with %s', (_, code, document) => {
    expect(codeOf(() => checkSubscriptionDocument(schema, document, limits))).toBe(code);
  });

  it('refuses text over the token limit, and a syntax error', () => {
    expect(codeOf(() => checkSubscriptionSource(`subscription { itemAdded { ${'id '.repeat(50)} } }`, 20))).toBe('QUERY_TOO_COMPLEX');
    expect(codeOf(() => checkSubscriptionSource('subscription {', 20))).toBe('GRAPHQL_PARSE_FAILED');
  });
});

describe('toSubscriptionStartError', () => {
  it('keeps the code and details of an AppError, and hides anything unexpected', () => {
    expect(toSubscriptionStartError(new ForbiddenError('no', { reason: 'X' })).extensions).toEqual({ reason: 'X', code: 'FORBIDDEN' });
    expect(toSubscriptionStartError(new BadUserInputError('bad', [{ field: 'boardId', messages: ['m'] }])).extensions.code).toBe('BAD_USER_INPUT');
    const hidden = toSubscriptionStartError(new Error('connection to 10.0.0.5 refused'));
    expect([hidden.message, hidden.extensions.code]).toEqual(['Internal server error', 'INTERNAL_SERVER_ERROR']);
  });
});
