import { DEMO_MEMBER_EMAIL, seedDemo } from '../src/cli/demo-seed';
import { createTestApp, TestApp } from './support/create-test-app';
import { SweepIds, sweepParallelMutations, sweepSchema } from './support/schema-sweep';

/**
 * Every root field of both APIs, and every field with arguments on what a query returns, with bad input in one
 * argument at a time (test/support/schema-sweep.ts): every answer is a client error or data, never
 * INTERNAL_SERVER_ERROR or a 5xx. Runs on the demo help center and community, so valid calls reach the services.
 */
describe('schema-wide sweep with bad input', () => {
  let t: TestApp;
  let ids: SweepIds;

  beforeAll(async () => {
    t = await createTestApp();
    await seedDemo(t.app, t.config);
    ids = await readIds();
  }, 120_000);
  afterAll(() => t.close());

  /** Real ids and keys, read afresh (a sweep's mutations remove and change things). */
  const readIds = async (): Promise<SweepIds> => {
    const one = async (sql: string): Promise<string | undefined> => ((await t.dataSource.query(sql)) as { v: string }[])[0]?.v;
    return {
      article: await one(`SELECT article_id::text AS v FROM article_locales WHERE status = 'published' ORDER BY article_id LIMIT 1`),
      articleSlug: await one(`SELECT slug AS v FROM article_locales WHERE status = 'published' ORDER BY slug LIMIT 1`),
      category: await one(`SELECT id::text AS v FROM categories ORDER BY id LIMIT 1`),
      product: await one(`SELECT id::text AS v FROM products ORDER BY id LIMIT 1`),
      productKey: await one(`SELECT key AS v FROM products ORDER BY key LIMIT 1`),
      release: await one(`SELECT id::text AS v FROM releases ORDER BY id LIMIT 1`),
      board: await one(`SELECT id::text AS v FROM boards ORDER BY id LIMIT 1`),
      boardSlug: await one(`SELECT slug AS v FROM boards ORDER BY slug LIMIT 1`),
      thread: await one(`SELECT id::text AS v FROM threads ORDER BY id LIMIT 1`),
      threadSlug: await one(`SELECT slug AS v FROM threads ORDER BY slug LIMIT 1`),
      post: await one(`SELECT id::text AS v FROM posts WHERE NOT is_question ORDER BY id LIMIT 1`),
      user: await one(`SELECT id::text AS v FROM users WHERE email = '${DEMO_MEMBER_EMAIL}'`),
      flag: await one(`SELECT id::text AS v FROM flags ORDER BY id LIMIT 1`),
      staleFlag: await one(`SELECT id::text AS v FROM stale_flags ORDER BY id LIMIT 1`),
      gap: await one(`SELECT id::text AS v FROM content_gaps ORDER BY id LIMIT 1`),
      notification: await one(`SELECT id::text AS v FROM member_notifications ORDER BY id LIMIT 1`),
    };
  };

  const login = async (path: '/admin/graphql' | '/graphql', email: string): Promise<string> => {
    const client = path === '/graphql' ? t.delivery() : t.admin();
    const res = await client.send(`mutation ($input: ${path === '/graphql' ? 'LoginInput' : 'AdminLoginInput'}!) { login(input: $input) { accessToken } }`, {
      input: { email, password: t.config.demo.adminPassword },
    });
    return res.data!.login.accessToken;
  };

  it('answers the admin API (as the demo admin) with client errors only', async () => {
    const admin = t.admin(await login('/admin/graphql', t.config.demo.adminEmail));
    const result = await sweepSchema((query, variables) => admin.send(query, variables), ids);
    expect(result.findings).toEqual([]);
    // The sweep reached the services: valid calls answered with data, unknown ids with NOT_FOUND.
    expect(result.codes.OK).toBeGreaterThan(100);
    expect(result.codes.NOT_FOUND).toBeGreaterThan(0);
  }, 600_000);

  it('answers the delivery API (as the demo member, and anonymous) with client errors only', async () => {
    const member = t.delivery(await login('/graphql', DEMO_MEMBER_EMAIL));
    const asMember = await sweepSchema((query, variables) => member.send(query, variables), ids);
    expect(asMember.findings).toEqual([]);
    expect(asMember.codes.OK).toBeGreaterThan(50);
    const anonymous = t.delivery();
    const asAnonymous = await sweepSchema((query, variables) => anonymous.send(query, variables), ids);
    expect(asAnonymous.findings).toEqual([]);
    expect(asAnonymous.codes.UNAUTHENTICATED).toBeGreaterThan(0);
  }, 600_000);

  it('answers every mutation sent 8 times at once with the same arguments with data or client errors', async () => {
    const admin = t.admin(await login('/admin/graphql', t.config.demo.adminEmail));
    const asAdmin = await sweepParallelMutations((query, variables) => admin.send(query, variables), readIds);
    if (process.env.SWEEP_REPORT) console.log(JSON.stringify(asAdmin.byField, null, 1));
    expect(asAdmin.findings).toEqual([]);
    expect(asAdmin.codes.OK).toBeGreaterThan(50);
    const member = t.delivery(await login('/graphql', DEMO_MEMBER_EMAIL));
    const asMember = await sweepParallelMutations((query, variables) => member.send(query, variables), readIds);
    if (process.env.SWEEP_REPORT) console.log(JSON.stringify(asMember.byField, null, 1));
    expect(asMember.findings).toEqual([]);
    expect(asMember.codes.OK).toBeGreaterThan(20);
  }, 600_000);
});
