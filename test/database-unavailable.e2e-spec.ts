import { randomBytes } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import { Role } from '../src/users/role.enum';
import { KnowledgeBaseFactory, localeOf } from './factories/knowledge-base';
import { createTestApp, TestApp } from './support/create-test-app';
import { eventually } from './support/eventually';

const ARTICLE = `query ($slug: String) { article(slug: $slug) { title } }`;
const CREATE_CATEGORY = `mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`;

/**
 * Every pooled connection busy for longer than DB_POOL_ACQUIRE_TIMEOUT_MS (here: an instance with the smallest pool,
 * two, both held by another caller) is a "try again" for the client, SERVICE_UNAVAILABLE, not an internal error;
 * nothing is written and the instance serves again once a connection is free. A second instance on the same
 * database, with a normal pool, prepares the content.
 */
describe('database unavailable: SERVICE_UNAVAILABLE, never INTERNAL_SERVER_ERROR', () => {
  const jwtSecret = randomBytes(32).toString('hex');
  let setup: TestApp;
  let busy: TestApp;

  beforeAll(async () => {
    setup = await createTestApp({ JWT_SECRET: jwtSecret });
    busy = await createTestApp(
      { JWT_SECRET: jwtSecret, DB_POOL_SIZE: '2', DB_POOL_ACQUIRE_TIMEOUT_MS: '2000', DELIVERY_CACHE_ENTRIES: '0' },
      { database: { name: setup.databaseName, url: setup.databaseUrl } },
    );
  });
  afterAll(async () => {
    await busy.stop();
    await setup.close();
  });

  it('answers SERVICE_UNAVAILABLE with a retry hint while no connection is free, then serves again', async () => {
    const editorToken = await setup.login(await setup.createUser({ role: Role.Editor }));
    const kb = new KnowledgeBaseFactory(setup.admin(editorToken));
    const category = await kb.category('Busy pool');
    const slug = localeOf(await kb.published(category.id, { title: 'Still here' })).slug;
    const categoryCount = async (): Promise<number> => (await setup.dataSource.query(`SELECT count(*)::int AS count FROM categories`))[0].count;
    const categoriesBefore = await categoryCount();

    // Both connections; a background job may hold one for a moment (then this waits for it, or times out and retries).
    const holders: QueryRunner[] = [];
    while (holders.length < 2) {
      const runner = busy.dataSource.createQueryRunner();
      try {
        await runner.connect();
        holders.push(runner);
      } catch {
        await runner.release();
      }
    }
    let held = true;
    try {
      const [read, write] = await Promise.all([
        busy.delivery().send(ARTICLE, { slug }),
        busy.admin(editorToken).send(CREATE_CATEGORY, { input: { translations: [{ locale: 'en', name: 'Never written' }] } }),
      ]);
      for (const res of [read, write]) {
        expect(res.status).toBe(200);
        expect(res.errors).toHaveLength(1);
        expect(res.errors?.[0]).toMatchObject({
          message: 'The service is busy or cannot reach its database; try again shortly',
          extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 },
        });
        expect(JSON.stringify(res.errors)).not.toMatch(/INTERNAL_SERVER_ERROR|timeout exceeded|stack/);
      }
      // The REST routes too: a crawler told 503 with Retry-After comes back later instead of dropping the URLs.
      for (const path of ['/sitemap.xml', '/sitemap-community.xml']) {
        const sitemap = await busy.http().get(path);
        expect(sitemap.status).toBe(503);
        expect(sitemap.headers['retry-after']).toBe('1');
        expect(sitemap.body).toEqual({ error: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 }) });
      }
      for (const runner of holders) await runner.release();
      held = false;

      expect(await categoryCount()).toBe(categoriesBefore);
      await eventually(async () => {
        const again = await busy.delivery().send(ARTICLE, { slug });
        expect(again.errors).toBeUndefined();
        expect(again.data?.article).toEqual({ title: 'Still here' });
      }, 15_000);
      expect((await busy.http().get('/sitemap.xml')).status).toBe(200);
    } finally {
      if (held) for (const runner of holders) await runner.release();
    }
  });
});
