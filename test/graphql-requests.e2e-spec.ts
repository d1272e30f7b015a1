import { Role } from '../src/users/role.enum';
import { createTestApp, TestApp } from './support/create-test-app';
import { fragmentChain } from './support/hostile-documents';

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

    it.each([
      ['a NUL character in a string literal', { query: '{ __type(name: "a\\u0000b") { name } }' }],
      ['a NUL character in a variable', { query: 'query ($s: String!) { __type(name: $s) { name } }', variables: { s: 'a\u0000b' } }],
      ['a lone surrogate in a variable', { query: 'query ($s: String!) { __type(name: $s) { name } }', variables: { s: 'x\ud800y' } }],
      ['a lone surrogate in a variable key', { query: 'query ($s: String!) { __type(name: $s) { name } }', variables: { s: 'ok', ['k\udc00']: 1 } }],
    ])('refuses %s with BAD_USER_INPUT', async (_, body) => {
      const res = await t.http().post(path).set('content-type', 'application/json').send(JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.body).not.toHaveProperty('data');
    });

    it.each([
      ['two operations and no operationName', { query: 'query A { __typename } query B { __typename }' }],
      ['two operations and an unknown operationName', { query: 'query A { __typename } query B { __typename }', operationName: 'C' }],
      ['two operations and an empty operationName', { query: 'query A { __typename } query B { __typename }', operationName: '' }],
      ['an unknown operationName', { query: 'query A { __typename }', operationName: 'B' }],
    ])('refuses %s with BAD_REQUEST (POST and GET)', async (_, body) => {
      const post = await t.http().post(path).set('content-type', 'application/json').send(JSON.stringify(body));
      expect([post.status, post.body.errors[0].extensions.code]).toEqual([400, 'BAD_REQUEST']);
      const get = await t.http().get(path).query(body);
      expect([get.status, get.body.errors[0].extensions.code]).toEqual([400, 'BAD_REQUEST']);
    });

    it('runs the named one of several operations, and a single one with an empty operationName', async () => {
      const named = await raw(path, JSON.stringify({ query: 'query A { a: __typename } query B { b: __typename }', operationName: 'B' }));
      expect(named.body).toEqual({ data: { b: 'Query' } });
      const empty = await raw(path, JSON.stringify({ query: '{ __typename }', operationName: '' }));
      expect(empty.body).toEqual({ data: { __typename: 'Query' } });
    });

    it.each([
      ['a subscription', { query: 'subscription { x }' }, 'GRAPHQL_VALIDATION_FAILED'],
      ['a number as the query', { query: 1 }, 'GRAPHQL_PARSE_FAILED'],
      ['a JSON AST as the query text', { query: JSON.stringify({ kind: 'Document', definitions: [] }) }, 'GRAPHQL_PARSE_FAILED'],
    ])('answers %s with a client error', async (_, body, code) => {
      const res = await raw(path, JSON.stringify(body));
      expect(res.status).toBe(400);
      expect(res.body.errors[0].extensions.code).toBe(code);
    });

    it('accepts "extensions": null and an empty object', async () => {
      for (const extensions of [null, {}]) {
        const res = await raw(path, JSON.stringify({ query: '{ __typename }', extensions }));
        expect([res.status, res.body]).toEqual([200, { data: { __typename: 'Query' } }]);
      }
    });

    it('answers as application/graphql-response+json when asked, with 4xx for request errors', async () => {
      const ok = await t.http().post(path).set('accept', 'application/graphql-response+json').send({ query: '{ __typename }' });
      expect(ok.status).toBe(200);
      expect(ok.headers['content-type']).toBe('application/graphql-response+json; charset=utf-8');
      const bad = await t.http().post(path).set('accept', 'application/graphql-response+json').send({ query: '{ nope }' });
      expect(bad.status).toBe(400);
      expect(bad.headers['content-type']).toBe('application/graphql-response+json; charset=utf-8');
      const plain = await t.http().post(path).set('accept', 'application/json').send({ query: '{ __typename }' });
      expect(plain.headers['content-type']).toMatch(/^application\/json/);
    });

    it('still answers a good request afterwards', async () => {
      const res = await raw(path, JSON.stringify({ query: '{ __typename }' }));
      expect(res.status).toBe(200);
      expect(res.body.data.__typename).toBe('Query');
    });
  });

  it('refuses a DateTime beyond what PostgreSQL stores with BAD_USER_INPUT, as a literal and as a variable', async () => {
    const admin = await t.login(await t.createUser({ role: Role.Admin }));
    const literal = await t.admin(admin).send('{ searchAnalytics(from: "+275760-09-13T00:00:00.000Z", to: "2026-01-01T00:00:00Z") { searches } }');
    expect([literal.status, literal.errors?.[0].extensions.code]).toEqual([400, 'BAD_USER_INPUT']);
    const variable = await t
      .admin(admin)
      .send('query ($from: DateTime!) { searchAnalytics(from: $from, to: "2026-01-01T00:00:00Z") { searches } }', { from: '0000-01-01T00:00:00Z' });
    expect([variable.status, variable.errors?.[0].extensions.code]).toEqual([400, 'BAD_USER_INPUT']);
  });

  it('refuses GET mutations', async () => {
    const res = await t.http().get('/graphql').query({ query: 'mutation { login(input: { email: "a@b.c", password: "x" }) { accessToken } }' });
    expect(res.status).toBe(405);
    expect(res.body.errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED');
    expect(res.headers.allow).toBe('POST');
  });

  it('refuses HEAD requests on both GraphQL paths (405, Allow: GET, POST) without running the operation', async () => {
    const admin = await t.login(await t.createUser({ role: Role.Admin }));
    const mutation = 'mutation { createProduct(input: { key: "head-made", name: "Made by HEAD" }) { id } }';
    const adminHead = await t.http().head('/admin/graphql').query({ query: mutation }).set('authorization', `Bearer ${admin}`);
    const deliveryHead = await t.http().head('/graphql').query({ query: '{ __typename }' });
    for (const res of [adminHead, deliveryHead]) {
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('GET, POST');
    }
    const products = await t.admin(admin).send('{ products(first: 20) { edges { node { key } } } }');
    expect(products.data!.products.edges.map((edge: { node: { key: string } }) => edge.node.key)).not.toContain('head-made');
  });

  it('refuses POST bodies other than JSON (a cross-site HTML form) with 415, without running the operation', async () => {
    const signUp = (email: string) => `mutation { signUp(input: { email: "${email}", password: "correct horse battery staple", displayName: "Form" }) { accessToken } }`;
    const bodies: [string, string, string][] = [
      ['/graphql', 'application/x-www-form-urlencoded', `query=${encodeURIComponent(signUp('form-urlencoded@example.com'))}`],
      ['/graphql', 'text/plain', JSON.stringify({ query: signUp('form-text@example.com') })],
      ['/graphql', 'multipart/form-data; boundary=x', `--x\r\ncontent-disposition: form-data; name="query"\r\n\r\n${signUp('form-multipart@example.com')}\r\n--x--\r\n`],
      ['/admin/graphql', 'application/x-www-form-urlencoded', 'query=%7B__typename%7D'],
    ];
    for (const [path, contentType, body] of bodies) {
      const res = await raw(path, body, contentType);
      expect([path, contentType, res.status, res.body.errors?.[0]?.extensions?.code]).toEqual([path, contentType, 415, 'UNSUPPORTED_MEDIA_TYPE']);
    }
    expect(await t.dataSource.query(`SELECT email FROM users WHERE email LIKE 'form-%@example.com'`)).toEqual([]);
    expect((await raw('/graphql', JSON.stringify({ query: '{ __typename }' }), 'application/json; charset=utf-8')).status).toBe(200);
    expect((await raw('/graphql', '{ __typename }', 'application/graphql')).status).toBe(200);
  });

  it('echoes a request id, or makes one', async () => {
    const given = await t.http().post('/graphql').set('x-request-id', 'abc-123').send({ query: '{ __typename }' });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await t.http().post('/graphql').set('x-request-id', 'bad id with spaces').send({ query: '{ __typename }' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('tells browsers not to sniff any response as another content type', async () => {
    const answers: [string, { headers: Record<string, string> }][] = [
      ['delivery', await t.http().post('/graphql').send({ query: '{ __typename }' })],
      ['admin', await t.http().post('/admin/graphql').send({ query: '{ __typename }' })],
      ['bad JSON', await t.http().post('/graphql').set('content-type', 'application/json').send('not json')],
      ['health', await t.http().get('/health')],
      ['sitemap', await t.http().get('/sitemap.xml')],
      ['unknown route', await t.http().get('/no-such-route')],
    ];
    for (const [what, res] of answers) expect([what, res.headers['x-content-type-options']]).toEqual([what, 'nosniff']);
  });

  it('serves GraphiQL for both endpoints outside production', async () => {
    expect((await t.http().get('/graphiql')).status).toBe(200);
    expect((await t.http().get('/admin/graphiql')).status).toBe(200);
    const adminPage = await t.http().get('/admin/graphiql');
    expect(adminPage.text).toContain('"endpoint":"/admin/graphql"');
  });
});

describe('documents and variables nested thousands of levels deep (default limits)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const nestedList = (levels: number): string => `${'['.repeat(levels)}"x"${']'.repeat(levels)}`;
  const nestedSelection = (levels: number): string => `${'{ a '.repeat(levels)}${'}'.repeat(levels)}`;

  describe.each(['/graphql', '/admin/graphql'])('%s', (path) => {
    it.each([
      ['a list literal', `query { __type(name: ${nestedList(2400)}) { name } }`],
      ['an object literal', `query { __type(name: ${'{a:'.repeat(2400)}"x"${'}'.repeat(2400)}) { name } }`],
      ['selection sets', `query ${nestedSelection(2400)}`],
    ])('refuses %s nested 2,400 levels (within the token limit) with QUERY_TOO_COMPLEX', async (_, query) => {
      const post = await t.http().post(path).set('content-type', 'application/json').send(JSON.stringify({ query }));
      expect([post.status, post.body.errors[0]]).toEqual([400, { message: 'The document nests too deeply to be read', extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'nesting' } }]);
    });

    it('refuses such a document sent by GET too', async () => {
      const get = await t.http().get(path).query({ query: `query { __type(name: ${nestedList(2400)}) { name } }` });
      expect([get.status, get.body.errors[0].extensions.code]).toEqual([400, 'QUERY_TOO_COMPLEX']);
    });

    it.each([
      ['an array', (levels: number) => nestedList(levels)],
      ['an object', (levels: number) => `${'{"a":'.repeat(levels)}"x"${'}'.repeat(levels)}`],
    ])('refuses variables holding %s nested 100,000 levels with BAD_USER_INPUT, and takes 98', async (_, nested) => {
      // Written by hand: JSON.stringify itself cannot write a value nested that deep.
      const body = (levels: number): string => `{"query":"query ($s: String!) { __type(name: $s) { name } }","variables":{"s":"Query","extra":${nested(levels)}}}`;
      const deep = await t.http().post(path).set('content-type', 'application/json').send(body(100_000));
      expect(deep.status).toBe(400);
      expect(deep.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: expect.stringMatching(/^extra/) });
      expect(deep.body.errors[0].message).toMatch(/nests deeper than 100 levels$/);
      const fine = await t.http().post(path).set('content-type', 'application/json').send(body(98));
      expect(fine.body).toEqual({ data: { __type: { name: 'Query' } } });
      // A query the response cache may answer: its key is computed before the variables are checked.
      const cacheable = `{"query":"query ($s: Boolean!) { __typename @include(if: $s) }","variables":{"s":true,"extra":${nested(100_000)}}}`;
      const refused = await t.http().post(path).set('content-type', 'application/json').send(cacheable);
      expect([refused.status, refused.body.errors[0].extensions.code]).toEqual([400, 'BAD_USER_INPUT']);
    });
  });
});

describe('a document whose fragments expand exponentially (default limits)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe.each(['/graphql', '/admin/graphql'])('%s', (path) => {
    it(
      'refuses an exponentially expanding fragment chain at once while /health keeps answering',
      async () => {
        // Under the old cost check, one copy at 30 levels took minutes of main-thread work.
        const oneCopy = t.http().post(path).send({ query: fragmentChain(30, 1) });
        const thirtyCopies = t.http().post(path).send({ query: fragmentChain(30, 30) });
        const health = t.http().get('/health');
        const [one, thirty, healthRes] = await Promise.all([oneCopy, thirtyCopies, health]);
        expect([one.status, one.body.errors[0].extensions]).toEqual([400, expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' })]);
        expect([thirty.status, thirty.body.errors[0].extensions]).toEqual([400, expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens' })]);
        expect(healthRes.status).toBe(200);
      },
      10_000,
    );
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

  const INTROSPECT = '{ __schema { queryType { name } } }';

  it.each(['/graphql', '/admin/graphql'])('closes introspection of %s to anonymous callers and members by default', async (path) => {
    const member = await t.login(await t.createUser({ role: Role.Member }));
    for (const token of [undefined, member]) {
      const client = path === '/graphql' ? t.delivery(token) : t.admin(token);
      for (const query of [INTROSPECT, '{ __type(name: "Query") { name } }', 'query { ...F } fragment F on Query { __schema { types { name } } }']) {
        const res = await client.send(query);
        expect([res.status, res.errors?.[0].extensions.code]).toEqual([400, 'INTROSPECTION_DISABLED']);
      }
    }
    expect((await (path === '/graphql' ? t.delivery() : t.admin()).send('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });

  it.each(['/graphql', '/admin/graphql'])('opens introspection of %s to signed-in staff by default', async (path) => {
    const editor = await t.login(await t.createUser({ role: Role.Editor }));
    const res = await (path === '/graphql' ? t.delivery(editor) : t.admin(editor)).send(INTROSPECT);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });
});

describe.each([
  ['off', 'Admin', 'INTROSPECTION_DISABLED'],
  ['on', null, null],
] as const)('GRAPHQL_INTROSPECTION=%s in production', (mode, role, code) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: mode });
  });
  afterAll(() => t.close());

  it(`answers ${code ?? 'the schema'} to ${role ? 'even an admin' : 'an anonymous caller'}`, async () => {
    const token = role ? await t.login(await t.createUser({ role: Role[role] })) : undefined;
    for (const client of [t.delivery(token), t.admin(token)]) {
      const res = await client.send('{ __schema { queryType { name } } }');
      expect(res.errors?.[0]?.extensions.code ?? null).toBe(code);
    }
  });
});
