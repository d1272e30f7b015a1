import Fastify, { FastifyInstance } from 'fastify';
import mercurius from 'mercurius';
import { dataOnlyFastPath, isDataOnlyAnswer, serializeDataOnlyAnswersNatively } from './data-only-serializer';

const schema = `type Item { id: ID! name: String note: String }
  type Query { items: [Item!]! text: String fail: [Item!]! }`;
const resolvers = {
  Query: {
    items: () => [{ id: '1', name: 'Ünïcode "quoted" \u2028 line', note: null }, { id: '2', name: 'b\\c', note: 'x' }],
    text: () => 'plain',
    fail: () => [{ id: '1', name: null }, { id: null }],
  },
};

async function server(native: boolean): Promise<{ app: FastifyInstance; compiled: string[] }> {
  const app = Fastify();
  const compiled: string[] = [];
  await app.register(async (scope) => {
    if (native) serializeDataOnlyAnswersNatively(scope, '/graphql');
    scope.addHook('onRoute', (route) => {
      if (route.serializerCompiler) compiled.push(`${String(route.method)} ${route.url}`);
    });
    await scope.register(mercurius, { schema, resolvers });
  });
  await app.ready();
  return { app, compiled };
}

describe('serializeDataOnlyAnswersNatively', () => {
  let plain: FastifyInstance;
  let native: FastifyInstance;
  let compiled: string[];
  beforeAll(async () => {
    plain = (await server(false)).app;
    ({ app: native, compiled } = await server(true));
  });
  afterAll(async () => {
    await plain.close();
    await native.close();
  });

  it('takes over the serializer of the GraphQL routes', () => {
    expect(compiled.sort()).toEqual(['GET /graphql', 'HEAD /graphql', 'POST /graphql']);
  });

  it.each([
    ['data only', '{ items { id name note } text }'],
    ['an error with a list path', '{ fail { id name } }'],
    ['a validation error', '{ nope }'],
  ])('answers %s with the same bytes as the schema serializer', async (_case, query) => {
    for (const method of ['POST', 'GET'] as const) {
      const request = method === 'POST' ? { method, url: '/graphql', payload: { query } } : { method, url: `/graphql?query=${encodeURIComponent(query)}` };
      const [before, after] = await Promise.all([plain.inject(request), native.inject(request)]);
      expect(after.statusCode).toBe(before.statusCode);
      expect(after.body).toBe(before.body);
      expect(after.headers['content-length']).toBe(before.headers['content-length']);
    }
  });

  it('recognises only `{ data }` with an object or null', () => {
    expect(isDataOnlyAnswer({ data: { a: 1 } })).toBe(true);
    expect(isDataOnlyAnswer({ data: null })).toBe(true);
    expect(isDataOnlyAnswer({ data: { a: 1 }, errors: [] })).toBe(false);
    expect(isDataOnlyAnswer({ data: { a: 1 }, extensions: {} })).toBe(false);
    expect(isDataOnlyAnswer({ data: [1] })).toBe(false);
    expect(isDataOnlyAnswer({ data: 'x' })).toBe(false);
    expect(isDataOnlyAnswer({})).toBe(false);
    expect(isDataOnlyAnswer(Object.create({ data: {} }))).toBe(false);
    expect(isDataOnlyAnswer(null)).toBe(false);
  });

  it('hands anything else to the schema serializer', () => {
    const schemaSerializer = jest.fn(() => 'schema');
    const serialize = dataOnlyFastPath(schemaSerializer);
    expect(serialize({ data: { a: 'é' } })).toBe('{"data":{"a":"é"}}');
    expect(serialize({ errors: [{ message: 'x', path: ['a', 0] }] })).toBe('schema');
    expect(schemaSerializer).toHaveBeenCalledTimes(1);
  });
});
