import { ViewCounter } from '../src/articles/view-counter';
import { Role } from '../src/users/role.enum';
import { KnowledgeBaseFactory } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const ARTICLES = `query ($categoryId: ID, $first: Int, $after: String, $last: Int, $before: String) {
  articles(categoryId: $categoryId, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { title } }
  }
}`;
const SITEMAP = `query ($locale: String, $first: Int, $after: String, $last: Int, $before: String) {
  sitemap(locale: $locale, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { node { slug } }
  }
}`;
const ARTICLE = `query ($id: ID!, $locale: String) { article(id: $id, locale: $locale) { locale isFallback revisionNumber } }`;
const FEEDBACK = `mutation ($input: ArticleFeedbackInput!) { submitArticleFeedback(input: $input) { accepted revisionNumber } }`;
const VIEW = `mutation ($input: ArticleViewInput!) { recordArticleView(input: $input) }`;
const FEEDBACK_SUMMARY = `query ($articleId: ID!, $locale: String) { articleFeedbackSummary(articleId: $articleId, locale: $locale) { helpful notHelpful } }`;

interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: { cursor?: string; node: { title?: string; slug?: string } }[];
}

describe('delivery API: backward paging and fallback-locale feedback and views', () => {
  let t: TestApp;
  let editor: GraphqlClient;
  let kb: KnowledgeBaseFactory;
  let categoryId: string;
  /** Newest first, as the list orders them. */
  const titles = ['Paging 5', 'Paging 4', 'Paging 3', 'Paging 2', 'Paging 1'];

  beforeAll(async () => {
    t = await createTestApp({ FALLBACK_LOCALE: 'en' });
    editor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
    kb = new KnowledgeBaseFactory(editor);
    categoryId = (await kb.category('Paging')).id;
    for (const title of [...titles].reverse()) await kb.published(categoryId, { title });
  });
  afterAll(() => t.close());

  async function page(query: string, variables: Record<string, unknown>, field: string): Promise<Page> {
    const res = await t.delivery().send(query, variables);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data![field] as Page;
  }

  it('pages a category list forwards and backwards across page boundaries', async () => {
    const first = await page(ARTICLES, { categoryId, first: 2 }, 'articles');
    expect(first.edges.map((e) => e.node.title)).toEqual(titles.slice(0, 2));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(first.pageInfo.startCursor).toBe(first.edges[0].cursor);
    expect(first.pageInfo.endCursor).toBe(first.edges[1].cursor);
    expect(first.totalCount).toBe(5);

    const second = await page(ARTICLES, { categoryId, first: 2, after: first.pageInfo.endCursor }, 'articles');
    expect(second.edges.map((e) => e.node.title)).toEqual(titles.slice(2, 4));
    expect(second.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

    // Back from the second page's start: the first page again, with nothing before it.
    const back = await page(ARTICLES, { categoryId, last: 2, before: second.pageInfo.startCursor }, 'articles');
    expect(back.edges.map((e) => e.node.title)).toEqual(titles.slice(0, 2));
    expect(back.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false, startCursor: first.pageInfo.startCursor, endCursor: first.pageInfo.endCursor });

    // The last page without a cursor, then backwards across the boundary to the page before it.
    const tail = await page(ARTICLES, { categoryId, last: 2 }, 'articles');
    expect(tail.edges.map((e) => e.node.title)).toEqual(titles.slice(3, 5));
    expect(tail.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const beforeTail = await page(ARTICLES, { categoryId, last: 2, before: tail.pageInfo.startCursor }, 'articles');
    expect(beforeTail.edges.map((e) => e.node.title)).toEqual(titles.slice(1, 3));
    expect(beforeTail.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const head = await page(ARTICLES, { categoryId, last: 2, before: beforeTail.pageInfo.startCursor }, 'articles');
    expect(head.edges.map((e) => e.node.title)).toEqual(titles.slice(0, 1));
    expect(head.pageInfo).toMatchObject({ hasPreviousPage: false });

    // Forwards again from a backward page's end: no row lost or repeated.
    const forward = await page(ARTICLES, { categoryId, first: 10, after: beforeTail.pageInfo.endCursor }, 'articles');
    expect(forward.edges.map((e) => e.node.title)).toEqual(titles.slice(3));
    expect(forward.pageInfo.hasNextPage).toBe(false);
  });

  it('pages the whole list (no category) and the sitemap backwards', async () => {
    const all = await page(ARTICLES, { last: 3 }, 'articles');
    expect(all.edges.map((e) => e.node.title)).toEqual(titles.slice(2));

    const sitemap = await page(SITEMAP, { locale: 'en', first: 100 }, 'sitemap');
    const slugs = sitemap.edges.map((e) => e.node.slug);
    expect(slugs).toHaveLength(5);
    const end = await page(SITEMAP, { locale: 'en', last: 2 }, 'sitemap');
    expect(end.edges.map((e) => e.node.slug)).toEqual(slugs.slice(3));
    expect(end.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const previous = await page(SITEMAP, { locale: 'en', last: 2, before: end.pageInfo.startCursor }, 'sitemap');
    expect(previous.edges.map((e) => e.node.slug)).toEqual(slugs.slice(1, 3));
    expect(previous.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it.each([
    ['first and last', { first: 2, last: 2 }],
    ['after and before', { after: 'x', before: 'y' }],
    ['first and before', { first: 2, before: 'y' }],
    ['a negative last', { last: -1 }],
    ['last over the maximum', { last: 101 }],
    ['a zero first', { first: 0 }],
    ['a before that is not a cursor', { last: 2, before: 'not-a-cursor' }],
  ])('refuses %s with BAD_USER_INPUT', async (_, variables) => {
    for (const query of [ARTICLES, SITEMAP]) {
      const res = await t.delivery().send(query, { ...variables });
      expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    }
  });

  it.each([
    ['before', { last: 2, before: Buffer.from(JSON.stringify(['not a date', 'x'])).toString('base64url') }],
    ['after', { first: 2, after: Buffer.from(JSON.stringify(['2026-99-01T00:00:00Z', '3f1c7a7e-2b51-4f7e-9c1e-0f3a8d6c2b10'])).toString('base64url') }],
  ])('refuses a forged article-list %s cursor with BAD_USER_INPUT naming it', async (field, variables) => {
    const res = await t.delivery().send(ARTICLES, { categoryId, ...variables });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field }] });
  });

  it('accepts feedback and views in the asked locale of an article served from the fallback locale, recorded under the served locale', async () => {
    const article = await kb.published(categoryId, { title: 'Only in English' });
    const served = await t.delivery().send(ARTICLE, { id: article.id, locale: 'ja' });
    expect(served.data?.article).toMatchObject({ locale: 'en', isFallback: true, revisionNumber: 1 });

    const feedback = await t.delivery().send(FEEDBACK, { input: { articleId: article.id, locale: 'ja', helpful: true } });
    expect(feedback.errors).toBeUndefined();
    expect(feedback.data?.submitArticleFeedback).toEqual({ accepted: true, revisionNumber: 1 });
    expect((await editor.send(FEEDBACK_SUMMARY, { articleId: article.id, locale: 'en' })).data?.articleFeedbackSummary).toEqual({ helpful: 1, notHelpful: 0 });
    expect((await editor.send(FEEDBACK_SUMMARY, { articleId: article.id, locale: 'ja' })).data?.articleFeedbackSummary).toEqual({ helpful: 0, notHelpful: 0 });

    const view = await t.delivery().send(VIEW, { input: { articleId: article.id, locale: 'ja' } });
    expect(view.data?.recordArticleView).toBe(true);
    await t.app.get(ViewCounter).flush();
    const rows: { locale: string; views: number }[] = await t.dataSource.query(`SELECT locale, views FROM article_daily_views WHERE article_id = $1`, [article.id]);
    expect(rows).toEqual([{ locale: 'en', views: 1 }]);

    // An article with no version in the asked locale nor in the fallback is still refused.
    const german = await kb.published(categoryId, { title: 'Nur auf Deutsch', locale: 'de' });
    expect((await t.delivery().send(FEEDBACK, { input: { articleId: german.id, locale: 'ja', helpful: true } })).errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await t.delivery().send(VIEW, { input: { articleId: german.id, locale: 'ja' } })).data?.recordArticleView).toBe(false);
  });
});
