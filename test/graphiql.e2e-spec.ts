import { createTestApp, TestApp } from './support/create-test-app';

describe('GraphiQL pages and their files (served from this server, no CDN)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ GRAPHIQL: 'true' });
  });
  afterAll(() => t.close());

  it.each([
    ['/graphiql', '/graphql', false],
    ['/admin/graphiql', '/admin/graphql', true],
  ])('%s queries %s and loads only local scripts', async (page, endpoint, signIn) => {
    const res = await t.http().get(page);

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain(`"endpoint":"${endpoint}"`);
    const sources = [...res.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(sources.length).toBeGreaterThanOrEqual(5);
    for (const source of sources) expect(source).toMatch(/^\/graphiql\/assets\//);
    expect(res.text.includes('id="sign-in"')).toBe(signIn);
    // Never a blank page: the first content says what is loading and where from.
    expect(res.text).toContain('If this message stays');
  });

  it.each([
    ['react.production.min.js', /javascript/],
    ['react-dom.production.min.js', /javascript/],
    ['graphiql.min.js', /javascript/],
    ['graphiql.min.css', /css/],
    ['evergreen-graphiql.js', /javascript/],
  ])('serves %s', async (name, type) => {
    const res = await t.http().get(`/graphiql/assets/${name}`).buffer(true).parse((response, done) => {
      let size = 0;
      response.on('data', (chunk: Buffer) => (size += chunk.length));
      response.on('end', () => done(null, size));
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(type);
    expect(res.body).toBeGreaterThan(1000);
  });

  it.each(['package.json', '..%2Fpackage.json', '..%2F..%2F..%2Fpackage.json', 'graphiql.min.js.map'])('serves nothing else (%s)', async (name) => {
    expect((await t.http().get(`/graphiql/assets/${name}`)).status).toBe(404);
  });

  it('is not served in production', async () => {
    const production = await createTestApp({ NODE_ENV: 'production', GRAPHIQL: 'true' });
    try {
      expect((await production.http().get('/graphiql')).status).toBe(404);
      expect((await production.http().get('/admin/graphiql')).status).toBe(404);
      expect((await production.http().get('/graphiql/assets/graphiql.min.js')).status).toBe(404);
    } finally {
      await production.close();
    }
  });
});
