import * as prepared from '../src/common/sql/prepared-query';
import { ForumReadingService, PostView } from '../src/forum/forum-reading.service';
import type { Reader } from '../src/forum/status/content-status';
import { Role } from '../src/users/role.enum';
import { ACCEPT, EDIT, ForumFactory, POST_FIELDS, THREADS, VOTE } from './factories/forum';
import { expectData } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp, TestUser } from './support/create-test-app';

// Issue 12: a thread page reads the thread and its posts in one statement (ForumReadingService.threadPage) and a board
// page reads the thread excerpts kept on the thread by a trigger. Both must answer exactly as the statements they replace.

const PAGE = `query ($slug: String!, $first: Int) { thread(slug: $slug) { id replyCount
  question { ${POST_FIELDS} }
  acceptedAnswer { ${POST_FIELDS} }
  posts(first: $first) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${POST_FIELDS} } } } } }`;
// `posts` twice: not a single first page, so each runs its own statements (the path the one-statement head replaces).
const PAGE_UNBATCHED = `query ($slug: String!, $first: Int) { thread(slug: $slug) { id
  posts(first: $first) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${POST_FIELDS} } } }
  again: posts(first: $first) { pageInfo { hasNextPage } } } }`;
const NEXT_PAGE = `query ($slug: String!, $first: Int, $after: String) { thread(slug: $slug) { posts(first: $first, after: $after) { edges { node { id } } } } }`;

describe('forum thread and board pages (one statement per page)', () => {
  let t: TestApp;
  let forum: ForumFactory;
  let reading: ForumReadingService;
  let moderatorUser: TestUser;
  const users: Record<string, TestUser> = {};
  const clients: Record<string, GraphqlClient> = {};
  let board: { id: string; slug: string };
  let thread: { id: string; slug: string };
  const replies: { id: string; status: string }[] = [];

  const member = async (name: string, trustLevel: number): Promise<void> => {
    const user = await t.createUser({ role: Role.Member, displayName: name });
    await t.dataSource.query('UPDATE users SET trust_level = $2 WHERE id = $1', [user.user.id, trustLevel]);
    users[name] = user;
    clients[name] = t.delivery(await t.login(user));
  };

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
    await t.dataSource.query('UPDATE auto_moderation_settings SET post_rate_limit = 10000, flag_rate_limit = 10000, fast_posting_seconds = NULL, duplicate_text_window_minutes = NULL');
    moderatorUser = await t.createUser({ role: Role.Moderator, displayName: 'Mo Derator' });
    forum = new ForumFactory(t.admin(await t.login(moderatorUser)));
    clients.staff = t.delivery(await t.login(moderatorUser));
    reading = t.app.get(ForumReadingService);
    await member('Ann', 1);
    await member('Bob', 2);
    await member('Cy', 1);
    await member('Newbie', 0);
    // New members are held: Newbie's replies are pending (seen by Newbie and staff only).
    board = await forum.board({ name: 'Page board', moderationPolicy: 'HoldNewMembers' });
    thread = await forum.thread(clients.Ann, board.id, { title: 'Why does the export stop at 1000 rows?', bodyMarkdown: 'The **export** stops. ' + 'Rows and rows. '.repeat(40) });
    for (const [author, text] of [['Bob', 'First reply.'], ['Newbie', 'A held reply.'], ['Bob', 'Second reply, the answer.'], ['Cy', 'Third reply.'], ['Newbie', 'Another held one.'], ['Cy', 'Fourth reply.']]) {
      replies.push(await forum.reply(clients[author], thread.id, text));
    }
    expect(replies.map((r) => r.status)).toEqual(['Visible', 'Pending', 'Visible', 'Visible', 'Pending', 'Visible']);
    expectData(await clients.Ann.send(ACCEPT, { input: { postId: replies[2].id } }), 'acceptAnswer');
    expectData(await clients.Cy.send(VOTE, { input: { postId: replies[0].id, value: 'Up' } }), 'votePost');
    expectData(await clients.Bob.send(VOTE, { input: { postId: replies[3].id, value: 'Down' } }), 'votePost');
  });
  afterAll(() => t.close());

  const readers = (): [string, Reader][] => [
    ['anonymous', { userId: null, isStaff: false }],
    ['Newbie (author of pending replies)', { userId: users.Newbie.user.id, isStaff: false }],
    ['Cy (a voter)', { userId: users.Cy.user.id, isStaff: false }],
    ['staff', { userId: moderatorUser.user.id, isStaff: true }],
  ];

  const headOf = async (reader: Reader, size: number) => (await reading.threadPage(reader, { id: thread.id }, size)).head;

  it('threadPage returns what thread, question, acceptedAnswer and the first replies page return, for every reader and page size', async () => {
    for (const [, reader] of readers()) {
      for (const size of [1, 2, 3, 5, 20]) {
        for (const lookup of [{ id: thread.id }, { slug: thread.slug }]) {
          const { thread: page, head } = await reading.threadPage(reader, lookup, size);
          const view = await reading.thread(reader, lookup);
          expect(page).toEqual(view);
          expect(head.question).toEqual(await reading.question(reader, thread.id));
          expect(head.accepted).toEqual(await reading.acceptedAnswer(reader, view));
          expect(head.replies).toEqual(await reading.replies(reader, thread.id, { direction: 'forward', size, cursor: null }));
        }
      }
      // Without the Markdown (a page that shows only the HTML): the same posts, with empty bodyMarkdown.
      const withMarkdown = await reading.threadPage(reader, { id: thread.id }, 20);
      const withoutMarkdown = await reading.threadPage(reader, { id: thread.id }, 20, false);
      const noMarkdown = (post: PostView | null) => (post ? { ...post, bodyMarkdown: '' } : null);
      expect(withoutMarkdown.thread).toEqual(withMarkdown.thread);
      expect(withoutMarkdown.head.question).toEqual(noMarkdown(withMarkdown.head.question));
      expect(withoutMarkdown.head.accepted).toEqual(noMarkdown(withMarkdown.head.accepted));
      expect(withoutMarkdown.head.replies).toEqual({ ...withMarkdown.head.replies, edges: withMarkdown.head.replies.edges.map((e) => ({ ...e, node: noMarkdown(e.node) })) });
      expect(withMarkdown.head.question?.bodyMarkdown).toMatch(/The \*\*export\*\* stops/);
      // Without replies (posts not asked for): the question and the accepted answer only.
      const { head } = await reading.threadPage(reader, { id: thread.id }, null);
      expect(head.question).toEqual(await reading.question(reader, thread.id));
      expect(head.replies.edges).toEqual([]);
    }
    // Spot checks of what the readers see: pending replies for their author and staff only, votes per reader.
    const ids = async (reader: Reader): Promise<string[]> => (await headOf(reader, 20)).replies.edges.map((e) => e.node.id);
    const [anonymous, newbie, cy, staff] = readers().map(([, reader]) => reader);
    const visibleOrder = [replies[2], replies[0], replies[3], replies[5]].map((r) => r.id); // the accepted answer first
    expect(await ids(anonymous)).toEqual(visibleOrder);
    expect(await ids(cy)).toEqual(visibleOrder);
    expect(await ids(newbie)).toEqual([replies[2], replies[0], replies[1], replies[3], replies[4], replies[5]].map((r) => r.id));
    expect(await ids(staff)).toEqual(await ids(newbie));
    const vote = (page: PostView[], id: string) => page.find((p) => p.id === id)?.myVote;
    expect(vote((await headOf(cy, 20)).replies.edges.map((e) => e.node), replies[0].id)).toBe(1);
    expect(vote((await headOf(anonymous, 20)).replies.edges.map((e) => e.node), replies[0].id)).toBe(0);
  });

  it('the API answers the same through the one-statement head and through the separate statements, compiled or not', async () => {
    for (const client of [t.delivery(), clients.Newbie, clients.Cy, clients.staff, clients.Bob]) {
      for (const first of [2, 20]) {
        // Several times: the second execution of a document runs graphql-jit's compiled code.
        for (let i = 0; i < 3; i += 1) {
          const page = expectData(await client.send(PAGE, { slug: thread.slug, first }), 'thread') as { posts: unknown; question: { id: string }; acceptedAnswer: { id: string } };
          const unbatched = expectData(await client.send(PAGE_UNBATCHED, { slug: thread.slug, first }), 'thread') as { posts: unknown };
          expect(page.posts).toEqual(unbatched.posts);
          expect(page.question.id).not.toBe(page.acceptedAnswer.id);
          expect(page.acceptedAnswer.id).toBe(replies[2].id);
        }
      }
    }
    // The page size as a literal (the plan is then worked out once per document), and documents with the same
    // selection but another size: each answers its own size, read with the thread, as the separate statements do.
    for (const first of [1, 3, 20]) {
      const literal = PAGE.replace(', $first: Int', '').replace('posts(first: $first)', `posts(first: ${first})`);
      for (let i = 0; i < 3; i += 1) {
        for (const client of [t.delivery(), clients.Newbie]) {
          const page = expectData(await client.send(literal, { slug: thread.slug }), 'thread') as { posts: unknown };
          const unbatched = expectData(await client.send(PAGE_UNBATCHED, { slug: thread.slug, first }), 'thread') as { posts: unknown };
          expect(page.posts).toEqual(unbatched.posts);
        }
      }
    }
    // A page without bodyMarkdown reads the posts without it; one that asks for it anywhere (here only in a fragment
    // on the question) reads them with it. Both answer as the separate statements do.
    const htmlOnly = PAGE.replaceAll(POST_FIELDS, POST_FIELDS.replace('bodyMarkdown ', ''));
    const markdownInFragment = `${htmlOnly.replace('question {', 'question { ...Md')} fragment Md on Post { bodyMarkdown }`;
    for (const client of [t.delivery(), clients.Newbie, clients.staff]) {
      for (let i = 0; i < 3; i += 1) {
        const html = expectData(await client.send(htmlOnly, { slug: thread.slug, first: 20 }), 'thread') as { posts: { edges: { node: Record<string, unknown> }[] }; question: Record<string, unknown> };
        const full = expectData(await client.send(PAGE_UNBATCHED, { slug: thread.slug, first: 20 }), 'thread') as { posts: { edges: { node: Record<string, unknown> }[] } };
        expect(html.question.bodyMarkdown).toBeUndefined();
        expect(html.posts.edges.map((e) => e.node)).toEqual(full.posts.edges.map(({ node: { bodyMarkdown: _markdown, ...rest } }) => rest));
        const withFragment = expectData(await client.send(markdownInFragment, { slug: thread.slug, first: 20 }), 'thread') as { posts: unknown; question: { bodyMarkdown: string } };
        expect(withFragment.question.bodyMarkdown).toMatch(/The \*\*export\*\* stops/);
        expect(withFragment.posts).toEqual(html.posts);
      }
    }
    // The first page's cursor continues on the separate path: page 1 + page 2 = everything, in order, once.
    const anonymous = t.delivery();
    const first = expectData(await anonymous.send(PAGE, { slug: thread.slug, first: 2 }), 'thread') as { posts: { pageInfo: { endCursor: string; hasNextPage: boolean }; edges: { node: { id: string } }[] } };
    expect(first.posts.pageInfo.hasNextPage).toBe(true);
    const second = expectData(await anonymous.send(NEXT_PAGE, { slug: thread.slug, first: 10, after: first.posts.pageInfo.endCursor }), 'thread') as { posts: { edges: { node: { id: string } }[] } };
    expect([...first.posts.edges, ...second.posts.edges].map((e) => e.node.id)).toEqual([replies[2], replies[0], replies[3], replies[5]].map((r) => r.id));
    // Bad paging arguments are still the posts field's own errors.
    const bad = await anonymous.send(`query ($slug: String!) { thread(slug: $slug) { question { id } posts(first: 0) { edges { cursor } } } }`, { slug: thread.slug });
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('a thread page runs one statement (thread and posts), a board page one', async () => {
    // The forum's page reads all run through preparedQuery (counting pool connections would also count background jobs).
    const statements = jest.spyOn(prepared, 'preparedQuery');
    try {
      expectData(await t.delivery().send(PAGE, { slug: thread.slug, first: 20 }), 'thread');
      expect(statements).toHaveBeenCalledTimes(1);
      statements.mockClear();
      expectData(await clients.Newbie.send(PAGE, { slug: thread.slug, first: 20 }), 'thread');
      expect(statements).toHaveBeenCalledTimes(1);
      statements.mockClear();
      // (no totalCount: that is a count statement of its own)
      expectData(await t.delivery().send(`query ($board: String!) { threads(boardSlug: $board, first: 20) { edges { node { id excerpt } } } }`, { board: board.slug }), 'threads');
      expect(statements).toHaveBeenCalledTimes(1);
    } finally {
      statements.mockRestore();
    }
  });

  it('board pages show the question excerpt, kept by the trigger through edits, merges and deletions', async () => {
    const list = async (): Promise<{ id: string; excerpt: string }[]> =>
      (expectData(await t.delivery().send(`query ($board: String!) { threads(boardSlug: $board, first: 20) { edges { node { id excerpt } } } }`, { board: board.slug }), 'threads') as { edges: { node: { id: string; excerpt: string } }[] }).edges.map((e) => e.node);
    const excerpt = async (): Promise<string | undefined> => (await list()).find((n) => n.id === thread.id)?.excerpt;
    // 200 characters at most: the first 199 and an ellipsis.
    const initial = await excerpt();
    expect(initial).toMatch(/^The export stops\. Rows and rows\./);
    expect(initial).toHaveLength(200);
    expect(initial?.endsWith('…')).toBe(true);

    const question = expectData(await t.delivery().send(PAGE, { slug: thread.slug, first: 1 }), 'thread') as { question: { id: string; revisionNumber: number } };
    expectData(await clients.Ann.send(EDIT, { input: { postId: question.question.id, baseRevisionNumber: question.question.revisionNumber, bodyMarkdown: 'Short *now*.' } }), 'editPost');
    expect(await excerpt()).toBe('Short now.');
    // The same on the thread itself.
    expect((expectData(await t.delivery().send(`query ($slug: String!) { thread(slug: $slug) { excerpt } }`, { slug: thread.slug }), 'thread') as { excerpt: string }).excerpt).toBe('Short now.');

    // Every path that writes a question, at the SQL level (in a transaction rolled back after).
    const runner = t.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const read = async (): Promise<string | null> => (await runner.query('SELECT excerpt FROM threads WHERE id = $1', [thread.id]))[0].excerpt;
      await runner.query('UPDATE posts SET body_text = $2 WHERE id = $1', [question.question.id, 'x'.repeat(300)]);
      expect(await read()).toBe('x'.repeat(201));
      // A merge turns the question into a reply of another thread: this thread has no question text any more.
      await runner.query('UPDATE posts SET is_question = false WHERE id = $1', [question.question.id]);
      expect(await read()).toBeNull();
      await runner.query('UPDATE posts SET is_question = true WHERE id = $1', [question.question.id]);
      expect(await read()).toBe('x'.repeat(201));
      await runner.query('DELETE FROM post_revisions WHERE post_id = $1', [question.question.id]);
      await runner.query('UPDATE threads SET accepted_post_id = NULL WHERE id = $1', [thread.id]);
      await runner.query('DELETE FROM posts WHERE id = $1', [question.question.id]);
      expect(await read()).toBeNull();
      await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }
    expect(await excerpt()).toBe('Short now.');
  });

  it('an unknown board is NOT_FOUND; a board without threads is an empty page', async () => {
    const res = await t.delivery().send(THREADS, { boardSlug: 'no-such-board' });
    expect(res.errors?.[0].extensions.code).toBe('NOT_FOUND');
    const empty = await forum.board({ name: 'Empty board' });
    const page = expectData(await t.delivery().send(THREADS, { boardSlug: empty.slug }), 'threads') as { edges: unknown[]; pageInfo: { hasNextPage: boolean } };
    expect(page.edges).toEqual([]);
    expect(page.pageInfo.hasNextPage).toBe(false);
    // With a board that has threads, the InitPlan path pages as before.
    const withThreads = expectData(await t.delivery().send(THREADS, { boardSlug: board.slug, first: 1 }), 'threads') as { edges: { node: { id: string } }[] };
    expect(withThreads.edges.map((e) => e.node.id)).toEqual([thread.id]);
  });
});
