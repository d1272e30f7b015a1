import { createHash } from 'node:crypto';
import { createTestApp, TestApp } from './support/create-test-app';

const QUERY = 'query Categories { categories { name } }';
const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const persisted = (query: string): { persistedQuery: { version: number; sha256Hash: string } } => ({ persistedQuery: { version: 1, sha256Hash: sha256(query) } });

describe('automatic persisted queries on the delivery API (the Apollo protocol)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ GRAPHQL_MAX_DEPTH: '2' });
  });
  afterAll(() => t.close());

  it('runs the Apollo flow: hash only → PersistedQueryNotFound, hash + query registers, then GET by hash is served with cache headers', async () => {
    const extensions = persisted(QUERY);

    const miss = await t.http().post('/graphql').send({ extensions });
    expect(miss.status).toBe(200);
    expect(miss.body).toEqual({ errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
    expect(miss.headers['cache-control']).toBe('no-store');

    const register = await t.http().post('/graphql').send({ query: QUERY, extensions });
    expect(register.status).toBe(200);
    expect(register.body).toEqual({ data: { categories: [] } });

    const get = await t.http().get('/graphql').query({ operationName: 'Categories', extensions: JSON.stringify(extensions), variables: '{}' });
    expect(get.status).toBe(200);
    expect(get.body).toEqual({ data: { categories: [] } });
    expect(get.headers['cache-control']).toMatch(/^public, max-age=\d+/);
    expect(get.headers.etag).toMatch(/^".+"$/);

    const revalidate = await t.http().get('/graphql').query({ extensions: JSON.stringify(extensions) }).set('if-none-match', get.headers.etag);
    expect(revalidate.status).toBe(304);

    const post = await t.http().post('/graphql').send({ extensions });
    expect(post.body).toEqual({ data: { categories: [] } });
  });

  it('passes variables on GET', async () => {
    const query = 'query ($locale: String) { categories(locale: $locale) { name } }';
    await t.http().post('/graphql').send({ query, extensions: persisted(query) });
    const res = await t.http().get('/graphql').query({ extensions: JSON.stringify(persisted(query)), variables: JSON.stringify({ locale: 'de' }) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { categories: [] } });
    const bad = await t.http().get('/graphql').query({ extensions: JSON.stringify(persisted(query)), variables: JSON.stringify({ locale: 7 }) });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a hash that is not the SHA-256 of the query (BAD_USER_INPUT, PERSISTED_QUERY_HASH_MISMATCH) and remembers nothing', async () => {
    const query = '{ categories { slug } }';
    const wrong = { persistedQuery: { version: 1, sha256Hash: sha256('{ categories { id } }') } };
    const res = await t.http().post('/graphql').send({ query, extensions: wrong });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { message: 'extensions.persistedQuery.sha256Hash is not the SHA-256 of the query', extensions: { code: 'BAD_USER_INPUT', reason: 'PERSISTED_QUERY_HASH_MISMATCH' } },
    ]);
    expect((await t.http().post('/graphql').send({ extensions: wrong })).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it.each([
    ['version 2', { persistedQuery: { version: 2, sha256Hash: sha256(QUERY) } }, 'PERSISTED_QUERY_NOT_SUPPORTED'],
    ['a short hash', { persistedQuery: { version: 1, sha256Hash: 'abc' } }, 'BAD_USER_INPUT'],
    ['a hash that is a number', { persistedQuery: { version: 1, sha256Hash: 42 } }, 'BAD_USER_INPUT'],
  ])('refuses %s with 400', async (_, extensions, code) => {
    const res = await t.http().post('/graphql').send({ extensions });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe(code);
  });

  it('applies the query limits to persisted documents and does not remember a refused one', async () => {
    const deep = '{ categories { children { name } } }';
    const res = await t.http().post('/graphql').send({ query: deep, extensions: persisted(deep) });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect((await t.http().post('/graphql').send({ extensions: persisted(deep) })).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('leaves the admin API without persisted queries', async () => {
    const res = await t.http().post('/admin/graphql').send({ extensions: persisted(QUERY) });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions.code).not.toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('automatic persisted queries turned off (PERSISTED_QUERY_ENTRIES=0)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ PERSISTED_QUERY_ENTRIES: '0' });
  });
  afterAll(() => t.close());

  it('tells clients to stop sending hashes, and runs full queries', async () => {
    const hashOnly = await t.http().post('/graphql').send({ extensions: persisted(QUERY) });
    expect(hashOnly.body.errors).toEqual([{ message: 'PersistedQueryNotSupported', extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } }]);
    const full = await t.http().post('/graphql').send({ query: QUERY, extensions: persisted(QUERY) });
    expect(full.body).toEqual({ data: { categories: [] } });
  });
});
