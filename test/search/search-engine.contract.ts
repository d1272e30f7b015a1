import { randomUUID } from 'node:crypto';
import { SearchDocument, SearchEngine, SearchQuery } from '../../search/search-engine';

export interface EngineUnderTest {
  engine: SearchEngine;
  /** Empties the index between tests. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

const CATEGORY_BILLING = randomUUID();
const CATEGORY_INVOICES = randomUUID();
const CATEGORY_ACCOUNT = randomUUID();

let version = 1;

export function doc(overrides: Partial<SearchDocument> & { title: string }): SearchDocument {
  version += 1;
  return {
    kind: 'article',
    id: randomUUID(),
    locale: 'en',
    version,
    visibility: 'public',
    status: 'published',
    headings: [],
    body: '',
    slug: overrides.title.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    categoryIds: [CATEGORY_ACCOUNT],
    productKeys: [],
    tags: [],
    solved: null,
    updatedAt: new Date(),
    publishedAt: new Date(Date.now() - version * 1000),
    ...overrides,
  };
}

export function query(text: string, overrides: Partial<SearchQuery> = {}): SearchQuery {
  return {
    text,
    audience: 'public',
    filters: {},
    facets: [],
    offset: 0,
    limit: 10,
    matching: 'all',
    highlight: { preTag: '<mark>', postTag: '</mark>' },
    ...overrides,
  };
}

/** The behaviour every engine must have; run once per available engine. */
export function describeSearchEngineContract(name: string, start: () => Promise<EngineUnderTest>): void {
  describe(`search engine contract: ${name}`, () => {
    let t: EngineUnderTest;
    let engine: SearchEngine;

    beforeAll(async () => {
      t = await start();
      engine = t.engine;
    });
    afterAll(() => t?.close());
    beforeEach(async () => {
      await t.reset();
      await engine.applySettings({ synonyms: {}, stopWords: {} });
    });

    const titles = async (q: SearchQuery): Promise<string[]> => (await engine.search(q)).hits.map((hit) => hit.title);

    it('indexes, finds, updates and deletes documents', async () => {
      const reset = doc({ title: 'Reset your password', body: 'Open the sign-in page and choose Forgot password.' });
      await engine.upsert([reset, doc({ title: 'Download an invoice', body: 'Invoices are in Billing.' })]);
      expect(await titles(query('password'))).toEqual(['Reset your password']);

      await engine.upsert([{ ...reset, title: 'Change your password', version: reset.version + 1 }]);
      expect(await titles(query('password'))).toEqual(['Change your password']);

      await engine.remove([reset]);
      expect(await titles(query('password'))).toEqual([]);
    });

    it('never lets an older version overwrite a newer one', async () => {
      const newer = doc({ title: 'Newer title' });
      await engine.upsert([newer]);
      await engine.upsert([{ ...newer, title: 'Older title', version: newer.version - 1 }]);
      expect(await titles(query('title'))).toEqual(['Newer title']);
    });

    it('ranks title matches above body matches', async () => {
      await engine.upsert([
        doc({ title: 'Export reports', body: 'Reports can also be printed. Mention of invoices here.' }),
        doc({ title: 'Invoices', body: 'Create and send invoices.' }),
      ]);
      expect((await titles(query('invoices')))[0]).toBe('Invoices');
    });

    it('matches prefixes for search-as-you-type', async () => {
      await engine.upsert([doc({ title: 'Reset your password' })]);
      expect(await titles(query('reset pass'))).toEqual(['Reset your password']);
      expect(await titles(query('passw'))).toEqual(['Reset your password']);
    });

    it('tolerates typos', async () => {
      await engine.upsert([doc({ title: 'Reset your password', body: 'Choose forgot password on the sign-in page.' }), doc({ title: 'Download an invoice' })]);
      const page = await engine.search(query('pasword resett'));
      expect(page.hits.map((hit) => hit.title)).toEqual(['Reset your password']);
    });

    it('finds Chinese and Japanese text without spaces', async () => {
      await engine.upsert([
        doc({ title: '下载发票', body: '如何下载发票：打开账单页面。', locale: 'zh-CN' }),
        doc({ title: 'パスワードをリセットする', body: 'サインインページでパスワードを忘れた場合を選択します。', locale: 'ja' }),
      ]);
      expect(await titles(query('发票', { filters: { locales: ['zh-CN'] } }))).toEqual(['下载发票']);
      expect(await titles(query('如何下载', { filters: { locales: ['zh-CN'] } }))).toEqual(['下载发票']);
      expect(await titles(query('パスワード', { filters: { locales: ['ja'] } }))).toEqual(['パスワードをリセットする']);
    });

    it('applies synonyms and stop words per locale', async () => {
      await engine.upsert([doc({ title: 'Pay a bill online' }), doc({ title: 'How the export works' })]);
      expect(await titles(query('invoice', { filters: { locales: ['en'] } }))).toEqual([]);
      await engine.applySettings({ synonyms: { en: [['invoice', 'bill']] }, stopWords: { en: ['how'] } });
      expect(await titles(query('invoice', { filters: { locales: ['en'] } }))).toEqual(['Pay a bill online']);
      expect(await titles(query('how export', { filters: { locales: ['en'] } }))).toEqual(['How the export works']);
    });

    it('filters by category including sub-categories, product, tag and locale, and counts facets', async () => {
      await engine.upsert([
        doc({ title: 'Invoice numbering', categoryIds: [CATEGORY_INVOICES, CATEGORY_BILLING], productKeys: ['web'], tags: ['invoices'] }),
        doc({ title: 'Invoice reminders', categoryIds: [CATEGORY_INVOICES, CATEGORY_BILLING], productKeys: ['mobile'], tags: ['invoices', 'automation'] }),
        doc({ title: 'Invoice language', categoryIds: [CATEGORY_ACCOUNT], productKeys: ['web'], tags: ['settings'], locale: 'de' }),
      ]);
      expect((await titles(query('invoice', { filters: { categoryIds: [CATEGORY_BILLING] } }))).sort()).toEqual(['Invoice numbering', 'Invoice reminders']);
      expect(await titles(query('invoice', { filters: { productKeys: ['mobile'] } }))).toEqual(['Invoice reminders']);
      expect(await titles(query('invoice', { filters: { tags: ['settings'] } }))).toEqual(['Invoice language']);
      expect(await titles(query('invoice', { filters: { locales: ['de'] } }))).toEqual(['Invoice language']);
      expect(await titles(query('invoice', { filters: { categoryIds: [randomUUID()] } }))).toEqual([]);

      const page = await engine.search(query('invoice', { facets: ['category', 'product', 'tag', 'locale', 'kind'] }));
      expect(page.total).toBe(3);
      expect(page.facets.product).toEqual([{ value: 'web', count: 2 }, { value: 'mobile', count: 1 }]);
      expect(page.facets.tag).toEqual(expect.arrayContaining([{ value: 'invoices', count: 2 }, { value: 'automation', count: 1 }]));
      expect(page.facets.locale).toEqual([{ value: 'en', count: 2 }, { value: 'de', count: 1 }]);
      expect(page.facets.kind).toEqual([{ value: 'article', count: 3 }]);
      expect(page.facets.category).toEqual(expect.arrayContaining([{ value: CATEGORY_BILLING, count: 2 }]));
    });

    it('pages through results, and a page beyond the end is empty', async () => {
      await engine.upsert(Array.from({ length: 7 }, (_, i) => doc({ title: `Payment guide ${i}` })));
      const first = await engine.search(query('payment', { limit: 5 }));
      const second = await engine.search(query('payment', { limit: 5, offset: 5 }));
      expect(first.total).toBe(7);
      expect(first.hits).toHaveLength(5);
      expect(second.hits).toHaveLength(2);
      expect(new Set([...first.hits, ...second.hits].map((h) => h.id)).size).toBe(7);
      expect((await engine.search(query('payment', { offset: 100 }))).hits).toEqual([]);
    });

    it('highlights matches with the given tags and escapes everything else', async () => {
      await engine.upsert([doc({ title: 'Password <script>alert(1)</script> reset', body: 'Your <b>password</b> & <img src=x onerror=alert(1)> settings.' })]);
      const [hit] = (await engine.search(query('password', { highlight: { preTag: '<em class="hit">', postTag: '</em>' } }))).hits;
      expect(hit.highlightedTitle).toContain('<em class="hit">Password</em>');
      expect(hit.highlightedTitle).not.toContain('<script>');
      expect(hit.snippet).toContain('<em class="hit">password</em>');
      expect(hit.snippet).not.toMatch(/<img|<b>/);
    });

    it('keeps staff-only documents out of public searches', async () => {
      await engine.upsert([doc({ title: 'Secret runbook', visibility: 'staff', status: 'draft' }), doc({ title: 'Public runbook' })]);
      expect(await titles(query('runbook'))).toEqual(['Public runbook']);
      expect((await titles(query('runbook', { audience: 'staff' }))).sort()).toEqual(['Public runbook', 'Secret runbook']);
      expect(await titles(query('runbook', { audience: 'staff', filters: { statuses: ['draft'] } }))).toEqual(['Secret runbook']);
    });

    it('suggests articles for a whole paragraph', async () => {
      await engine.upsert([
        doc({ title: 'Download an invoice as PDF', body: 'Open the invoice and choose Download PDF.' }),
        doc({ title: 'Reset your password', body: 'Use Forgot password on the sign-in page.' }),
      ]);
      const text = 'Hello, I need a copy of my last invoice as a PDF for my accountant but I cannot find where to download it';
      expect((await titles(query(text, { matching: 'any', limit: 3 })))[0]).toBe('Download an invoice as PDF');
    });

    it('finds versions, file names, paths and symbol names typed whole or in parts', async () => {
      await engine.upsert([
        doc({ title: 'Install node.js on a server', body: 'Ubuntu 12.04 needs a newer Node.' }),
        doc({ title: 'Mount a disk at boot', body: 'Add a line to /etc/fstab and run mount -a.' }),
        doc({ title: 'Compile C++ with g++', body: 'C# lives elsewhere.' }),
        doc({ title: 'Vite の設定', locale: 'ja', body: '設定は vite.config.jsを編集します。' }),
        doc({ title: 'Cooking with charcoal', body: 'Charcoal and coal.' }),
      ]);
      const cases: [string, string][] = [
        ['node.js', 'Install node.js on a server'],
        ['node js', 'Install node.js on a server'],
        ['12.04', 'Install node.js on a server'],
        ['/etc/fstab', 'Mount a disk at boot'],
        ['fstab', 'Mount a disk at boot'],
        ['C++', 'Compile C++ with g++'],
        ['c#', 'Compile C++ with g++'],
        ['vite.config.js', 'Vite の設定'],
      ];
      for (const [text, title] of cases) expect([text, await titles(query(text))]).toEqual([text, [title]]);
    });

    it('ranks documents with most of the words when none has all, rarer words first', async () => {
      await engine.upsert([
        doc({ title: 'Wireless adapter drops connection after suspend', body: 'The wifi stops working after resume.' }),
        doc({ title: 'Screen brightness after suspend', body: 'Brightness resets.' }),
        doc({ title: 'Printer queue', body: 'Nothing about the other words.' }),
      ]);
      const hits = await titles(query('wireless connection drops after suspend on laptop'));
      expect(hits[0]).toBe('Wireless adapter drops connection after suspend');
      expect(hits).not.toContain('Printer queue');
    });

    it('honours quoted phrases', async () => {
      await engine.upsert([
        doc({ title: 'Reset your password', body: 'Choose reset on the sign-in page.' }),
        doc({ title: 'Your password reset link expired', body: 'Ask for a new link.' }),
      ]);
      expect(await titles(query('"password reset"'))).toEqual(['Your password reset link expired']);
      expect((await titles(query('password reset'))).sort()).toEqual(['Reset your password', 'Your password reset link expired']);
    });

    it('answers a query of stop words only', async () => {
      await engine.upsert([doc({ title: 'How to export data' }), doc({ title: 'Pricing' })]);
      expect(await titles(query('how to'))).toEqual(['How to export data']);
    });

    it('browses when the text is empty, and treats query syntax as plain words', async () => {
      await engine.upsert([doc({ title: 'First' }), doc({ title: 'Second' })]);
      expect((await engine.search(query(''))).total).toBe(2);
      for (const text of [`&|!():*'\\`, 'a & b', "o'reilly", '(((', 'x:*', '-', '"']) {
        await expect(engine.search(query(text))).resolves.toBeDefined();
      }
      const long = await engine.search(query('password '.repeat(2000)));
      expect(long.hits).toBeDefined();
    });

    it('reports versions for drift checks and rebuilds without losing searchability', async () => {
      const kept = doc({ title: 'Kept article' });
      const dropped = doc({ title: 'Dropped article' });
      await engine.upsert([kept, dropped]);
      const { versions } = await engine.versions(null, 100);
      expect(versions.map((v) => v.id).sort()).toEqual([kept.id, dropped.id].sort());

      const rebuild = await engine.startRebuild();
      await rebuild.upsert([kept]);
      expect(await titles(query('article', { limit: 10 }))).toHaveLength(2);
      await rebuild.commit();
      expect(await titles(query('article'))).toEqual(['Kept article']);
      expect((await engine.health()).up).toBe(true);
    });
  });
}
