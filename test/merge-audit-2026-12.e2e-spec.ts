import { randomBytes } from 'node:crypto';
import { Client } from 'graphql-ws';
import { IndexingWorker } from '../src/search/indexing-worker';
import { Role } from '../src/users/role.enum';
import { ACCEPT, FLAG, FOLLOW, ForumFactory, THREAD, UPDATE_BOARD } from './factories/forum';
import { expectData } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, GraphqlResponse, TestApp } from './support/create-test-app';
import { listenForWebsockets, subscribed, SubscriptionProbe, wsClient } from './support/subscriptions';

const MERGE = `mutation ($input: MergeThreadsInput!) { mergeThreads(input: $input) { threadId } }`;
const MOVE = `mutation ($input: MoveThreadInput!) { moveThread(input: $input) { threadId } }`;
const HIDE = `mutation ($input: ContentActionInput!) { hideContent(input: $input) { threadId postId } }`;
const RESTORE = `mutation ($input: ContentActionInput!) { restoreContent(input: $input) { threadId postId } }`;
const APPROVE = `mutation ($input: ContentActionInput!) { approveContent(input: $input) { threadId postId } }`;
const QUEUE = `query ($boardId: ID) { moderationQueue(first: 50, boardId: $boardId) { edges { node { kind id reason boardId threadId postId } } } }`;
const QUEUE_CHANGED = `subscription ($boardId: ID) { moderationQueueChanged(boardId: $boardId) { change itemKind itemId boardId reason } }`;
const NOTIFICATIONS = `{ notifications(first: 50) { edges { node { kind subjectId } } } }`;
const LIST = `query ($boardSlug: String, $sort: ThreadSort) { threads(boardSlug: $boardSlug, sort: $sort, first: 50) { edges { node { id } } } }`;
const BOARDS = `query { boards { id threadCount } }`;
const SEARCH = `query ($input: SearchInput!) { search(input: $input) { hits { kind id } } }`;
const SUGGEST = `query ($input: SuggestArticlesInput!) { suggestArticles(input: $input) { articles { kind id } } }`;

interface ThreadPage {
  id: string;
  isSolved: boolean;
  solvedAt: string | null;
  replyCount: number;
  acceptedAnswer: { id: string } | null;
  posts: { totalCount: number; edges: { node: { id: string; isAccepted: boolean } }[] };
}

interface QueueItem {
  kind: string;
  id: string;
  reason: string;
  boardId: string;
  threadId: string;
  postId: string | null;
}

interface QueueEvent {
  change: string;
  itemKind: string;
  itemId: string;
  boardId: string | null;
  reason: string | null;
}

/**
 * Findings of the December 2026 audit of the moderators' thread merge (and move): each test is the smallest sequence
 * of real API calls that showed a defect; docs/moderation.md ("Merging and moving threads") describes the behaviour now.
 */
describe('merge and move audit 2026-12', () => {
  let t: TestApp;
  let base: string;
  let moderator: GraphqlClient;
  let moderatorToken: string;
  let forum: ForumFactory;
  let worker: IndexingWorker;
  const clients: Client[] = [];
  const tag = randomBytes(3).toString('hex');

  const member = async (name: string): Promise<{ id: string; client: GraphqlClient }> => {
    const user = await t.createUser({ displayName: `${name} ${tag}` });
    await t.dataSource.query('UPDATE users SET trust_level = 1 WHERE id = $1', [user.user.id]);
    return { id: user.user.id, client: t.delivery(await t.login(user)) };
  };
  const page = async (id: string): Promise<ThreadPage> => expectData<ThreadPage>(await t.delivery().send(THREAD, { id, first: 50 }), 'thread');
  const statuses = async (ids: string[]): Promise<Record<string, string>> =>
    Object.fromEntries(((await t.dataSource.query(`SELECT id, status FROM posts WHERE id = ANY($1)`, [ids])) as { id: string; status: string }[]).map((r) => [r.id, r.status]));
  const queue = async (boardId: string): Promise<QueueItem[]> =>
    expectData<{ edges: { node: QueueItem }[] }>(await moderator.send(QUEUE, { boardId }), 'moderationQueue').edges.map((e) => e.node);
  const notifications = async (client: GraphqlClient): Promise<{ kind: string; subjectId: string }[]> =>
    expectData<{ edges: { node: { kind: string; subjectId: string } }[] }>(await client.send(NOTIFICATIONS), 'notifications').edges.map((e) => e.node);
  const listed = async (boardSlug: string, sort: string): Promise<string[]> =>
    expectData<{ edges: { node: { id: string } }[] }>(await t.delivery().send(LIST, { boardSlug, sort }), 'threads').edges.map((e) => e.node.id);
  const mergeAudit = async (sourceId: string) =>
    (await t.dataSource.query(`SELECT before, after FROM audit_entries WHERE subject_id = $1 AND action = 'thread.merge'`, [sourceId]))[0] as
      | { before: Record<string, any>; after: Record<string, any> }
      | undefined;
  const merge = (sourceThreadId: string, targetThreadId: string, reason = 'same question'): Promise<GraphqlResponse> =>
    moderator.send(MERGE, { input: { sourceThreadId, targetThreadId, reason } });
  const holdAll = async (boardId: string): Promise<void> => {
    expectData(await moderator.send(UPDATE_BOARD, { input: { boardId, moderationPolicy: 'HoldAll' } }), 'updateBoard');
  };
  /** The visible-thread counts every board shows readers equal a recount of the rows (migration BoardThreadCounts). */
  const expectBoardCounts = async (): Promise<void> => {
    const served = new Map(expectData<{ id: string; threadCount: number }[]>(await t.delivery().send(BOARDS), 'boards').map((b) => [b.id, b.threadCount]));
    const rows: { id: string; n: number }[] = await t.dataSource.query(
      `SELECT b.id, (SELECT count(*)::int FROM threads x WHERE x.board_id = b.id AND x.status = 'visible') AS n FROM boards b`,
    );
    expect(served).toEqual(new Map(rows.map((r) => [r.id, r.n])));
  };
  const watchQueue = async (boardId: string): Promise<SubscriptionProbe<{ moderationQueueChanged: QueueEvent }>> => {
    const client = wsClient(`${base}/admin/graphql`, moderatorToken);
    clients.push(client);
    const probe = new SubscriptionProbe<{ moderationQueueChanged: QueueEvent }>(client, QUEUE_CHANGED, { boardId });
    await subscribed(t, 'moderation-queue-changed', clients.length);
    return probe;
  };
  const events = (probe: SubscriptionProbe<{ moderationQueueChanged: QueueEvent }>): QueueEvent[] => probe.results.map((r) => r.data!.moderationQueueChanged);

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
    base = await listenForWebsockets(t);
    worker = t.app.get(IndexingWorker);
    moderatorToken = await t.login(await t.createUser({ role: Role.Moderator, displayName: `Merge moderator ${tag}` }));
    moderator = t.admin(moderatorToken);
    forum = new ForumFactory(moderator);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });
  afterAll(() => t.close());

  describe('1. a source readers could not see publishes nothing', () => {
    it('a hidden source: its visible replies are hidden in the target (restorable one by one), its held reply stays held; counts, pages and followers unchanged', async () => {
      const asker = await member('Hidden asker');
      const replier = await member('Hidden replier');
      const follower = await member('Target follower');
      const board = await forum.board({ name: `Hidden source ${tag}` });
      const target = await forum.thread(asker.client, board.id, { title: `Target of a hidden source ${tag}` });
      const targetReply = await forum.reply(replier.client, target.id, 'The answer in the target.');
      expectData(await follower.client.send(FOLLOW, { input: { threadId: target.id } }), 'followThread');
      const source = await forum.thread(asker.client, board.id, { title: `Hidden source ${tag}` });
      const shown = await forum.reply(replier.client, source.id, 'A reply readers saw while the source was visible.');
      expectData(await asker.client.send(ACCEPT, { input: { postId: shown.id } }), 'acceptAnswer');
      await holdAll(board.id);
      const held = await forum.reply(replier.client, source.id, 'A reply held for moderation.');
      expect(held.status).toBe('Pending');
      expectData(await moderator.send(HIDE, { input: { threadId: source.id, reason: 'under review' } }), 'hideContent');

      expectData(await merge(source.id, target.id), 'mergeThreads');

      const after = await page(target.id);
      expect(after.posts.edges.map((e) => e.node.id)).toEqual([targetReply.id]);
      expect(after).toMatchObject({ replyCount: 1, isSolved: false, acceptedAnswer: null });
      expect(await statuses([source.question.id, shown.id, held.id])).toEqual({ [source.question.id]: 'hidden', [shown.id]: 'hidden', [held.id]: 'pending' });
      expect(await notifications(follower.client)).toEqual([]);
      // The held reply is still the moderators' to decide, now in the target.
      expect((await queue(board.id)).filter((item) => item.kind === 'Post')).toEqual([expect.objectContaining({ id: held.id, threadId: target.id, reason: 'board:hold_all' })]);
      // The answer readers could not see is not accepted in the target; the audit entry names it.
      expect((await mergeAudit(source.id))?.after).toMatchObject({
        mergedIntoThreadId: target.id,
        postsMoved: 3,
        postsHidden: [shown.id],
        acceptedAnswer: 'not visible',
        unacceptedPostId: shown.id,
        target: { acceptedPostId: null, isSolved: false, replyCount: 1 },
      });

      // Publishing a moved reply is a moderator's decision of its own.
      expectData(await moderator.send(RESTORE, { input: { postId: shown.id } }), 'restoreContent');
      expect((await page(target.id)).posts.edges.map((e) => e.node.id).sort()).toEqual([targetReply.id, shown.id].sort());
      expect((await page(target.id)).replyCount).toBe(2);
      await expectBoardCounts();
    });

    it('a pending source: its question waits in the queue as a held reply of the target; approving it publishes it there (checked: no defect; the live queue is part 4)', async () => {
      const asker = await member('Pending asker');
      const targetAsker = await member('Visible asker');
      const board = await forum.board({ name: `Pending source ${tag}` });
      const target = await forum.thread(targetAsker.client, board.id, { title: `Target of a pending source ${tag}` });
      await holdAll(board.id);
      const source = await forum.thread(asker.client, board.id, { title: `Pending source ${tag}` });
      expect(source.status).toBe('Pending');

      expectData(await merge(source.id, target.id), 'mergeThreads');

      expect(await statuses([source.question.id])).toEqual({ [source.question.id]: 'pending' });
      expect(await page(target.id)).toMatchObject({ replyCount: 0, posts: { totalCount: 0 } });
      expect(await listed(board.slug, 'Unanswered')).toEqual([target.id]);
      expect(await queue(board.id)).toEqual([expect.objectContaining({ kind: 'Post', id: source.question.id, threadId: target.id, postId: source.question.id, reason: 'board:hold_all' })]);

      expectData(await moderator.send(APPROVE, { input: { postId: source.question.id } }), 'approveContent');
      expect((await page(target.id)).posts.edges.map((e) => e.node.id)).toEqual([source.question.id]);
      expect(await notifications(targetAsker.client)).toEqual([expect.objectContaining({ kind: 'ReplyOnFollowedThread', subjectId: source.question.id })]);
      await expectBoardCounts();
    });
  });

  describe("2. the source's accepted answer", () => {
    it('into a target without one: stays accepted, the target is solved (Solved list, not Unanswered), audited, and indexed with the answer', async () => {
      const asker = await member('Solved asker');
      const answerer = await member('Answerer');
      const otherAsker = await member('Unanswered asker');
      const board = await forum.board({ name: `Solved source ${tag}` });
      const source = await forum.thread(asker.client, board.id, { title: `How do I rotate the flux capacitor ${tag}` });
      const answer = await forum.reply(answerer.client, source.id, 'Hold the quintessential lever down while rotating.');
      expectData(await asker.client.send(ACCEPT, { input: { postId: answer.id } }), 'acceptAnswer');
      const solvedAt = (await page(source.id)).solvedAt;
      const target = await forum.thread(otherAsker.client, board.id, { title: `Flux capacitor rotation ${tag}` });
      expect(await listed(board.slug, 'Unanswered')).toEqual([target.id]);
      expect(await listed(board.slug, 'Solved')).toEqual([source.id]);

      expectData(await merge(source.id, target.id), 'mergeThreads');

      const after = await page(target.id);
      expect(after).toMatchObject({ isSolved: true, solvedAt, acceptedAnswer: { id: answer.id }, replyCount: 2 });
      expect(after.posts.edges[0].node).toEqual(expect.objectContaining({ id: answer.id, isAccepted: true }));
      expect(await listed(board.slug, 'Solved')).toEqual([target.id]);
      expect(await listed(board.slug, 'Unanswered')).toEqual([]);
      const audit = await mergeAudit(source.id);
      expect(audit?.before).toMatchObject({ acceptedPostId: answer.id, isSolved: true, target: { acceptedPostId: null, isSolved: false } });
      expect(audit?.after).toMatchObject({ target: { acceptedPostId: answer.id, isSolved: true }, acceptedAnswer: 'moved' });
      // The target's search document holds the moved answer and is solved: suggestions (solved threads only) find it.
      await worker.drain();
      const search = expectData<{ hits: { kind: string; id: string }[] }>(await t.delivery().send(SEARCH, { input: { text: 'quintessential', locale: 'en' } }), 'search');
      expect(search.hits).toEqual([{ kind: 'Thread', id: target.id }]);
      const suggested = expectData<{ articles: { kind: string; id: string }[] }>(await t.delivery().send(SUGGEST, { input: { text: 'quintessential lever', locale: 'en' } }), 'suggestArticles');
      expect(suggested.articles).toEqual([{ kind: 'Thread', id: target.id }]);
    });

    it("into a solved target: the target's answer stays, the moved one is an ordinary reply; the audit entry says so", async () => {
      const asker = await member('Twice solved');
      const answerer = await member('Second answerer');
      const board = await forum.board({ name: `Both solved ${tag}` });
      const source = await forum.thread(asker.client, board.id);
      const sourceAnswer = await forum.reply(answerer.client, source.id, 'The source answer.');
      expectData(await asker.client.send(ACCEPT, { input: { postId: sourceAnswer.id } }), 'acceptAnswer');
      const target = await forum.thread(asker.client, board.id);
      const targetAnswer = await forum.reply(answerer.client, target.id, 'The target answer.');
      expectData(await asker.client.send(ACCEPT, { input: { postId: targetAnswer.id } }), 'acceptAnswer');
      const solvedAt = (await page(target.id)).solvedAt;

      expectData(await merge(source.id, target.id), 'mergeThreads');

      const after = await page(target.id);
      expect(after).toMatchObject({ isSolved: true, solvedAt, acceptedAnswer: { id: targetAnswer.id }, replyCount: 3 });
      expect(after.posts.edges.filter((e) => e.node.isAccepted).map((e) => e.node.id)).toEqual([targetAnswer.id]);
      const audit = await mergeAudit(source.id);
      expect(audit?.before).toMatchObject({ acceptedPostId: sourceAnswer.id, target: { acceptedPostId: targetAnswer.id, isSolved: true } });
      expect(audit?.after).toMatchObject({ target: { acceptedPostId: targetAnswer.id, isSolved: true }, acceptedAnswer: 'target kept its own', unacceptedPostId: sourceAnswer.id });
    });
  });

  describe('3. threads of boards in different locales', () => {
    it.each([
      ['en', 'de'],
      ['de', 'en'],
    ])('a %s thread into a %s thread is CONFLICT LOCALE_MISMATCH, and nothing is written', async (sourceLocale, targetLocale) => {
      const asker = await member(`Locale asker ${sourceLocale}`);
      const follower = await member(`Locale follower ${sourceLocale}`);
      const sourceBoard = await forum.board({ name: `Locale source ${sourceLocale} ${tag}`, locale: sourceLocale });
      const targetBoard = await forum.board({ name: `Locale target ${targetLocale} ${tag}`, locale: targetLocale });
      const source = await forum.thread(asker.client, sourceBoard.id);
      const reply = await forum.reply(asker.client, source.id, 'A reply in the source.');
      expectData(await follower.client.send(FOLLOW, { input: { threadId: source.id } }), 'followThread');
      const target = await forum.thread(asker.client, targetBoard.id);
      const outbox = async (): Promise<number> => (await t.dataSource.query(`SELECT count(*)::int AS n FROM search_outbox WHERE source_id = ANY($1)`, [[source.id, target.id]]))[0].n;
      const outboxBefore = await outbox();

      const res = await merge(source.id, target.id);

      expect(res.errors?.[0]?.extensions).toEqual({ code: 'CONFLICT', reason: 'LOCALE_MISMATCH', sourceLocale, targetLocale, id: source.id, targetThreadId: target.id });
      expect(res.data).toBeNull();
      expect((await t.dataSource.query(`SELECT thread_id FROM posts WHERE id = ANY($1) ORDER BY thread_id`, [[source.question.id, reply.id]])).map((r: { thread_id: string }) => r.thread_id)).toEqual([source.id, source.id]);
      expect((await page(source.id)).replyCount).toBe(1);
      expect(await mergeAudit(source.id)).toBeUndefined();
      expect(await t.dataSource.query(`SELECT 1 FROM thread_slug_redirects WHERE slug = $1`, [source.slug])).toEqual([]);
      expect(await notifications(follower.client)).toEqual([]);
      expect(await outbox()).toBe(outboxBefore);
    });
  });

  describe('3b. duplicates across locales', () => {
    const MARK_DUPLICATE = `mutation ($input: MarkDuplicateInput!) { markThreadDuplicate(input: $input) { threadId } }`;

    it('marking a thread a duplicate of one in another locale is CONFLICT LOCALE_MISMATCH, and the thread stays open and unlinked', async () => {
      const asker = await member('Duplicate locale asker');
      const german = await forum.thread(asker.client, (await forum.board({ name: `Duplicate de ${tag}`, locale: 'de' })).id);
      const english = await forum.thread(asker.client, (await forum.board({ name: `Duplicate en ${tag}`, locale: 'en' })).id);

      const res = await moderator.send(MARK_DUPLICATE, { input: { threadId: german.id, duplicateOfThreadId: english.id, reason: 'same' } });

      expect(res.errors?.[0]?.extensions).toEqual({ code: 'CONFLICT', reason: 'LOCALE_MISMATCH', id: german.id, duplicateOfThreadId: english.id, sourceLocale: 'de', targetLocale: 'en' });
      expect(await t.dataSource.query(`SELECT duplicate_of_id, is_locked FROM threads WHERE id = $1`, [german.id])).toEqual([{ duplicate_of_id: null, is_locked: false }]);
      expect(await t.dataSource.query(`SELECT 1 FROM audit_entries WHERE subject_id = $1 AND action = 'thread.mark_duplicate'`, [german.id])).toEqual([]);
    });

    it('a member cannot flag a thread as a duplicate of one in another locale (BAD_USER_INPUT on duplicateOfThreadId); the same locale works', async () => {
      const asker = await member('Flag locale asker');
      const flagger = await member('Flag locale flagger');
      const germanBoard = await forum.board({ name: `Flag de ${tag}`, locale: 'de' });
      const german = await forum.thread(asker.client, germanBoard.id);
      const english = await forum.thread(asker.client, (await forum.board({ name: `Flag en ${tag}`, locale: 'en' })).id);
      const otherGerman = await forum.thread(asker.client, germanBoard.id);

      const refused = await flagger.client.send(FLAG, { input: { threadId: german.id, kind: 'Duplicate', duplicateOfThreadId: english.id } });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'duplicateOfThreadId' }] });
      expect(await t.dataSource.query(`SELECT 1 FROM flags WHERE flagger_id = $1`, [flagger.id])).toEqual([]);

      expectData(await flagger.client.send(FLAG, { input: { threadId: german.id, kind: 'Duplicate', duplicateOfThreadId: otherGerman.id } }), 'flagContent');
    });
  });

  describe('4. the live moderation queue', () => {
    it("merging a pending thread: its board's watchers see it leave, the target board's watchers see its question arrive as a held reply", async () => {
      const asker = await member('Live pending asker');
      const heldBoard = await forum.board({ name: `Live held ${tag}` });
      const openBoard = await forum.board({ name: `Live open ${tag}` });
      const target = await forum.thread(asker.client, openBoard.id);
      await holdAll(heldBoard.id);
      const source = await forum.thread(asker.client, heldBoard.id);
      const fromWatcher = await watchQueue(heldBoard.id);
      const toWatcher = await watchQueue(openBoard.id);

      expectData(await merge(source.id, target.id), 'mergeThreads');

      expect((await fromWatcher.nextResult(1)).data!.moderationQueueChanged).toEqual({ change: 'Removed', itemKind: 'thread', itemId: source.id, boardId: heldBoard.id, reason: 'merge' });
      expect((await toWatcher.nextResult(1)).data!.moderationQueueChanged).toEqual({ change: 'Added', itemKind: 'post', itemId: source.question.id, boardId: openBoard.id, reason: 'board:hold_all' });
      // What the watchers were told is what the queue now holds.
      expect(await queue(heldBoard.id)).toEqual([]);
      expect(await queue(openBoard.id)).toEqual([expect.objectContaining({ kind: 'Post', id: source.question.id, boardId: openBoard.id })]);
      expect(events(fromWatcher)).toHaveLength(1);
      expect(events(toWatcher)).toHaveLength(1);
      await expectBoardCounts();
    });

    it('merging within a board: the pending thread becomes a held reply; an open flag that moves with its post is Updated', async () => {
      const asker = await member('Same board asker');
      const flagger = await member('Same board flagger');
      const board = await forum.board({ name: `Live same board ${tag}` });
      const target = await forum.thread(asker.client, board.id);
      const flagged = await forum.thread(asker.client, board.id);
      const rude = await forum.reply(asker.client, flagged.id, 'Something rude.');
      const flag = expectData<{ id: string }>(await flagger.client.send(FLAG, { input: { postId: rude.id, kind: 'Offensive' } }), 'flagContent');
      await holdAll(board.id);
      const pending = await forum.thread(asker.client, board.id);
      const watcher = await watchQueue(board.id);

      expectData(await merge(pending.id, target.id), 'mergeThreads');
      expectData(await merge(flagged.id, target.id), 'mergeThreads');

      await watcher.nextResult(3);
      expect(events(watcher)).toEqual([
        { change: 'Removed', itemKind: 'thread', itemId: pending.id, boardId: board.id, reason: 'merge' },
        { change: 'Added', itemKind: 'post', itemId: pending.question.id, boardId: board.id, reason: 'board:hold_all' },
        { change: 'Updated', itemKind: 'flag', itemId: flag.id, boardId: board.id, reason: 'offensive' },
      ]);
      expect((await queue(board.id)).map((item) => [item.kind, item.id, item.threadId])).toEqual([
        ['Flag', flag.id, target.id],
        ['Post', pending.question.id, target.id],
      ]);
    });

    it("moving a pending thread, or one with an open flag: the old board's watchers see the item leave, the new board's see it arrive", async () => {
      const asker = await member('Moved asker');
      const flagger = await member('Moved flagger');
      const from = await forum.board({ name: `Move from ${tag}` });
      const to = await forum.board({ name: `Move to ${tag}` });
      const flagged = await forum.thread(asker.client, from.id);
      const flag = expectData<{ id: string }>(await flagger.client.send(FLAG, { input: { threadId: flagged.id, kind: 'Spam' } }), 'flagContent');
      await holdAll(from.id);
      const pending = await forum.thread(asker.client, from.id);
      const fromWatcher = await watchQueue(from.id);
      const toWatcher = await watchQueue(to.id);

      expectData(await moderator.send(MOVE, { input: { threadId: pending.id, boardId: to.id, reason: 'wrong board' } }), 'moveThread');
      expectData(await moderator.send(MOVE, { input: { threadId: flagged.id, boardId: to.id } }), 'moveThread');

      await fromWatcher.nextResult(2);
      await toWatcher.nextResult(2);
      expect(events(fromWatcher)).toEqual([
        { change: 'Removed', itemKind: 'thread', itemId: pending.id, boardId: from.id, reason: 'move' },
        { change: 'Removed', itemKind: 'flag', itemId: flag.id, boardId: from.id, reason: 'move' },
      ]);
      expect(events(toWatcher)).toEqual([
        { change: 'Added', itemKind: 'thread', itemId: pending.id, boardId: to.id, reason: 'board:hold_all' },
        { change: 'Added', itemKind: 'flag', itemId: flag.id, boardId: to.id, reason: 'spam' },
      ]);
      expect(await queue(from.id)).toEqual([]);
      expect((await queue(to.id)).map((item) => [item.kind, item.id])).toEqual([
        ['Flag', flag.id],
        ['Thread', pending.id],
      ]);
      await expectBoardCounts();
    });
  });

  it('board counts stay equal to a recount through merges and moves of visible, hidden and pending threads across boards (checked: no defect)', async () => {
    const asker = await member('Counted asker');
    const [a, b] = [await forum.board({ name: `Counted A ${tag}` }), await forum.board({ name: `Counted B ${tag}` })];
    const visibleA = await forum.thread(asker.client, a.id);
    const hiddenA = await forum.thread(asker.client, a.id);
    const targetB = await forum.thread(asker.client, b.id);
    const movedA = await forum.thread(asker.client, a.id);
    expectData(await moderator.send(HIDE, { input: { threadId: hiddenA.id } }), 'hideContent');
    await holdAll(a.id);
    const pendingA = await forum.thread(asker.client, a.id);
    const count = async (boardId: string): Promise<number> =>
      expectData<{ id: string; threadCount: number }[]>(await t.delivery().send(BOARDS), 'boards').find((x) => x.id === boardId)!.threadCount;
    expect([await count(a.id), await count(b.id)]).toEqual([2, 1]);

    expectData(await merge(visibleA.id, targetB.id), 'mergeThreads');
    expectData(await merge(hiddenA.id, targetB.id), 'mergeThreads');
    expectData(await merge(pendingA.id, targetB.id), 'mergeThreads');
    expect([await count(a.id), await count(b.id)]).toEqual([1, 1]);
    expectData(await moderator.send(MOVE, { input: { threadId: movedA.id, boardId: b.id } }), 'moveThread');
    expect([await count(a.id), await count(b.id)]).toEqual([0, 2]);
    // The target counts the one reply readers could see before (the visible source's question).
    expect((await page(targetB.id)).replyCount).toBe(1);
    await expectBoardCounts();
  });
});
