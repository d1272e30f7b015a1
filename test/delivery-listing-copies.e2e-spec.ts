import { Role } from '../src/users/role.enum';
import {
  AdminArticleResult,
  ARCHIVE,
  DELETE_ARTICLE,
  expectData,
  KnowledgeBaseFactory,
  localeOf,
  PUBLISH,
  RESTORE_DELETED,
  RESTORE_REVISION,
  UNPUBLISH,
  UPDATE_ARTICLE,
} from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const PAGE = `query ($categoryId: ID, $locale: String, $sub: Boolean) {
  articles(categoryId: $categoryId, locale: $locale, includeSubcategories: $sub, first: 100) {
    totalCount edges { node { id slug title excerpt authorName publishedAt } }
  }
}`;
const PAGE_WITHOUT_AUTHOR = `query ($categoryId: ID) { articles(categoryId: $categoryId, first: 100) { edges { node { id title authorName: slug } } } }`;
const ARTICLE_BY_ID = `query ($id: ID!, $locale: String) { article(id: $id, locale: $locale) { id locale title excerpt authorName } }`;

interface Item {
  id: string;
  slug: string;
  title: string;
  excerpt: string;
  authorName: string | null;
  publishedAt: string;
}

/**
 * List pages read the published revision's title, excerpt and author from copies on the locale row (migration
 * DeliveryListingCopies) and their totals from per-category counts (DeliveryCategoryListing); both are kept by
 * triggers. These tests change articles every way the API allows, also in parallel, and compare the pages with
 * the articles themselves and the counts with a recount; then break both behind the triggers' back and repair.
 */
describe('delivery list pages: copies of the published revision and per-category counts', () => {
  let t: TestApp;
  let editor: GraphqlClient;
  let kb: KnowledgeBaseFactory;

  beforeAll(async () => {
    t = await createTestApp({ DELIVERY_CACHE_ENTRIES: '0', FALLBACK_LOCALE: 'en' });
    editor = t.admin(await t.login(await t.createUser({ role: Role.Editor, displayName: 'Ada Editor' })));
    kb = new KnowledgeBaseFactory(editor);
  });
  afterAll(() => t.close());

  async function page(categoryId: string | null, locale = 'en', sub = true): Promise<{ totalCount: number; items: Item[] }> {
    const res = await t.delivery().send(PAGE, { categoryId, locale, sub });
    expect(res.errors).toBeUndefined();
    return { totalCount: res.data?.articles.totalCount, items: res.data?.articles.edges.map((e: { node: Item }) => e.node) };
  }

  /** Every listed item carries what `article(id)` serves (the published revision), and the total is the list's length. */
  async function expectPageMatchesArticles(categoryId: string | null, locale = 'en'): Promise<Item[]> {
    const { totalCount, items } = await page(categoryId, locale);
    expect(totalCount).toBe(items.length);
    for (const item of items) {
      const res = await t.delivery().send(ARTICLE_BY_ID, { id: item.id, locale });
      expect(res.data?.article).toMatchObject({ id: item.id, locale, title: item.title, excerpt: item.excerpt, authorName: item.authorName });
    }
    return items;
  }

  /** (category, locale) pairs whose maintained count differs from a recount of the visible locale rows. */
  async function countDrift(): Promise<unknown[]> {
    return t.dataSource.query(`
      WITH actual AS (
        SELECT category_id, locale, count(*)::int AS count FROM article_locales
        WHERE status = 'published' AND published_revision_id IS NOT NULL AND NOT is_internal GROUP BY 1, 2)
      SELECT coalesce(a.category_id, c.category_id) AS category_id, coalesce(a.locale, c.locale) AS locale, a.count AS actual, c.count AS kept
      FROM actual a FULL JOIN category_published_counts c ON c.category_id = a.category_id AND c.locale = a.locale
      WHERE coalesce(c.count, 0) <> coalesce(a.count, 0)`);
  }

  /** Locale rows whose copies differ from their published revision (or are set without one). */
  async function copyDrift(): Promise<unknown[]> {
    return t.dataSource.query(`
      SELECT l.article_id, l.locale FROM article_locales l LEFT JOIN article_revisions r ON r.id = l.published_revision_id
      WHERE (l.published_title, l.published_excerpt, l.published_author_id) IS DISTINCT FROM (r.title, r.excerpt, r.author_id)`);
  }

  it('lists the published revision: not a later draft, the new one after publishing, a restored one, nothing once unpublished', async () => {
    const category = await kb.category('Copied');
    let article = await kb.published(category.id, { title: 'First words', bodyMarkdown: 'The first version says this.' });
    let [item] = await expectPageMatchesArticles(category.id);
    expect(item).toMatchObject({ id: article.id, title: 'First words', excerpt: 'The first version says this.', authorName: 'Ada Editor' });

    // A draft changes nothing public.
    article = await kb.save(article, 'en', { title: 'Second words', bodyMarkdown: 'The second version says that.' });
    [item] = await expectPageMatchesArticles(category.id);
    expect(item.title).toBe('First words');

    article = await kb.publish(article);
    [item] = await expectPageMatchesArticles(category.id);
    expect(item).toMatchObject({ title: 'Second words', excerpt: 'The second version says that.' });

    // Restoring revision 1 and publishing it at once lists revision 1's content again.
    article = expectData<AdminArticleResult>(
      await editor.send(RESTORE_REVISION, { input: { articleId: article.id, locale: 'en', revisionNumber: 1, baseRevisionNumber: 2, publish: true } }),
      'restoreArticleRevision',
    );
    expect(localeOf(article).publishedRevision).toMatchObject({ number: 3, title: 'First words' });
    [item] = await expectPageMatchesArticles(category.id);
    expect(item.title).toBe('First words');

    // A second locale lists in its own locale with its own text; the English page is unchanged.
    article = await kb.publish(await kb.save(article, 'de', { title: 'Erste Worte', bodyMarkdown: 'Die erste Fassung.' }), 'de');
    expect((await expectPageMatchesArticles(category.id, 'de')).map((i) => i.title)).toEqual(['Erste Worte']);
    expect((await expectPageMatchesArticles(category.id)).map((i) => i.title)).toEqual(['First words']);

    // Unpublishing removes it and clears the copies (they describe only what is published).
    await kb.locale(article, UNPUBLISH);
    expect((await page(category.id)).items).toEqual([]);
    const [row] = await t.dataSource.query(
      `SELECT published_title, published_excerpt, published_author_id FROM article_locales WHERE article_id = $1 AND locale = 'en'`,
      [article.id],
    );
    expect(row).toEqual({ published_title: null, published_excerpt: null, published_author_id: null });
    expect(await copyDrift()).toEqual([]);
  });

  it('leaves scheduled, archived and deleted articles out and keeps newest-first order', async () => {
    const category = await kb.category('Ordered');
    const older = await kb.published(category.id, { title: 'Older' });
    const newer = await kb.published(category.id, { title: 'Newer' });
    await kb.publish(await kb.draft(category.id, { title: 'Later' }), 'en', new Date(Date.now() + 3_600_000));
    const archived = await kb.published(category.id, { title: 'Archived' });
    await kb.locale(archived, ARCHIVE);
    const deleted = await kb.published(category.id, { title: 'Deleted' });
    await kb.deleted(deleted);

    const items = await expectPageMatchesArticles(category.id);
    expect(items.map((i) => i.id)).toEqual([newer.id, older.id]);

    // Restoring a deleted article brings it back unpublished: still not listed until published again.
    const restored = expectData<AdminArticleResult>(await editor.send(RESTORE_DELETED, { input: { articleId: deleted.id } }), 'restoreDeletedArticle');
    expect((await page(category.id)).items.map((i) => i.id)).toEqual([newer.id, older.id]);
    await kb.publish(restored);
    expect((await expectPageMatchesArticles(category.id)).map((i) => i.id)).toEqual([deleted.id, newer.id, older.id]);
    expect(await countDrift()).toEqual([]);
  });

  it('answers a page that does not ask for the author without it, and one that does with it', async () => {
    const category = await kb.category('Authors');
    const article = await kb.published(category.id, { title: 'Who wrote this' });
    const without = await t.delivery().send(PAGE_WITHOUT_AUTHOR, { categoryId: category.id });
    expect(without.errors).toBeUndefined();
    expect(without.data?.articles.edges).toEqual([{ node: { id: article.id, title: 'Who wrote this', authorName: localeOf(article).slug } }]);
    const viaFragment = await t.delivery().send(
      `query ($categoryId: ID) { articles(categoryId: $categoryId) { edges { ...E } } } fragment E on ArticleSummaryEdge { node { ... on ArticleSummary { authorName } } }`,
      { categoryId: category.id },
    );
    expect(viaFragment.data?.articles.edges).toEqual([{ node: { authorName: 'Ada Editor' } }]);
  });

  it('keeps counts and copies exact under parallel publish, unpublish, move, delete and republish', async () => {
    const root = await kb.category('Busy');
    const child = await kb.category('Busy child', { parentId: root.id });
    const other = await kb.category('Quiet');
    const articles: AdminArticleResult[] = [];
    for (let i = 0; i < 16; i += 1) {
      let article = await kb.published(i % 2 ? child.id : root.id, { title: `Busy ${i}` });
      if (i % 4 === 0) article = await kb.publish(await kb.save(article, 'de', { title: `Beschäftigt ${i}`, bodyMarkdown: 'Text.' }), 'de');
      articles.push(article);
    }
    const drafts = await Promise.all(Array.from({ length: 4 }, (_, i) => kb.draft(other.id, { title: `Fresh ${i}` })));

    for (let round = 0; round < 2; round += 1) {
      const current = await Promise.all(articles.map(async (a) => expectData<AdminArticleResult>(await editor.send(`query ($id: ID!) { article(id: $id) { id metadataVersion deletedAt locales { locale status headRevisionNumber headRevision { id } } } }`, { id: a.id }), 'article')));
      const moveTo = round ? root.id : other.id;
      // Conflicting changes of one article (a move and a delete, an unpublish and a republish) are part of the mix:
      // some are refused, and the counts must still match whatever got through.
      const operations = current.flatMap((a, i) => {
        const move = () => editor.send(UPDATE_ARTICLE, { input: { articleId: a.id, baseMetadataVersion: a.metadataVersion, categoryId: moveTo } });
        const unpublish = (locale = 'en') => editor.send(UNPUBLISH, { input: { articleId: a.id, locale } });
        const republish = (locale = 'en') => {
          const state = a.locales.find((l) => l.locale === locale);
          return state ? editor.send(PUBLISH, { input: { articleId: a.id, revisionId: state.headRevision.id } }) : Promise.resolve(null);
        };
        const remove = () => editor.send(a.deletedAt ? RESTORE_DELETED : DELETE_ARTICLE, { input: { articleId: a.id } });
        switch (i % 6) {
          case 0: return [move(), unpublish('de'), republish()];
          case 1: return [unpublish(), move()];
          case 2: return [remove(), move()];
          case 3: return [republish(), unpublish()];
          case 4: return [move(), republish('de')];
          default: return [remove(), republish()];
        }
      });
      const publishes = drafts.map((d) => kb.publish(d).catch(() => null));
      const results = await Promise.all([...operations, ...publishes]);
      for (const res of results) {
        for (const error of (res && 'errors' in res ? res.errors : undefined) ?? []) expect(['CONFLICT', 'BAD_USER_INPUT', 'NOT_FOUND']).toContain(error.extensions.code);
      }

      expect(await countDrift()).toEqual([]);
      expect(await copyDrift()).toEqual([]);
      for (const category of [root.id, child.id, other.id]) {
        await expectPageMatchesArticles(category);
        await expectPageMatchesArticles(category, 'de');
      }
    }
  });

  it('repairs counts and copies changed behind the triggers, and finds nothing to repair afterwards', async () => {
    const category = await kb.category('Repaired');
    const article = await kb.published(category.id, { title: 'Right title', bodyMarkdown: 'Right excerpt.' });
    const before = await page(category.id);
    expect(before.totalCount).toBe(1);
    expect(await t.dataSource.query(`SELECT repair_delivery_listing() AS fixed`)).toEqual([{ fixed: 0 }]);

    // Manual SQL with triggers off (a restore from a partial dump, say): wrong copies and counts.
    await t.dataSource.transaction(async (tx) => {
      await tx.query(`SET LOCAL session_replication_role = replica`);
      await tx.query(`UPDATE article_locales SET published_title = 'Wrong title' WHERE article_id = $1`, [article.id]);
      await tx.query(`UPDATE category_published_counts SET count = count + 7 WHERE category_id = $1`, [category.id]);
      await tx.query(`INSERT INTO category_published_counts (category_id, locale, count) VALUES ($1, 'ja', 3)`, [category.id]);
    });
    const broken = await page(category.id);
    expect(broken.totalCount).toBe(8);
    expect(broken.items[0].title).toBe('Wrong title');

    expect(await t.dataSource.query(`SELECT repair_delivery_listing() AS fixed`)).toEqual([{ fixed: 3 }]);
    expect(await page(category.id)).toEqual(before);
    expect((await page(category.id, 'ja')).totalCount).toBe(0);
    expect(await countDrift()).toEqual([]);
    expect(await copyDrift()).toEqual([]);
    expect(await t.dataSource.query(`SELECT repair_delivery_listing() AS fixed`)).toEqual([{ fixed: 0 }]);
  });
});
