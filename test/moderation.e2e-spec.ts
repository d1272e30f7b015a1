import { Role } from '../src/users/role.enum';
import { ForumRows } from './factories/moderation-forum';
import { createTestApp, GraphqlResponse, TestApp, TestUser } from './support/create-test-app';
import { eventually } from './support/eventually';

const QUEUE = `query ($first: Int, $after: String, $boardId: ID, $reason: String, $kinds: [ModerationQueueItemKind!]) {
  moderationQueue(first: $first, after: $after, boardId: $boardId, reason: $reason, kinds: $kinds) {
    totalCount counts { reason count }
    pageInfo { hasNextPage endCursor }
    edges { cursor node { kind id reason boardId boardName threadId threadTitle postId excerpt author { id displayName trustLevel }
      flag { kind note flagger { id } flaggerAccuracy { upheld rejected accuracy } } } }
  }
}`;
const APPROVE = `mutation ($input: ContentActionInput!) { approveContent(input: $input) { threadId postId } }`;
const REJECT = `mutation ($input: RejectContentInput!) { rejectContent(input: $input) { threadId postId } }`;
const HIDE = `mutation ($input: ContentActionInput!) { hideContent(input: $input) { threadId postId } }`;
const RESTORE = `mutation ($input: ContentActionInput!) { restoreContent(input: $input) { threadId postId } }`;
const REMOVE = `mutation ($input: ContentActionInput!) { removeContent(input: $input) { threadId postId } }`;
const LOCK = `mutation ($input: ThreadActionInput!) { lockThread(input: $input) { threadId } }`;
const UNLOCK = `mutation ($input: ThreadActionInput!) { unlockThread(input: $input) { threadId } }`;
const PIN = `mutation ($input: ThreadActionInput!) { pinThread(input: $input) { threadId } }`;
const MOVE = `mutation ($input: MoveThreadInput!) { moveThread(input: $input) { threadId } }`;
const MERGE = `mutation ($input: MergeThreadsInput!) { mergeThreads(input: $input) { threadId } }`;
const DUPLICATE = `mutation ($input: MarkDuplicateInput!) { markThreadDuplicate(input: $input) { threadId } }`;
const UPHOLD = `mutation ($input: UpholdFlagInput!) { upholdFlag(input: $input) { id status resolvedAt } }`;
const REJECT_FLAG = `mutation ($input: ResolveFlagInput!) { rejectFlag(input: $input) { id status } }`;
const STAFF_EDIT = `mutation ($input: StaffEditPostInput!) { editPostAsStaff(input: $input) { postId } }`;
const SILENCE = `mutation ($input: RestrictMemberInput!) { silenceMember(input: $input) { id silencedUntil } }`;
const SUSPEND = `mutation ($input: RestrictMemberInput!) { suspendMember(input: $input) { id suspendedUntil } }`;
const UNSUSPEND = `mutation ($input: LiftRestrictionInput!) { unsuspendMember(input: $input) { id suspendedUntil } }`;
const UNSILENCE = `mutation ($input: LiftRestrictionInput!) { unsilenceMember(input: $input) { id silencedUntil } }`;
const AUDIT = `query ($first: Int, $after: String, $filter: AuditLogFilterInput) {
  auditLog(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id occurredAt actor { id displayName } actorRule action targetKind targetId reason beforeJson afterJson } }
  }
}`;
const AUDIT_CSV = `query ($filter: AuditLogFilterInput) { auditLogCsv(filter: $filter) { csv rowCount truncated } }`;

function code(res: GraphqlResponse): string | undefined {
  return res.errors?.[0]?.extensions.code;
}

describe('moderation (admin API)', () => {
  let t: TestApp;
  let forum: ForumRows;
  let moderator: TestUser;
  let modToken: string;
  let author: TestUser;
  let flagger: TestUser;
  let boardId: string;

  const mod = () => t.admin(modToken);
  const status = async (table: 'threads' | 'posts', id: string): Promise<string> => (await t.dataSource.query(`SELECT status FROM ${table} WHERE id = $1`, [id]))[0]?.status;
  const auditFor = async (subjectId: string) =>
    t.dataSource.query(`SELECT actor_id, actor_rule, action, reason, before, after FROM audit_entries WHERE subject_id = $1 ORDER BY occurred_at, id`, [subjectId]);

  beforeAll(async () => {
    t = await createTestApp();
    forum = new ForumRows(t.dataSource);
    moderator = await t.createUser({ role: Role.Moderator, displayName: 'Mia Moderator' });
    modToken = await t.login(moderator);
    author = await t.createUser({ displayName: 'Ann Author' });
    flagger = await t.createUser({ displayName: 'Fred Flagger' });
    boardId = await forum.board({ name: 'General' });
  });
  afterAll(() => t.close());

  describe('the audit log is append-only at the database level', () => {
    it('refuses UPDATE, DELETE and TRUNCATE', async () => {
      const { threadId } = await forum.thread({ boardId, authorId: author.user.id });
      expect(code(await mod().send(LOCK, { input: { threadId, reason: 'heated' } }))).toBeUndefined();
      await expect(t.dataSource.query(`UPDATE audit_entries SET reason = 'forged' WHERE subject_id = $1`, [threadId])).rejects.toThrow(/append-only/);
      await expect(t.dataSource.query(`DELETE FROM audit_entries WHERE subject_id = $1`, [threadId])).rejects.toThrow(/append-only/);
      await expect(t.dataSource.query(`TRUNCATE audit_entries`)).rejects.toThrow(/append-only/);
      expect(await auditFor(threadId)).toEqual([
        expect.objectContaining({ actor_id: moderator.user.id, action: 'thread.lock', reason: 'heated', before: { isLocked: false }, after: { isLocked: true } }),
      ]);
    });
  });

  describe('queue', () => {
    let queueBoard: string;
    let otherBoard: string;
    let heldThread: { threadId: string; questionId: string };
    let heldReply: string;
    let flagId: string;

    beforeAll(async () => {
      queueBoard = await forum.board({ name: 'Queue board' });
      otherBoard = await forum.board({ name: 'Other board' });
      const base = Date.now() - 60_000;
      heldThread = await forum.thread({ boardId: queueBoard, authorId: author.user.id, status: 'pending', heldReason: 'board:hold_all', body: 'Buy cheap pills', createdAt: new Date(base) });
      const visible = await forum.thread({ boardId: queueBoard, authorId: author.user.id, createdAt: new Date(base) });
      heldReply = await forum.reply({ threadId: visible.threadId, authorId: author.user.id, status: 'pending', heldReason: 'auto:links', body: 'see http://a http://b', createdAt: new Date(base + 1000) });
      const flagged = await forum.reply({ threadId: visible.threadId, authorId: author.user.id, body: 'rude words', createdAt: new Date(base + 1500) });
      flagId = await forum.flag({ threadId: visible.threadId, postId: flagged, flaggerId: flagger.user.id, kind: 'offensive', note: 'insults', createdAt: new Date(base + 2000) });
      // The flagger's record: 3 upheld, 1 rejected earlier.
      for (const s of ['upheld', 'upheld', 'upheld', 'rejected']) {
        const th = await forum.thread({ boardId: otherBoard, authorId: author.user.id });
        await forum.flag({ threadId: th.threadId, flaggerId: flagger.user.id, status: s });
      }
      await forum.thread({ boardId: otherBoard, authorId: author.user.id, status: 'pending', heldReason: 'auto:trust_level_0' });
    });

    it('lists pending threads, pending replies and open flags oldest first, with why and the flagger accuracy', async () => {
      const res = await mod().send(QUEUE, { boardId: queueBoard });
      expect(res.errors).toBeUndefined();
      const queue = res.data!.moderationQueue;
      expect(queue.edges.map((e: any) => [e.node.kind, e.node.reason])).toEqual([
        ['Thread', 'board:hold_all'],
        ['Post', 'auto:links'],
        ['Flag', 'flag:offensive'],
      ]);
      const [thread, reply, flag] = queue.edges.map((e: any) => e.node);
      expect(thread).toMatchObject({ id: heldThread.threadId, boardName: 'Queue board', excerpt: 'Buy cheap pills', author: { id: author.user.id, displayName: 'Ann Author', trustLevel: 0 } });
      expect(reply).toMatchObject({ id: heldReply, postId: heldReply });
      expect(flag).toMatchObject({ id: flagId, flag: { kind: 'Offensive', note: 'insults', flagger: { id: flagger.user.id }, flaggerAccuracy: { upheld: 3, rejected: 1, accuracy: 0.75 } } });
      expect(queue.totalCount).toBe(3);
      expect(queue.counts).toEqual(expect.arrayContaining([{ reason: 'board:hold_all', count: 1 }, { reason: 'auto:links', count: 1 }, { reason: 'flag:offensive', count: 1 }]));
    });

    it('filters by reason and pages with a cursor', async () => {
      const byReason = await mod().send(QUEUE, { reason: 'auto:links' });
      expect(byReason.data!.moderationQueue.edges.map((e: any) => e.node.id)).toEqual([heldReply]);
      const first = await mod().send(QUEUE, { boardId: queueBoard, first: 2 });
      expect(first.data!.moderationQueue.pageInfo.hasNextPage).toBe(true);
      const second = await mod().send(QUEUE, { boardId: queueBoard, first: 2, after: first.data!.moderationQueue.pageInfo.endCursor });
      expect(second.data!.moderationQueue.edges.map((e: any) => e.node.id)).toEqual([flagId]);
      expect(second.data!.moderationQueue.pageInfo.hasNextPage).toBe(false);
      expect(code(await mod().send(QUEUE, { after: 'garbage' }))).toBe('BAD_USER_INPUT');
    });

    it('filters by any set of kinds, each item as in the whole queue', async () => {
      const whole = (await mod().send(QUEUE, { boardId: queueBoard })).data!.moderationQueue.edges.map((e: any) => e.node);
      for (const kinds of [['Thread'], ['Post'], ['Flag'], ['Post', 'Flag'], ['Flag', 'Thread'], ['Thread', 'Post', 'Flag']]) {
        const res = await mod().send(QUEUE, { boardId: queueBoard, kinds });
        expect(res.errors).toBeUndefined();
        expect(res.data!.moderationQueue.edges.map((e: any) => e.node)).toEqual(whole.filter((node: any) => kinds.includes(node.kind)));
        const paged = await mod().send(QUEUE, { boardId: queueBoard, kinds, first: 1, after: res.data!.moderationQueue.edges[0].cursor });
        expect(paged.errors).toBeUndefined();
      }
    });

    it('is refused to anonymous callers and members', async () => {
      expect(code(await t.admin().send(QUEUE))).toBe('UNAUTHENTICATED');
      const memberToken = await t.login(flagger);
      const res = await t.admin(memberToken).send(QUEUE);
      expect(['FORBIDDEN', 'UNAUTHENTICATED']).toContain(code(res));
    });
  });

  describe('content actions', () => {
    it('approves a pending reply: visible, counted, audited; approving again is a CONFLICT', async () => {
      const { threadId } = await forum.thread({ boardId, authorId: author.user.id });
      const replyId = await forum.reply({ threadId, authorId: author.user.id, status: 'pending', heldReason: 'board:hold_all' });
      const res = await mod().send(APPROVE, { input: { postId: replyId, reason: 'fine' } });
      expect(res.data?.approveContent).toEqual({ threadId, postId: replyId });
      expect(await status('posts', replyId)).toBe('visible');
      expect((await t.dataSource.query(`SELECT reply_count FROM threads WHERE id = $1`, [threadId]))[0].reply_count).toBe(1);
      expect(await auditFor(replyId)).toEqual([
        expect.objectContaining({ actor_id: moderator.user.id, action: 'post.approve', reason: 'fine', before: { status: 'pending', heldReason: 'board:hold_all' } }),
      ]);
      const again = await mod().send(APPROVE, { input: { postId: replyId } });
      expect(code(again)).toBe('CONFLICT');
      expect(again.errors![0].extensions).toMatchObject({ reason: 'INVALID_STATUS', status: 'visible' });
      expect(await auditFor(replyId)).toHaveLength(1);
    });

    it('approves a pending thread with its question', async () => {
      const { threadId, questionId } = await forum.thread({ boardId, authorId: author.user.id, status: 'pending', heldReason: 'board:hold_all' });
      expect(code(await mod().send(APPROVE, { input: { threadId } }))).toBeUndefined();
      expect(await status('threads', threadId)).toBe('visible');
      expect(await status('posts', questionId)).toBe('visible');
    });

    it('hides, restores and removes; a removed target cannot be removed or hidden again', async () => {
      const { threadId } = await forum.thread({ boardId, authorId: author.user.id });
      const replyId = await forum.reply({ threadId, authorId: author.user.id });
      const openFlag = await forum.flag({ threadId, postId: replyId, flaggerId: flagger.user.id });
      expect(code(await mod().send(HIDE, { input: { postId: replyId } }))).toBeUndefined();
      expect(await status('posts', replyId)).toBe('hidden');
      // Hiding agreed with the open flag on it.
      expect((await t.dataSource.query(`SELECT status FROM flags WHERE id = $1`, [openFlag]))[0].status).toBe('upheld');
      expect(code(await mod().send(RESTORE, { input: { postId: replyId } }))).toBeUndefined();
      expect(code(await mod().send(REMOVE, { input: { postId: replyId, reason: 'spam' } }))).toBeUndefined();
      expect(code(await mod().send(REMOVE, { input: { postId: replyId } }))).toBe('CONFLICT');
      expect(code(await mod().send(HIDE, { input: { postId: replyId } }))).toBe('CONFLICT');
      expect((await t.dataSource.query(`SELECT reply_count FROM threads WHERE id = $1`, [threadId]))[0].reply_count).toBe(0);
      expect((await auditFor(replyId)).map((e: any) => e.action)).toEqual(['post.hide', 'post.restore', 'post.remove']);
    });

    it('answers NOT_FOUND for unknown targets and BAD_USER_INPUT for no or two targets', async () => {
      expect(code(await mod().send(HIDE, { input: { postId: '00000000-0000-4000-8000-000000000000' } }))).toBe('NOT_FOUND');
      expect(code(await mod().send(HIDE, { input: {} }))).toBe('BAD_USER_INPUT');
      const { threadId, questionId } = await forum.thread({ boardId, authorId: author.user.id });
      expect(code(await mod().send(HIDE, { input: { threadId, postId: questionId } }))).toBe('BAD_USER_INPUT');
      expect(code(await mod().send(REJECT, { input: { threadId, reason: '' } }))).toBe('BAD_USER_INPUT');
    });

    it('silences a member automatically after repeated rejections, under the rule name', async () => {
      const repeat = await t.createUser({ displayName: 'Rita Repeat' });
      const { threadId } = await forum.thread({ boardId, authorId: author.user.id });
      for (let i = 0; i < 3; i++) {
        const replyId = await forum.reply({ threadId, authorId: repeat.user.id, status: 'pending', heldReason: 'auto:links' });
        expect(code(await mod().send(REJECT, { input: { postId: replyId, reason: `spam ${i}` } }))).toBeUndefined();
      }
      const [user] = await t.dataSource.query(`SELECT silenced_until FROM users WHERE id = $1`, [repeat.user.id]);
      expect(user.silenced_until.getTime()).toBeGreaterThan(Date.now() + 71 * 3600_000);
      expect(await auditFor(repeat.user.id)).toEqual([
        expect.objectContaining({ actor_id: null, actor_rule: 'auto:repeated-rejections', action: 'user.silence', reason: '3 posts rejected within 30 days' }),
      ]);
    });
  });

  describe('thread actions', () => {
    it('locks, refuses a second lock, unlocks and pins', async () => {
      const { threadId } = await forum.thread({ boardId, authorId: author.user.id });
      expect(code(await mod().send(LOCK, { input: { threadId } }))).toBeUndefined();
      expect(code(await mod().send(LOCK, { input: { threadId } }))).toBe('CONFLICT');
      expect(code(await mod().send(UNLOCK, { input: { threadId } }))).toBeUndefined();
      expect(code(await mod().send(PIN, { input: { threadId } }))).toBeUndefined();
      const [row] = await t.dataSource.query(`SELECT is_locked, is_pinned FROM threads WHERE id = $1`, [threadId]);
      expect(row).toEqual({ is_locked: false, is_pinned: true });
    });

    it('moves a thread to another board, refusing unknown and same boards', async () => {
      const { threadId } = await forum.thread({ boardId, authorId: author.user.id });
      const target = await forum.board();
      expect(code(await mod().send(MOVE, { input: { threadId, boardId } }))).toBe('BAD_USER_INPUT');
      expect(code(await mod().send(MOVE, { input: { threadId, boardId: '00000000-0000-4000-8000-000000000000' } }))).toBe('NOT_FOUND');
      expect(code(await mod().send(MOVE, { input: { threadId, boardId: target } }))).toBeUndefined();
      expect((await t.dataSource.query(`SELECT board_id FROM threads WHERE id = $1`, [threadId]))[0].board_id).toBe(target);
    });

    it('merges a thread into another: posts move, the old slug redirects, the source is gone', async () => {
      const source = await forum.thread({ boardId, authorId: author.user.id });
      const sourceReply = await forum.reply({ threadId: source.threadId, authorId: flagger.user.id });
      const target = await forum.thread({ boardId, authorId: author.user.id });
      await forum.reply({ threadId: target.threadId, authorId: author.user.id });
      const threadFlag = await forum.flag({ threadId: source.threadId, flaggerId: flagger.user.id, kind: 'off_topic' });

      expect(code(await mod().send(MERGE, { input: { sourceThreadId: source.threadId, targetThreadId: source.threadId } }))).toBe('BAD_USER_INPUT');
      const res = await mod().send(MERGE, { input: { sourceThreadId: source.threadId, targetThreadId: target.threadId, reason: 'same question' } });
      expect(res.data?.mergeThreads).toEqual({ threadId: target.threadId });

      const posts = await t.dataSource.query(`SELECT id, is_question FROM posts WHERE thread_id = $1 ORDER BY created_at`, [target.threadId]);
      expect(posts).toHaveLength(4);
      expect(posts.filter((p: any) => p.is_question)).toEqual([{ id: target.questionId, is_question: true }]);
      expect(posts.map((p: any) => p.id)).toEqual(expect.arrayContaining([source.questionId, sourceReply]));
      expect(await t.dataSource.query(`SELECT 1 FROM threads WHERE id = $1`, [source.threadId])).toEqual([]);
      expect(await t.dataSource.query(`SELECT thread_id FROM thread_slug_redirects WHERE slug = $1`, [source.slug])).toEqual([{ thread_id: target.threadId }]);
      // Replies moved: the source's question and reply are now replies of the target.
      expect((await t.dataSource.query(`SELECT reply_count FROM threads WHERE id = $1`, [target.threadId]))[0].reply_count).toBe(3);
      // The flag on the source thread follows its question post.
      expect((await t.dataSource.query(`SELECT target_kind, thread_id, post_id FROM flags WHERE id = $1`, [threadFlag]))[0]).toEqual({
        target_kind: 'post',
        thread_id: target.threadId,
        post_id: source.questionId,
      });
      const [entry] = await auditFor(source.threadId);
      expect(entry).toMatchObject({ action: 'thread.merge', reason: 'same question', before: { slug: source.slug }, after: { mergedIntoThreadId: target.threadId, postsMoved: 2 } });
      // The source is gone: acting on it again is NOT_FOUND.
      expect(code(await mod().send(MERGE, { input: { sourceThreadId: source.threadId, targetThreadId: target.threadId } }))).toBe('NOT_FOUND');
    });

    it('marks a duplicate: linked, locked, open duplicate flags upheld', async () => {
      const original = await forum.thread({ boardId, authorId: author.user.id });
      const dup = await forum.thread({ boardId, authorId: flagger.user.id });
      const dupFlag = await forum.flag({ threadId: dup.threadId, flaggerId: author.user.id, kind: 'duplicate', duplicateOfThreadId: original.threadId });
      expect(code(await mod().send(DUPLICATE, { input: { threadId: dup.threadId, duplicateOfThreadId: dup.threadId } }))).toBe('BAD_USER_INPUT');
      expect(code(await mod().send(DUPLICATE, { input: { threadId: dup.threadId, duplicateOfThreadId: original.threadId } }))).toBeUndefined();
      expect((await t.dataSource.query(`SELECT duplicate_of_id, is_locked FROM threads WHERE id = $1`, [dup.threadId]))[0]).toEqual({ duplicate_of_id: original.threadId, is_locked: true });
      expect((await t.dataSource.query(`SELECT status FROM flags WHERE id = $1`, [dupFlag]))[0].status).toBe('upheld');
    });
    describe('duplicate links never form a cycle', () => {
      const duplicateOf = async (threadId: string): Promise<string | null> =>
        (await t.dataSource.query(`SELECT duplicate_of_id FROM threads WHERE id = $1`, [threadId]))[0].duplicate_of_id;
      const mark = (threadId: string, duplicateOfThreadId: string) => mod().send(DUPLICATE, { input: { threadId, duplicateOfThreadId } });
      /** Follows the links from each thread; true when one comes back to where it started. */
      const hasCycle = async (threadIds: string[]): Promise<boolean> => {
        for (const start of threadIds) {
          const seen = new Set<string>([start]);
          for (let at = await duplicateOf(start); at !== null; at = await duplicateOf(at)) {
            if (seen.has(at)) return true;
            seen.add(at);
          }
        }
        return false;
      };

      it('refuses to mark the original a duplicate of its own duplicate, directly or along a chain (CONFLICT DUPLICATE_CYCLE)', async () => {
        const [a, b, c] = await Promise.all([1, 2, 3].map(() => forum.thread({ boardId, authorId: author.user.id })));
        expect(code(await mark(a.threadId, b.threadId))).toBeUndefined();
        const direct = await mark(b.threadId, a.threadId);
        expect(direct.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'DUPLICATE_CYCLE', duplicateOfThreadId: a.threadId });
        expect(await duplicateOf(b.threadId)).toBeNull();
        expect(code(await mark(b.threadId, c.threadId))).toBeUndefined();
        expect(code(await mark(c.threadId, a.threadId))).toBe('CONFLICT');
        expect(await duplicateOf(c.threadId)).toBeNull();
        expect(await hasCycle([a.threadId, b.threadId, c.threadId])).toBe(false);
      });

      it('keeps the links acyclic when moderators mark a ring of threads at the same moment', async () => {
        for (let round = 0; round < 3; round += 1) {
          const ring = await Promise.all([1, 2, 3, 4].map(() => forum.thread({ boardId, authorId: author.user.id })));
          const answers = await Promise.all(ring.map((thread, i) => mark(thread.threadId, ring[(i + 1) % ring.length].threadId)));
          for (const res of answers) expect([undefined, 'CONFLICT']).toContain(code(res));
          expect(answers.filter((res) => code(res) === undefined).length).toBe(3);
          expect(await hasCycle(ring.map((thread) => thread.threadId))).toBe(false);
        }
      });

      it('answers a transaction PostgreSQL rolls back in a deadlock CONFLICT CONCURRENT_CHANGE, saving nothing', async () => {
        const [a, b] = await Promise.all([1, 2].map(() => forum.thread({ boardId, authorId: author.user.id })));
        const other = t.dataSource.createQueryRunner();
        await other.connect();
        try {
          await other.startTransaction();
          // This side waits 10 s before checking for a deadlock, so the API's transaction (1 s) is the one rolled back.
          await other.query(`SET LOCAL deadlock_timeout = '10s'`);
          // The API's transaction takes the duplicate-links lock, then waits for the thread this side holds; this side
          // then asks for the duplicate-links lock.
          await other.query(`SELECT 1 FROM threads WHERE id = $1 FOR UPDATE`, [a.threadId]);
          const marking = mark(a.threadId, b.threadId);
          await eventually(async () => {
            const waiting = await t.dataSource.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`);
            expect(waiting.length).toBe(1);
          }, 10_000);
          await other.query(`SELECT pg_advisory_xact_lock(hashtextextended('forum:duplicate-links', 0))`);
          const res = await marking;
          expect(res.errors?.[0]?.extensions).toEqual({ code: 'CONFLICT', reason: 'CONCURRENT_CHANGE' });
          await other.commitTransaction();
        } finally {
          if (other.isTransactionActive) await other.rollbackTransaction();
          await other.release();
        }
        expect(await duplicateOf(a.threadId)).toBeNull();
        expect(code(await mark(a.threadId, b.threadId))).toBeUndefined();
      });

      it('a merge into a thread that was marked a duplicate along the merged thread leaves no cycle', async () => {
        const [target, middle, source] = await Promise.all([1, 2, 3].map(() => forum.thread({ boardId, authorId: author.user.id })));
        // target → middle → source; merging source into target would point middle at target.
        expect(code(await mark(target.threadId, middle.threadId))).toBeUndefined();
        expect(code(await mark(middle.threadId, source.threadId))).toBeUndefined();
        expect(code(await mod().send(MERGE, { input: { sourceThreadId: source.threadId, targetThreadId: target.threadId } }))).toBeUndefined();
        expect(await duplicateOf(middle.threadId)).toBe(target.threadId);
        expect(await duplicateOf(target.threadId)).toBeNull();
        expect(await hasCycle([target.threadId, middle.threadId])).toBe(false);
      });
    });
  });

  describe('flags', () => {
    it('upholds a flag and hides the post in one step, rejects another; accuracy follows', async () => {
      const picky = await t.createUser({ displayName: 'Pat Picky' });
      const { threadId } = await forum.thread({ boardId, authorId: author.user.id });
      const bad = await forum.reply({ threadId, authorId: author.user.id });
      const fine = await forum.reply({ threadId, authorId: author.user.id });
      const flagA = await forum.flag({ threadId, postId: bad, flaggerId: picky.user.id });
      const flagB = await forum.flag({ threadId, postId: fine, flaggerId: picky.user.id, kind: 'other', note: 'I dislike it' });
      const upheld = await mod().send(UPHOLD, { input: { flagId: flagA, then: 'Hide', reason: 'spam indeed' } });
      expect(upheld.data?.upholdFlag).toMatchObject({ id: flagA, status: 'Upheld' });
      expect(await status('posts', bad)).toBe('hidden');
      expect((await mod().send(REJECT_FLAG, { input: { flagId: flagB } })).data?.rejectFlag).toMatchObject({ status: 'Rejected' });
      expect(code(await mod().send(REJECT_FLAG, { input: { flagId: flagB } }))).toBe('CONFLICT');
      const [acc] = await t.dataSource.query(
        `SELECT count(*) FILTER (WHERE status = 'upheld')::int AS upheld, count(*) FILTER (WHERE status = 'rejected')::int AS rejected FROM flags WHERE flagger_id = $1`,
        [picky.user.id],
      );
      expect(acc).toEqual({ upheld: 1, rejected: 1 });
      expect((await auditFor(flagA)).map((e: any) => e.action)).toEqual(['flag.uphold']);
      expect((await auditFor(bad)).map((e: any) => e.action)).toEqual(['post.hide']);
    });
  });

  describe('staff edits', () => {
    it('records a revision by the staff member with the reason; a stale base is a CONFLICT', async () => {
      const { threadId } = await forum.thread({ boardId, authorId: author.user.id });
      const replyId = await forum.reply({ threadId, authorId: author.user.id, body: 'my phone is 555-1234' });
      const res = await mod().send(STAFF_EDIT, { input: { postId: replyId, bodyMarkdown: 'my phone is [removed]', reason: 'personal data', baseRevisionNumber: 1 } });
      expect(res.errors).toBeUndefined();
      const revisions = await t.dataSource.query(`SELECT number, editor_id, reason, body_markdown FROM post_revisions WHERE post_id = $1 ORDER BY number`, [replyId]);
      expect(revisions).toEqual([
        { number: 1, editor_id: author.user.id, reason: null, body_markdown: 'my phone is 555-1234' },
        { number: 2, editor_id: moderator.user.id, reason: 'personal data', body_markdown: 'my phone is [removed]' },
      ]);
      expect((await t.dataSource.query(`SELECT body_markdown, revision_number FROM posts WHERE id = $1`, [replyId]))[0]).toEqual({ body_markdown: 'my phone is [removed]', revision_number: 2 });
      expect(code(await mod().send(STAFF_EDIT, { input: { postId: replyId, bodyMarkdown: 'x', reason: 'again', baseRevisionNumber: 1 } }))).toBe('CONFLICT');
    });
  });

  describe('members', () => {
    it('suspends a member (no sign-in, no session, no posting) and lifts it', async () => {
      const member = await t.createUser({ displayName: 'Sam Suspended' });
      const token = await t.login(member);
      const until = new Date(Date.now() + 86400_000).toISOString();
      const res = await mod().send(SUSPEND, { input: { userId: member.user.id, until, reason: 'abuse' } });
      expect(res.data?.suspendMember.suspendedUntil).toBe(until);
      const login = await t.delivery().send(`mutation ($input: LoginInput!) { login(input: $input) { accessToken } }`, { input: { email: member.user.email, password: member.password } });
      expect(code(login)).toBe('FORBIDDEN');
      expect(login.errors![0].extensions).toMatchObject({ reason: 'SUSPENDED', until });
      // A session started before ends at once (decision 0033; test/sessions-audit-2026-12.e2e-spec.ts has the rest).
      const asked = await t.delivery(token).send(`mutation ($input: AskQuestionInput!) { askQuestion(input: $input) { id } }`, {
        input: { boardId, title: 'Still here?', bodyMarkdown: 'Can I post?' },
      });
      expect(asked.errors?.[0]).toMatchObject({ message: `This account is suspended until ${until}`, extensions: { code: 'UNAUTHENTICATED' } });
      expect(code(await mod().send(UNSUSPEND, { input: { userId: member.user.id } }))).toBeUndefined();
      expect(code(await mod().send(UNSUSPEND, { input: { userId: member.user.id } }))).toBe('CONFLICT');
      await t.login(member);
      expect((await auditFor(member.user.id)).map((e: any) => [e.action, e.reason])).toEqual([['user.suspend', 'abuse'], ['user.unsuspend', null]]);
    });

    it('silences and unsilences; refuses a past date and staff targets', async () => {
      const member = await t.createUser();
      expect(code(await mod().send(SILENCE, { input: { userId: member.user.id, until: new Date(Date.now() - 1000).toISOString(), reason: 'x' } }))).toBe('BAD_USER_INPUT');
      const editor = await t.createUser({ role: Role.Editor });
      expect(code(await mod().send(SILENCE, { input: { userId: editor.user.id, until: new Date(Date.now() + 1000_000).toISOString(), reason: 'x' } }))).toBe('FORBIDDEN');
      expect(code(await mod().send(SILENCE, { input: { userId: member.user.id, until: new Date(Date.now() + 1000_000).toISOString(), reason: 'rude' } }))).toBeUndefined();
      expect((await mod().send(UNSILENCE, { input: { userId: member.user.id } })).data?.unsilenceMember.silencedUntil).toBeNull();
    });
  });

  describe('auto-moderation on the delivery API (default settings)', () => {
    const ASK_Q = `mutation ($input: AskQuestionInput!) { askQuestion(input: $input) { id status } }`;
    const REPLY_Q = `mutation ($input: ReplyInput!) { replyToThread(input: $input) { id status } }`;

    it('holds a question with too many links: pending, in the queue under the rule, audited under its name', async () => {
      const member = await t.createUser();
      const client = t.delivery(await t.login(member));
      const links = Array.from({ length: 6 }, (_, i) => `http://shop${i}.example`).join(' ');
      const res = await client.send(ASK_Q, { input: { boardId, title: 'Great deals', bodyMarkdown: `Look: ${links}` } });
      expect(res.errors).toBeUndefined();
      const thread = res.data!.askQuestion;
      expect(thread.status).toBe('Pending');
      const queue = await mod().send(QUEUE, { reason: 'auto:links', kinds: ['Thread'] });
      expect(queue.data!.moderationQueue.edges.map((e: any) => e.node.id)).toContain(thread.id);
      expect(await auditFor(thread.id)).toEqual([
        expect.objectContaining({ actor_id: null, actor_rule: 'auto:links', action: 'thread.hold', after: { status: 'pending', rules: ['auto:links'] } }),
      ]);
    });

    it('lets 20 of 30 parallel questions by one member through, the rest RATE_LIMITED with a retry time, writing nothing for them', async () => {
      const member = await t.createUser();
      const client = t.delivery(await t.login(member));
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => client.send(ASK_Q, { input: { boardId, title: `Parallel question ${i}`, bodyMarkdown: `Question body number ${i}` } })),
      );
      const passed = results.filter((r) => !r.errors);
      const limited = results.filter((r) => code(r) === 'RATE_LIMITED');
      expect(passed).toHaveLength(20);
      expect(limited).toHaveLength(10);
      for (const r of limited) expect(r.errors![0].extensions.retryAfterSeconds).toEqual(expect.any(Number));
      const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM posts WHERE author_id = $1`, [member.user.id]);
      expect(count).toBe(20);
    });

    it('takes 10 parallel replies by different members to one thread, every one counted', async () => {
      const { threadId } = await forum.thread({ boardId, authorId: author.user.id });
      const clients = await Promise.all(Array.from({ length: 10 }, async () => t.delivery(await t.login(await t.createUser()))));
      const results = await Promise.all(clients.map((client, i) => client.send(REPLY_Q, { input: { threadId, bodyMarkdown: `Parallel reply ${i}` } })));
      expect(results.map((r) => code(r) ?? 'ok')).toEqual(Array(10).fill('ok'));
      expect((await t.dataSource.query(`SELECT reply_count FROM threads WHERE id = $1`, [threadId]))[0].reply_count).toBe(10);
    });

    it('refuses a reply to an unknown thread with NOT_FOUND, not a hold', async () => {
      const member = await t.createUser();
      const client = t.delivery(await t.login(member));
      const res = await client.send(REPLY_Q, { input: { threadId: '00000000-0000-4000-8000-000000000000', bodyMarkdown: 'hello there' } });
      expect(code(res)).toBe('NOT_FOUND');
    });
  });

  describe('audit log query and CSV', () => {
    it('filters by actor, rule, action, target and time, newest first, with cursor pages', async () => {
      const { threadId } = await forum.thread({ boardId, authorId: author.user.id });
      await mod().send(LOCK, { input: { threadId } });
      await mod().send(UNLOCK, { input: { threadId } });
      await mod().send(PIN, { input: { threadId } });
      const byTarget = await mod().send(AUDIT, { filter: { targetId: threadId }, first: 2 });
      expect(byTarget.errors).toBeUndefined();
      const log = byTarget.data!.auditLog;
      expect(log.totalCount).toBe(3);
      expect(log.edges.map((e: any) => e.node.action)).toEqual(['thread.pin', 'thread.unlock']);
      expect(log.edges[0].node.actor).toEqual({ id: moderator.user.id, displayName: 'Mia Moderator' });
      const next = await mod().send(AUDIT, { filter: { targetId: threadId }, first: 2, after: log.pageInfo.endCursor });
      expect(next.data!.auditLog.edges.map((e: any) => e.node.action)).toEqual(['thread.lock']);
      expect(next.data!.auditLog.pageInfo.hasNextPage).toBe(false);

      const byAction = await mod().send(AUDIT, { filter: { action: 'thread.', actorId: moderator.user.id, from: new Date(Date.now() - 3600_000).toISOString() }, first: 100 });
      expect(byAction.data!.auditLog.edges.every((e: any) => e.node.action.startsWith('thread.'))).toBe(true);
      const byRule = await mod().send(AUDIT, { filter: { actorRule: 'auto:repeated-rejections' } });
      expect(byRule.data!.auditLog.edges.every((e: any) => e.node.actor === null && e.node.actorRule === 'auto:repeated-rejections')).toBe(true);
      const future = await mod().send(AUDIT, { filter: { from: new Date(Date.now() + 3600_000).toISOString() } });
      expect(future.data!.auditLog.totalCount).toBe(0);
      expect(code(await mod().send(AUDIT, { filter: { from: new Date().toISOString(), to: new Date(Date.now() - 1000).toISOString() } }))).toBe('BAD_USER_INPUT');
    });

    it('exports CSV with formula-like cells defused', async () => {
      const { threadId } = await forum.thread({ boardId, authorId: author.user.id });
      await mod().send(LOCK, { input: { threadId, reason: '=HYPERLINK("http://evil.example","click")' } });
      const res = await mod().send(AUDIT_CSV, { filter: { targetId: threadId } });
      expect(res.errors).toBeUndefined();
      const { csv, rowCount, truncated } = res.data!.auditLogCsv;
      expect(rowCount).toBe(1);
      expect(truncated).toBe(false);
      const lines = csv.split('\r\n');
      expect(lines[0]).toBe('occurred_at,actor_id,actor_name,actor_rule,action,target_kind,target_id,reason,before,after,entry_id');
      expect(lines[1]).toContain(`,thread.lock,thread,${threadId},"'=HYPERLINK(""http://evil.example"",""click"")",`);
      expect(csv).not.toMatch(/(^|,)=/m);
    });
  });
});
