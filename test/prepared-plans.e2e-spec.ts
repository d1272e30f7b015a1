import type { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { Role } from '../src/users/role.enum';
import { ForumFactory, THREADS } from './factories/forum';
import { KnowledgeBaseFactory } from './factories/knowledge-base';
import { createTestApp, TestApp } from './support/create-test-app';

const ARTICLES = `query ($categoryId: ID, $first: Int, $after: String, $last: Int, $before: String) {
  articles(categoryId: $categoryId, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage endCursor startCursor } edges { node { title } } } }`;

const POOL_SIZE = 3;

interface StatementPlans {
  name: string;
  executions: number;
  customPlans: number;
  connections: number;
}

/**
 * The hot named statements keep one plan per connection (planned-limit.ts): PostgreSQL had planned the
 * category page again on every request, because a `LIMIT $n` and an `unnest($n)` made its generic plan look
 * far dearer than it is. Prepared statements are per connection: the test reads each pooled connection's.
 */
describe('named prepared statements are planned once per connection', () => {
  let t: TestApp;
  const categories: string[] = [];
  let boardSlug: string;

  beforeAll(async () => {
    t = await createTestApp({ DB_POOL_SIZE: String(POOL_SIZE), DELIVERY_CACHE_ENTRIES: '0' });
    const kb = new KnowledgeBaseFactory(t.admin(await t.login(await t.createUser({ role: Role.Editor }))));
    for (let c = 0; c < 3; c += 1) {
      const parent = await kb.category(`Plans ${c}`);
      const child = await kb.category(`Plans ${c} child`, { parentId: parent.id });
      categories.push(parent.id, child.id);
      for (let a = 0; a < 3; a += 1) await kb.published(a % 2 ? child.id : parent.id, { title: `Plans ${c}.${a}` });
    }
    const forum = new ForumFactory(t.admin(await t.login(await t.createUser({ role: Role.Moderator }))));
    const asker = await t.createUser({ role: Role.Member, displayName: 'Asker' });
    await t.dataSource.query('UPDATE users SET trust_level = 2 WHERE id = $1', [asker.user.id]);
    const member = t.delivery(await t.login(asker));
    const board = await forum.board();
    boardSlug = board.slug;
    for (let i = 0; i < 3; i += 1) await forum.thread(member, board.id);
    // A board of thousands of threads (copies of one, hidden from the checks below by another board), so that a
    // generic plan with an unknown limit looks as dear as it does on a real forum.
    const other = await forum.board();
    const [{ id: model }] = await t.dataSource.query('SELECT id FROM threads WHERE board_id = $1 LIMIT 1', [board.id]);
    await t.dataSource.query(
      `INSERT INTO threads (board_id, slug, title, status, author_id, tags, created_at, updated_at, last_activity_at)
       SELECT $2, t.slug || '-copy-' || i, t.title, t.status, t.author_id, t.tags, t.created_at, t.updated_at, t.last_activity_at
       FROM threads t, generate_series(1, 5000) i WHERE t.id = $1`,
      [model, other.id],
    );
    await t.dataSource.query('ANALYZE threads');
  });
  afterAll(() => t.close());

  /**
   * Each statement summed over the pooled connections (all held at once): PostgreSQL plans a statement's first 5
   * executions on a connection custom, then keeps the generic plan if it judges it cheap enough. Only statements
   * run well beyond 5 times per connection that has them are returned, so a custom plan for every run shows.
   */
  async function plans(prefix: string): Promise<StatementPlans[]> {
    const pool = (t.dataSource.driver as PostgresDriver).master as Pool;
    const clients = await Promise.all(Array.from({ length: POOL_SIZE }, () => pool.connect()));
    const byName = new Map<string, StatementPlans>();
    try {
      for (const client of clients) {
        const result = await client.query<{ name: string; generic_plans: number; custom_plans: number }>(
          `SELECT name, generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE name LIKE $1 || '%'`,
          [prefix],
        );
        for (const row of result.rows) {
          const entry = byName.get(row.name) ?? { name: row.name, executions: 0, customPlans: 0, connections: 0 };
          entry.executions += row.generic_plans + row.custom_plans;
          entry.customPlans += row.custom_plans;
          entry.connections += 1;
          byName.set(row.name, entry);
        }
      }
    } finally {
      for (const client of clients) client.release();
    }
    return [...byName.values()].filter((s) => s.executions >= 5 * s.connections + 5);
  }

  function expectGenericPlans(statements: StatementPlans[]): void {
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) {
      expect({ name: s.name, customPlansOnlyWhileLearning: s.customPlans <= 5 * s.connections }).toEqual({ name: s.name, customPlansOnlyWhileLearning: true });
    }
  }

  it('the category page and the newest articles, every page size and direction, use generic plans', async () => {
    const delivery = t.delivery();
    for (let round = 0; round < 12; round += 1) {
      for (const categoryId of [...categories, null]) {
        for (const variables of [{ first: 20 }, { first: 2 }, { last: 20 }]) {
          const res = await delivery.send(ARTICLES, { categoryId, ...variables });
          expect(res.errors).toBeUndefined();
        }
      }
    }
    expectGenericPlans(await plans('delivery_list'));
  });

  it('the forum statements (board pages among them) use generic plans', async () => {
    const delivery = t.delivery();
    for (let round = 0; round < 30; round += 1) {
      const pages: [Record<string, unknown>, number][] = [
        [{ boardSlug, first: 20 }, 3],
        [{ boardSlug, first: 2 }, 2],
        [{ boardSlug, last: 20 }, 3],
        [{ first: 20 }, 20],
      ];
      for (const [variables, expected] of pages) {
        const res = await delivery.send(THREADS, variables);
        expect(res.errors).toBeUndefined();
        expect(res.data!.threads.edges.length).toBe(expected);
      }
    }
    // preparedQuery names its statements q_<hash of the text>.
    expectGenericPlans(await plans('q_'));
  });

  it('pages sized between rungs return exactly the asked rows, both ways', async () => {
    const delivery = t.delivery();
    const all = await delivery.send(ARTICLES, { first: 100 });
    const titles = (all.data!.articles.edges as { node: { title: string } }[]).map((e) => e.node.title);
    expect(titles.length).toBe(9);
    const forward = await delivery.send(ARTICLES, { first: 3 });
    expect(forward.data!.articles.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual(titles.slice(0, 3));
    expect(forward.data!.articles.pageInfo.hasNextPage).toBe(true);
    const next = await delivery.send(ARTICLES, { first: 4, after: forward.data!.articles.pageInfo.endCursor });
    expect(next.data!.articles.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual(titles.slice(3, 7));
    const back = await delivery.send(ARTICLES, { last: 2, before: next.data!.articles.pageInfo.startCursor });
    expect(back.data!.articles.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual(titles.slice(1, 3));
    expect(back.data!.articles.pageInfo.hasPreviousPage).toBe(true);
  });
});
