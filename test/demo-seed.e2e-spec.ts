import { seedDemo } from '../src/cli/demo-seed';
import { DEMO_ARTICLES, DEMO_CATEGORIES, DEMO_PRODUCTS } from '../src/cli/demo-content';
import { createTestApp, TestApp } from './support/create-test-app';

async function counts(t: TestApp): Promise<Record<string, number>> {
  const [row] = await t.dataSource.query(`SELECT
    (SELECT count(*)::int FROM products) AS products,
    (SELECT count(*)::int FROM releases) AS releases,
    (SELECT count(*)::int FROM categories) AS categories,
    (SELECT count(*)::int FROM articles) AS articles,
    (SELECT count(*)::int FROM article_revisions) AS revisions,
    (SELECT count(*)::int FROM article_feedback) AS feedback,
    (SELECT count(*)::int FROM users) AS users,
    (SELECT count(*)::int FROM boards) AS boards,
    (SELECT count(*)::int FROM threads) AS threads,
    (SELECT count(*)::int FROM posts) AS posts`);
  return row;
}

describe('demo help center', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('seeds products, categories and articles in every workflow state, and a second run adds nothing', async () => {
    const first = await seedDemo(t.app, t.config);
    expect(first).toMatchObject({ createdAdmin: true, helpCenterArticles: DEMO_ARTICLES.length, communityThreads: 4 });
    const after = await counts(t);
    expect(after).toMatchObject({ products: DEMO_PRODUCTS.length, categories: DEMO_CATEGORIES.length, articles: DEMO_ARTICLES.length });
    expect(after.categories).toBeGreaterThanOrEqual(8);
    expect(after.articles).toBeGreaterThanOrEqual(60);
    expect(after.revisions).toBeGreaterThan(after.articles * 2);
    expect(after.feedback).toBeGreaterThan(0);
    expect(after).toMatchObject({ boards: 2, threads: 4 });
    const solved = await t.delivery().send('{ threads(sort: Solved) { edges { node { title } } } }');
    expect(solved.data?.threads.edges).toHaveLength(2);

    const statuses: { status: string; count: number }[] = await t.dataSource.query(`SELECT status::text, count(*)::int AS count FROM article_locales GROUP BY status`);
    const byStatus = Object.fromEntries(statuses.map((s) => [s.status, s.count]));
    expect(byStatus).toMatchObject({ published: expect.any(Number), draft: expect.any(Number), scheduled: expect.any(Number), in_review: expect.any(Number) });
    const [{ locales }] = await t.dataSource.query(`SELECT array_agg(DISTINCT locale ORDER BY locale) AS locales FROM article_locales`);
    expect(locales).toEqual(expect.arrayContaining(['de', 'en', 'zh-CN']));

    const overdue = await t.admin(await t.login({ user: (await t.dataSource.query(`SELECT * FROM users WHERE email = $1`, [t.config.demo.adminEmail]))[0], password: t.config.demo.adminPassword }))
      .send('{ articlesDueForReview(first: 50) { totalCount } outdatedTranslations(first: 50) { totalCount } }');
    expect(overdue.data?.articlesDueForReview.totalCount).toBeGreaterThan(0);
    expect(overdue.data?.outdatedTranslations.totalCount).toBeGreaterThan(0);

    const second = await seedDemo(t.app, t.config);
    expect(second).toMatchObject({ createdAdmin: false, helpCenterArticles: 0, communityThreads: 0 });
    expect(await counts(t)).toEqual(after);
  });
});
