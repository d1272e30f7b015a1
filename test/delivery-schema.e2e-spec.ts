import { DeliverySeoAndOutline1764810000000 } from '../migrations/1764810000000-DeliverySeoAndOutline';
import { ProductsService } from '../src/products/products.service';
import { IndexingWorker } from '../src/search/indexing-worker';
import { Role } from '../src/users/role.enum';
import { ForumFactory } from './factories/forum';
import { CHANGE_SLUG, CREATE_ARTICLE, CREATE_CATEGORY, expectData, KnowledgeBaseFactory, SAVE_DRAFT, UNPUBLISH, UPDATE_ARTICLE, UPDATE_CATEGORY } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

/** What a help-site page asks in one request: navigation and the article. */
const PAGE = `query ($slug: String, $id: ID, $locale: String) {
  categories(locale: $locale) { id name }
  article(slug: $slug, id: $id, locale: $locale) {
    id slug redirectToSlug title bodyHtml readingTimeMinutes authorName
    headings { level text anchor }
    seo { title description canonicalUrl ogImage robots }
    category { id name seo { robots } }
    breadcrumbs { name seo { robots } }
    related(limit: 5) { id categoryName categorySlug authorName }
  }
}`;
const ARTICLES = `query ($categoryId: ID, $locale: String) {
  articles(categoryId: $categoryId, locale: $locale, first: 50) { edges { node { id title categoryId categoryName categorySlug authorName } } }
}`;
const CATEGORY = `query ($slug: String, $locale: String) {
  category(slug: $slug, locale: $locale) { id name seo { title description canonicalUrl ogImage robots } children { id seo { robots } } }
}`;
const SEARCH = `query ($input: SearchInput!) { search(input: $input) {
  total
  hits { kind id title categoryId categoryName categorySlug authorName }
  facets { kind { value label count } category { value label count } product { value label count } tag { value label count } locale { value label count } }
} }`;
const ADMIN_ARTICLE_SEO = `query ($id: ID!) { article(id: $id) { id robots effectiveRobots metadataVersion locales { locale headRevisionNumber headRevision { ogImageUrl readingTimeMinutes } } } }`;
const ADMIN_CATEGORIES = `{ categories { id robots translations { locale seoTitle seoDescription ogImageUrl } } }`;

type FacetValue = { value: string; label: string; count: number };
type Facets = Record<'kind' | 'category' | 'product' | 'tag' | 'locale', FacetValue[]>;

describe('delivery schema ergonomics (issue 14)', () => {
  let t: TestApp;
  let editor: GraphqlClient;
  let kb: KnowledgeBaseFactory;
  let worker: IndexingWorker;
  const editorEmail = 'rosa.editor@example.test';
  const publicApi = (): GraphqlClient => t.delivery();

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false', SITE_BASE_URL: 'https://help.example.test', FALLBACK_LOCALE: 'en' });
    worker = t.app.get(IndexingWorker);
    editor = t.admin(await t.login(await t.createUser({ role: Role.Editor, email: editorEmail, displayName: 'Rosa Editor' })));
    kb = new KnowledgeBaseFactory(editor);
  });
  afterAll(() => t.close());

  describe('article is nullable', () => {
    it('answers a missing or unpublished slug with null and no error, and keeps the rest of the page', async () => {
      const category = await kb.category('Nullable pages');
      const gone = await kb.locale(await kb.published(category.id, { title: 'Soon unpublished' }), UNPUBLISH);
      for (const variables of [{ slug: 'no-such-article' }, { slug: gone.locales[0].slug }, { id: gone.id }, { id: '00000000-0000-4000-8000-000000000000' }]) {
        const res = await publicApi().send(PAGE, { ...variables, locale: 'en' });
        expect(res.errors).toBeUndefined();
        expect(res.data?.article).toBeNull();
        expect(res.data?.categories.map((c: { id: string }) => c.id)).toContain(category.id);
      }
    });

    it('keeps a null answer out of HTTP and response caches, as the NOT_FOUND error was', async () => {
      const query = '{ categories { id } article(slug: "made-up-slug") { title } }';
      for (let i = 0; i < 2; i++) {
        const res = await t.http().get('/graphql').query({ query });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ data: { categories: expect.any(Array), article: null } });
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['x-cache']).toBeUndefined();
      }
      const found = await kb.published((await kb.category()).id, { title: 'Cacheable page' });
      const cacheable = await t.http().get('/graphql').query({ query: `{ article(id: "${found.id}") { title } }` });
      expect(cacheable.headers['cache-control']).toMatch(/^public/);
    });

    it('still resolves an old slug with a redirect hint, and still refuses bad input', async () => {
      const article = await kb.published((await kb.category()).id, { title: 'Rename me' });
      expectData(await editor.send(CHANGE_SLUG, { input: { articleId: article.id, locale: 'en', slug: 'renamed', baseMetadataVersion: article.metadataVersion } }), 'changeArticleSlug');
      const res = await publicApi().send(PAGE, { slug: 'rename-me', locale: 'en' });
      expect(res.errors).toBeUndefined();
      expect(res.data?.article).toMatchObject({ id: article.id, slug: 'renamed', redirectToSlug: 'renamed' });

      expect((await publicApi().send(PAGE, {})).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect((await publicApi().send(PAGE, { slug: 'x', locale: 'xx' })).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    });
  });

  describe('headings and reading time', () => {
    it('lists every heading with an anchor that is the id of that heading in bodyHtml', async () => {
      const words = Array.from({ length: 700 }, (_, i) => `word${i}`).join(' ');
      const body = `# Setup\n\n${words}\n\n## Download *the* invoice\n\nText.\n\n<h2 id="custom">Download the invoice</h2>\n\n### Tips & tricks\n\nMore.`;
      const article = await kb.published((await kb.category()).id, { title: 'Long guide', bodyMarkdown: body });
      const res = await publicApi().send(PAGE, { id: article.id });
      const page = res.data?.article as { bodyHtml: string; headings: { level: number; text: string; anchor: string }[]; readingTimeMinutes: number };
      expect(page.headings).toEqual([
        { level: 1, text: 'Setup', anchor: 'setup' },
        { level: 2, text: 'Download the invoice', anchor: 'download-the-invoice' },
        { level: 2, text: 'Download the invoice', anchor: 'download-the-invoice-2' },
        { level: 3, text: 'Tips & tricks', anchor: 'tips-tricks' },
      ]);
      const ids = [...page.bodyHtml.matchAll(/<h[1-6] id="([^"]+)">/g)].map((m) => m[1]);
      expect(ids).toEqual(page.headings.map((h) => h.anchor));
      expect(page.readingTimeMinutes).toBe(3);
    });

    it('counts Chinese by characters, and a short text as one minute', async () => {
      const category = await kb.category();
      const zh = await kb.published(category.id, { title: '长文', bodyMarkdown: '设'.repeat(1500), locale: 'zh-CN' });
      const short = await kb.published(category.id, { title: 'Short', bodyMarkdown: 'Two words.' });
      expect((await publicApi().send(PAGE, { id: zh.id, locale: 'zh-CN' })).data?.article.readingTimeMinutes).toBe(3);
      expect((await publicApi().send(PAGE, { id: short.id })).data?.article).toMatchObject({ readingTimeMinutes: 1, headings: [] });
    });

    it('computes them once, when the revision is saved (the stored row is what delivery serves)', async () => {
      const article = await kb.published((await kb.category()).id, { title: 'Stored outline', bodyMarkdown: '## One\n\ntext' });
      const [row] = await t.dataSource.query(`SELECT outline, reading_time_minutes FROM article_revisions WHERE article_id = $1`, [article.id]);
      expect(row).toEqual({ outline: [{ level: 2, text: 'One', anchor: 'one' }], reading_time_minutes: 1 });
    });
  });

  describe('migration', () => {
    it('backfills the outline and reading time of revisions written before it (down, then up)', async () => {
      const article = await kb.published((await kb.category()).id, { title: 'Before the migration', bodyMarkdown: `## First step\n\n${'word '.repeat(500)}\n\n### Détails & notes` });
      const migration = new DeliverySeoAndOutline1764810000000();
      const runner = t.dataSource.createQueryRunner();
      try {
        await migration.down(runner);
        await migration.up(runner);
      } finally {
        await runner.release();
      }
      const [row] = await t.dataSource.query(`SELECT outline, reading_time_minutes FROM article_revisions WHERE article_id = $1`, [article.id]);
      expect(row).toEqual({
        outline: [
          { level: 2, text: 'First step', anchor: 'first-step' },
          { level: 3, text: 'Détails & notes', anchor: 'détails-notes' },
        ],
        reading_time_minutes: 2,
      });
    });
  });

  describe('names on list items and articles', () => {
    it('gives list items, related articles and search hits their category and author display name, never an email', async () => {
      const parent = await kb.category('Accounts');
      const category = await kb.category('Passwords', { parentId: parent.id });
      const first = await kb.published(category.id, { title: 'Reset your password', tags: ['login'] });
      await kb.published(category.id, { title: 'Change your password', tags: ['login'] });
      await worker.drain();

      const list = await publicApi().send(ARTICLES, { categoryId: parent.id });
      expect(list.errors).toBeUndefined();
      expect(list.data?.articles.edges.map((e: { node: unknown }) => e.node)).toEqual([
        expect.objectContaining({ title: 'Change your password', categoryId: category.id, categoryName: 'Passwords', categorySlug: 'passwords', authorName: 'Rosa Editor' }),
        expect.objectContaining({ title: 'Reset your password', categoryName: 'Passwords', categorySlug: 'passwords', authorName: 'Rosa Editor' }),
      ]);

      const page = await publicApi().send(PAGE, { id: first.id });
      expect(page.data?.article).toMatchObject({ authorName: 'Rosa Editor', related: [{ categoryName: 'Passwords', categorySlug: 'passwords', authorName: 'Rosa Editor' }] });

      const found = await publicApi().send(SEARCH, { input: { text: 'password', locale: 'en' } });
      expect(found.data?.search.hits).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: first.id, categoryId: category.id, categoryName: 'Passwords', categorySlug: 'passwords', authorName: 'Rosa Editor' })]),
      );
      const suggested = await publicApi().send(`query ($input: SuggestArticlesInput!) { suggestArticles(input: $input) { articles { id categoryName authorName } } }`, {
        input: { text: 'reset my password', locale: 'en' },
      });
      expect(suggested.data?.suggestArticles.articles).toEqual(expect.arrayContaining([{ id: first.id, categoryName: 'Passwords', authorName: 'Rosa Editor' }]));
      // The admin search shares the facet type: the same values and labels.
      const staff = await editor.send(`query ($input: AdminSearchInput!) { adminSearch(input: $input) { facets { kind { value label count } } hits { hit { id categoryName } } } }`, {
        input: { text: 'password', locale: 'en', facets: ['Kind'] },
      });
      expect(staff.data?.adminSearch.facets.kind).toEqual([{ value: 'Article', label: 'Help article', count: 2 }]);
      expect(staff.data?.adminSearch.hits.map((h: { hit: { categoryName: string } }) => h.hit.categoryName)).toEqual(['Passwords', 'Passwords']);
      for (const res of [list, page, found, suggested]) expect(JSON.stringify(res.data)).not.toContain(editorEmail);
    });
  });

  describe('search facets', () => {
    it('gives facet values the filters accept, with labels; each value fed back as a filter narrows the results to its count', async () => {
      const products = t.app.get(ProductsService);
      await products.createProduct({ key: 'ledger', name: 'Ledger Cloud' });
      await products.createProduct({ key: 'payroll', name: 'Payroll Pro' });
      const [ledger, payroll] = (await t.dataSource.query(`SELECT id FROM products WHERE key IN ('ledger', 'payroll') ORDER BY key`)).map((r: { id: string }) => r.id);
      const root = await kb.category('Facet money');
      const sub = await kb.category('Facet refunds', { parentId: root.id });
      await kb.published(root.id, { title: 'Zebrafacet ledger exports', productIds: [ledger], tags: ['export'] });
      await kb.published(sub.id, { title: 'Zebrafacet payroll refunds', productIds: [payroll], tags: ['refund'] });
      const translated = await kb.published(sub.id, { title: 'Zebrafacet refund rules', tags: ['refund', 'rules'] });
      await kb.publish(await kb.save(translated, 'zh-CN', { title: 'Zebrafacet 退款规则', bodyMarkdown: '退款。' }), 'zh-CN');
      const forum = new ForumFactory(t.admin(await t.login(await t.createUser({ role: Role.Moderator }))));
      const asker = await t.createUser({ role: Role.Member, displayName: 'Asking Member' });
      await t.dataSource.query('UPDATE users SET trust_level = 2 WHERE id = $1', [asker.user.id]);
      const board = await forum.board({ name: 'Facet board' });
      const thread = await forum.thread(t.delivery(await t.login(asker)), board.id, { title: 'Zebrafacet refund question', tags: ['refund'] });
      await worker.drain();

      const all = await publicApi().send(SEARCH, { input: { text: 'zebrafacet', pageSize: 50 } });
      expect(all.errors).toBeUndefined();
      const { total, facets, hits } = all.data?.search as { total: number; facets: Facets; hits: { id: string; authorName: string | null }[] };
      expect(total).toBe(5);
      expect(hits.find((h) => h.id === thread.id)?.authorName).toBe('Asking Member');

      expect(facets.kind).toEqual(
        expect.arrayContaining([
          { value: 'Article', label: 'Help article', count: 4 },
          { value: 'Thread', label: 'Forum thread', count: 1 },
        ]),
      );
      expect(facets.category).toEqual(
        expect.arrayContaining([
          { value: root.id, label: 'Facet money', count: 4 },
          { value: sub.id, label: 'Facet refunds', count: 3 },
        ]),
      );
      expect(facets.product).toEqual(
        expect.arrayContaining([
          { value: 'ledger', label: 'Ledger Cloud', count: 1 },
          { value: 'payroll', label: 'Payroll Pro', count: 1 },
        ]),
      );
      expect(facets.tag).toEqual(expect.arrayContaining([{ value: 'refund', label: 'refund', count: 4 }]));
      expect(facets.locale).toEqual(
        expect.arrayContaining([
          { value: 'en', label: 'English', count: 4 },
          { value: 'zh-CN', label: 'Chinese (China)', count: 1 },
        ]),
      );

      const filterOf: Record<keyof Facets, string> = { kind: 'kinds', category: 'categoryIds', product: 'productKeys', tag: 'tags', locale: 'locales' };
      let narrowed = 0;
      for (const [facet, values] of Object.entries(facets) as [keyof Facets, FacetValue[]][]) {
        expect(values.length).toBeGreaterThan(0);
        for (const { value, count } of values) {
          const res = await publicApi().send(SEARCH, { input: { text: 'zebrafacet', pageSize: 50, filters: { [filterOf[facet]]: [value] } } });
          expect({ facet, value, errors: res.errors }).toEqual({ facet, value, errors: undefined });
          expect({ facet, value, total: res.data?.search.total }).toEqual({ facet, value, total: count });
          if (count < total) narrowed += 1;
        }
      }
      expect(narrowed).toBeGreaterThan(5);
    });

    it('labels categories in the search locale, else the fallback locale', async () => {
      const category = expectData<{ id: string }>(
        await editor.send(CREATE_CATEGORY, { input: { translations: [{ locale: 'en', name: 'Shipping' }, { locale: 'de', name: 'Versand' }] } }),
        'createCategory',
      );
      const article = await kb.published(category.id, { title: 'Quokkaship tracking' });
      await kb.publish(await kb.save(article, 'de', { title: 'Quokkaship Sendungsverfolgung', bodyMarkdown: 'Text.' }), 'de');
      await kb.publish(await kb.save(article, 'fr', { title: 'Quokkaship suivi', bodyMarkdown: 'Texte.' }), 'fr');
      await worker.drain();
      const label = async (locale: string): Promise<string | undefined> =>
        ((await publicApi().send(SEARCH, { input: { text: 'quokkaship', locale, facets: ['Category'] } })).data?.search.facets.category as FacetValue[]).find((f) => f.value === category.id)?.label;
      expect(await label('de')).toBe('Versand');
      expect(await label('fr')).toBe('Shipping');
    });
  });

  describe('SEO fields', () => {
    it('serves Open Graph images, robots and category SEO set through the admin API', async () => {
      const parent = expectData<{ id: string }>(
        await editor.send(CREATE_CATEGORY, {
          input: {
            robots: 'index,follow',
            translations: [{ locale: 'en', name: 'Seo parent', seoTitle: 'Everything about SEO', seoDescription: 'Guides.', ogImageUrl: 'https://cdn.example.test/seo.png' }],
          },
        }),
        'createCategory',
      );
      const empty = await kb.category('Seo empty', { parentId: parent.id });
      const article = await kb.published(parent.id, { title: 'Seo article', ogImageUrl: 'https://cdn.example.test/article.png' });

      let page = (await publicApi().send(PAGE, { id: article.id })).data?.article;
      expect(page.seo).toMatchObject({ ogImage: 'https://cdn.example.test/article.png', robots: 'index,follow' });
      expect(page.category.seo.robots).toBe('index,follow');

      const updated = expectData<{ robots: string; effectiveRobots: string }>(
        await editor.send(UPDATE_ARTICLE, { input: { articleId: article.id, robots: 'NoIndex, Follow', baseMetadataVersion: article.metadataVersion } }),
        'updateArticle',
      );
      expect(updated).toBeTruthy();
      const admin = expectData<{ robots: string; effectiveRobots: string }>(await editor.send(ADMIN_ARTICLE_SEO, { id: article.id }), 'article');
      expect(admin).toMatchObject({ robots: 'noindex,follow', effectiveRobots: 'noindex,follow' });
      page = (await publicApi().send(PAGE, { id: article.id })).data?.article;
      expect(page.seo.robots).toBe('noindex,follow');

      const category = await publicApi().send(CATEGORY, { slug: 'seo-parent', locale: 'en' });
      expect(category.errors).toBeUndefined();
      expect(category.data?.category).toMatchObject({
        seo: {
          title: 'Everything about SEO',
          description: 'Guides.',
          canonicalUrl: 'https://help.example.test/en/categories/seo-parent',
          ogImage: 'https://cdn.example.test/seo.png',
          robots: 'index,follow',
        },
        children: [{ id: empty.id, seo: { robots: 'noindex,follow' } }],
      });

      expectData(
        await editor.send(UPDATE_CATEGORY, { input: { id: parent.id, robots: 'noindex,nofollow', translations: [{ locale: 'en', name: 'Seo parent', ogImageUrl: null }] } }),
        'updateCategory',
      );
      const after = (await publicApi().send(CATEGORY, { slug: 'seo-parent', locale: 'en' })).data?.category;
      // Omitted SEO fields keep their value; null clears one.
      expect(after.seo).toMatchObject({ title: 'Everything about SEO', ogImage: null, robots: 'noindex,nofollow' });
    });

    it('marks internal articles noindex for editors (the delivery API never serves them)', async () => {
      const article = await kb.published((await kb.category()).id, { title: 'Internal seo', isInternal: true, robots: 'index,follow' });
      expect(expectData(await editor.send(ADMIN_ARTICLE_SEO, { id: article.id }), 'article')).toMatchObject({ robots: 'index,follow', effectiveRobots: 'noindex,nofollow' });
      expect((await publicApi().send(PAGE, { id: article.id })).data?.article).toBeNull();
    });

    describe('refuses bad SEO input with BAD_USER_INPUT and writes nothing', () => {
      const badUrls = ['javascript:alert(1)', 'ftp://cdn.example.test/a.png', 'not a url', '/relative/image.png', `https://cdn.example.test/${'a'.repeat(2048)}.png`];
      const badRobots = ['index,all', 'nofollow', 'noarchive', ''];
      let article: Awaited<ReturnType<KnowledgeBaseFactory['published']>>;
      let categoryId: string;

      beforeAll(async () => {
        categoryId = (await kb.category('Seo validation')).id;
        article = await kb.published(categoryId, { title: 'Seo validation' });
      });

      const snapshot = async (): Promise<unknown> => [
        expectData(await editor.send(ADMIN_ARTICLE_SEO, { id: article.id }), 'article'),
        (expectData<{ id: string }[]>(await editor.send(ADMIN_CATEGORIES), 'categories')).find((c) => c.id === categoryId),
        (await t.dataSource.query(`SELECT count(*)::int AS n FROM categories`))[0].n,
        (await t.dataSource.query(`SELECT count(*)::int AS n FROM articles`))[0].n,
      ];

      it.each([
        ...badUrls.map((url) => [`createArticle ogImageUrl ${url.slice(0, 40)}`, CREATE_ARTICLE, () => ({ categoryId, title: 'Bad', bodyMarkdown: 'x', ogImageUrl: url })] as const),
        ...badUrls.map(
          (url) =>
            [`saveArticleDraft ogImageUrl ${url.slice(0, 40)}`, SAVE_DRAFT, () => ({ articleId: article.id, locale: 'en', baseRevisionNumber: 1, title: 'Bad', bodyMarkdown: 'x', ogImageUrl: url })] as const,
        ),
        ...badUrls.map((url) => [`createCategory ogImageUrl ${url.slice(0, 40)}`, CREATE_CATEGORY, () => ({ translations: [{ locale: 'en', name: 'Bad', ogImageUrl: url }] })] as const),
        ...badUrls.map((url) => [`updateCategory ogImageUrl ${url.slice(0, 40)}`, UPDATE_CATEGORY, () => ({ id: categoryId, translations: [{ locale: 'en', name: 'Bad', ogImageUrl: url }] })] as const),
        ...badRobots.map((robots) => [`createArticle robots "${robots}"`, CREATE_ARTICLE, () => ({ categoryId, title: 'Bad', bodyMarkdown: 'x', robots })] as const),
        ...badRobots.map((robots) => [`updateArticle robots "${robots}"`, UPDATE_ARTICLE, () => ({ articleId: article.id, robots, baseMetadataVersion: article.metadataVersion })] as const),
        ...badRobots.map((robots) => [`createCategory robots "${robots}"`, CREATE_CATEGORY, () => ({ robots, translations: [{ locale: 'en', name: 'Bad' }] })] as const),
        ...badRobots.map((robots) => [`updateCategory robots "${robots}"`, UPDATE_CATEGORY, () => ({ id: categoryId, robots })] as const),
        [`category seoTitle over 200 characters`, UPDATE_CATEGORY, () => ({ id: categoryId, translations: [{ locale: 'en', name: 'Bad', seoTitle: 'x'.repeat(201) }] })] as const,
      ])('%s', async (_, mutation, input) => {
        const before = await snapshot();
        const res = await editor.send(mutation, { input: input() });
        expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
        expect(await snapshot()).toEqual(before);
      });
    });
  });
});
