import { createTestApp, TestApp } from './support/create-test-app';

const STACK_OR_SQL = /\bat [\w.]+ \(|node_modules|\.ts:\d+|SELECT |relation "|QueryFailedError/;

describe('malformed and abusive GraphQL requests', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ BODY_LIMIT_BYTES: '4096', GRAPHQL_MAX_DEPTH: '6', GRAPHQL_MAX_ALIASES: '5', GRAPHQL_MAX_COST: '300' });
  });
  afterAll(() => t.close());

  const raw = (path: string, body: string, contentType = 'application/json') =>
    t.http().post(path).set('content-type', contentType).send(body);

  describe.each(['/graphql', '/admin/graphql'])('%s', (path) => {
    it.each([
      ['malformed JSON', () => raw(path, '{"query": "{ me { id }'), 400, 'BAD_REQUEST'],
      ['a syntax error', () => raw(path, JSON.stringify({ query: '{ me { id ' })), 400, 'GRAPHQL_PARSE_FAILED'],
      ['an unknown field', () => raw(path, JSON.stringify({ query: '{ me { id nope } }' })), 400, 'GRAPHQL_VALIDATION_FAILED'],
      [
        'a wrong variable type',
        () => raw(path, JSON.stringify({ query: 'mutation ($input: Boolean!) { login(input: $input) { accessToken } }', variables: { input: 'x' } })),
        400,
        'GRAPHQL_VALIDATION_FAILED',
      ],
      [
        'a variable of the right name but wrong shape',
        () =>
          raw(
            path,
            JSON.stringify({
              query: `mutation ($input: ${path === '/graphql' ? 'LoginInput' : 'AdminLoginInput'}!) { login(input: $input) { accessToken } }`,
              variables: { input: { email: 42 } },
            }),
          ),
        400,
        'BAD_USER_INPUT',
      ],
      ['an oversized body', () => raw(path, JSON.stringify({ query: `{ me { id } } # ${'x'.repeat(8000)}` })), 413, 'PAYLOAD_TOO_LARGE'],
      ['a body of an unsupported media type', () => raw(path, '<query/>', 'application/xml'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['a missing query', () => raw(path, JSON.stringify({ variables: {} })), 400, 'BAD_REQUEST'],
      ['a batch of queries (batching is off)', () => raw(path, JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }])), 400, 'BAD_REQUEST'],
      ['a query nested too deep', () => raw(path, JSON.stringify({ query: '{ a { b { c { d { e { f { g } } } } } } }' })), 400, 'QUERY_TOO_COMPLEX'],
      [
        'an alias flood',
        () => raw(path, JSON.stringify({ query: `{ ${Array.from({ length: 50 }, (_, i) => `a${i}: __typename`).join(' ')} }` })),
        400,
        'QUERY_TOO_COMPLEX',
      ],
    ])('answers %s with a clean error', async (_, send, status, code) => {
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/application\/json/);
      expect(res.body.errors[0].extensions.code).toBe(code);
      expect(res.body.errors[0].message).toEqual(expect.any(String));
      expect(JSON.stringify(res.body)).not.toMatch(STACK_OR_SQL);
    });

    it('still answers a good request afterwards', async () => {
      const res = await raw(path, JSON.stringify({ query: '{ __typename }' }));
      expect(res.status).toBe(200);
      expect(res.body.data.__typename).toBe('Query');
    });
  });

  it('refuses GET mutations', async () => {
    const res = await t.http().get('/graphql').query({ query: 'mutation { login(input: { email: "a@b.c", password: "x" }) { accessToken } }' });
    expect(res.status).toBe(405);
    expect(res.body.errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('echoes a request id, or makes one', async () => {
    const given = await t.http().post('/graphql').set('x-request-id', 'abc-123').send({ query: '{ __typename }' });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await t.http().post('/graphql').set('x-request-id', 'bad id with spaces').send({ query: '{ __typename }' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves GraphiQL for both endpoints outside production', async () => {
    expect((await t.http().get('/graphiql')).status).toBe(200);
    expect((await t.http().get('/admin/graphiql')).status).toBe(200);
    const adminPage = await t.http().get('/admin/graphiql');
    expect(adminPage.text).toContain('"endpoint":"/admin/graphql"');
  });
});

describe('production mode', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ NODE_ENV: 'production' });
  });
  afterAll(() => t.close());

  it('does not serve GraphiQL', async () => {
    expect((await t.http().get('/graphiql')).status).toBe(404);
    expect((await t.http().get('/admin/graphiql')).status).toBe(404);
  });
});
