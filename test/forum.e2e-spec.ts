import { AuditEntryEntity } from '../src/common/audit/audit-entry.entity';
import { FlagEntity } from '../src/forum/entities/flag.entity';
import { PostRevisionEntity } from '../src/forum/entities/post-revision.entity';
import { PostVoteEntity } from '../src/forum/entities/post-vote.entity';
import { PostEntity } from '../src/forum/entities/post.entity';
import { ThreadEntity } from '../src/forum/entities/thread.entity';
import { Role } from '../src/users/role.enum';
import {
  ACCEPT,
  ASK,
  DELETE,
  EDIT,
  FLAG,
  FOLLOW,
  ForumFactory,
  ThreadResult,
  REPLY,
  THREAD,
  THREADS,
  UNACCEPT,
  UNFOLLOW,
  UPDATE_BOARD,
  VOTE,
} from './factories/forum';
import { expectData } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp, TestUser } from './support/create-test-app';

const BOARDS = `query ($locale: String) { boards(locale: $locale) { id slug name locale position holdsPosts threadCount } }`;
const SITEMAP = `{ threadSitemap(first: 50) { edges { node { slug url lastModified } } } }`;

describe('forum: members on the delivery API', () => {
  let t: TestApp;
  let moderator: GraphqlClient;
  let moderatorUser: TestUser;
  let forum: ForumFactory;
  let ann: GraphqlClient;
  let annUser: TestUser;
  let bob: GraphqlClient;
  let bobUser: TestUser;
  let cy: GraphqlClient;
  let board: { id: string; slug: string };

  const member = async (trustLevel = 1, displayName?: string): Promise<{ user: TestUser; client: GraphqlClient }> => {
    const user = await t.createUser({ role: Role.Member, displayName });
    await t.dataSource.query('UPDATE users SET trust_level = $2 WHERE id = $1', [user.user.id, trustLevel]);
    return { user, client: t.delivery(await t.login(user)) };
  };
  const count = (entity: Parameters<TestApp['dataSource']['getRepository']>[0], where: Record<string, unknown> = {}): Promise<number> =>
    t.dataSource.getRepository(entity).countBy(where);

  beforeAll(async () => {
    t = await createTestApp({ SITE_BASE_URL: 'https://help.example.test', FORUM_POST_MAX_CHARS: '2000', FORUM_IMAGE_HOSTS: 'img.example.test', SEARCH_WORKER: 'false' });
    // Ann posts far more than a member may per minute here; the rate limits are tested in auto-moderation.e2e-spec.ts.
    await t.dataSource.query('UPDATE auto_moderation_settings SET post_rate_limit = 10000, flag_rate_limit = 10000');
    moderatorUser = await t.createUser({ role: Role.Moderator, displayName: 'Mo Derator' });
    moderator = t.admin(await t.login(moderatorUser));
    forum = new ForumFactory(moderator);
    ({ user: annUser, client: ann } = await member(1, 'Ann'));
    ({ user: bobUser, client: bob } = await member(2, 'Bob'));
    ({ client: cy } = await member(1, 'Cy'));
    board = await forum.board({ name: 'Billing questions', position: 1 });
  });
  afterAll(() => t.close());

  it('lists boards to anyone', async () => {
    const res = await t.delivery().send(BOARDS, { locale: 'en' });
    expect(res.errors).toBeUndefined();
    expect(res.data?.boards).toContainEqual(expect.objectContaining({ slug: 'billing-questions', name: 'Billing questions', locale: 'en', holdsPosts: false }));
  });

  it('asks a question: visible at once, sanitized, author shown by name and badge only, followed by its author', async () => {
    const thread = await forum.thread(ann, board.id, {
      title: 'How do I download PDF invoices?',
      bodyMarkdown: 'I tried <script>alert(1)</script> and [this](javascript:alert(1)).\n\n![chart](https://img.example.test/c.png)',
      tags: ['Invoices', 'pdf'],
    });
    expect(thread).toMatchObject({
      slug: 'how-do-i-download-pdf-invoices',
      url: 'https://help.example.test/en/community/how-do-i-download-pdf-invoices',
      status: 'Visible',
      tags: ['invoices', 'pdf'],
      isFollowing: true,
      author: { displayName: 'Ann', trustLevel: 1, badge: 'Basic' },
    });
    expect(thread.question.bodyHtml).not.toContain('<script');
    expect(thread.question.bodyHtml).not.toMatch(/href="javascript/);
    expect(thread.question.bodyHtml).toContain('<img src="https://img.example.test/c.png" alt="chart" />');

    const read = await t.delivery().send(THREAD, { slug: thread.slug });
    expect(read.errors).toBeUndefined();
    expect(read.data?.thread).toMatchObject({ id: thread.id, isFollowing: false, question: { isQuestion: true, myVote: 'None' } });
    // Nothing about the author beyond name and badge exists in the schema.
    const email = await t.delivery().send(`query ($slug: String) { thread(slug: $slug) { author { email } } }`, { slug: thread.slug });
    expect(email.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('replies, edits with history, retitles with a redirect, and refuses stale or foreign edits', async () => {
    const thread = await forum.thread(ann, board.id, { title: 'Export to CSV' });
    const reply = await forum.reply(bob, thread.id, 'Use **Export**.');
    const edited = expectData<{ revisionNumber: number; bodyHtml: string; editedAt: string }>(
      await bob.send(EDIT, { input: { postId: reply.id, baseRevisionNumber: 1, bodyMarkdown: 'Use **Export → CSV**.' } }),
      'editPost',
    );
    expect(edited).toMatchObject({ revisionNumber: 2, bodyHtml: '<p>Use <strong>Export → CSV</strong>.</p>\n' });
    expect(edited.editedAt).not.toBeNull();
    expect(await count(PostRevisionEntity, { postId: reply.id })).toBe(2);

    const stale = await bob.send(EDIT, { input: { postId: reply.id, baseRevisionNumber: 1, bodyMarkdown: 'again' } });
    expect(stale.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_BASE_REVISION', headRevisionNumber: 2 });
    const foreign = await ann.send(EDIT, { input: { postId: reply.id, baseRevisionNumber: 2, bodyMarkdown: 'mine now' } });
    expect(foreign.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const titleOnReply = await bob.send(EDIT, { input: { postId: reply.id, baseRevisionNumber: 2, bodyMarkdown: 'x', title: 'Nope' } });
    expect(titleOnReply.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await count(PostRevisionEntity, { postId: reply.id })).toBe(2);
    const history = await moderator.send(`query ($postId: ID!) { forumPostRevisions(postId: $postId) { number bodyMarkdown editorId } }`, { postId: reply.id });
    expect(history.data?.forumPostRevisions).toEqual([
      { number: 1, bodyMarkdown: 'Use **Export**.', editorId: bobUser.user.id },
      { number: 2, bodyMarkdown: 'Use **Export → CSV**.', editorId: bobUser.user.id },
    ]);

    const retitled = expectData(
      await ann.send(EDIT, { input: { postId: thread.question.id, baseRevisionNumber: 1, bodyMarkdown: 'Body', title: 'Export invoices to CSV' } }),
      'editPost',
    );
    expect(retitled).toMatchObject({ revisionNumber: 2 });
    const old = await t.delivery().send(THREAD, { slug: 'export-to-csv' });
    expect(old.data?.thread).toMatchObject({ id: thread.id, slug: 'export-invoices-to-csv', redirectToSlug: 'export-invoices-to-csv', title: 'Export invoices to CSV' });
    const current = await t.delivery().send(THREAD, { slug: 'export-invoices-to-csv' });
    expect(current.data?.thread).toMatchObject({ redirectToSlug: null, replyCount: 1 });
    // A new thread with the old title does not take the redirecting slug.
    const again = await forum.thread(cy, board.id, { title: 'Export to CSV' });
    expect(again.slug).toBe('export-to-csv-2');
  });

  it('votes up, down and withdraws; a second identical vote and a vote on one’s own post are refused', async () => {
    const thread = await forum.thread(ann, board.id);
    const reply = await forum.reply(bob, thread.id);
    expect(expectData(await ann.send(VOTE, { input: { postId: reply.id, value: 'Up' } }), 'votePost')).toMatchObject({ score: 1, upvoteCount: 1, myVote: 'Up' });
    const twice = await ann.send(VOTE, { input: { postId: reply.id, value: 'Up' } });
    expect(twice.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_VOTED' });
    expect(expectData(await ann.send(VOTE, { input: { postId: reply.id, value: 'Down' } }), 'votePost')).toMatchObject({ score: -1, upvoteCount: 0, downvoteCount: 1, myVote: 'Down' });
    expect(expectData(await cy.send(VOTE, { input: { postId: reply.id, value: 'Down' } }), 'votePost')).toMatchObject({ score: -2 });
    expect(expectData(await ann.send(VOTE, { input: { postId: reply.id, value: 'None' } }), 'votePost')).toMatchObject({ score: -1, myVote: 'None' });
    const withdrawAgain = await ann.send(VOTE, { input: { postId: reply.id, value: 'None' } });
    expect(withdrawAgain.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'NOT_VOTED' });
    const own = await bob.send(VOTE, { input: { postId: reply.id, value: 'Up' } });
    expect(own.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'OWN_POST' });
    expect(await count(PostVoteEntity, { postId: reply.id })).toBe(1);

    // The question's score is the thread's score (the "top" sort).
    expect((await bob.send(VOTE, { input: { postId: thread.question.id, value: 'Up' } })).errors).toBeUndefined();
    expect((await t.dataSource.getRepository(ThreadEntity).findOneByOrFail({ id: thread.id })).score).toBe(1);
  });

  it('counts exactly one of 100 parallel votes by one member, refusing the rest at once, while another member votes too', async () => {
    const thread = await forum.thread(ann, board.id);
    const reply = await forum.reply(bob, thread.id);
    const [results, other] = await Promise.all([
      Promise.all(Array.from({ length: 100 }, () => cy.send(VOTE, { input: { postId: reply.id, value: 'Up' } }))),
      ann.send(VOTE, { input: { postId: reply.id, value: 'Down' } }),
    ]);
    expect(results.filter((res) => !res.errors)).toHaveLength(1);
    const refusals = results.filter((res) => res.errors).map((res) => res.errors?.[0].extensions);
    expect(refusals.filter((ext) => ext?.code !== 'CONFLICT' || !['ALREADY_VOTED', 'VOTE_IN_PROGRESS'].includes(ext?.reason as string))).toEqual([]);
    expect(other.errors).toBeUndefined();
    expect(await count(PostVoteEntity, { postId: reply.id })).toBe(2);
    const post = await t.dataSource.getRepository(PostEntity).findOneByOrFail({ id: reply.id });
    expect({ score: post.score, up: post.upvoteCount, down: post.downvoteCount }).toEqual({ score: 0, up: 1, down: 1 });
  });

  it('takes 20 parallel replies to one thread and counts each', async () => {
    const thread = await forum.thread(ann, board.id);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? bob : cy).send(REPLY, { input: { threadId: thread.id, bodyMarkdown: `reply ${i}` } })));
    expect(results.filter((res) => res.errors)).toEqual([]);
    expect((await t.dataSource.getRepository(ThreadEntity).findOneByOrFail({ id: thread.id })).replyCount).toBe(20);
  });

  it('accepts an answer: the thread’s author or staff (audited), never another member; the answer comes first', async () => {
    const thread = await forum.thread(ann, board.id, { title: 'Which plan has SSO?' });
    const first = await forum.reply(cy, thread.id, 'Maybe Pro?');
    const answer = await forum.reply(bob, thread.id, 'Enterprise has SSO.');

    const notMine = await bob.send(ACCEPT, { input: { postId: answer.id } });
    expect(notMine.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_THREAD_AUTHOR' });
    const question = await ann.send(ACCEPT, { input: { postId: thread.question.id } });
    expect(question.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await t.dataSource.getRepository(ThreadEntity).findOneByOrFail({ id: thread.id })).isSolved).toBe(false);

    expect(expectData(await ann.send(ACCEPT, { input: { postId: answer.id } }), 'acceptAnswer')).toMatchObject({ isSolved: true, acceptedAnswer: { id: answer.id, isAccepted: true } });
    const read = expectData<{ posts: { edges: { node: { id: string; isAccepted: boolean } }[] }; jsonLd: string }>(await t.delivery().send(THREAD, { id: thread.id }), 'thread');
    expect(read.posts.edges.map((edge) => edge.node.id)).toEqual([answer.id, first.id]);
    const ld = JSON.parse(read.jsonLd);
    expect(ld).toMatchObject({ '@type': 'QAPage', mainEntity: { '@type': 'Question', name: 'Which plan has SSO?', answerCount: 2, acceptedAnswer: { text: 'Enterprise has SSO.', author: { name: 'Bob' } } } });
    expect(ld.mainEntity.suggestedAnswer).toEqual([expect.objectContaining({ text: 'Maybe Pro?' })]);

    const sitemap = await t.delivery().send(SITEMAP);
    expect(sitemap.data?.threadSitemap.edges.map((edge: { node: { slug: string } }) => edge.node.slug)).toContain('which-plan-has-sso');
    const xml = await t.http().get('/sitemap-community.xml');
    expect(xml.headers['content-type']).toContain('application/xml');
    expect(xml.text).toContain('<loc>https://help.example.test/en/community/which-plan-has-sso</loc>');
    expect(xml.text).not.toContain('export-to-csv');

    // Staff can accept too, and that is audited.
    const staffDelivery = t.delivery(await t.login(moderatorUser));
    expect(expectData(await staffDelivery.send(ACCEPT, { input: { postId: first.id } }), 'acceptAnswer')).toMatchObject({ acceptedAnswer: { id: first.id } });
    expect(await count(AuditEntryEntity, { subjectId: thread.id, action: 'thread.accept-answer', actorId: moderatorUser.user.id })).toBe(1);
    expect(expectData(await ann.send(UNACCEPT, { input: { threadId: thread.id } }), 'unacceptAnswer')).toMatchObject({ isSolved: false, acceptedAnswer: null });
  });

  it('pages replies with the accepted answer first and every other reply once, oldest first; refuses a forged cursor', async () => {
    const thread = await forum.thread(ann, board.id, { title: 'Paging replies with an accepted answer', bodyMarkdown: 'Which reply?' });
    const replies = [];
    for (let i = 1; i <= 5; i++) replies.push(await forum.reply(i % 2 ? bob : cy, thread.id, `Reply number ${i}`));
    expectData(await ann.send(ACCEPT, { input: { postId: replies[2].id } }), 'acceptAnswer');
    type RepliesPage = { posts: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: { id: string; isAccepted: boolean } }[] } };
    const seen: string[][] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const res: RepliesPage = expectData<RepliesPage>(await t.delivery().send(THREAD, { id: thread.id, first: 2, after }), 'thread');
      seen.push(res.posts.edges.map((edge) => edge.node.id));
      if (!res.posts.pageInfo.hasNextPage) break;
      after = res.posts.pageInfo.endCursor;
    }
    const ids = replies.map((reply) => reply.id);
    expect(seen).toEqual([[ids[2], ids[0]], [ids[1], ids[3]], [ids[4]]]);
    // Page size 1: the accepted answer alone, then the others from the start.
    const one = expectData<RepliesPage>(await t.delivery().send(THREAD, { id: thread.id, first: 1 }), 'thread');
    expect(one.posts.edges.map((edge) => edge.node.id)).toEqual([ids[2]]);
    const next = expectData<RepliesPage>(await t.delivery().send(THREAD, { id: thread.id, first: 10, after: one.posts.pageInfo.endCursor }), 'thread');
    expect(next.posts.edges.map((edge) => edge.node.id)).toEqual([ids[0], ids[1], ids[3], ids[4]]);
    const forged = Buffer.from(JSON.stringify([7, '2020-01-01T00:00:00Z', ids[0]])).toString('base64url');
    const refused = await t.delivery().send(THREAD, { id: thread.id, first: 2, after: forged });
    expect(refused.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
  });

  it('follows and unfollows a thread', async () => {
    const thread = await forum.thread(ann, board.id);
    expect(expectData(await bob.send(FOLLOW, { input: { threadId: thread.id } }), 'followThread')).toMatchObject({ isFollowing: true });
    expect(expectData(await bob.send(FOLLOW, { input: { threadId: thread.id } }), 'followThread')).toMatchObject({ isFollowing: true });
    expect(expectData(await bob.send(UNFOLLOW, { input: { threadId: thread.id } }), 'unfollowThread')).toMatchObject({ isFollowing: false });
  });

  it('flags: once per member and target, never one’s own, duplicates name the original', async () => {
    const original = await forum.thread(cy, board.id, { title: 'Original question' });
    const thread = await forum.thread(ann, board.id);
    const reply = await forum.reply(bob, thread.id);
    expect(expectData(await ann.send(FLAG, { input: { postId: reply.id, kind: 'Spam' } }), 'flagContent')).toMatchObject({ kind: 'Spam' });
    const second = await ann.send(FLAG, { input: { postId: reply.id, kind: 'Offensive' } });
    expect(second.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_FLAGGED' });
    expect(expectData(await bob.send(FLAG, { input: { threadId: thread.id, kind: 'Duplicate', duplicateOfThreadId: original.id } }), 'flagContent')).toMatchObject({ kind: 'Duplicate' });
    expect(await count(FlagEntity, { threadId: thread.id })).toBe(2);

    const parallel = await Promise.all(Array.from({ length: 10 }, () => cy.send(FLAG, { input: { threadId: thread.id, kind: 'OffTopic' } })));
    expect(parallel.filter((res) => !res.errors)).toHaveLength(1);
    expect(await count(FlagEntity, { threadId: thread.id })).toBe(3);
  });

  it.each([
    ['own post', (ids: Ids) => ({ postId: ids.annReply, kind: 'Spam' }), 'FORBIDDEN'],
    ['own thread', (ids: Ids) => ({ threadId: ids.thread, kind: 'Spam' }), 'FORBIDDEN'],
    ['both targets', (ids: Ids) => ({ threadId: ids.thread, postId: ids.bobReply, kind: 'Spam' }), 'BAD_USER_INPUT'],
    ['no target', () => ({ kind: 'Spam' }), 'BAD_USER_INPUT'],
    ['duplicate without original', (ids: Ids) => ({ postId: ids.bobReply, kind: 'Duplicate' }), 'BAD_USER_INPUT'],
    ['duplicate of itself', (ids: Ids) => ({ threadId: ids.otherThread, kind: 'Duplicate', duplicateOfThreadId: ids.otherThread }), 'BAD_USER_INPUT'],
    ['other without a note', (ids: Ids) => ({ postId: ids.bobReply, kind: 'Other' }), 'BAD_USER_INPUT'],
    ['unknown post', () => ({ postId: '00000000-0000-4000-8000-000000000000', kind: 'Spam' }), 'NOT_FOUND'],
    ['not a uuid', () => ({ postId: 'nope', kind: 'Spam' }), 'BAD_USER_INPUT'],
  ])('refuses a flag: %s, writing nothing', async (_, input, code) => {
    const thread = await forum.thread(ann, board.id);
    const otherThread = await forum.thread(bob, board.id);
    const annReply = await forum.reply(ann, otherThread.id);
    const bobReply = await forum.reply(bob, thread.id);
    const before = await count(FlagEntity);
    const res = await ann.send(FLAG, { input: input({ thread: thread.id, otherThread: otherThread.id, annReply: annReply.id, bobReply: bobReply.id }) });
    expect(res.errors?.[0].extensions.code).toBe(code);
    expect(await count(FlagEntity)).toBe(before);
  });

  describe('refused posts write nothing', () => {
    it.each([
      ['silenced member', async () => silence('silenced_until'), 'FORBIDDEN', 'SILENCED'],
      // Suspension ends the member's sessions (decision 0033): the token is refused before the forum's own rule.
      ['suspended member', async () => silence('suspended_until'), 'UNAUTHENTICATED', undefined],
    ])('%s', async (_, prepare, code, reason) => {
      const client = await prepare();
      const thread = await forum.thread(ann, board.id);
      const before = { threads: await count(ThreadEntity), posts: await count(PostEntity) };
      const asked = await client.send(ASK, { input: { boardId: board.id, title: 'Can I post?', bodyMarkdown: 'Hello' } });
      const replied = await client.send(REPLY, { input: { threadId: thread.id, bodyMarkdown: 'Hello' } });
      for (const res of [asked, replied]) expect(res.errors?.[0].extensions).toMatchObject(reason ? { code, reason } : { code });
      expect({ threads: await count(ThreadEntity), posts: await count(PostEntity) }).toEqual(before);
    });

    const silence = async (column: string): Promise<GraphqlClient> => {
      const { user, client } = await member(2);
      await t.dataSource.query(`UPDATE users SET ${column} = now() + interval '1 day' WHERE id = $1`, [user.user.id]);
      return client;
    };

    it.each([
      ['to an unknown board', () => ASK, () => ({ boardId: '00000000-0000-4000-8000-000000000000', title: 'Lost', bodyMarkdown: 'x' }), 'NOT_FOUND'],
      ['with an oversized body', () => ASK, () => ({ boardId: board.id, title: 'Long', bodyMarkdown: 'x'.repeat(2001) }), 'BAD_USER_INPUT'],
      ['with an empty body', () => ASK, () => ({ boardId: board.id, title: 'Empty', bodyMarkdown: '   ' }), 'BAD_USER_INPUT'],
      ['with an empty title', () => ASK, () => ({ boardId: board.id, title: '  ', bodyMarkdown: 'x' }), 'BAD_USER_INPUT'],
      ['with an unknown product', () => ASK, () => ({ boardId: board.id, title: 'Products', bodyMarkdown: 'x', productKeys: ['nope'] }), 'BAD_USER_INPUT'],
      ['a reply to an unknown thread', () => REPLY, () => ({ threadId: '00000000-0000-4000-8000-000000000000', bodyMarkdown: 'x' }), 'NOT_FOUND'],
    ])('%s', async (_, mutation, input, code) => {
      const before = { threads: await count(ThreadEntity), posts: await count(PostEntity) };
      const res = await ann.send(mutation(), { input: input() });
      expect(res.errors?.[0].extensions.code).toBe(code);
      expect({ threads: await count(ThreadEntity), posts: await count(PostEntity) }).toEqual(before);
    });

    it('in a locked thread', async () => {
      const thread = await forum.thread(ann, board.id);
      await t.dataSource.query('UPDATE threads SET is_locked = true WHERE id = $1', [thread.id]);
      const before = await count(PostEntity, { threadId: thread.id });
      const res = await bob.send(REPLY, { input: { threadId: thread.id, bodyMarkdown: 'late' } });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'THREAD_LOCKED' });
      const edit = await ann.send(EDIT, { input: { postId: thread.question.id, baseRevisionNumber: 1, bodyMarkdown: 'late edit' } });
      expect(edit.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'THREAD_LOCKED' });
      expect(await count(PostEntity, { threadId: thread.id })).toBe(before);
    });

    it('anonymously', async () => {
      const res = await t.delivery().send(ASK, { input: { boardId: board.id, title: 'Anon', bodyMarkdown: 'x' } });
      expect(res.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    });
  });

  it('holds posts by board policy: pending content is seen only by its author and staff, and the hold is audited', async () => {
    const held = await forum.board({ name: 'New members', moderationPolicy: 'HoldNewMembers' });
    const { client: newbie } = await member(0, 'Newbie');
    const thread = await forum.thread(newbie, held.id, { title: 'First post here' });
    expect(thread.status).toBe('Pending');
    expect(await count(AuditEntryEntity, { subjectId: thread.id, action: 'thread.hold' })).toBe(1);

    expect((await t.delivery().send(THREAD, { id: thread.id })).errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await bob.send(THREAD, { id: thread.id })).errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await newbie.send(THREAD, { id: thread.id })).data?.thread).toMatchObject({ status: 'Pending' });
    expect((await t.delivery(await t.login(moderatorUser)).send(THREAD, { id: thread.id })).data?.thread).toMatchObject({ status: 'Pending' });
    const list = await t.delivery().send(THREADS, { boardSlug: held.slug });
    expect(list.data?.threads.edges).toEqual([]);

    // A trusted member posts at once on that board; on hold_all, everyone but staff is held.
    const open = await forum.thread(bob, held.id);
    expect(open.status).toBe('Visible');
    const newbieReply = expectData<{ status: string; id: string }>(await newbie.send(REPLY, { input: { threadId: open.id, bodyMarkdown: 'me too' } }), 'replyToThread');
    expect(newbieReply.status).toBe('Pending');
    const read = expectData<{ replyCount: number; posts: { edges: unknown[] } }>(await t.delivery().send(THREAD, { id: open.id }), 'thread');
    expect(read).toMatchObject({ replyCount: 0, posts: { edges: [] } });
    expect(expectData<{ posts: { edges: unknown[] } }>(await newbie.send(THREAD, { id: open.id }), 'thread').posts.edges).toHaveLength(1);

    await moderator.send(UPDATE_BOARD, { input: { boardId: held.id, moderationPolicy: 'HoldAll' } });
    expect((await forum.thread(bob, held.id)).status).toBe('Pending');
  });

  it('deletes one’s own posts softly: a reply leaves the thread, a question takes the thread with it', async () => {
    const thread = await forum.thread(ann, board.id);
    const reply = await forum.reply(bob, thread.id);
    await ann.send(ACCEPT, { input: { postId: reply.id } });
    expect((await ann.send(DELETE, { input: { postId: reply.id } })).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(expectData(await bob.send(DELETE, { input: { postId: reply.id } }), 'deletePost')).toMatchObject({ threadDeleted: false });
    const read = expectData(await t.delivery().send(THREAD, { id: thread.id }), 'thread');
    expect(read).toMatchObject({ replyCount: 0, isSolved: false, acceptedAnswer: null, posts: { edges: [] } });
    expect((await bob.send(DELETE, { input: { postId: reply.id } })).errors?.[0].extensions.code).toBe('NOT_FOUND');

    expect(expectData(await ann.send(DELETE, { input: { postId: thread.question.id } }), 'deletePost')).toMatchObject({ threadDeleted: true });
    expect((await ann.send(THREAD, { id: thread.id })).errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect(await count(PostEntity, { threadId: thread.id })).toBe(2);
  });

  it('lists threads by latest activity, top, unanswered and solved, filtered by tag and product, paged both ways', async () => {
    const listBoard = await forum.board({ name: 'Lists' });
    await t.dataSource.query(`INSERT INTO products (key, name) VALUES ('billing', 'Billing') ON CONFLICT DO NOTHING`);
    const threads: ThreadResult[] = [];
    for (let i = 0; i < 7; i++) {
      threads.push(await forum.thread(ann, listBoard.id, { title: `List thread ${i}`, tags: i % 2 === 0 ? ['even'] : ['odd'], productKeys: i < 2 ? ['billing'] : [] }));
    }
    const replyTo = await forum.reply(bob, threads[1].id, 'answer');
    await ann.send(ACCEPT, { input: { postId: replyTo.id } });
    await bob.send(VOTE, { input: { postId: threads[3].question.id, value: 'Up' } });

    const list = async (vars: Record<string, unknown>) => expectData<{ totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string }; edges: { node: { id: string } }[] }>(
      await t.delivery().send(THREADS, { boardSlug: listBoard.slug, ...vars }),
      'threads',
    );
    const ids = (page: { edges: { node: { id: string } }[] }) => page.edges.map((edge) => edge.node.id);

    const latest = await list({ first: 3 });
    expect(ids(latest)).toEqual([threads[1].id, threads[6].id, threads[5].id]);
    expect(latest).toMatchObject({ totalCount: 7, pageInfo: { hasNextPage: true, hasPreviousPage: false } });
    const next = await list({ first: 3, after: latest.pageInfo.endCursor });
    expect(ids(next)).toEqual([threads[4].id, threads[3].id, threads[2].id]);
    expect(next.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const back = await list({ last: 3, before: next.pageInfo.startCursor });
    expect(ids(back)).toEqual(ids(latest));
    expect(back.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    const lastPage = await list({ last: 2 });
    expect(ids(lastPage)).toEqual([threads[2].id, threads[0].id]);

    expect(ids(await list({ sort: 'Top', first: 1 }))).toEqual([threads[3].id]);
    expect(ids(await list({ sort: 'Solved' }))).toEqual([threads[1].id]);
    expect(ids(await list({ sort: 'Unanswered' }))).toEqual([6, 5, 4, 3, 2, 0].map((i) => threads[i].id));
    expect(ids(await list({ tag: 'even' }))).toEqual([6, 4, 2, 0].map((i) => threads[i].id));
    expect(ids(await list({ productKey: 'billing' }))).toEqual([threads[1].id, threads[0].id]);

    const mixed = await t.delivery().send(THREADS, { first: 2, last: 2 });
    expect(mixed.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const unknownBoard = await t.delivery().send(THREADS, { boardSlug: 'no-such-board' });
    expect(unknownBoard.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const badCursor = await t.delivery().send(THREADS, { after: 'not-a-cursor' });
    expect(badCursor.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refuses a token that does not verify on reads rather than ignoring it', async () => {
    const res = await t.delivery('not-a-token').send(THREADS, {});
    expect(res.errors).toBeUndefined(); // lists need no reader
    const thread = await t.delivery('not-a-token').send(THREAD, { slug: 'how-do-i-download-pdf-invoices' });
    expect(thread.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('keeps ids of members out of reach: no user id on authors', async () => {
    const res = await t.delivery().send(`{ threads(first: 1) { edges { node { author { id } } } } }`);
    expect(res.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(annUser.user.id).toBeDefined();
    expect(bobUser.user.id).toBeDefined();
  });
});

interface Ids {
  thread: string;
  otherThread: string;
  annReply: string;
  bobReply: string;
}
