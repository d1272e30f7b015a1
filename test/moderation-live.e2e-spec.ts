import { randomBytes } from 'node:crypto';
import { Client } from 'graphql-ws';
import { Role } from '../src/users/role.enum';
import { FLAG, FOLLOW, ForumFactory, UPDATE_BOARD } from './factories/forum';
import { expectData } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';
import { listenForWebsockets, subscribed, SubscriptionProbe, wsClient } from './support/subscriptions';

const QUEUE_CHANGED = `subscription ($boardId: ID) { moderationQueueChanged(boardId: $boardId) { change itemKind itemId boardId reason occurredAt } }`;
const NOTIFICATIONS = `{ notifications(first: 50) { edges { node { kind summary subjectKind subjectId actorName details { key value } } } } }`;
const APPROVE = `mutation ($input: ContentActionInput!) { approveContent(input: $input) { threadId postId } }`;
const REJECT = `mutation ($input: RejectContentInput!) { rejectContent(input: $input) { threadId postId } }`;
const REJECT_FLAG = `mutation ($input: ResolveFlagInput!) { rejectFlag(input: $input) { id status } }`;
const MERGE = `mutation ($input: MergeThreadsInput!) { mergeThreads(input: $input) { threadId } }`;
const DUPLICATE = `mutation ($input: MarkDuplicateInput!) { markThreadDuplicate(input: $input) { threadId } }`;
const SILENCE = `mutation ($input: RestrictMemberInput!) { silenceMember(input: $input) { id silencedUntil } }`;

interface NotificationNode {
  kind: string;
  summary: string;
  subjectKind: string;
  subjectId: string;
  actorName: string | null;
  details: { key: string; value: string | null }[];
}

interface QueueEvent {
  change: string;
  itemKind: string;
  itemId: string;
  boardId: string | null;
  reason: string | null;
}

describe('moderation: live queue and member notifications', () => {
  let t: TestApp;
  let base: string;
  let moderator: GraphqlClient;
  let moderatorToken: string;
  let forum: ForumFactory;
  const clients: Client[] = [];
  const tag = randomBytes(3).toString('hex');

  const member = async (displayName: string): Promise<{ id: string; client: GraphqlClient }> => {
    const user = await t.createUser({ role: Role.Member, displayName: `${displayName} ${tag}` });
    await t.dataSource.query('UPDATE users SET trust_level = 1 WHERE id = $1', [user.user.id]);
    return { id: user.user.id, client: t.delivery(await t.login(user)) };
  };
  const notifications = async (client: GraphqlClient): Promise<NotificationNode[]> =>
    expectData<{ edges: { node: NotificationNode }[] }>(await client.send(NOTIFICATIONS), 'notifications').edges.map((edge) => edge.node);
  const details = (node: NotificationNode): Record<string, string | null> => Object.fromEntries(node.details.map((d) => [d.key, d.value]));
  const watchQueue = async (boardId: string): Promise<SubscriptionProbe<{ moderationQueueChanged: QueueEvent }>> => {
    const client = wsClient(`${base}/admin/graphql`, moderatorToken);
    clients.push(client);
    const probe = new SubscriptionProbe<{ moderationQueueChanged: QueueEvent }>(client, QUEUE_CHANGED, { boardId });
    await subscribed(t, 'moderation-queue-changed', 1);
    return probe;
  };
  const events = (probe: SubscriptionProbe<{ moderationQueueChanged: QueueEvent }>): QueueEvent[] => probe.results.map((r) => r.data!.moderationQueueChanged);

  /** A thread asked while the board is open, then the board holds every member post. */
  const heldBoardWithThread = async (asker: GraphqlClient, title: string) => {
    const board = await forum.board({ name: `Held ${title}` });
    const thread = await forum.thread(asker, board.id, { title });
    expectData(await moderator.send(UPDATE_BOARD, { input: { boardId: board.id, moderationPolicy: 'HoldAll' } }), 'updateBoard');
    return { board, thread };
  };

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
    base = await listenForWebsockets(t);
    const moderatorUser = await t.createUser({ role: Role.Moderator, displayName: `Mo ${tag}` });
    moderatorToken = await t.login(moderatorUser);
    moderator = t.admin(moderatorToken);
    forum = new ForumFactory(moderator);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });
  afterAll(() => t.close());

  it('a moderator watching the queue sees a held post arrive and leave when approved; the approval tells the followers and the author', async () => {
    const asker = await member('Asker');
    const follower = await member('Follower');
    const replier = await member('Replier');
    const { board, thread } = await heldBoardWithThread(asker.client, `Held reply ${tag}`);
    expectData(await follower.client.send(FOLLOW, { input: { threadId: thread.id } }), 'followThread');
    const probe = await watchQueue(board.id);

    const reply = await forum.reply(replier.client, thread.id, 'Try the export button.');
    const added = (await probe.nextResult(1)).data!.moderationQueueChanged;
    expect(added).toEqual(expect.objectContaining({ change: 'Added', itemKind: 'post', itemId: reply.id, boardId: board.id, reason: 'board:hold_all' }));
    // Held: nobody is told yet.
    expect(await notifications(asker.client)).toEqual([]);
    expect(await notifications(follower.client)).toEqual([]);

    expectData(await moderator.send(APPROVE, { input: { postId: reply.id, reason: 'helpful' } }), 'approveContent');
    const removed = (await probe.nextResult(2)).data!.moderationQueueChanged;
    expect(removed).toEqual(expect.objectContaining({ change: 'Removed', itemKind: 'post', itemId: reply.id, boardId: board.id, reason: 'approve' }));

    for (const client of [asker.client, follower.client]) {
      expect(await notifications(client)).toEqual([
        expect.objectContaining({ kind: 'ReplyOnFollowedThread', subjectKind: 'post', subjectId: reply.id, actorName: `Replier ${tag}`, summary: `Held reply ${tag}` }),
      ]);
    }
    const [decision] = await notifications(replier.client);
    expect(decision).toEqual(expect.objectContaining({ kind: 'ModerationDecision', subjectKind: 'post', subjectId: reply.id, actorName: `Mo ${tag}`, summary: `Held reply ${tag}` }));
    expect(details(decision)).toMatchObject({ action: 'approve', reason: 'helpful', targetKind: 'post', targetId: reply.id, threadId: thread.id });
  });

  it('a rejected post tells its author why, and leaves the queue', async () => {
    const asker = await member('Rasker');
    const author = await member('Rejected');
    const { board, thread } = await heldBoardWithThread(asker.client, `Rejected reply ${tag}`);
    const probe = await watchQueue(board.id);
    const reply = await forum.reply(author.client, thread.id, 'Buy cheap watches.');
    await probe.nextResult(1);

    expectData(await moderator.send(REJECT, { input: { postId: reply.id, reason: 'advertising' } }), 'rejectContent');
    expect((await probe.nextResult(2)).data!.moderationQueueChanged).toEqual(expect.objectContaining({ change: 'Removed', itemKind: 'post', itemId: reply.id, reason: 'reject' }));

    const mine = await notifications(author.client);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toEqual(expect.objectContaining({ kind: 'ModerationDecision', subjectKind: 'post', subjectId: reply.id }));
    expect(details(mine[0])).toMatchObject({ action: 'reject', reason: 'advertising' });
    // Rejecting publishes nothing to the thread's followers.
    expect(await notifications(asker.client)).toEqual([]);

    // A long reason (4-byte characters) still fits the notification; the audit entry keeps it whole.
    const second = await forum.reply(author.client, thread.id, 'Buy cheap watches again.');
    const longReason = '😀'.repeat(900);
    expectData(await moderator.send(REJECT, { input: { postId: second.id, reason: longReason } }), 'rejectContent');
    const latest = (await notifications(author.client)).find((n) => n.subjectId === second.id)!;
    expect(details(latest).reason).toMatch(/^(😀)+…$/u);
    const [audit] = await t.dataSource.query(`SELECT reason FROM audit_entries WHERE subject_id = $1 AND action = 'post.reject'`, [second.id]);
    expect(audit.reason).toBe(longReason);
  });

  it('a filed flag reaches the queue watchers, and its resolution removes it', async () => {
    const author = await member('Flagged');
    const flagger = await member('Flagger');
    const board = await forum.board({ name: `Flags ${tag}` });
    const thread = await forum.thread(author.client, board.id, { title: `Flagged thread ${tag}` });
    const reply = await forum.reply(author.client, thread.id, 'Something rude.');
    const probe = await watchQueue(board.id);

    const flag = expectData<{ id: string }>(await flagger.client.send(FLAG, { input: { postId: reply.id, kind: 'Offensive' } }), 'flagContent');
    expect((await probe.nextResult(1)).data!.moderationQueueChanged).toEqual(expect.objectContaining({ change: 'Added', itemKind: 'flag', itemId: flag.id, boardId: board.id }));

    expectData(await moderator.send(REJECT_FLAG, { input: { flagId: flag.id, reason: 'not rude' } }), 'rejectFlag');
    expect((await probe.nextResult(2)).data!.moderationQueueChanged).toEqual(expect.objectContaining({ change: 'Removed', itemKind: 'flag', itemId: flag.id, reason: 'rejected' }));
    expect(events(probe)).toHaveLength(2);
  });

  it('a silenced member is told until when and why', async () => {
    const silenced = await member('Silenced');
    const until = new Date(Date.now() + 86_400_000).toISOString();
    expectData(await moderator.send(SILENCE, { input: { userId: silenced.id, until, reason: 'cool down' } }), 'silenceMember');
    const [notice] = await notifications(silenced.client);
    expect(notice).toEqual(expect.objectContaining({ kind: 'ModerationDecision', subjectKind: 'user', subjectId: silenced.id }));
    expect(details(notice)).toMatchObject({ action: 'silence', reason: 'cool down', until });
  });

  it('the followers of a merged or duplicate thread learn where the discussion continues', async () => {
    const asker = await member('Merged asker');
    const other = await member('Other asker');
    const board = await forum.board({ name: `Merge board ${tag}` });
    const source = await forum.thread(asker.client, board.id, { title: `How do I export invoices ${tag}` });
    const target = await forum.thread(other.client, board.id, { title: `Exporting invoices to CSV ${tag}` });
    expectData(await moderator.send(MERGE, { input: { sourceThreadId: source.id, targetThreadId: target.id, reason: 'same question' } }), 'mergeThreads');
    const merged = (await notifications(asker.client)).find((n) => details(n).action === 'merge');
    expect(merged).toEqual(expect.objectContaining({ kind: 'ModerationDecision', subjectKind: 'thread', subjectId: target.id }));
    expect(details(merged!)).toMatchObject({ reason: 'same question', targetId: source.id, threadId: target.id });
    // The target's own asker is told nothing about the merge.
    expect((await notifications(other.client)).filter((n) => details(n).action === 'merge')).toEqual([]);

    const third = await member('Duplicate asker');
    const duplicate = await forum.thread(third.client, board.id, { title: `Invoice export again ${tag}` });
    expectData(await moderator.send(DUPLICATE, { input: { threadId: duplicate.id, duplicateOfThreadId: target.id, reason: 'asked before' } }), 'markThreadDuplicate');
    const closed = (await notifications(third.client)).find((n) => details(n).action === 'mark_duplicate');
    expect(closed).toEqual(expect.objectContaining({ subjectId: target.id }));
    expect(details(closed!)).toMatchObject({ reason: 'asked before', targetId: duplicate.id });
  });
});
