import { Role } from '../src/users/role.enum';
import { ACCEPT, DELETE, FLAG, FOLLOW, ForumFactory, UPDATE_BOARD } from './factories/forum';
import { expectData } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, GraphqlResponse, TestApp } from './support/create-test-app';

const APPROVE = `mutation ($input: ContentActionInput!) { approveContent(input: $input) { threadId postId } }`;
const REJECT = `mutation ($input: RejectContentInput!) { rejectContent(input: $input) { threadId postId } }`;
const HIDE = `mutation ($input: ContentActionInput!) { hideContent(input: $input) { threadId postId } }`;
const RESTORE = `mutation ($input: ContentActionInput!) { restoreContent(input: $input) { threadId postId } }`;
const REMOVE = `mutation ($input: ContentActionInput!) { removeContent(input: $input) { threadId postId } }`;
const LOCK = `mutation ($input: ThreadActionInput!) { lockThread(input: $input) { threadId } }`;
const DUPLICATE = `mutation ($input: MarkDuplicateInput!) { markThreadDuplicate(input: $input) { threadId } }`;
const QUEUE = `query ($boardId: ID) { moderationQueue(first: 50, boardId: $boardId) { totalCount edges { node { kind id } } } }`;
const NOTIFICATIONS = `{ notifications(first: 50) { edges { node { kind subjectId } } } }`;
const THREAD_ACTIVITY = `query ($id: ID) { thread(id: $id) { lastActivityAt replyCount } }`;
const LATEST = `query ($boardSlug: String) { threads(boardSlug: $boardSlug, sort: Latest, first: 10) { edges { node { id } } } }`;

function code(res: GraphqlResponse): string | undefined {
  return res.errors?.[0]?.extensions.code;
}

/**
 * Findings of the December 2026 functional audit of forum moderation against issue 12 and docs/moderation.md: each
 * test is the smallest sequence of real API calls that showed a defect (docs/moderation.md and docs/forum.md describe
 * the behaviour now).
 */
describe('moderation audit 2026-12', () => {
  let t: TestApp;
  let moderator: GraphqlClient;
  let forum: ForumFactory;

  const member = async (name: string): Promise<{ id: string; client: GraphqlClient }> => {
    const user = await t.createUser({ displayName: `${name} ${Math.random().toString(36).slice(2, 8)}` });
    return { id: user.user.id, client: t.delivery(await t.login(user)) };
  };
  const threadRow = async (id: string) =>
    (await t.dataSource.query(`SELECT status, reply_count, last_activity_at FROM threads WHERE id = $1`, [id]))[0] as { status: string; reply_count: number; last_activity_at: Date };
  const postCreatedAt = async (id: string): Promise<string> => ((await t.dataSource.query(`SELECT created_at FROM posts WHERE id = $1`, [id]))[0].created_at as Date).toISOString();
  const notifications = async (client: GraphqlClient): Promise<{ kind: string; subjectId: string }[]> =>
    expectData<{ edges: { node: { kind: string; subjectId: string } }[] }>(await client.send(NOTIFICATIONS), 'notifications').edges.map((e) => e.node);

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
    moderator = t.admin(await t.login(await t.createUser({ role: Role.Moderator, displayName: 'Audit Moderator' })));
    forum = new ForumFactory(moderator);
  });
  afterAll(() => t.close());

  describe('approving a held reply after its thread was removed', () => {
    it('is CONFLICT (the thread is not visible) and publishes, counts and tells nothing; rejecting it still works', async () => {
      const asker = await member('Asker');
      const follower = await member('Follower');
      const replier = await member('Replier');
      const board = await forum.board();
      const thread = await forum.thread(asker.client, board.id);
      expectData(await follower.client.send(FOLLOW, { input: { threadId: thread.id } }), 'followThread');
      expectData(await moderator.send(UPDATE_BOARD, { input: { boardId: board.id, moderationPolicy: 'HoldAll' } }), 'updateBoard');
      const held = await forum.reply(replier.client, thread.id, 'A held reply.');
      expect(held.status).toBe('Pending');
      expectData(await moderator.send(REMOVE, { input: { threadId: thread.id, reason: 'off-topic thread' } }), 'removeContent');

      const approved = await moderator.send(APPROVE, { input: { postId: held.id } });

      expect(approved.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_STATUS', status: 'removed', id: thread.id });
      expect((await t.dataSource.query(`SELECT status FROM posts WHERE id = $1`, [held.id]))[0].status).toBe('pending');
      expect((await threadRow(thread.id)).reply_count).toBe(0);
      expect(await notifications(follower.client)).toEqual([]);
      expect(await t.dataSource.query(`SELECT 1 FROM audit_entries WHERE subject_id = $1 AND action = 'post.approve'`, [held.id])).toEqual([]);
      // The moderator can still clear it from the queue.
      expectData(await moderator.send(REJECT, { input: { postId: held.id, reason: 'thread removed' } }), 'rejectContent');
      expect(expectData<{ totalCount: number }>(await moderator.send(QUEUE, { boardId: board.id }), 'moderationQueue').totalCount).toBe(0);
    });

    it('a locked thread still takes an approved reply (held before the lock, a moderator decided)', async () => {
      const asker = await member('Locked asker');
      const replier = await member('Locked replier');
      const board = await forum.board();
      const thread = await forum.thread(asker.client, board.id);
      expectData(await moderator.send(UPDATE_BOARD, { input: { boardId: board.id, moderationPolicy: 'HoldAll' } }), 'updateBoard');
      const held = await forum.reply(replier.client, thread.id, 'Held before the lock.');
      expectData(await moderator.send(LOCK, { input: { threadId: thread.id } }), 'lockThread');
      expect(code(await moderator.send(APPROVE, { input: { postId: held.id } }))).toBeUndefined();
      expect((await threadRow(thread.id)).reply_count).toBe(1);
    });
  });

  describe("a thread's last activity counts visible posts only (decision 0006)", () => {
    it.each([
      ['hidden', HIDE],
      ['removed', REMOVE],
    ])('the last reply %s by a moderator: lastActivityAt goes back to the latest visible post, and forward again on restore', async (_name, mutation) => {
      const asker = await member('Active asker');
      const replier = await member('Spammer');
      const board = await forum.board();
      const quiet = await forum.thread(asker.client, board.id);
      const first = await forum.reply(asker.client, quiet.id, 'An early answer.');
      const other = await forum.thread(asker.client, board.id);
      const spam = await forum.reply(replier.client, quiet.id, 'Late spam that bumps the thread.');
      expect(expectData<{ edges: { node: { id: string } }[] }>(await t.delivery().send(LATEST, { boardSlug: board.slug }), 'threads').edges.map((e) => e.node.id)).toEqual([quiet.id, other.id]);

      expectData(await moderator.send(mutation, { input: { postId: spam.id } }), mutation === HIDE ? 'hideContent' : 'removeContent');

      const page = expectData<{ lastActivityAt: string; replyCount: number }>(await t.delivery().send(THREAD_ACTIVITY, { id: quiet.id }), 'thread');
      expect(page).toEqual({ lastActivityAt: await postCreatedAt(first.id), replyCount: 1 });
      expect(expectData<{ edges: { node: { id: string } }[] }>(await t.delivery().send(LATEST, { boardSlug: board.slug }), 'threads').edges.map((e) => e.node.id)).toEqual([other.id, quiet.id]);

      expectData(await moderator.send(RESTORE, { input: { postId: spam.id } }), 'restoreContent');
      expect((await threadRow(quiet.id)).last_activity_at.toISOString()).toBe(await postCreatedAt(spam.id));
    });

    it("the author's own deletion of the last reply moves it back too, and with only the question left it is the question's time", async () => {
      const asker = await member('Deleting asker');
      const replier = await member('Deleting replier');
      const board = await forum.board();
      const thread = await forum.thread(asker.client, board.id);
      const first = await forum.reply(asker.client, thread.id, 'An answer that stays.');
      const last = await forum.reply(replier.client, thread.id, 'An answer its author deletes.');
      expectData(await replier.client.send(DELETE, { input: { postId: last.id } }), 'deletePost');
      expect((await threadRow(thread.id)).last_activity_at.toISOString()).toBe(await postCreatedAt(first.id));
      // With only the question left, its time is the thread's last activity.
      expectData(await moderator.send(REMOVE, { input: { postId: first.id } }), 'removeContent');
      expect((await threadRow(thread.id)).last_activity_at.toISOString()).toBe(await postCreatedAt(thread.question.id));
    });
  });

  describe('flags when a whole thread is hidden or removed', () => {
    it.each([
      ['removed', REMOVE],
      ['hidden', HIDE],
    ])('the thread %s: flags on the thread and its question are upheld; flags on its replies stay open for a decision', async (_name, mutation) => {
      const asker = await member('Spam asker');
      const replier = await member('Helpful replier');
      const flagger = await member('Eager flagger');
      const board = await forum.board();
      const thread = await forum.thread(asker.client, board.id);
      const reply = await forum.reply(replier.client, thread.id, 'A good, honest answer.');
      const onThread = expectData<{ id: string }>(await flagger.client.send(FLAG, { input: { threadId: thread.id, kind: 'Spam' } }), 'flagContent');
      const onQuestion = expectData<{ id: string }>(await (await member('Second flagger')).client.send(FLAG, { input: { postId: thread.question.id, kind: 'Spam' } }), 'flagContent');
      const onReply = expectData<{ id: string }>(await flagger.client.send(FLAG, { input: { postId: reply.id, kind: 'Offensive' } }), 'flagContent');

      expectData(await moderator.send(mutation, { input: { threadId: thread.id, reason: 'spam thread' } }), mutation === HIDE ? 'hideContent' : 'removeContent');

      const statuses = new Map(
        ((await t.dataSource.query(`SELECT id, status FROM flags WHERE id = ANY($1)`, [[onThread.id, onQuestion.id, onReply.id]])) as { id: string; status: string }[]).map((r) => [r.id, r.status]),
      );
      expect(Object.fromEntries([['thread', statuses.get(onThread.id)], ['question', statuses.get(onQuestion.id)], ['reply', statuses.get(onReply.id)]])).toEqual({
        thread: 'upheld',
        question: 'upheld',
        reply: 'open',
      });
      const [entry] = await t.dataSource.query(`SELECT after FROM audit_entries WHERE subject_id = $1 AND action LIKE 'thread.%'`, [thread.id]);
      expect(entry.after.flagsUpheld).toBe(2);
      // The reply's flag is still the moderators' to decide, and is in the queue.
      expect(expectData<{ edges: { node: { kind: string; id: string } }[] }>(await moderator.send(QUEUE, { boardId: board.id }), 'moderationQueue').edges.map((e) => e.node.id)).toEqual([onReply.id]);
    });
  });

  describe('a duplicate whose original is taken down later', () => {
    const DUPLICATE_OF = `query ($id: ID) { thread(id: $id) { isLocked duplicateOfId } }`;

    it('links readers to the original only while they can read it: none while it is removed, back when restored', async () => {
      const asker = await member('Original asker');
      const board = await forum.board();
      const original = await forum.thread(asker.client, board.id);
      const duplicate = await forum.thread(asker.client, board.id);
      expectData(await moderator.send(DUPLICATE, { input: { threadId: duplicate.id, duplicateOfThreadId: original.id } }), 'markThreadDuplicate');
      expect(expectData(await t.delivery().send(DUPLICATE_OF, { id: duplicate.id }), 'thread')).toEqual({ isLocked: true, duplicateOfId: original.id });

      expectData(await moderator.send(REMOVE, { input: { threadId: original.id, reason: 'spam' } }), 'removeContent');

      expect(expectData(await t.delivery().send(DUPLICATE_OF, { id: duplicate.id }), 'thread')).toEqual({ isLocked: true, duplicateOfId: null });
      // The link itself is kept (moderators see it; the audit entry has it): restoring the original shows it again.
      expect((await t.dataSource.query(`SELECT duplicate_of_id FROM threads WHERE id = $1`, [duplicate.id]))[0].duplicate_of_id).toBe(original.id);
      expectData(await moderator.send(RESTORE, { input: { threadId: original.id } }), 'restoreContent');
      expect(expectData(await t.delivery().send(DUPLICATE_OF, { id: duplicate.id }), 'thread')).toEqual({ isLocked: true, duplicateOfId: original.id });
    });
  });

  it('accepting then hiding the accepted answer unsolves the thread (checked: no defect)', async () => {
    const asker = await member('Solved asker');
    const replier = await member('Answerer');
    const board = await forum.board();
    const thread = await forum.thread(asker.client, board.id);
    const answer = await forum.reply(replier.client, thread.id, 'The answer.');
    expectData(await asker.client.send(ACCEPT, { input: { postId: answer.id } }), 'acceptAnswer');
    expectData(await moderator.send(HIDE, { input: { postId: answer.id } }), 'hideContent');
    expect((await t.dataSource.query(`SELECT is_solved, accepted_post_id FROM threads WHERE id = $1`, [thread.id]))[0]).toEqual({ is_solved: false, accepted_post_id: null });
  });
});
