import { ForumRows } from './factories/moderation-forum';
import { createTestApp, TestApp } from './support/create-test-app';

const BOARDS = `query { boards { id threadCount } }`;
const BOARD = `query ($slug: String!) { board(slug: $slug) { id threadCount } }`;
const TOTAL = `query ($boardSlug: String, $tag: String, $sort: ThreadSort) { threads(boardSlug: $boardSlug, tag: $tag, sort: $sort, first: 1) { totalCount } }`;

/**
 * `boards` and `board(slug)` read visible-thread counts kept by a trigger (migration BoardThreadCounts) instead of
 * counting every thread on each request. Whatever writes a thread row — the API, moderation, merges, deletions or
 * SQL — the counts must stay equal to a recount.
 */
describe('board thread counts', () => {
  let t: TestApp;
  let rows: ForumRows;
  let author: string;

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
    rows = new ForumRows(t.dataSource);
    author = (await t.createUser({ displayName: 'Counted Author' })).user.id;
  });
  afterAll(() => t.close());

  async function served(): Promise<Map<string, number>> {
    const res = await t.delivery().send<{ boards: { id: string; threadCount: number }[] }>(BOARDS);
    expect(res.errors).toBeUndefined();
    return new Map(res.data!.boards.map((b) => [b.id, b.threadCount]));
  }

  async function recounted(): Promise<Map<string, number>> {
    const counts: { id: string; n: number }[] = await t.dataSource.query(
      `SELECT b.id, (SELECT count(*)::int FROM threads x WHERE x.board_id = b.id AND x.status = 'visible') AS n FROM boards b`,
    );
    return new Map(counts.map((c) => [c.id, c.n]));
  }

  async function expectRecount(): Promise<void> {
    expect(await served()).toEqual(await recounted());
  }

  it('follow inserts, status changes, moves and deletions, and a new board starts at 0', async () => {
    const [a, b] = [await rows.board(), await rows.board()];
    await expectRecount();
    const visible = await rows.thread({ boardId: a, authorId: author });
    const pending = await rows.thread({ boardId: a, authorId: author, status: 'pending', heldReason: 'auto:trust_level_0' });
    await rows.thread({ boardId: b, authorId: author });
    expect((await served()).get(a)).toBe(1);
    await expectRecount();

    await t.dataSource.query(`UPDATE threads SET status = 'visible' WHERE id = $1`, [pending.threadId]);
    expect((await served()).get(a)).toBe(2);
    await t.dataSource.query(`UPDATE threads SET status = 'hidden' WHERE id = $1`, [visible.threadId]);
    await t.dataSource.query(`UPDATE threads SET board_id = $2 WHERE id = $1`, [pending.threadId, b]);
    expect((await served()).get(a)).toBe(0);
    expect((await served()).get(b)).toBe(2);
    // A hidden thread that moves changes no count; one that is made visible while moving counts on its new board.
    await t.dataSource.query(`UPDATE threads SET board_id = $2 WHERE id = $1`, [visible.threadId, b]);
    await t.dataSource.query(`UPDATE threads SET board_id = $2, status = 'visible' WHERE id = $1`, [visible.threadId, a]);
    expect((await served()).get(a)).toBe(1);
    await t.dataSource.query(`DELETE FROM threads WHERE id = $1`, [visible.threadId]);
    await expectRecount();

    const slug: string = (await t.dataSource.query(`SELECT slug FROM boards WHERE id = $1`, [b]))[0].slug;
    const one = await t.delivery().send<{ board: { id: string; threadCount: number } }>(BOARD, { slug });
    expect(one.data!.board).toEqual({ id: b, threadCount: 2 });

    // A thread list's totalCount reads the same counts when nothing narrows it, and counts rows when something does.
    await t.dataSource.query(`UPDATE threads SET tags = '{counted}' WHERE id = $1`, [pending.threadId]);
    const total = async (variables: Record<string, unknown>): Promise<number> => {
      const res = await t.delivery().send<{ threads: { totalCount: number } }>(TOTAL, variables);
      expect(res.errors).toBeUndefined();
      return res.data!.threads.totalCount;
    };
    const [{ all }] = await t.dataSource.query(`SELECT count(*)::int AS all FROM threads WHERE status = 'visible'`);
    expect(await total({ boardSlug: slug })).toBe(2);
    expect(await total({ boardSlug: slug, sort: 'Top' })).toBe(2);
    expect(await total({})).toBe(all);
    expect(await total({ boardSlug: slug, tag: 'counted' })).toBe(1);
    expect(await total({ boardSlug: slug, sort: 'Unanswered' })).toBe(2);
  });

  it('stay exact under parallel opposite moves between two boards (no deadlock, no lost update)', async () => {
    const [a, b] = [await rows.board(), await rows.board()];
    const inA = await Promise.all(Array.from({ length: 10 }, () => rows.thread({ boardId: a, authorId: author })));
    const inB = await Promise.all(Array.from({ length: 10 }, () => rows.thread({ boardId: b, authorId: author })));
    const moves = [...inA.map((x) => [x.threadId, b]), ...inB.map((x) => [x.threadId, a])];
    const results = await Promise.allSettled(
      moves.map(([id, to]) =>
        t.dataSource.transaction(async (tx) => {
          await tx.query(`UPDATE threads SET board_id = $2 WHERE id = $1`, [id, to]);
          await tx.query(`SELECT pg_sleep(0.01)`);
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const counts = await served();
    expect([counts.get(a), counts.get(b)]).toEqual([10, 10]);
    await expectRecount();
  });
});
