import { Role } from '../src/users/role.enum';
import { ARCHIVE, expectData, KnowledgeBaseFactory, UNPUBLISH, UPDATE_ARTICLE } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const ARTICLES = `query ($locale: String, $categoryId: ID, $sub: Boolean) {
  articles(locale: $locale, categoryId: $categoryId, includeSubcategories: $sub, first: 50) { totalCount edges { node { id } } }
}`;
const CATEGORIES = `query ($locale: String) { categories(locale: $locale) { id articleCount totalArticleCount children { id articleCount totalArticleCount } } }`;

/**
 * totalCount and the tree's counts come from per-category counts kept by database triggers
 * (migration DeliveryCategoryListing); with the caches off every answer reads them afresh.
 */
describe('knowledge base: delivery counts follow publishing', () => {
  let t: TestApp;
  let editor: GraphqlClient;
  let kb: KnowledgeBaseFactory;

  beforeAll(async () => {
    t = await createTestApp({ DELIVERY_CACHE_ENTRIES: '0', FALLBACK_LOCALE: 'en' });
    editor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
    kb = new KnowledgeBaseFactory(editor);
  });
  afterAll(() => t.close());

  /** totalCount, checked against the listed articles themselves. */
  async function listed(categoryId: string | null, options: { sub?: boolean; locale?: string } = {}): Promise<number> {
    const res = await t.delivery().send(ARTICLES, { categoryId, sub: options.sub ?? true, locale: options.locale ?? 'en' });
    expect(res.errors).toBeUndefined();
    expect(res.data?.articles.totalCount).toBe(res.data?.articles.edges.length);
    return res.data?.articles.totalCount as number;
  }

  async function tree(rootId: string): Promise<unknown> {
    const res = await t.delivery().send(CATEGORIES, { locale: 'en' });
    return res.data?.categories.find((c: { id: string }) => c.id === rootId);
  }

  it('counts right after publish, a second locale, unpublish, move, internal, archive and republish', async () => {
    const root = await kb.category('Counted');
    const child = await kb.category('Counted child', { parentId: root.id });
    const other = await kb.category('Elsewhere');
    const first = await kb.published(root.id);
    const second = await kb.published(root.id);
    const third = await kb.published(child.id);
    await kb.draft(child.id);
    const everywhere = await listed(null);

    expect(await listed(root.id)).toBe(3);
    expect(await listed(root.id, { sub: false })).toBe(2);
    expect(await listed(child.id)).toBe(1);
    expect(await tree(root.id)).toMatchObject({ articleCount: 2, totalArticleCount: 3, children: [{ id: child.id, articleCount: 1, totalArticleCount: 1 }] });

    // A second locale counts in that locale only.
    await kb.publish(await kb.save(third, 'de', { title: 'Gezählt', bodyMarkdown: 'Text.' }), 'de');
    expect(await listed(root.id, { locale: 'de' })).toBe(1);
    expect(await listed(root.id)).toBe(3);

    // Unpublishing drops it; publishing again brings it back.
    const unpublished = await kb.locale(first, UNPUBLISH);
    expect(await listed(root.id)).toBe(2);
    expect(await listed(null)).toBe(everywhere - 1);
    await kb.publish(unpublished);
    expect(await listed(root.id)).toBe(3);

    // Moving an article moves its count (in every locale).
    expectData(await editor.send(UPDATE_ARTICLE, { input: { articleId: third.id, baseMetadataVersion: third.metadataVersion, categoryId: other.id } }), 'updateArticle');
    expect(await listed(root.id)).toBe(2);
    expect(await listed(child.id)).toBe(0);
    expect(await listed(other.id)).toBe(1);
    expect(await listed(other.id, { locale: 'de' })).toBe(1);
    expect(await listed(root.id, { locale: 'de' })).toBe(0);
    expect(await tree(root.id)).toMatchObject({ articleCount: 2, totalArticleCount: 2, children: [{ articleCount: 0, totalArticleCount: 0 }] });

    // Internal and archived articles are not public, so not counted.
    const internal = expectData<{ metadataVersion: number }>(
      await editor.send(UPDATE_ARTICLE, { input: { articleId: second.id, baseMetadataVersion: second.metadataVersion, isInternal: true } }),
      'updateArticle',
    );
    expect(await listed(root.id)).toBe(1);
    expectData(await editor.send(UPDATE_ARTICLE, { input: { articleId: second.id, baseMetadataVersion: internal.metadataVersion, isInternal: false } }), 'updateArticle');
    expect(await listed(root.id)).toBe(2);
    await kb.locale(second, ARCHIVE);
    expect(await listed(root.id)).toBe(1);
    expect(await listed(null)).toBe(everywhere - 1);
  });

  it('answers a category page without totalCount, and the sitemap total matches its entries', async () => {
    const category = await kb.category('Uncounted');
    const article = await kb.published(category.id);
    const page = await t.delivery().send(`query ($id: ID) { articles(categoryId: $id) { edges { node { id } } pageInfo { hasNextPage } } }`, { id: category.id });
    expect(page.errors).toBeUndefined();
    expect(page.data?.articles.edges).toEqual([{ node: { id: article.id } }]);

    // The page and its total come from one statement; a page past the end still carries the total.
    const paged = `query ($id: ID, $after: String) { articles(categoryId: $id, first: 1, after: $after) { totalCount edges { node { id } } pageInfo { endCursor } } }`;
    const first = await t.delivery().send(paged, { id: category.id });
    const beyond = await t.delivery().send(paged, { id: category.id, after: first.data?.articles.pageInfo.endCursor });
    expect(beyond.errors).toBeUndefined();
    expect(beyond.data?.articles).toMatchObject({ totalCount: 1, edges: [] });

    const sitemap = await t.delivery().send(`{ sitemap(first: 100) { totalCount edges { node { slug } } pageInfo { hasNextPage } } }`);
    expect(sitemap.data?.sitemap.pageInfo.hasNextPage).toBe(false);
    expect(sitemap.data?.sitemap.totalCount).toBe(sitemap.data?.sitemap.edges.length);
  });
});
