import { IndexingWorker } from '../src/search/indexing-worker';
import { SearchAnalytics } from '../src/search/search-analytics';
import { StalenessScanService } from '../src/staleness/staleness-scan.service';
import { Role } from '../src/users/role.enum';
import { ACCEPT, DELETE, ForumFactory } from './factories/forum';
import { expectData, KnowledgeBaseFactory, UNPUBLISH } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, GraphqlResponse, TestApp } from './support/create-test-app';

const SEARCH = `query ($input: SearchInput!) { search(input: $input) {
  searchId total correctedQuery didYouMean
  hits { kind id title snippet }
  facets { kind { value count } tag { value count } }
} }`;
const SUGGEST = `query ($input: SuggestArticlesInput!) { suggestArticles(input: $input) { suggestionId articles { kind id title } } }`;
const ANALYTICS = `query ($from: DateTime!, $to: DateTime!) { searchAnalytics(from: $from, to: $to) { searches zeroResultSearches } }`;

interface SearchData {
  searchId: string;
  total: number;
  correctedQuery: string | null;
  didYouMean: string | null;
  hits: { kind: string; id: string; title: string; snippet: string }[];
}

/**
 * An attacker's look at search (2026-12): what anonymous readers can learn of unpublished content through the
 * side channels of search, what hostile query shapes cost, bad input, and analytics poisoning.
 */
describe('search audit 2026-12', () => {
  let t: TestApp;
  let worker: IndexingWorker;
  let editor: GraphqlClient;
  let kb: KnowledgeBaseFactory;
  let forum: ForumFactory;
  let member: GraphqlClient;
  let moderator: GraphqlClient;
  const send = (input: Record<string, unknown>, from?: string): Promise<GraphqlResponse> => {
    const client = t.delivery();
    if (!from) return client.send(SEARCH, { input: { locale: 'en', ...input } });
    return t
      .http()
      .post('/graphql')
      .set('x-forwarded-for', from)
      .send({ query: SEARCH, variables: { input: { locale: 'en', ...input } } })
      .then((res) => ({ status: res.status, data: res.body.data ?? null, errors: res.body.errors, headers: res.headers }));
  };
  const search = async (input: Record<string, unknown>, from?: string): Promise<SearchData> => expectData<SearchData>(await send(input, from), 'search');
  const codeOf = (res: GraphqlResponse): string | undefined => res.errors?.[0]?.extensions?.code as string | undefined;

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false', TRUST_PROXY: 'loopback', SEARCH_SEMANTIC_RERANK: 'false' });
    worker = t.app.get(IndexingWorker);
    editor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
    kb = new KnowledgeBaseFactory(editor);
    moderator = t.admin(await t.login(await t.createUser({ role: Role.Moderator })));
    forum = new ForumFactory(moderator);
    const user = await t.createUser({ role: Role.Member });
    await t.dataSource.query('UPDATE users SET trust_level = 1 WHERE id = $1', [user.user.id]);
    member = t.delivery(await t.login(user));
  });
  afterAll(() => t.close());

  describe('side channels of unpublished content', () => {
    it('answers a word only a draft contains exactly like a word in no document (the spelling check counts public documents only)', async () => {
      const category = await kb.category('Travel');
      await kb.published(category.id, { title: 'Zanzibar travel tips', bodyMarkdown: 'Ferries to Zanzibar leave every morning.' });
      await kb.draft(category.id, { title: 'Zanzibarian expansion plan', bodyMarkdown: 'The secret zanzibarian launch.' });
      await worker.drain();

      const nowhere = await search({ text: 'zanzibarion' });
      const onlyInDraft = await search({ text: 'zanzibarian' });
      expect(nowhere).toMatchObject({ correctedQuery: 'zanzibar', total: 1 });
      expect(onlyInDraft).toMatchObject({ correctedQuery: nowhere.correctedQuery, didYouMean: null, total: nowhere.total });
    });

    it('never proposes a word that only an unpublished article contains, even before a rebuild', async () => {
      const category = await kb.category('Roadmaps');
      await kb.published(category.id, { title: 'Roadmap planning basics', bodyMarkdown: 'How we plan the roadmap.' });
      const secret = await kb.published(category.id, { title: 'Project Quixotic roadmap', bodyMarkdown: 'Quixotic ships next spring.' });
      await worker.drain();
      await kb.locale(secret, UNPUBLISH);
      await worker.drain();

      const res = await search({ text: 'quixotik roadmap planning' });
      expect(res.total).toBeGreaterThan(0);
      expect(res.didYouMean).toBeNull();
      expect((await search({ text: 'quixotik' })).correctedQuery).toBeNull();
    });

    it('re-checks visibility when reading: a hit unpublished or deleted before the worker caught up is not shown', async () => {
      const category = await kb.category('Tardigrades');
      const article = await kb.published(category.id, { title: 'Tardigrade care guide', bodyMarkdown: 'Keep the tardigrade moist.' });
      const board = await forum.board({ name: 'Tardigrade board' });
      const thread = await forum.thread(member, board.id, { title: 'Feeding a tardigrade', bodyMarkdown: 'What does a tardigrade eat?' });
      await worker.drain();
      expect((await search({ text: 'tardigrade' })).hits.map((hit) => hit.id).sort()).toEqual([article.id, thread.id].sort());

      // The outbox is asynchronous: the worker has not run yet.
      await kb.locale(article, UNPUBLISH);
      expect((await member.send(DELETE, { input: { postId: thread.question.id } })).errors).toBeUndefined();

      const found = await search({ text: 'tardigrade' });
      expect(found.hits).toEqual([]);
      expect(found.total).toBe(0);
      const suggested = expectData<{ articles: unknown[] }>(
        await t.delivery().send(SUGGEST, { input: { text: 'what food for my tardigrade', locale: 'en', limit: 5 } }),
        'suggestArticles',
      );
      expect(suggested.articles).toEqual([]);
      await worker.drain();
      expect((await search({ text: 'tardigrade' })).total).toBe(0);
    });

    it('shows no text of an accepted answer hidden before the worker caught up', async () => {
      const board = await forum.board({ name: 'Wrench board' });
      const thread = await forum.thread(member, board.id, { title: 'Stuck wheel nut', bodyMarkdown: 'The wheel nut will not turn.' });
      const answer = await forum.reply(member, thread.id, 'Use the quasarbolt wrench from the kit.');
      expect((await member.send(ACCEPT, { input: { postId: answer.id } })).errors).toBeUndefined();
      await worker.drain();
      expect((await search({ text: 'wheel nut' })).hits).toEqual([expect.objectContaining({ id: thread.id, snippet: expect.stringContaining('wheel') })]);

      const hidden = await moderator.send(`mutation ($input: ContentActionInput!) { hideContent(input: $input) { postId } }`, { input: { postId: answer.id, reason: 'unsafe advice' } });
      expect(hidden.errors).toBeUndefined();
      for (const text of ['wheel nut', 'quasarbolt']) {
        for (const hit of (await search({ text })).hits) expect(hit.snippet).not.toMatch(/quasarbolt/);
      }
      await worker.drain();
      expect((await search({ text: 'quasarbolt' })).total).toBe(0);
    });
  });

  describe('cost of hostile query shapes', () => {
    const shapes: [string, string][] = [
      ['10,000 characters of one word', 'x'.repeat(10_000)],
      ['500 distinct words', Array.from({ length: 500 }, (_, i) => `word${i}`).join(' ').slice(0, 10_000)],
      ['200 quoted phrases', Array.from({ length: 200 }, (_, i) => `"reset ${i} password"`).join(' ').slice(0, 10_000)],
      ['operators everywhere', Array.from({ length: 1000 }, (_, i) => `-a${i} OR b${i}*`).join(' ').slice(0, 10_000)],
      ['one word repeated', 'password '.repeat(1100).slice(0, 10_000)],
      ['punctuation only', '!?.,;:"\'()[]{}<>&|*-+='.repeat(400).slice(0, 10_000)],
      ['a CJK run without spaces', '如何下载发票并重置密码'.repeat(900).slice(0, 10_000)],
      ['a path-like token', 'a/'.repeat(5000)],
    ];

    it.each(shapes)('answers %s without an error', async (_, text) => {
      const res = await send({ text, pageSize: 50 });
      expect(res.errors).toBeUndefined();
      expect(res.data?.search.hits.length).toBeLessThanOrEqual(50);
      const suggest = await t.delivery().send(SUGGEST, { input: { text, locale: 'en', limit: 10 } });
      expect(suggest.errors).toBeUndefined();
    });

    it('refuses fifty aliased searches in one document before running any', async () => {
      const fields = Array.from({ length: 50 }, (_, i) => `s${i}: search(input: { text: "password reset", locale: "en" }) { total }`).join(' ');
      const res = await t.delivery().send(`{ ${fields} }`);
      expect(res.errors?.length).toBeGreaterThan(0);
      expect(res.errors?.map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
      expect(res.data ?? null).toBeNull();
    });

    it('answers parallel hostile searches with results or RATE_LIMITED, never a failure', async () => {
      const all = await Promise.all(shapes.flatMap(([, text]) => [send({ text }), send({ text, page: 1000, pageSize: 50 })]));
      for (const res of all) {
        if (res.errors) expect(codeOf(res)).toBe('RATE_LIMITED');
      }
    });
  });

  describe('bad input', () => {
    it.each([
      ['a NUL byte in a tag filter', { text: 'guide', filters: { tags: ['a\u0000b'] } }, 'BAD_USER_INPUT'],
      ['a NUL byte in a product filter', { text: 'guide', filters: { productKeys: ['p\u0000'] } }, 'BAD_USER_INPUT'],
      ['a NUL byte in a locale', { text: 'guide', locale: 'en\u0000' }, 'BAD_USER_INPUT'],
      ['an invalid locale', { text: 'guide', locale: 'not a locale!' }, 'BAD_USER_INPUT'],
      ['an unknown filter', { text: 'guide', filters: { publishedAfter: 'yesterday' } }, 'BAD_USER_INPUT'],
      ['a negative page', { text: 'guide', page: -1 }, 'BAD_USER_INPUT'],
      ['a huge page', { text: 'guide', page: 2 ** 31 }, 'BAD_USER_INPUT'],
      ['a huge page size', { text: 'guide', pageSize: 1000 }, 'BAD_USER_INPUT'],
      ['a NUL byte in the text', { text: 'guide\u0000line' }, 'BAD_USER_INPUT'],
      ['a lone surrogate in the text', { text: 'guide \ud800 line' }, 'BAD_USER_INPUT'],
    ])('answers %s with %s', async (_, input, code) => {
      const res = await send(input);
      if (code) expect(codeOf(res)).toBe(code);
      else expect(res.errors).toBeUndefined();
    });
  });

  describe('analytics poisoning and personal data', () => {
    const gaps = async (title: string): Promise<number> =>
      (await t.dataSource.query(`SELECT count(*)::int AS n FROM content_gaps WHERE source = 'search_gap' AND title = $1`, [title]))[0].n;

    it('does not turn one client’s repeated zero-result searches into a content gap; distinct clients do', async () => {
      for (let i = 0; i < 8; i++) await search({ text: 'cheap replica watches' }, '203.0.113.50');
      await t.app.get(SearchAnalytics).flush();
      await t.app.get(StalenessScanService).scanSearchGaps();
      expect(await gaps('cheap replica watches')).toBe(0);

      for (let i = 0; i < 5; i++) await search({ text: 'export to spreadsheet' }, `198.51.100.${10 + i}`);
      await t.app.get(SearchAnalytics).flush();
      await t.app.get(StalenessScanService).scanSearchGaps();
      expect(await gaps('export to spreadsheet')).toBe(1);
    });

    it('still makes content gaps from the searches a keyed server-side front end forwards from one address', async () => {
      const admin = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
      const created = await admin.send(`mutation ($input: CreateDeliveryApiKeyInput!) { createDeliveryApiKey(input: $input) { key } }`, { input: { label: 'SSR front end' } });
      const key = expectData<{ key: string }>(created, 'createDeliveryApiKey').key;
      for (let i = 0; i < 5; i++) {
        const res = await t.http().post('/graphql').set('x-api-key', key).set('x-forwarded-for', '192.0.2.80').send({ query: SEARCH, variables: { input: { text: 'bulk import contacts', locale: 'en' } } });
        expect(res.body.errors).toBeUndefined();
      }
      await t.app.get(SearchAnalytics).flush();
      await t.app.get(StalenessScanService).scanSearchGaps();
      expect(await gaps('bulk import contacts')).toBe(1);
    });

    it('stores no email address or phone number typed into search', async () => {
      await search({ text: 'Jane.Doe@example.com locked out, call +1 (415) 555-0134 or 0151 2345 6789' });
      await t.app.get(SearchAnalytics).flush();
      const rows: { query: string; normalized_query: string }[] = await t.dataSource.query(`SELECT query, normalized_query FROM search_query_log WHERE query ILIKE '%locked out%'`);
      expect(rows).toHaveLength(1);
      for (const text of [rows[0].query, rows[0].normalized_query]) {
        expect(text).not.toMatch(/jane|doe|example|415|555|0134|2345|6789/i);
        expect(text).toMatch(/locked out/);
      }
    });

    it('forgets logged searches after the retention period', async () => {
      await t.dataSource.query(
        `INSERT INTO search_query_log (query, normalized_query, locale, result_count, searched_at) VALUES ('ancient query', 'ancient query', 'en', 0, now() - interval '400 days')`,
      );
      await search({ text: 'a fresh query' });
      await t.app.get(SearchAnalytics).flush();
      // The hourly job's work.
      expect(await t.app.get(SearchAnalytics).purgeExpired()).toBe(1);
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM search_query_log WHERE query = 'ancient query'`))[0].n).toBe(0);
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM search_query_log WHERE query = 'a fresh query'`))[0].n).toBe(1);
    });
  });
});
