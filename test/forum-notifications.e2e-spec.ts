import { randomBytes } from 'node:crypto';
import { Role } from '../src/users/role.enum';
import { ACCEPT, EDIT, FLAG, FOLLOW, ForumFactory, THREAD, UPDATE_BOARD, VOTE } from './factories/forum';
import { expectData } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp, TestUser } from './support/create-test-app';

const NOTIFICATIONS = `{ notifications(first: 50) { edges { node { kind summary subjectKind subjectId actorName details { key value } } } } }`;
const EXPORT = '{ exportMyData { json } }';
const DELETE_ACCOUNT = 'mutation ($input: DeleteMyAccountInput!) { deleteMyAccount(input: $input) { deletedAt } }';

interface NotificationNode {
  kind: string;
  summary: string;
  subjectKind: string;
  subjectId: string;
  actorName: string | null;
  details: { key: string; value: string | null }[];
}

describe('forum: notifications and personal data', () => {
  let t: TestApp;
  let moderator: GraphqlClient;
  let forum: ForumFactory;
  let board: { id: string; slug: string };
  // Display names unique to this run: mentions resolve against every account in the database.
  const tag = randomBytes(3).toString('hex');

  const member = async (displayName: string, trustLevel = 1): Promise<{ user: TestUser; client: GraphqlClient }> => {
    const user = await t.createUser({ role: Role.Member, displayName });
    await t.dataSource.query('UPDATE users SET trust_level = $2 WHERE id = $1', [user.user.id, trustLevel]);
    return { user, client: t.delivery(await t.login(user)) };
  };
  const notifications = async (client: GraphqlClient): Promise<NotificationNode[]> =>
    expectData<{ edges: { node: NotificationNode }[] }>(await client.send(NOTIFICATIONS), 'notifications').edges.map((edge) => edge.node);

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
    const moderatorUser = await t.createUser({ role: Role.Moderator, displayName: `Mo ${tag}` });
    moderator = t.admin(await t.login(moderatorUser));
    forum = new ForumFactory(moderator);
    board = await forum.board({ name: `Notify board ${tag}` });
  });
  afterAll(() => t.close());

  it('a visible reply notifies the question author and other followers, not the replier', async () => {
    const { client: asker } = await member(`Asker ${tag}`);
    const { client: follower } = await member(`Follower ${tag}`);
    const { client: replier } = await member(`Replier ${tag}`);
    const thread = await forum.thread(asker, board.id, { title: `Invoices vanish ${tag}` });
    expect(expectData(await follower.send(FOLLOW, { input: { threadId: thread.id } }), 'followThread')).toMatchObject({ isFollowing: true });

    const reply = await forum.reply(replier, thread.id, 'Look under Billing.');
    for (const client of [asker, follower]) {
      expect(await notifications(client)).toEqual([
        expect.objectContaining({
          kind: 'ReplyOnFollowedThread',
          summary: `Invoices vanish ${tag}`,
          subjectKind: 'post',
          subjectId: reply.id,
          actorName: `Replier ${tag}`,
          details: expect.arrayContaining([{ key: 'threadSlug', value: thread.slug }]),
        }),
      ]);
    }
    // The replier now follows too, but is not told about their own reply; the next reply tells them.
    expect(await notifications(replier)).toEqual([]);
    await forum.reply(follower, thread.id, 'Thanks!');
    expect((await notifications(replier)).map((n) => n.kind)).toEqual(['ReplyOnFollowedThread']);
    expect(await notifications(follower)).toHaveLength(1);
  });

  it('accepting an answer notifies its author', async () => {
    const { client: asker } = await member(`Asker2 ${tag}`);
    const { client: answerer } = await member(`Answerer ${tag}`);
    const thread = await forum.thread(asker, board.id, { title: `Refunds ${tag}` });
    const answer = await forum.reply(answerer, thread.id, 'Refunds take 5 days.');
    expect(expectData(await asker.send(ACCEPT, { input: { postId: answer.id } }), 'acceptAnswer')).toMatchObject({ isSolved: true });
    const received = await notifications(answerer);
    expect(received).toEqual([expect.objectContaining({ kind: 'AnswerAccepted', subjectId: answer.id, actorName: `Asker2 ${tag}`, summary: `Refunds ${tag}` })]);
  });

  it('a mention by display name (spaces included) notifies that member, once, and not an email address or an unknown name', async () => {
    const { client: writer } = await member(`Writer ${tag}`);
    const { client: ann } = await member(`Ann Lee ${tag}`);
    const { client: bystander } = await member(`Bystander ${tag}`);
    const thread = await forum.thread(writer, board.id, {
      title: `Mentions ${tag}`,
      bodyMarkdown: `Could @Ann Lee ${tag}, help? Not ann@example.com nor @Nobody ${tag}.`,
    });
    expect(await notifications(ann)).toEqual([expect.objectContaining({ kind: 'Mention', subjectId: thread.question.id, actorName: `Writer ${tag}` })]);
    expect(await notifications(bystander)).toEqual([]);

    // Editing keeps the mention: not told twice; a newly mentioned member is told.
    expectData(
      await writer.send(EDIT, { input: { postId: thread.question.id, baseRevisionNumber: 1, bodyMarkdown: `@ann lee ${tag} and @BYSTANDER ${tag}!` } }),
      'editPost',
    );
    expect(await notifications(ann)).toHaveLength(1);
    expect(await notifications(bystander)).toEqual([expect.objectContaining({ kind: 'Mention' })]);
  });

  it('a held reply notifies nobody: not the followers, not the mentioned', async () => {
    const held = await forum.board({ name: `Held ${tag}`, moderationPolicy: 'HoldNewMembers' });
    const { client: asker } = await member(`Asker3 ${tag}`, 2);
    const { client: mentioned } = await member(`Mentioned ${tag}`, 2);
    const { client: newcomer } = await member(`Newcomer ${tag}`, 0);
    const thread = await forum.thread(asker, held.id, { title: `Held thread ${tag}` });
    const reply = await forum.reply(newcomer, thread.id, `Hi @Mentioned ${tag}`);
    expect(reply.status).toBe('Pending');
    expect(await notifications(asker)).toEqual([]);
    expect(await notifications(mentioned)).toEqual([]);
    // A held question mentioning someone is quiet too.
    await moderator.send(UPDATE_BOARD, { input: { boardId: held.id, moderationPolicy: 'HoldAll' } });
    const question = await forum.thread(asker, held.id, { title: `Held question ${tag}`, bodyMarkdown: `@Mentioned ${tag} look` });
    expect(question.status).toBe('Pending');
    expect(await notifications(mentioned)).toEqual([]);
  });

  it('exports the member’s forum data, and after deletion their posts show "Deleted member"', async () => {
    const { user: leaverUser, client: leaver } = await member(`Leaver ${tag}`);
    const { client: other } = await member(`Other ${tag}`);
    const own = await forum.thread(leaver, board.id, { title: `Leaver asks ${tag}`, bodyMarkdown: 'My question body' });
    const foreign = await forum.thread(other, board.id, { title: `Other asks ${tag}` });
    const reply = await forum.reply(leaver, foreign.id, 'My reply body');
    expectData(await leaver.send(EDIT, { input: { postId: reply.id, baseRevisionNumber: 1, bodyMarkdown: 'My edited reply' } }), 'editPost');
    expectData(await leaver.send(VOTE, { input: { postId: foreign.question.id, value: 'Up' } }), 'votePost');
    expectData(await leaver.send(FLAG, { input: { threadId: foreign.id, kind: 'Spam' } }), 'flagContent');

    const data = JSON.parse(expectData<{ json: string }>(await leaver.send(EXPORT), 'exportMyData').json);
    expect(data.forumThreads).toEqual([expect.objectContaining({ id: own.id, title: `Leaver asks ${tag}`, boardSlug: board.slug })]);
    expect(data.forumPosts).toEqual([
      expect.objectContaining({ id: own.question.id, isQuestion: true, bodyMarkdown: 'My question body' }),
      expect.objectContaining({ id: reply.id, threadId: foreign.id, bodyMarkdown: 'My edited reply' }),
    ]);
    expect(data.forumPostRevisions.map((r: { postId: string; number: number }) => [r.postId, r.number])).toEqual([
      [own.question.id, 1],
      [reply.id, 1],
      [reply.id, 2],
    ]);
    expect(data.forumVotes).toEqual([expect.objectContaining({ postId: foreign.question.id, value: 1 })]);
    expect(data.forumFollows.map((f: { threadId: string }) => f.threadId).sort()).toEqual([own.id, foreign.id].sort());
    expect(data.forumFlags).toEqual([expect.objectContaining({ targetKind: 'thread', threadId: foreign.id, kind: 'spam', status: 'open' })]);

    expectData(await leaver.send(DELETE_ACCOUNT, { input: { password: leaverUser.password } }), 'deleteMyAccount');

    const read = await t.delivery().send(THREAD, { id: own.id });
    expect(read.errors).toBeUndefined();
    expect(read.data?.thread.author.displayName).toBe('Deleted member');
    const replies = await t.delivery().send(THREAD, { id: foreign.id });
    expect(replies.data?.thread.posts.edges.map((e: { node: { author: { displayName: string } } }) => e.node.author.displayName)).toEqual(['Deleted member']);
    // The vote is gone and counted out; the follows are gone; the flag stays for moderators without its flagger.
    expect(replies.data?.thread.question).toMatchObject({ score: 0, upvoteCount: 0 });
    expect(replies.data?.thread.score).toBe(0);
    const [{ follows }] = await t.dataSource.query('SELECT count(*)::int AS follows FROM thread_follows WHERE user_id = $1', [leaverUser.user.id]);
    expect(follows).toBe(0);
    const flags = await t.dataSource.query('SELECT flagger_id FROM flags WHERE thread_id = $1', [foreign.id]);
    expect(flags).toEqual([{ flagger_id: null }]);
    // A reply in a thread the deleted member followed no longer reaches them.
    await forum.reply(other, own.id, 'Anyone?');
    const [{ count }] = await t.dataSource.query('SELECT count(*)::int AS count FROM member_notifications WHERE recipient_id = $1', [leaverUser.user.id]);
    expect(count).toBe(0);
  });
});
