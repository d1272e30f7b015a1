import { seedDemo } from '../src/cli/demo-seed';
import { IndexingWorker } from '../src/search/indexing-worker';
import { Role } from '../src/users/role.enum';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';
import { readEverything, SweepAnswer } from './support/schema-sweep';

/**
 * Nothing leaked, whatever a front end asks: content in every state the public must not see (internal, draft, newer
 * draft of a published article, scheduled, archived, unpublished, deleted; pending, hidden, removed and deleted forum
 * posts, an edit's earlier text, a rejection reason, a flag's note) carries a marker, and every root query of the
 * delivery API is read with its whole answer selected (test/support/schema-sweep.ts, `readEverything`: new fields
 * are read as they are added), anonymously and as another member, by id, by slug and by searching for the marker.
 * No answer may contain a marker or a member's email.
 */
describe('delivery API: nothing leaked', () => {
  const MARK = 'zqleakmark';
  let t: TestApp;
  let admin: GraphqlClient;
  const emails: string[] = [];
  const articles: { id: string; slug: string }[] = [];
  const threads: { id: string; slug: string }[] = [];

  const must = async <T>(client: GraphqlClient, query: string, variables: Record<string, unknown>, field: string): Promise<T> => {
    const res = await client.send(query, variables);
    if (res.errors) throw new Error(`${field}: ${JSON.stringify(res.errors)}`);
    return res.data![field] as T;
  };

  beforeAll(async () => {
    // The whole answer of a root query at once: far over the public limits, which this test is not about.
    t = await createTestApp({ GRAPHQL_MAX_COST: '1000000', GRAPHQL_MAX_DEPTH: '30', GRAPHQL_MAX_TOKENS: '100000' });
    await seedDemo(t.app, t.config);
    const adminUser = await t.createUser({ role: Role.Admin });
    admin = t.admin(await t.login(adminUser));
    const [{ id: categoryId }] = await t.dataSource.query(`SELECT id FROM categories WHERE parent_id IS NULL ORDER BY position, id LIMIT 1`);

    type Created = { id: string; metadataVersion: number; locales: { slug: string; headRevision: { id: string } }[] };
    const ARTICLE = 'id metadataVersion locales { slug headRevision { id } }';
    const create = async (state: string): Promise<Created> => {
      const article = await must<Created>(admin, `mutation ($input: CreateArticleInput!) { createArticle(input: $input) { ${ARTICLE} } }`, {
        input: { categoryId, title: `${MARK} ${state} title`, bodyMarkdown: `${MARK}${state}body and its steps`, tags: [`${MARK}${state}`] },
      }, 'createArticle');
      articles.push({ id: article.id, slug: article.locales[0].slug });
      return article;
    };
    const publish = (article: Created, publishAt: string | null = null) =>
      must(admin, `mutation ($input: PublishArticleInput!) { publishArticle(input: $input) { id } }`, { input: { articleId: article.id, revisionId: article.locales[0].headRevision.id, publishAt } }, 'publishArticle');
    const localeAction = (name: string, article: Created) => must(admin, `mutation ($input: ArticleLocaleInput!) { ${name}(input: $input) { id } }`, { input: { articleId: article.id, locale: 'en' } }, name);

    const internal = await create('internal');
    await must(admin, `mutation ($input: UpdateArticleInput!) { updateArticle(input: $input) { id } }`, { input: { articleId: internal.id, baseMetadataVersion: internal.metadataVersion, isInternal: true } }, 'updateArticle');
    await publish(internal);
    await create('draft');
    const published = await must<Created>(admin, `mutation ($input: CreateArticleInput!) { createArticle(input: $input) { ${ARTICLE} } }`, { input: { categoryId, title: 'Public article', bodyMarkdown: 'Public text.' } }, 'createArticle');
    articles.push({ id: published.id, slug: published.locales[0].slug });
    await publish(published);
    await must(admin, `mutation ($input: SaveArticleDraftInput!) { saveArticleDraft(input: $input) { id } }`, {
      input: { articleId: published.id, locale: 'en', baseRevisionNumber: 1, title: `${MARK} newerdraft title`, bodyMarkdown: `${MARK}newerdraftbody` },
    }, 'saveArticleDraft');
    await publish(await create('scheduled'), '2099-01-01T00:00:00Z');
    const archived = await create('archived');
    await publish(archived);
    await localeAction('archiveArticle', archived);
    const unpublished = await create('unpublished');
    await publish(unpublished);
    await localeAction('unpublishArticle', unpublished);
    const deleted = await create('deleted');
    await publish(deleted);
    await must(admin, `mutation ($input: ArticleIdInput!) { deleteArticle(input: $input) { id } }`, { input: { articleId: deleted.id } }, 'deleteArticle');

    // Forum: a newcomer held on a board that holds new members; a trusted member's posts hidden, removed, deleted, edited.
    const member = async (trustLevel: number): Promise<GraphqlClient> => {
      const user = await t.createUser({ email: `${MARK}-${trustLevel}-${Date.now()}@example.test` });
      emails.push(user.user.email);
      await t.dataSource.query(`UPDATE users SET trust_level = $2, trust_level_locked = true WHERE id = $1`, [user.user.id, trustLevel]);
      return t.delivery(await t.login(user));
    };
    const newcomer = await member(0);
    const trusted = await member(3);
    const board = (policy: string) => must<{ id: string }>(admin, `mutation ($input: CreateBoardInput!) { createBoard(input: $input) { id } }`, { input: { name: `Leak ${policy}`, moderationPolicy: policy } }, 'createBoard');
    const heldBoard = await board('HoldNewMembers');
    const openBoard = await board('Open');
    const ask = async (client: GraphqlClient, boardId: string, title: string, body: string) => {
      const thread = await must<{ id: string; slug: string }>(client, `mutation ($input: AskQuestionInput!) { askQuestion(input: $input) { id slug } }`, { input: { boardId, title, bodyMarkdown: body } }, 'askQuestion');
      threads.push(thread);
      return thread;
    };
    const reply = (client: GraphqlClient, threadId: string, body: string) =>
      must<{ id: string }>(client, `mutation ($input: ReplyInput!) { replyToThread(input: $input) { id } }`, { input: { threadId, bodyMarkdown: body } }, 'replyToThread');
    const moderate = (name: string, input: Record<string, unknown>) => must(admin, `mutation ($input: ${name === 'rejectContent' ? 'RejectContentInput' : 'ContentActionInput'}!) { ${name}(input: $input) { threadId } }`, { input }, name);

    await ask(newcomer, heldBoard.id, `${MARK} pending title`, `${MARK}pendingbody`);
    const open = await ask(trusted, openBoard.id, 'A visible question', 'How do I export?');
    await reply(newcomer, open.id, 'A visible reply.');
    await moderate('hideContent', { postId: (await reply(trusted, open.id, `${MARK}hiddenpost`)).id });
    await moderate('removeContent', { postId: (await reply(trusted, open.id, `${MARK}removedpost`)).id, reason: `${MARK}removalreason` });
    const own = await reply(trusted, open.id, `${MARK}deletedpost`);
    await must(trusted, `mutation ($input: PostIdInput!) { deletePost(input: $input) { __typename } }`, { input: { postId: own.id } }, 'deletePost');
    const edited = await reply(trusted, open.id, `${MARK}earlierrevision`);
    await must(trusted, `mutation ($input: EditPostInput!) { editPost(input: $input) { id } }`, { input: { postId: edited.id, bodyMarkdown: 'Edited to this.', baseRevisionNumber: 1 } }, 'editPost');
    const held = await ask(newcomer, heldBoard.id, `${MARK} rejected title`, `${MARK}rejectedbody`);
    await moderate('rejectContent', { threadId: held.id, reason: `${MARK}rejectionreason` });
    await must(newcomer, `mutation ($input: FlagContentInput!) { flagContent(input: $input) { __typename } }`, { input: { threadId: open.id, kind: "Other", note: `${MARK}flagnote` } }, "flagContent");
    await t.app.get(IndexingWorker).drain();
  }, 300_000);
  afterAll(() => t.close());

  it('shows no marked content and no email to anonymous readers or another member', async () => {
    const reader = await t.createUser();
    const readers: [string, GraphqlClient][] = [
      ['anonymous', t.delivery()],
      ['another member', t.delivery(await t.login(reader))],
    ];
    const byIdAndSlug = (list: { id: string; slug: string }[]) => list.flatMap((item) => [{ id: item.id, slug: undefined }, { id: undefined, slug: item.slug }]);
    const search = { input: { text: MARK, pageSize: 50 } };
    const rootArguments: Record<string, Record<string, unknown>[]> = {
      article: byIdAndSlug(articles),
      thread: byIdAndSlug(threads),
      search: [search, { input: { text: `${MARK}hiddenpost`, pageSize: 50 } }, { input: { text: 'pending title', pageSize: 50 } }],
      suggestArticles: [{ input: { text: MARK, limit: 10 } }, { input: { text: `${MARK} pending`, limit: 10 } }],
      board: (await t.dataSource.query(`SELECT slug FROM boards`)).map((row: { slug: string }) => ({ slug: row.slug })),
      category: (await t.dataSource.query(`SELECT id FROM categories`)).map((row: { id: string }) => ({ id: row.id })),
    };
    const pattern = new RegExp(`${MARK}|${emails.map((email) => email.replace(/[.+]/g, '\\$&')).join('|')}`, 'i');
    for (const [who, client] of readers) {
      const leaks: string[] = [];
      const answered: string[] = [];
      const requests = await readEverything(
        async (query, variables) => {
          const res = await client.send(query, variables);
          // The data only: a NOT_FOUND message repeats the slug the caller sent, which is no leak.
          return { ...res, text: JSON.stringify(res.data) };
        },
        {},
        rootArguments,
        (field, variables, answer: SweepAnswer & { text?: string }) => {
          const found = pattern.exec(answer.text ?? '');
          if (found) leaks.push(`${who} ${field}(${JSON.stringify(variables).slice(0, 80)}): …${(answer.text ?? '').slice(Math.max(0, found.index - 60), found.index + 60)}…`);
          if (!answer.errors) answered.push(field);
        },
      );
      expect(leaks).toEqual([]);
      // The reads reached the content: lists, the public article, the visible thread answered with data.
      expect(requests).toBeGreaterThan(30);
      expect(answered).toEqual(expect.arrayContaining(['articles', 'threads', 'categories', 'category', 'boards', 'board', 'search', 'suggestArticles', 'article', 'thread', 'sitemap', 'threadSitemap']));
      if (who !== 'anonymous') expect(answered).toEqual(expect.arrayContaining(['me', 'notifications', 'exportMyData']));
    }
  }, 300_000);
});
