import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { SearchEngine } from '../search/search-engine';
import { IndexingWorker } from '../src/search/indexing-worker';
import { SEARCH_ENGINE } from '../src/search/search-engine.token';
import { SearchIndexService } from '../src/search/search-index.service';
import { PHRASE_RELAX_BELOW, PHRASE_RELAX_DEPTH } from '../src/search/search.service';
import { Role } from '../src/users/role.enum';
import { ARCHIVE, expectData, KnowledgeBaseFactory, UPDATE_ARTICLE } from './factories/knowledge-base';
import { eventually } from './support/eventually';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const SEARCH = `query ($input: SearchInput!) { search(input: $input) {
  searchId total page pageSize correctedQuery didYouMean
  hits { kind id locale title highlightedTitle snippet slug url position }
  facets { kind { value count } category { value count } product { value count } tag { value count } locale { value count } }
} }`;
const ADMIN_SEARCH = `query ($input: AdminSearchInput!) { adminSearch(input: $input) { total hits { status hit { title } } statusFacet { value count } } }`;
const SUGGEST = `query ($input: SuggestArticlesInput!) { suggestArticles(input: $input) { suggestionId articles { id title url } } }`;
const CLICK = `mutation ($input: SearchClickInput!) { recordSearchClick(input: $input) }`;
const OPENED = `mutation ($input: SuggestionOpenedInput!) { recordSuggestionOpened(input: $input) }`;
const ANALYTICS = `query ($from: DateTime!, $to: DateTime!) { searchAnalytics(from: $from, to: $to) {
  searches searchesWithClick zeroResultSearches suggestionRequests suggestionRequestsOpened
  topQueries { query searches clicks } zeroResultQueries { query searches } noClickQueries { query searches }
} }`;
const SYNONYMS = `mutation ($input: SearchSynonymsInput!) { createSearchSynonyms(input: $input) { id words } }`;
const STOP_WORD = `mutation ($input: SearchStopWordInput!) { addSearchStopWord(input: $input) { word } }`;

describe('search API (PostgreSQL engine)', () => {
  let t: TestApp;
  let editor: GraphqlClient;
  let admin: GraphqlClient;
  let kb: KnowledgeBaseFactory;
  let worker: IndexingWorker;
  const search = (input: Record<string, unknown>) => t.delivery().send(SEARCH, { input: { locale: 'en', ...input } });
  const titles = async (input: Record<string, unknown>): Promise<string[]> => {
    const res = await search(input);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data?.search.hits.map((hit: { title: string }) => hit.title);
  };

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false', SEARCH_RETRY_MAX_SECONDS: '1' });
    worker = t.app.get(IndexingWorker);
    editor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
    admin = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
    kb = new KnowledgeBaseFactory(editor);
  });
  afterAll(() => t.close());

  it('finds published articles with highlights, facets and pagination, and nothing else', async () => {
    const billing = await kb.category('Billing');
    const invoices = await kb.category('Invoices', { parentId: billing.id });
    await kb.published(invoices.id, { title: 'Download an invoice', bodyMarkdown: 'Open **Billing** and download the invoice as PDF. <script>alert(1)</script>', tags: ['pdf'] });
    await kb.published(billing.id, { title: 'Invoice reminders', bodyMarkdown: 'Send reminders for late invoices.', tags: ['automation'] });
    await kb.draft(invoices.id, { title: 'Invoice draft secret', bodyMarkdown: 'Unpublished invoice text.' });
    await kb.published(invoices.id, { title: 'Invoice internal runbook', bodyMarkdown: 'Internal invoice steps.', isInternal: true });
    const archived = await kb.published(invoices.id, { title: 'Invoice archived guide', bodyMarkdown: 'Old invoice steps.' });
    await kb.locale(archived, ARCHIVE);
    await worker.drain();

    const res = await search({ text: 'invoice', facets: ['Category', 'Tag', 'Kind'] });
    expect(res.data?.search.total).toBe(2);
    expect(res.data?.search.hits.map((h: { title: string }) => h.title).sort()).toEqual(['Download an invoice', 'Invoice reminders']);
    const hit = res.data?.search.hits.find((h: { title: string }) => h.title === 'Download an invoice');
    expect(hit.highlightedTitle).toBe('Download an <mark>invoice</mark>');
    expect(hit.snippet).not.toMatch(/<script|<strong/);
    expect(hit.url).toMatch(/\/en\/articles\/download-an-invoice$/);
    expect(res.data?.search.facets.category).toEqual(expect.arrayContaining([{ value: billing.id, count: 2 }, { value: invoices.id, count: 1 }]));
    expect(res.data?.search.facets.kind).toEqual([{ value: 'Article', count: 2 }]);

    expect(await titles({ text: 'invoice', filters: { categoryIds: [invoices.id] } })).toEqual(['Download an invoice']);
    expect(await titles({ text: 'invoice', filters: { tags: ['automation'] } })).toEqual(['Invoice reminders']);
    expect(await titles({ text: 'invoice', page: 2, pageSize: 1 })).toHaveLength(1);
    expect(await titles({ text: 'invoice', page: 50 })).toEqual([]);
    expect(await titles({ text: 'invoice secret' })).toEqual([]);
    expect(await titles({ text: 'runbook' })).toEqual([]);
    expect(await titles({ text: 'archived' })).toEqual([]);

    const admin = await editor.send(ADMIN_SEARCH, { input: { text: 'invoice' } });
    expect(admin.data?.adminSearch.total).toBe(5);
    const drafts = await editor.send(ADMIN_SEARCH, { input: { text: 'invoice', statuses: ['draft'] } });
    expect(drafts.data?.adminSearch.hits.map((h: { hit: { title: string } }) => h.hit.title)).toEqual(['Invoice draft secret']);
  });

  it('reindexes an article when it changes: unpublished or made internal, it leaves public search', async () => {
    const article = await kb.published((await kb.category()).id, { title: 'Mileage tracking' });
    await worker.drain();
    expect(await titles({ text: 'mileage' })).toEqual(['Mileage tracking']);
    expectData(await editor.send(UPDATE_ARTICLE, { input: { articleId: article.id, isInternal: true, baseMetadataVersion: article.metadataVersion } }), 'updateArticle');
    await worker.drain();
    expect(await titles({ text: 'mileage' })).toEqual([]);
  });

  it('tolerates typos, matches prefixes and finds Chinese text', async () => {
    const category = await kb.category();
    let article = await kb.published(category.id, { title: 'Reset your password', bodyMarkdown: 'Choose Forgot password on the sign-in page.' });
    article = await kb.publish(await kb.save(article, 'zh-CN', { title: '下载发票', bodyMarkdown: '如何下载发票：打开账单页面。' }), 'zh-CN');
    await worker.drain();
    const typo = await search({ text: 'pasword resett' });
    expect(typo.data?.search.hits.map((h: { title: string }) => h.title)).toEqual(['Reset your password']);
    expect(typo.data?.search.correctedQuery).toBe('password reset');
    expect(typo.data?.search.didYouMean).toBeNull();
    expect(await titles({ text: 'reset pass' })).toEqual(['Reset your password']);
    expect(await titles({ text: '发票', locale: 'zh-CN' })).toEqual(['下载发票']);
  });

  it('offers "did you mean" when a word is unknown while the others find results, keeping the results as typed', async () => {
    const category = await kb.category();
    await kb.published(category.id, { title: 'Archive old shipments', bodyMarkdown: 'Shipments older than a year can be archived from the warehouse list.' });
    await kb.published(category.id, { title: 'Warehouse shipments overview', bodyMarkdown: 'Every shipment of the warehouse.' });
    await worker.drain();
    const res = await search({ text: 'warehouse shipments archve' });
    expect(res.errors).toBeUndefined();
    expect(res.data?.search.total).toBeGreaterThan(0);
    expect(res.data?.search.correctedQuery).toBeNull();
    expect(res.data?.search.didYouMean).toBe('warehouse shipments archive');
    const right = await search({ text: 'warehouse shipments archive' });
    expect(right.data?.search).toMatchObject({ didYouMean: null, correctedQuery: null });
    expect(right.data?.search.hits[0].title).toBe('Archive old shipments');
  });

  it('lists the documents with a quoted phrase first, then those with its words, unless the phrase finds enough', async () => {
    const category = await kb.category();
    await kb.published(category.id, { title: 'Error: frobnicator stalled on start', bodyMarkdown: 'The message "frobnicator stalled" appears when the app starts.' });
    await kb.published(category.id, { title: 'Frobnicator keeps restarting', bodyMarkdown: 'When it has stalled, restart the frobnicator from the menu.' });
    await kb.published(category.id, { title: 'Zebra crossings', bodyMarkdown: 'Nothing about the other words.' });
    await worker.drain();

    const relaxed = await search({ text: '"frobnicator stalled" on start', facets: ['Category'] });
    expect(relaxed.errors).toBeUndefined();
    expect(relaxed.data?.search.hits.map((hit: { title: string }) => hit.title)).toEqual(['Error: frobnicator stalled on start', 'Frobnicator keeps restarting']);
    expect(relaxed.data?.search.total).toBe(2);
    expect(relaxed.data?.search.facets.category).toEqual([{ value: category.id, count: 2 }]);
    expect(await titles({ text: '"frobnicator stalled" on start', pageSize: 1, page: 2 })).toEqual(['Frobnicator keeps restarting']);
    expect(await titles({ text: '"frobnicator stalled" on start', pageSize: 1, page: 3 })).toEqual([]);
    const deep = await search({ text: '"frobnicator stalled" on start', pageSize: 50, page: PHRASE_RELAX_DEPTH / 50 + 1 });
    expect(deep.data?.search).toMatchObject({ total: 2, hits: [] });
    // A phrase in no document: what its words find, instead of nothing; suggestions too.
    expect((await titles({ text: '"stalled frobnicator"' })).sort()).toEqual(['Error: frobnicator stalled on start', 'Frobnicator keeps restarting']);
    const suggested = await t.delivery().send(SUGGEST, { input: { text: 'My app says "frobnicator stalled" every morning', locale: 'en' } });
    // (Any word counts for suggestions: articles of other tests may follow.)
    expect(suggested.data?.suggestArticles.articles.map((a: { title: string }) => a.title).slice(0, 2)).toEqual(['Error: frobnicator stalled on start', 'Frobnicator keeps restarting']);

    // With PHRASE_RELAX_BELOW documents holding the phrase, it stays strict.
    const engine = t.app.get<SearchEngine>(SEARCH_ENGINE);
    const reports = Array.from({ length: PHRASE_RELAX_BELOW }, (_, i) => ({
        kind: 'article' as const, id: randomUUID(), locale: 'en', version: 1, visibility: 'public' as const, status: 'published', title: `Quuxifier jammed report ${i}`,
        headings: [], body: 'The quuxifier jammed again.', slug: `quuxifier-jammed-${i}`, categoryIds: [], productKeys: [], tags: [], solved: null, updatedAt: new Date(), publishedAt: new Date(),
    }));
    await engine.upsert(reports);
    await kb.published(category.id, { title: 'Jammed doors and a quuxifier', bodyMarkdown: 'Both words, never side by side.' });
    await worker.drain();
    // The reports are documents of no article, which public search drops when it reads them (SearchVisibility):
    // admin search, relaxed by the same rule, shows what the engine found.
    const strict = expectData<{ total: number; hits: { hit: { title: string } }[] }>(await editor.send(ADMIN_SEARCH, { input: { text: '"quuxifier jammed"', pageSize: 50 } }), 'adminSearch');
    await engine.remove(reports); // documents of no article: the index check below would report them
    expect(strict.total).toBe(PHRASE_RELAX_BELOW);
    expect(strict.hits.map((hit) => hit.hit.title)).not.toContain('Jammed doors and a quuxifier');
  });

  it('applies synonyms and stop words admins manage', async () => {
    await kb.published((await kb.category()).id, { title: 'Pay a bill by card' });
    await worker.drain();
    expect(await titles({ text: 'voucher' })).toEqual([]);
    expectData(await admin.send(SYNONYMS, { input: { locale: 'en', words: ['voucher', 'card'] } }), 'createSearchSynonyms');
    expect(await titles({ text: 'voucher' })).toEqual(['Pay a bill by card']);
    expectData(await admin.send(STOP_WORD, { input: { locale: 'en', word: 'please' } }), 'addSearchStopWord');
    expect(await titles({ text: 'please pay card' })).toEqual(['Pay a bill by card']);
    const bad = await admin.send(SYNONYMS, { input: { locale: 'en', words: ['same', 'same'] } });
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    // The same stop word added at once: one added, the others CONFLICT (not a key violation).
    const racing = await Promise.all(Array.from({ length: 6 }, () => admin.send(STOP_WORD, { input: { locale: 'en', word: 'Kindly' } })));
    expect(racing.filter((res) => !res.errors).map((res) => res.data!.addSearchStopWord)).toEqual([{ word: 'kindly' }]);
    expect(racing.filter((res) => res.errors).map((res) => res.errors![0].extensions)).toEqual(Array(5).fill(expect.objectContaining({ code: 'CONFLICT', reason: 'STOP_WORD_EXISTS' })));
  });

  it.each([
    ['createSearchSynonyms', SYNONYMS, { input: { locale: 'en', words: ['editor-synonym', 'editor-word'] } }],
    ['deleteSearchSynonyms', 'mutation ($input: SearchSynonymsIdInput!) { deleteSearchSynonyms(input: $input) { id } }', { input: { id: '00000000-0000-4000-8000-000000000000' } }],
    ['addSearchStopWord', STOP_WORD, { input: { locale: 'en', word: 'editorstop' } }],
    ['removeSearchStopWord', 'mutation ($input: SearchStopWordInput!) { removeSearchStopWord(input: $input) { word } }', { input: { locale: 'en', word: 'editorstop' } }],
  ])('refuses %s to an editor with FORBIDDEN, changing nothing', async (_, mutation, variables) => {
    const before = await t.dataSource.query('SELECT (SELECT count(*)::int FROM search_synonyms) AS synonyms, (SELECT count(*)::int FROM search_stop_words) AS stop_words');
    const res = await editor.send(mutation, variables);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', requiredRoles: ['admin'] });
    expect(await t.dataSource.query('SELECT (SELECT count(*)::int FROM search_synonyms) AS synonyms, (SELECT count(*)::int FROM search_stop_words) AS stop_words')).toEqual(before);
    // Editors still read the settings.
    expect((await editor.send('{ searchSynonyms { id } searchStopWords { word } }')).errors).toBeUndefined();
  });

  it('filters by a list of locales and refuses unknown ones', async () => {
    await kb.published((await kb.category()).id, { title: 'Locale filter walrus guide', bodyMarkdown: 'Walrus.' });
    await worker.drain();
    expect(await titles({ text: 'walrus', filters: { locales: ['en'] } })).toEqual(['Locale filter walrus guide']);
    const unknown = await search({ text: 'walrus', filters: { locales: ['en', 'xx-Nope'] } });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const malformed = await search({ text: 'walrus', filters: { locales: ['not a locale'] } });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('suggests articles for a typed question and records which one was opened', async () => {
    const article = await kb.published((await kb.category()).id, { title: 'Export your data before closing the account', bodyMarkdown: 'Use Reports > Export, then close the account in Settings.' });
    await worker.drain();
    const res = await t.delivery().send(SUGGEST, { input: { text: 'Hi! I want to close my account but first I need all my data exported, how?', locale: 'en' } });
    expect(res.data?.suggestArticles.articles[0]).toMatchObject({ id: article.id });
    expect(res.data?.suggestArticles.articles[0].url).toMatch(/\/en\/articles\/export-your-data-before-closing-the-account$/);
    const opened = await t.delivery().send(OPENED, { input: { suggestionId: res.data?.suggestArticles.suggestionId, articleId: article.id } });
    expect(opened.data?.recordSuggestionOpened).toBe(true);
    const never = await t.delivery().send(OPENED, { input: { suggestionId: res.data?.suggestArticles.suggestionId, articleId: '00000000-0000-4000-8000-000000000000' } });
    expect(never.data?.recordSuggestionOpened).toBe(false);
  });

  it('suggests nothing for stop words only or a single letter, and something once a real word is typed', async () => {
    await kb.published((await kb.category()).id, { title: 'How to caulk the hull', bodyMarkdown: 'A guide on how to caulk.' });
    await worker.drain();
    const suggest = async (text: string): Promise<string[]> => {
      const res = await t.delivery().send(SUGGEST, { input: { text, locale: 'en' } });
      expect(res.errors).toBeUndefined();
      return res.data?.suggestArticles.articles.map((a: { title: string }) => a.title);
    };
    for (const text of ['how to', 'How do I', 'a', 'x', 'e ', '?', '   ']) expect([text, await suggest(text)]).toEqual([text, []]);
    expect(await suggest('how to caulk')).toContain('How to caulk the hull');
    expect(await suggest('hull')).toContain('How to caulk the hull');
  });

  it('counts searches, zero-result searches and clicks for editors', async () => {
    await kb.published((await kb.category()).id, { title: 'Quarterly ledger export', bodyMarkdown: 'Export the ledger every quarter.' });
    await worker.drain();
    const from = new Date(Date.now() - 60_000).toISOString();
    await search({ text: 'xyzzy nothing here' });
    await search({ text: 'xyzzy nothing here' });
    const withHit = await search({ text: 'ledger export' });
    const first = withHit.data?.search.hits[0];
    expect(first).toMatchObject({ title: 'Quarterly ledger export' });
    await t.delivery().send(CLICK, { input: { searchId: withHit.data?.search.searchId, kind: first.kind, id: first.id, locale: first.locale, position: first.position } });
    const report = expectData<Record<string, unknown>>(await editor.send(ANALYTICS, { from, to: new Date(Date.now() + 60_000).toISOString() }), 'searchAnalytics');
    expect(report.searches).toBeGreaterThanOrEqual(3);
    expect(report.searchesWithClick).toBeGreaterThanOrEqual(1);
    expect(report.zeroResultQueries).toEqual(expect.arrayContaining([{ query: 'xyzzy nothing here', searches: 2 }]));
    expect(report.topQueries).toEqual(expect.arrayContaining([expect.objectContaining({ query: 'ledger export', clicks: 1 })]));
  });

  it.each([
    ['an empty query', { text: '' }, null],
    ['a 10,000-character query', { text: 'password '.repeat(1111).slice(0, 10_000) }, null],
    ['tsquery operators', { text: `&|!():*'\\ <-> "x" -y` }, null],
    ['a filter value that does not exist', { text: 'invoice', filters: { tags: ['no-such-tag'] } }, null],
    ['a malformed category id', { text: 'invoice', filters: { categoryIds: ['not-a-uuid'] } }, 'BAD_USER_INPUT'],
    ['an unknown locale', { text: 'invoice', locale: 'xx-YY' }, 'BAD_USER_INPUT'],
    ['a page size over the limit', { text: 'invoice', pageSize: 500 }, 'BAD_USER_INPUT'],
    ['a query over 10,000 characters', { text: 'x'.repeat(10_001) }, 'BAD_USER_INPUT'],
  ])('answers %s cleanly', async (_, input, code) => {
    const res = await search(input);
    if (code) expect(res.errors?.[0].extensions.code).toBe(code);
    else expect(res.errors).toBeUndefined();
  });

  it('keeps every change in the outbox while the engine fails, and converges when it returns', async () => {
    const category = await kb.category('Outage');
    await worker.drain();
    // The PostgreSQL engine loses its storage; content mutations do not touch it and still succeed.
    await t.dataSource.query('ALTER TABLE search_documents RENAME TO search_documents_away');
    try {
      const during = await kb.published(category.id, { title: 'Written during the outage' });
      await kb.save(during, 'en', { title: 'Written during the outage', bodyMarkdown: 'second revision' });
      await worker.drain();
      const [{ pending, attempts }] = await t.dataSource.query('SELECT count(*)::int AS pending, max(attempts)::int AS attempts FROM search_outbox');
      expect(pending).toBeGreaterThan(0);
      expect(attempts).toBeGreaterThanOrEqual(1);
      const health = await t.http().get('/health');
      expect(health.status).toBe(503);
      expect(health.body.error.search.status).toBe('down');
    } finally {
      await t.dataSource.query('ALTER TABLE search_documents_away RENAME TO search_documents');
    }
    worker.start();
    await eventually(async () => expect(await titles({ text: 'outage' })).toEqual(['Written during the outage']), 10_000);
    await worker.stop();
    expect(await t.app.get(SearchIndexService).check()).toMatchObject({ missing: [], extra: [], outdated: [] });
  });

  it('loses nothing when a worker dies in the middle of a batch', async () => {
    const article = await kb.published((await kb.category()).id, { title: 'Crash test article' });
    // A worker claims the rows and dies before committing: its connection ends, its transaction rolls back.
    const dying = new Client({ connectionString: t.databaseUrl });
    await dying.connect();
    await dying.query('BEGIN');
    const claimed = await dying.query('SELECT id FROM search_outbox FOR UPDATE');
    expect(claimed.rowCount).toBeGreaterThan(0);
    await worker.drain();
    expect(await titles({ text: 'crash' })).toEqual([]);
    const [{ pid }] = (await dying.query('SELECT pg_backend_pid() AS pid')).rows;
    dying.on('error', () => undefined);
    await t.dataSource.query('SELECT pg_terminate_backend($1)', [pid]);
    await dying.end().catch(() => undefined);
    await worker.drain();
    expect(await titles({ text: 'crash' })).toEqual(['Crash test article']);
    void article;
  });

  it('answers a repeated public search from its cache until any instance indexes a change', async () => {
    const engine = t.app.get<SearchEngine>(SEARCH_ENGINE);
    const engineSearches = jest.spyOn(engine, 'search');
    try {
      expect(await titles({ text: 'harbour' })).toEqual([]);
      expect(await titles({ text: '  HARBOUR ' })).toEqual([]);
      expect(engineSearches).toHaveBeenCalledTimes(1);

      // A second API instance on the same database indexes the change; this one learns of it through NOTIFY.
      const other = await createTestApp({ SEARCH_WORKER: 'false' }, { database: { name: t.databaseName, url: t.databaseUrl } });
      try {
        const article = await kb.published((await kb.category()).id, { title: 'Harbour pilots guide' });
        await other.app.get(IndexingWorker).drain();
        await eventually(async () => expect(await titles({ text: 'harbour' })).toEqual(['Harbour pilots guide']));

        // A draft changes only what editors see: the public cache stays.
        const searchesBefore = engineSearches.mock.calls.length;
        await kb.save(article, 'en', { title: 'Harbour pilots guide, draft', bodyMarkdown: 'Not yet public.' });
        await worker.drain();
        expect(await titles({ text: 'harbour' })).toEqual(['Harbour pilots guide']);
        expect(engineSearches.mock.calls.length).toBe(searchesBefore);
      } finally {
        await other.stop();
      }
    } finally {
      engineSearches.mockRestore();
    }
  });

  it('answers bad input with a clear error or an empty page, never a failure', async () => {
    const codeOf = (res: { errors?: { extensions?: { code?: string } }[] }): string | undefined => res.errors?.[0]?.extensions?.code;
    await kb.published((await kb.category()).id, { title: 'Operators and odd input guide', bodyMarkdown: "Text with & | ! ( ) : * ' \\ inside." });
    await worker.drain();

    const longest = 'invoice '.repeat(1250);
    const long = await search({ text: longest });
    expect(long.errors).toBeUndefined();
    expect(codeOf(await search({ text: `${longest}x` }))).toBe('BAD_USER_INPUT');

    for (const text of ["&|!():*'\\", "odd & input | !guide", "'; DROP TABLE articles; --", 'guide:*', '(((', "o'brien"]) {
      const res = await search({ text });
      expect(res.errors).toBeUndefined();
    }
    // Operators are plain words; with most-words matching the document with every word comes first.
    expect((await titles({ text: 'odd & input | !guide' }))[0]).toBe('Operators and odd input guide');

    const unknown = await search({ text: 'guide', filters: { categoryIds: ['00000000-0000-4000-8000-000000000000'], productKeys: ['no-such-product'], tags: ['no-such-tag'] } });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data?.search).toMatchObject({ total: 0, hits: [] });
    expect(codeOf(await search({ text: 'guide', filters: { categoryIds: ['not-a-uuid'] } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await search({ text: 'guide', filters: { locales: ['xx-??'] } }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await search({ text: 'guide', facets: ['Colour'] }))).toBe('BAD_USER_INPUT');
    expect(codeOf(await search({ text: 'guide', filters: 'category = 1 OR 1=1' }))).toBe('BAD_USER_INPUT');

    const beyond = await search({ text: 'guide', page: 1000 });
    expect(beyond.errors).toBeUndefined();
    expect(beyond.data?.search.hits).toEqual([]);
    expect(codeOf(await search({ text: 'guide', page: 0 }))).toBe('BAD_USER_INPUT');
  });

  it('bounds the work of long OR queries: the first 256 characters (at most 24 words) count, the page stays bounded', async () => {
    const category = await kb.category();
    const topics = ['anchor', 'beacon', 'compass', 'dinghy', 'estuary', 'fathom', 'galley', 'hawser', 'inlet', 'jetty', 'keel', 'lagoon'];
    for (const topic of topics) await kb.published(category.id, { title: `Bounded ${topic} guide`, bodyMarkdown: `All about the ${topic}.` });
    await worker.drain();
    // 10,000 characters of distinct words joined by OR, every one of which would match something.
    const words = Array.from({ length: 2000 }, (_, i) => `${topics[i % topics.length]}${i >= topics.length ? i : ''}`);
    const text = words.join(' OR ').slice(0, 10_000);
    expect(text).toHaveLength(10_000);
    const res = await search({ text, pageSize: 50, facets: [] });
    expect(res.errors).toBeUndefined();
    // Only the words within the first 256 characters take part: the 12 topic words are all there.
    expect(res.data?.search.total).toBe(topics.length);
    expect(res.data?.search.hits.length).toBeLessThanOrEqual(50);
    const suggest = await t.delivery().send(SUGGEST, { input: { text, locale: 'en', limit: 10 } });
    expect(suggest.errors).toBeUndefined();
    expect(suggest.data?.suggestArticles.articles.length).toBeLessThanOrEqual(10);
  });

  it('rebuilds the whole index and reports no drift afterwards', async () => {
    await kb.published((await kb.category()).id, { title: 'Rebuilt lighthouse manual' });
    await worker.drain();
    await t.dataSource.query('TRUNCATE search_documents, search_terms');
    const before = await t.app.get(SearchIndexService).check();
    expect(before.missing.length).toBeGreaterThan(0);
    const progress: number[] = [];
    const result = await t.app.get(SearchIndexService).reindex((done) => progress.push(done));
    expect(result.documents).toBe(before.expected);
    expect(progress.length).toBeGreaterThan(0);
    expect(await t.app.get(SearchIndexService).check()).toMatchObject({ missing: [], extra: [], outdated: [] });
    expect(await titles({ text: 'lighthouse' })).toEqual(['Rebuilt lighthouse manual']);
  });
});
