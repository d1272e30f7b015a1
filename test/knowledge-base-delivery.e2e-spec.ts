import { PublishingService } from '../src/articles/publishing.service';
import { MAX_VIEWS_PER_ADDRESS, ViewCounter } from '../src/articles/view-counter';
import { Role } from '../src/users/role.enum';
import { ARCHIVE, CHANGE_SLUG, expectData, KnowledgeBaseFactory, localeOf, UNPUBLISH, UPDATE_ARTICLE, UPDATE_CATEGORY } from './factories/knowledge-base';
import { eventually } from './support/eventually';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const ARTICLE = `query ($slug: String, $id: ID, $locale: String) {
  article(slug: $slug, id: $id, locale: $locale) {
    id locale requestedLocale isFallback slug redirectToSlug title bodyHtml excerpt revisionNumber lastModified tags
    seo { title description canonicalSlug canonicalUrl } alternates { locale slug url } products { key name }
    category { id name slug } breadcrumbs { name slug }
    related(limit: 5) { id title }
  }
}`;
const ARTICLES = `query ($locale: String, $categoryId: ID, $categorySlug: String, $tag: String, $first: Int, $after: String) {
  articles(locale: $locale, categoryId: $categoryId, categorySlug: $categorySlug, tag: $tag, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { id slug title excerpt } }
  }
}`;
const CATEGORIES = `query ($locale: String) { categories(locale: $locale) { id name articleCount totalArticleCount children { id name articleCount totalArticleCount } } }`;
const SITEMAP = `query ($locale: String, $after: String) { sitemap(locale: $locale, first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { locale slug url lastModified alternates { locale url } } } } }`;
const FEEDBACK = `mutation ($input: ArticleFeedbackInput!) { submitArticleFeedback(input: $input) { accepted revisionNumber } }`;
const VIEW = `mutation ($input: ArticleViewInput!) { recordArticleView(input: $input) }`;
const FEEDBACK_SUMMARY = `query ($articleId: ID!) { articleFeedbackSummary(articleId: $articleId) { helpful notHelpful byRevision { revisionNumber helpful notHelpful } } }`;
const VIEWS = `query ($articleId: ID!, $from: DateTime!, $to: DateTime!) { articleViews(articleId: $articleId, from: $from, to: $to) { day views } }`;

describe('knowledge base: delivery API', () => {
  let t: TestApp;
  let editor: GraphqlClient;
  let kb: KnowledgeBaseFactory;
  const publicApi = (): GraphqlClient => t.delivery();

  beforeAll(async () => {
    t = await createTestApp({ SITE_BASE_URL: 'https://help.example.test', FALLBACK_LOCALE: 'en' });
    editor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
    kb = new KnowledgeBaseFactory(editor);
  });
  afterAll(() => t.close());

  it('serves a published article by slug with category, breadcrumbs, SEO and alternates; drafts stay private', async () => {
    const root = await kb.category('Billing');
    const sub = await kb.category('Invoices', { parentId: root.id });
    let article = await kb.published(sub.id, { title: 'Download an invoice', bodyMarkdown: 'Open **Billing**.', tags: ['pdf'], seoTitle: 'Invoices as PDF' });
    article = await kb.save(article, 'zh-CN', { title: '下载发票', bodyMarkdown: '打开账单。' });
    article = await kb.publish(article, 'zh-CN');
    await kb.save(article, 'en', { title: 'Unpublished new title', bodyMarkdown: 'draft' });

    const res = await publicApi().send(ARTICLE, { slug: 'download-an-invoice', locale: 'en' });
    expect(res.errors).toBeUndefined();
    expect(res.data?.article).toMatchObject({
      id: article.id,
      locale: 'en',
      isFallback: false,
      redirectToSlug: null,
      title: 'Download an invoice',
      revisionNumber: 1,
      seo: { title: 'Invoices as PDF', canonicalSlug: 'download-an-invoice', canonicalUrl: 'https://help.example.test/en/articles/download-an-invoice' },
      alternates: [
        { locale: 'en', slug: 'download-an-invoice', url: 'https://help.example.test/en/articles/download-an-invoice' },
        { locale: 'zh-CN', slug: '下载发票', url: `https://help.example.test/zh-CN/articles/${encodeURIComponent('下载发票')}` },
      ],
      category: { name: 'Invoices' },
      breadcrumbs: [{ name: 'Billing' }, { name: 'Invoices' }],
    });
    expect(res.data?.article.bodyHtml).toContain('<strong>Billing</strong>');

    const zh = await publicApi().send(ARTICLE, { slug: '下载发票', locale: 'zh-CN' });
    expect(zh.data?.article).toMatchObject({ locale: 'zh-CN', title: '下载发票' });
  });

  it('resolves an old slug with a redirect hint, and falls back to the fallback locale', async () => {
    let article = await kb.published((await kb.category()).id, { title: 'Close your account' });
    article = expectData(await editor.send(CHANGE_SLUG, { input: { articleId: article.id, locale: 'en', slug: 'delete-your-account', baseMetadataVersion: article.metadataVersion } }), 'changeArticleSlug');
    const old = await publicApi().send(ARTICLE, { slug: 'close-your-account', locale: 'en' });
    expect(old.data?.article).toMatchObject({ slug: 'delete-your-account', redirectToSlug: 'delete-your-account' });

    const fallback = await publicApi().send(ARTICLE, { slug: 'delete-your-account', locale: 'ja' });
    expect(fallback.data?.article).toMatchObject({ locale: 'en', requestedLocale: 'ja', isFallback: true });
    const byId = await publicApi().send(ARTICLE, { id: article.id, locale: 'fr' });
    expect(byId.data?.article).toMatchObject({ locale: 'en', isFallback: true });
  });

  it('lists by category with sub-categories, counts articles in the tree, and pages with cursors', async () => {
    const root = await kb.category('Lists');
    const sub = await kb.category('Lists child', { parentId: root.id });
    const published: string[] = [];
    for (let i = 0; i < 3; i += 1) published.push((await kb.published(i === 0 ? root.id : sub.id, { tags: ['list'] })).id);
    await kb.draft(sub.id, { tags: ['list'] });

    const page1 = await publicApi().send(ARTICLES, { categoryId: root.id, first: 2 });
    expect(page1.data?.articles).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
    const page2 = await publicApi().send(ARTICLES, { categoryId: root.id, first: 2, after: page1.data?.articles.pageInfo.endCursor });
    const ids = [...page1.data?.articles.edges, ...page2.data?.articles.edges].map((e: { node: { id: string } }) => e.node.id);
    expect(ids.sort()).toEqual([...published].sort());
    const onlyRoot = await publicApi().send(`query ($id: ID) { articles(categoryId: $id, includeSubcategories: false) { totalCount } }`, { id: root.id });
    expect(onlyRoot.data?.articles.totalCount).toBe(1);

    const tree = await publicApi().send(CATEGORIES, { locale: 'en' });
    const node = tree.data?.categories.find((c: { id: string }) => c.id === root.id);
    expect(node).toMatchObject({ articleCount: 1, totalArticleCount: 3, children: [{ id: sub.id, articleCount: 2, totalArticleCount: 2 }] });
  });

  it('never exposes draft, internal, unpublished or archived articles through any query', async () => {
    const category = await kb.category('Hidden things');
    const visible = await kb.published(category.id, { title: 'Visible neighbour', tags: ['secret'] });
    const draft = await kb.draft(category.id, { title: 'Secret draft', tags: ['secret'] });
    const internal = await kb.published(category.id, { title: 'Secret internal', tags: ['secret'], isInternal: true });
    const unpublished = await kb.locale(await kb.published(category.id, { title: 'Secret unpublished', tags: ['secret'] }), UNPUBLISH);
    const archived = await kb.locale(await kb.published(category.id, { title: 'Secret archived', tags: ['secret'] }), ARCHIVE);
    const turnedInternal = await kb.published(category.id, { title: 'Secret turned internal', tags: ['secret'] });
    expectData(await editor.send(UPDATE_ARTICLE, { input: { articleId: turnedInternal.id, isInternal: true, baseMetadataVersion: turnedInternal.metadataVersion } }), 'updateArticle');
    const deleted = await kb.deleted(await kb.published(category.id, { title: 'Secret deleted', tags: ['secret'] }));

    for (const hidden of [draft, internal, unpublished, archived, turnedInternal, deleted]) {
      const slug = localeOf(hidden).slug;
      expect(await publicApi().send(ARTICLE, { slug, locale: 'en' })).toMatchObject({ status: 200, data: { article: null }, errors: undefined });
      expect(await publicApi().send(ARTICLE, { id: hidden.id })).toMatchObject({ status: 200, data: { article: null }, errors: undefined });
      const feedback = await publicApi().send(FEEDBACK, { input: { articleId: hidden.id, locale: 'en', helpful: true } });
      expect(feedback.errors?.[0].extensions.code).toBe('NOT_FOUND');
      expect((await publicApi().send(VIEW, { input: { articleId: hidden.id, locale: 'en' } })).data?.recordArticleView).toBe(false);
    }
    const listed = await publicApi().send(ARTICLES, { categoryId: category.id, first: 50 });
    expect(listed.data?.articles.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([visible.id]);
    const byTag = await publicApi().send(ARTICLES, { tag: 'secret', first: 50 });
    expect(byTag.data?.articles.totalCount).toBe(1);
    const related = await publicApi().send(ARTICLE, { id: visible.id });
    expect(related.data?.article.related).toEqual([]);
    const tree = await publicApi().send(CATEGORIES, { locale: 'en' });
    expect(tree.data?.categories.find((c: { id: string }) => c.id === category.id).articleCount).toBe(1);

    const sitemapText = JSON.stringify((await publicApi().send(SITEMAP, {})).data);
    const xml = (await t.http().get('/sitemap.xml')).text;
    for (const hidden of [draft, internal, unpublished, archived, turnedInternal, deleted]) {
      expect(sitemapText).not.toContain(localeOf(hidden).slug);
      expect(xml).not.toContain(localeOf(hidden).slug);
    }
    expect(xml).toContain('https://help.example.test/en/articles/visible-neighbour');
    const introspected = await t.http().get('/graphql').query({ query: '{ __schema { types { name fields { name } } } }' });
    const types: { name: string; fields: { name: string }[] | null }[] = introspected.body.data.__schema.types;
    expect(types.map((type) => type.name).filter((name) => /^Admin|^ArticleStatus$|^ArticleReviewState$/.test(name))).toEqual([]);
    const articleFields = types.find((type) => type.name === 'Article')?.fields?.map((field) => field.name) ?? [];
    expect(articleFields).toEqual(expect.arrayContaining(['id', 'title', 'bodyHtml']));
    // Workflow and internal fields of AdminArticle / AdminArticleLocale never reach the delivery type.
    const adminOnly = ['status', 'isInternal', 'headRevision', 'headRevisionNumber', 'reviewState', 'reviewComment', 'reviewerId', 'scheduledPublishAt', 'createdBy'];
    expect(articleFields.filter((name) => adminOnly.includes(name))).toEqual([]);
  });

  it('serves the sitemap as a query and as /sitemap.xml with hreflang alternates', async () => {
    let article = await kb.published((await kb.category()).id, { title: 'Sitemap article' });
    article = await kb.publish(await kb.save(article, 'de', { title: 'Sitemap Artikel', bodyMarkdown: 'x' }), 'de');
    const res = await publicApi().send(SITEMAP, { locale: 'de' });
    const entry = res.data?.sitemap.edges.find((e: { node: { slug: string } }) => e.node.slug === 'sitemap-artikel').node;
    expect(entry.url).toBe('https://help.example.test/de/articles/sitemap-artikel');
    expect(entry.alternates.map((a: { locale: string }) => a.locale)).toEqual(['de', 'en']);

    const xml = await t.http().get('/sitemap.xml');
    expect(xml.status).toBe(200);
    expect(xml.headers['content-type']).toContain('application/xml');
    expect(xml.text).toContain('<loc>https://help.example.test/en/articles/sitemap-article</loc>');
    expect(xml.text).toContain('hreflang="de" href="https://help.example.test/de/articles/sitemap-artikel"');
  });

  it('serves anonymous GET queries with Cache-Control and an ETag, and never caches mutations or tokens', async () => {
    const article = await kb.published((await kb.category()).id, { title: 'Cached article' });
    const query = `{ article(id: "${article.id}") { title } }`;
    const first = await t.http().get('/graphql').query({ query });
    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toMatch(/^public, max-age=\d+/);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^".+"$/);
    const again = await t.http().get('/graphql').query({ query }).set('if-none-match', etag);
    expect(again.status).toBe(304);
    const post = await t.http().post('/graphql').send({ query });
    expect(post.headers['cache-control']).toBe('no-store');
    const missing = await t.http().get('/graphql').query({ query: '{ article(slug: "nope") { title } }' });
    expect(missing.headers['cache-control']).toBe('no-store');
  });

  it('shows a new publish at once: the per-process cache is invalidated through NOTIFY', async () => {
    let article = await kb.published((await kb.category()).id, { title: 'First title' });
    expect((await publicApi().send(ARTICLE, { id: article.id })).data?.article.title).toBe('First title');
    // Stored on its second miss, served whole from the third request.
    expect((await publicApi().send(ARTICLE, { id: article.id })).headers['x-cache']).toBeUndefined();
    const repeated = await publicApi().send(ARTICLE, { id: article.id });
    expect(repeated.headers['x-cache']).toBe('HIT');
    expect((await t.delivery(await t.login(await t.createUser())).send(ARTICLE, { id: article.id })).headers['x-cache']).toBeUndefined();
    article = await kb.publish(await kb.save(article, 'en', { title: 'Second title', bodyMarkdown: 'x' }));
    await eventually(async () => expect((await publicApi().send(ARTICLE, { id: article.id })).data?.article.title).toBe('Second title'));
    expectData(await editor.send(UPDATE_CATEGORY, { input: { id: article.categoryId, translations: [{ locale: 'en', name: 'Renamed category' }] } }), 'updateCategory');
    await eventually(async () => expect((await publicApi().send(ARTICLE, { id: article.id })).data?.article.category.name).toBe('Renamed category'));
  });

  it('takes feedback per published revision, one vote per reader and day, and aggregates it for editors', async () => {
    const article = await kb.published((await kb.category()).id, { title: 'Feedback article' });
    const vote = (helpful: boolean, agent: string) =>
      t.http().post('/graphql').set('user-agent', agent).send({ query: FEEDBACK, variables: { input: { articleId: article.id, locale: 'en', helpful, comment: 'Thanks' } } });
    expect((await vote(true, 'reader-a')).body.data.submitArticleFeedback).toEqual({ accepted: true, revisionNumber: 1 });
    await vote(false, 'reader-a');
    await vote(true, 'reader-b');
    const member = await t.createUser();
    const memberApi = t.delivery(await t.login(member));
    await memberApi.send(FEEDBACK, { input: { articleId: article.id, locale: 'en', helpful: true } });

    const summary = expectData<{ helpful: number; notHelpful: number }>(await editor.send(FEEDBACK_SUMMARY, { articleId: article.id }), 'articleFeedbackSummary');
    expect(summary).toMatchObject({ helpful: 2, notHelpful: 1, byRevision: [{ revisionNumber: 1, helpful: 2, notHelpful: 1 }] });
    const stored = await t.dataSource.query('SELECT client_key FROM article_feedback WHERE article_id = $1', [article.id]);
    expect(JSON.stringify(stored)).not.toMatch(/127\.0\.0\.1|::1|reader-a/);
    const badToken = await t.delivery('not-a-token').send(FEEDBACK, { input: { articleId: article.id, locale: 'en', helpful: true } });
    expect(badToken.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('counts views in memory and writes them per day in batches', async () => {
    const article = await kb.published((await kb.category()).id, { title: 'Viewed article' });
    for (let i = 0; i < 5; i += 1) expect((await publicApi().send(VIEW, { input: { articleId: article.id, locale: 'en' } })).data?.recordArticleView).toBe(true);
    const [{ count: before }] = await t.dataSource.query('SELECT count(*)::int AS count FROM article_daily_views WHERE article_id = $1', [article.id]);
    expect(before).toBe(0);
    await t.app.get(ViewCounter).flush();
    const today = new Date();
    const views = expectData<{ day: string; views: number }[]>(await editor.send(VIEWS, { articleId: article.id, from: today.toISOString(), to: today.toISOString() }), 'articleViews');
    expect(views).toEqual([{ day: today.toISOString().slice(0, 10), views: 5 }]);
  });

  it('counts at most 20 views per client address, article and day, so a script cannot inflate traffic', async () => {
    const article = await kb.published((await kb.category()).id, { title: 'Viewed by a script' });
    const answers = await Promise.all(Array.from({ length: 60 }, () => publicApi().send(VIEW, { input: { articleId: article.id, locale: 'en' } })));
    expect(answers.every((a) => a.data?.recordArticleView === true)).toBe(true);
    // Another address still counts (the counter is the service the resolver calls, with the address it passes).
    expect(t.app.get(ViewCounter).record(article.id, 'en', new Date(), '203.0.113.9')).toBe(true);
    await t.app.get(ViewCounter).flush();
    const [{ views }] = await t.dataSource.query('SELECT views FROM article_daily_views WHERE article_id = $1', [article.id]);
    expect(views).toBe(MAX_VIEWS_PER_ADDRESS + 1);
  });

  it('rejects bad input on the delivery API with stable codes', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [ARTICLE, { slug: 'x', locale: 'xx' }, 'BAD_USER_INPUT'],
      [ARTICLE, {}, 'BAD_USER_INPUT'],
      [ARTICLES, { categorySlug: 'no-such-category' }, 'NOT_FOUND'],
      [ARTICLES, { after: 'garbage' }, 'BAD_USER_INPUT'],
    ];
    for (const [query, variables, code] of cases) {
      expect((await publicApi().send(query, variables)).errors?.[0].extensions.code).toBe(code);
    }
  });

  it('publishes a scheduled article when due, even when no server ran at that moment', async () => {
    const article = await kb.draft((await kb.category()).id, { title: 'Scheduled article' });
    const at = new Date(Date.now() + 60_000);
    const scheduled = await kb.publish(article, 'en', at);
    expect(localeOf(scheduled)).toMatchObject({ status: 'Scheduled', publishedRevision: null });
    expect(await publicApi().send(ARTICLE, { id: article.id })).toMatchObject({ status: 200, data: { article: null }, errors: undefined });

    // Time passes while the server is down: move the schedule into the past, then start a new app on the same database.
    await t.dataSource.query(`UPDATE article_locales SET scheduled_publish_at = now() - interval '1 hour' WHERE article_id = $1`, [article.id]);
    const database = { name: t.databaseName, url: t.databaseUrl };
    await t.stop();
    t = await createTestApp({ SITE_BASE_URL: 'https://help.example.test' }, { database });
    await eventually(async () => expect((await t.delivery().send(ARTICLE, { id: article.id })).data?.article.title).toBe('Scheduled article'));
    expect(await t.app.get(PublishingService).publishDue()).toBe(0);
    editor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
  });
});
