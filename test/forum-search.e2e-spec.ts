import { IndexingWorker } from '../src/search/indexing-worker';
import { SearchIndexService } from '../src/search/search-index.service';
import { Role } from '../src/users/role.enum';
import { ACCEPT, DELETE, EDIT, ForumFactory, UPDATE_BOARD } from './factories/forum';
import { expectData, KnowledgeBaseFactory } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const SEARCH = `query ($input: SearchInput!) { search(input: $input) {
  total hits { kind id title slug url snippet } facets { kind { value count } }
} }`;
const ADMIN_SEARCH = `query ($input: AdminSearchInput!) { adminSearch(input: $input) { total hits { status hit { kind title } } } }`;
const SUGGEST = `query ($input: SuggestArticlesInput!) { suggestArticles(input: $input) { suggestionId articles { kind id title url } } }`;

describe('forum threads in search', () => {
  let t: TestApp;
  let worker: IndexingWorker;
  let forum: ForumFactory;
  let ann: GraphqlClient;
  let bob: GraphqlClient;
  let newbie: GraphqlClient;
  let staffAdmin: GraphqlClient;
  let moderator: GraphqlClient;
  const moderatorClient = (): GraphqlClient => moderator;
  const outbox = async (id: string): Promise<number> =>
    (await t.dataSource.query(`SELECT count(*)::int AS n FROM search_outbox WHERE kind = 'thread' AND source_id = $1`, [id]))[0].n;
  const search = async (text: string, extra: Record<string, unknown> = {}) =>
    expectData<{ total: number; hits: { kind: string; id: string; title: string; url: string; snippet: string }[]; facets: { kind: { value: string; count: number }[] } }>(
      await t.delivery().send(SEARCH, { input: { text, locale: 'en', ...extra } }),
      'search',
    );

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false', SITE_BASE_URL: 'https://help.example.test' });
    worker = t.app.get(IndexingWorker);
    moderator = t.admin(await t.login(await t.createUser({ role: Role.Moderator })));
    staffAdmin = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
    forum = new ForumFactory(moderator);
    const member = async (trust: number) => {
      const user = await t.createUser({ role: Role.Member });
      await t.dataSource.query('UPDATE users SET trust_level = $2 WHERE id = $1', [user.user.id, trust]);
      return t.delivery(await t.login(user));
    };
    ann = await member(1);
    bob = await member(1);
    newbie = await member(0);
  });
  afterAll(() => t.close());

  it('indexes visible threads with their question and accepted answer, through the outbox in the same transaction', async () => {
    const board = await forum.board({ name: 'Questions' });
    const thread = await forum.thread(ann, board.id, { title: 'Refund a duplicate charge', bodyMarkdown: 'I was charged twice for the **same** order.', tags: ['refunds'] });
    expect(await outbox(thread.id)).toBeGreaterThan(0);
    const answer = await forum.reply(bob, thread.id, 'Open Orders and press Reimburse on the duplicate.');
    await ann.send(ACCEPT, { input: { postId: answer.id } });
    await worker.drain();

    const found = await search('charged twice', { facets: ['Kind'] });
    expect(found.hits).toEqual([expect.objectContaining({ kind: 'Thread', id: thread.id, title: 'Refund a duplicate charge', url: 'https://help.example.test/en/community/refund-a-duplicate-charge' })]);
    expect(found.facets.kind).toEqual([{ value: 'Thread', count: 1 }]);
    // The accepted answer's words find the thread; a reply that is not accepted does not.
    expect((await search('reimburse')).hits.map((hit) => hit.id)).toEqual([thread.id]);
    await forum.reply(bob, thread.id, 'Unrelated chatter about zeppelins.');
    await worker.drain();
    expect((await search('zeppelins')).total).toBe(0);
  });

  it('keeps pending and deleted threads out of public search; moderators still find them', async () => {
    const held = await forum.board({ name: 'Held board', moderationPolicy: 'HoldNewMembers' });
    const pending = await forum.thread(newbie, held.id, { title: 'Pending marmalade question', bodyMarkdown: 'Marmalade?' });
    const open = await forum.board({ name: 'Open board' });
    const deleted = await forum.thread(ann, open.id, { title: 'Deleted marmalade question', bodyMarkdown: 'Marmalade!' });
    await worker.drain();
    expect((await search('marmalade')).hits.map((hit) => hit.id)).toEqual([deleted.id]);
    await ann.send(DELETE, { input: { postId: deleted.question.id } });
    await worker.drain();
    expect((await search('marmalade')).total).toBe(0);

    const staff = expectData<{ hits: { status: string; hit: { kind: string; title: string } }[] }>(
      await staffAdmin.send(ADMIN_SEARCH, { input: { text: 'marmalade' } }),
      'adminSearch',
    );
    expect(staff.hits.map((hit) => [hit.hit.title, hit.status]).sort()).toEqual([
      ['Deleted marmalade question', 'deleted'],
      ['Pending marmalade question', 'pending'],
    ]);
    expect(pending.status).toBe('Pending');
  });

  it('reindexes a retitled thread under its new slug', async () => {
    const board = await forum.board({ name: 'Retitles' });
    const thread = await forum.thread(ann, board.id, { title: 'Old walrus title', bodyMarkdown: 'Walrus body' });
    await ann.send(EDIT, { input: { postId: thread.question.id, baseRevisionNumber: 1, bodyMarkdown: 'Walrus body', title: 'New walrus title' } });
    await worker.drain();
    expect((await search('walrus')).hits).toEqual([expect.objectContaining({ title: 'New walrus title', url: 'https://help.example.test/en/community/new-walrus-title' })]);
  });

  it('moves a board’s threads to its new locale in the index', async () => {
    const board = await forum.board({ name: 'Moving board' });
    const thread = await forum.thread(ann, board.id, { title: 'Quokka question', bodyMarkdown: 'Quokka body' });
    await worker.drain();
    expect((await search('quokka')).hits.map((hit) => hit.id)).toEqual([thread.id]);
    expect((await moderatorClient().send(UPDATE_BOARD, { input: { boardId: board.id, locale: 'de' } })).errors).toBeUndefined();
    await worker.drain();
    expect((await search('quokka')).total).toBe(0);
    expect((await search('quokka', { locale: 'de' })).hits).toEqual([expect.objectContaining({ id: thread.id, url: 'https://help.example.test/de/community/quokka-question' })]);
  });

  it('suggests articles and solved threads, not unsolved ones, while a question is typed', async () => {
    const editor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
    const kb = new KnowledgeBaseFactory(editor);
    const category = await kb.category('Accounts');
    const article = await kb.published(category.id, { title: 'Close your account', bodyMarkdown: 'Export your data, then close the account.' });
    const board = await forum.board({ name: 'Accounts board' });
    const solved = await forum.thread(ann, board.id, { title: 'Can I reopen a closed account?', bodyMarkdown: 'I closed my account by mistake.' });
    const answer = await forum.reply(bob, solved.id, 'Support can reopen a closed account within 30 days.');
    await ann.send(ACCEPT, { input: { postId: answer.id } });
    await forum.thread(bob, board.id, { title: 'Closed account billing?', bodyMarkdown: 'Am I billed after I close my account?' });
    await worker.drain();

    const res = expectData<{ articles: { kind: string; id: string; url: string }[] }>(
      await t.delivery().send(SUGGEST, { input: { text: 'how do I close my account', locale: 'en' } }),
      'suggestArticles',
    );
    expect(res.articles.map((hit) => [hit.kind, hit.id]).sort()).toEqual([
      ['Article', article.id],
      ['Thread', solved.id],
    ].sort());
    const page = expectData<{ jsonLd: string }>(await t.delivery().send(`query ($id: ID) { article(id: $id) { jsonLd } }`, { id: article.id }), 'article');
    expect(JSON.parse(page.jsonLd)).toMatchObject({ '@type': 'Article', headline: 'Close your account', inLanguage: 'en', articleSection: 'Accounts' });
    const articlesOnly = expectData<{ articles: { kind: string }[] }>(
      await t.delivery().send(SUGGEST, { input: { text: 'close my account', locale: 'en', includeSolvedThreads: false } }),
      'suggestArticles',
    );
    expect(articlesOnly.articles.map((hit) => hit.kind)).toEqual(['Article']);
  });

  it('records opened thread suggestions as deflection and reports it per kind', async () => {
    const editor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
    const kb = new KnowledgeBaseFactory(editor);
    const article = await kb.published((await kb.category('Printers')).id, { title: 'Pair a gizmo printer', bodyMarkdown: 'Hold the gizmo button for five seconds.' });
    const board = await forum.board({ name: 'Printers board' });
    const solved = await forum.thread(ann, board.id, { title: 'Gizmo printer will not pair', bodyMarkdown: 'My gizmo printer does not pair.' });
    const answer = await forum.reply(bob, solved.id, 'Reset the gizmo printer first.');
    await ann.send(ACCEPT, { input: { postId: answer.id } });
    await worker.drain();
    // Earlier tests' suggestions are before this instant.
    const from = ((await t.dataSource.query(`SELECT clock_timestamp() AS at`))[0].at as Date).toISOString();
    const suggest = async () =>
      expectData<{ suggestionId: string; articles: { kind: string; id: string }[] }>(await t.delivery().send(SUGGEST, { input: { text: 'gizmo printer pairing', locale: 'en' } }), 'suggestArticles');
    const OPENED = `mutation ($input: SuggestionOpenedInput!) { recordSuggestionOpened(input: $input) }`;

    const first = await suggest();
    expect(first.articles.map((hit) => hit.id).sort()).toEqual([article.id, solved.id].sort());
    expect((await t.delivery().send(OPENED, { input: { suggestionId: first.suggestionId, threadId: solved.id } })).data?.recordSuggestionOpened).toBe(true);
    // The thread's id is not an article of that batch, nor an unknown thread.
    expect((await t.delivery().send(OPENED, { input: { suggestionId: first.suggestionId, articleId: solved.id } })).data?.recordSuggestionOpened).toBe(false);
    expect((await t.delivery().send(OPENED, { input: { suggestionId: first.suggestionId, threadId: article.id } })).data?.recordSuggestionOpened).toBe(false);
    const second = await suggest();
    expect((await t.delivery().send(OPENED, { input: { suggestionId: second.suggestionId, articleId: article.id } })).data?.recordSuggestionOpened).toBe(true);
    await suggest(); // shown, nothing opened

    const before = (await t.dataSource.query(`SELECT count(*)::int AS n, count(opened_at)::int AS opened FROM article_suggestions`))[0];
    for (const input of [{ suggestionId: first.suggestionId }, { suggestionId: first.suggestionId, articleId: article.id, threadId: solved.id }]) {
      const refused = await t.delivery().send(OPENED, { input });
      expect(refused.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
    }
    expect((await t.dataSource.query(`SELECT count(*)::int AS n, count(opened_at)::int AS opened FROM article_suggestions`))[0]).toEqual(before);

    const to = new Date(Date.now() + 60_000).toISOString();
    const report = expectData<{ suggestionRequests: number; suggestionRequestsOpened: number; deflectionByKind: { kind: string; suggestionRequests: number; suggestionRequestsOpened: number; suggestionsShown: number; suggestionsOpened: number }[] }>(
      await staffAdmin.send(`query ($from: DateTime!, $to: DateTime!) { searchAnalytics(from: $from, to: $to) { suggestionRequests suggestionRequestsOpened deflectionByKind { kind suggestionRequests suggestionRequestsOpened suggestionsShown suggestionsOpened } } }`, { from, to }),
      'searchAnalytics',
    );
    expect(report.suggestionRequests).toBe(3);
    expect(report.suggestionRequestsOpened).toBe(2);
    expect(report.deflectionByKind).toEqual([
      { kind: 'Article', suggestionRequests: 3, suggestionRequestsOpened: 1, suggestionsShown: 3, suggestionsOpened: 1 },
      { kind: 'Thread', suggestionRequests: 3, suggestionRequestsOpened: 1, suggestionsShown: 3, suggestionsOpened: 1 },
    ]);
  });

  it('rebuilds threads into the index and reports no drift', async () => {
    const index = t.app.get(SearchIndexService);
    await worker.drain();
    const rebuilt = await index.reindex();
    const [{ threads }] = await t.dataSource.query('SELECT count(*)::int AS threads FROM threads');
    expect(rebuilt.documents).toBeGreaterThanOrEqual(threads);
    expect(await index.check()).toMatchObject({ missing: [], extra: [], outdated: [] });
  });
});
