import { Role } from '../src/users/role.enum';
import {
  AdminArticleResult,
  APPROVE,
  ARTICLE,
  CATEGORIES,
  CHANGE_SLUG,
  CREATE_ARTICLE,
  CREATE_CATEGORY,
  DELETE_CATEGORY,
  expectData,
  KnowledgeBaseFactory,
  localeOf,
  MOVE_CATEGORY,
  PUBLISH,
  REQUEST_CHANGES,
  REQUEST_REVIEW,
  ROLLBACK,
  SAVE_DRAFT,
  UPDATE_ARTICLE,
  UPDATE_CATEGORY,
  VERIFY,
} from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const ARTICLES = `query ($first: Int, $after: String, $categoryId: ID, $tag: String, $status: ArticleStatus, $locale: String, $authorId: ID, $productId: ID, $isInternal: Boolean) {
  articles(first: $first, after: $after, categoryId: $categoryId, tag: $tag, status: $status, locale: $locale, authorId: $authorId, productId: $productId, isInternal: $isInternal) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id tags locales { locale status slug headRevision { title } publishedRevision { title } } } }
  }
}`;
const DIFF = `query ($articleId: ID!, $locale: String!, $from: Int!, $to: Int!) {
  articleRevisionDiff(articleId: $articleId, locale: $locale, fromNumber: $from, toNumber: $to) {
    fromNumber toNumber titleChanged title { kind text } body { kind oldLineNumber newLineNumber segments { kind text } } stats { linesAdded linesRemoved linesChanged }
  }
}`;
const REVISIONS = `query ($articleId: ID!, $locale: String!) { articleRevisions(articleId: $articleId, locale: $locale, first: 10) { totalCount edges { node { number title changeNote } } } }`;
const DUE = `query ($dueBefore: DateTime) { articlesDueForReview(dueBefore: $dueBefore) { totalCount edges { node { locale nextReviewAt article { id } } } } }`;
const OUTDATED = `query ($locale: String) { outdatedTranslations(locale: $locale) { totalCount edges { node { locale article { id } } } } }`;

async function count(t: TestApp, table: string): Promise<number> {
  const [{ count: n }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM ${table}`);
  return n;
}

describe('knowledge base: editing (admin API)', () => {
  let t: TestApp;
  let admin: GraphqlClient;
  let editor: GraphqlClient;
  let secondEditor: GraphqlClient;
  let kb: KnowledgeBaseFactory;
  let editorId: string;
  let secondEditorId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
    const editorUser = await t.createUser({ role: Role.Editor });
    editorId = editorUser.user.id;
    editor = t.admin(await t.login(editorUser));
    const second = await t.createUser({ role: Role.Editor });
    secondEditorId = second.user.id;
    secondEditor = t.admin(await t.login(second));
    kb = new KnowledgeBaseFactory(editor);
  });
  afterAll(() => t.close());

  describe('categories', () => {
    it('builds a tree, renames per locale, reorders and moves', async () => {
      const billing = await kb.category('Billing & Invoices');
      expect(billing.slug).toBe('billing-invoices');
      const invoices = await kb.category('Invoices', { parentId: billing.id });
      const refunds = await kb.category('Refunds', { parentId: billing.id });

      const renamed = expectData<{ translations: { locale: string; name: string; slug: string }[] }>(
        await editor.send(UPDATE_CATEGORY, { input: { id: invoices.id, translations: [{ locale: 'zh-cn', name: '发票' }] } }),
        'updateCategory',
      );
      expect(renamed.translations).toEqual([
        { locale: 'en', name: 'Invoices', slug: 'invoices', description: '' },
        { locale: 'zh-CN', name: '发票', slug: '发票', description: '' },
      ]);

      const moved = expectData<{ position: number }>(await editor.send(MOVE_CATEGORY, { input: { id: refunds.id, parentId: billing.id, position: 0 } }), 'moveCategory');
      expect(moved.position).toBe(0);
      const tree = expectData<{ id: string; parentId: string | null; position: number }[]>(await editor.send(CATEGORIES), 'categories');
      const children = tree.filter((c) => c.parentId === billing.id).sort((a, b) => a.position - b.position).map((c) => c.id);
      expect(children).toEqual([refunds.id, invoices.id]);

      const toRoot = expectData<{ parentId: string | null }>(await editor.send(MOVE_CATEGORY, { input: { id: invoices.id, parentId: null } }), 'moveCategory');
      expect(toRoot.parentId).toBeNull();
    });

    it('refuses to move a category under itself or a descendant, changing nothing', async () => {
      const top = await kb.category('Top');
      const middle = await kb.category('Middle', { parentId: top.id });
      const bottom = await kb.category('Bottom', { parentId: middle.id });
      const before = await t.dataSource.query('SELECT id, parent_id, position FROM categories ORDER BY id');
      for (const parentId of [top.id, bottom.id]) {
        const res = await editor.send(MOVE_CATEGORY, { input: { id: top.id, parentId } });
        expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      }
      expect(await t.dataSource.query('SELECT id, parent_id, position FROM categories ORDER BY id')).toEqual(before);
    });

    it('deletes only an empty category', async () => {
      const parent = await kb.category('Parent');
      const child = await kb.category('Child', { parentId: parent.id });
      const withChild = await editor.send(DELETE_CATEGORY, { input: { id: parent.id } });
      expect(withChild.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'CATEGORY_NOT_EMPTY' });
      await kb.draft(child.id);
      const withArticle = await editor.send(DELETE_CATEGORY, { input: { id: child.id } });
      expect(withArticle.errors?.[0].extensions.code).toBe('CONFLICT');
      const empty = await kb.category('Empty');
      expect((await editor.send(DELETE_CATEGORY, { input: { id: empty.id } })).errors).toBeUndefined();
      expect(await t.dataSource.query('SELECT 1 FROM categories WHERE id = $1', [empty.id])).toHaveLength(0);
    });
  });

  describe('revisions and concurrency', () => {
    it('appends an immutable revision on every save and renders sanitized HTML once', async () => {
      const category = await kb.category();
      const article = await kb.draft(category.id, { title: 'Reset your password', bodyMarkdown: '# Steps\n\nClick <b onclick="x()">Reset</b><script>alert(1)</script>' });
      const en = localeOf(article);
      expect(en).toMatchObject({ status: 'Draft', headRevisionNumber: 1, slug: 'reset-your-password' });
      expect(en.headRevision.bodyHtml).not.toMatch(/script|onclick/);
      expect(en.headRevision.excerpt).toContain('Click Reset');

      const saved = await kb.save(article, 'en', { title: 'Reset your password', bodyMarkdown: 'New body', changeNote: 'shorter' });
      expect(localeOf(saved).headRevisionNumber).toBe(2);
      const revisions = expectData<{ totalCount: number; edges: { node: { number: number } }[] }>(
        await editor.send(REVISIONS, { articleId: article.id, locale: 'en' }),
        'articleRevisions',
      );
      expect(revisions.totalCount).toBe(2);
      expect(revisions.edges.map((e) => e.node.number)).toEqual([2, 1]);
    });

    it('refuses an edit from a stale base with CONFLICT and the current revision number, writing nothing', async () => {
      const article = await kb.draft((await kb.category()).id);
      await kb.save(article, 'en', { title: 'First edit', bodyMarkdown: 'one' });
      const before = await count(t, 'article_revisions');
      const stale = await secondEditor.send(SAVE_DRAFT, { input: { articleId: article.id, locale: 'en', baseRevisionNumber: 1, title: 'Second edit', bodyMarkdown: 'two' } });
      expect(stale.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_BASE_REVISION', headRevisionNumber: 2 });
      expect(await count(t, 'article_revisions')).toBe(before);
    });

    it('lets exactly one of two parallel saves from the same base win', async () => {
      const article = await kb.draft((await kb.category()).id);
      const save = (client: GraphqlClient, title: string) =>
        client.send(SAVE_DRAFT, { input: { articleId: article.id, locale: 'en', baseRevisionNumber: 1, title, bodyMarkdown: title } });
      const results = await Promise.all([save(editor, 'From editor one'), save(secondEditor, 'From editor two'), save(admin, 'From the admin')]);
      const winners = results.filter((r) => !r.errors);
      const losers = results.filter((r) => r.errors);
      expect(winners).toHaveLength(1);
      expect(losers.map((r) => r.errors?.[0].extensions.code)).toEqual(['CONFLICT', 'CONFLICT']);
      const [{ count: revisions }] = await t.dataSource.query('SELECT count(*)::int AS count FROM article_revisions WHERE article_id = $1', [article.id]);
      expect(revisions).toBe(2);
    });

    it('lets exactly one of two parallel first saves of a new translation win', async () => {
      const article = await kb.draft((await kb.category()).id);
      const save = (client: GraphqlClient, title: string) =>
        client.send(SAVE_DRAFT, { input: { articleId: article.id, locale: 'de', baseRevisionNumber: 0, title, bodyMarkdown: title } });
      const results = await Promise.all([save(editor, 'Eins'), save(secondEditor, 'Zwei')]);
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      expect(results.find((r) => r.errors)?.errors?.[0].extensions.code).toBe('CONFLICT');
    });
  });

  describe('workflow', () => {
    it('goes draft → review → changes requested → review → approved → published, and later drafts do not change what is published', async () => {
      let article = await kb.draft((await kb.category()).id, { title: 'Download invoices' });
      const ref = { articleId: article.id, locale: 'en' };
      article = expectData(await editor.send(REQUEST_REVIEW, { input: { ...ref, revisionNumber: 1, reviewerId: secondEditorId } }), 'requestArticleReview');
      expect(localeOf(article)).toMatchObject({ status: 'InReview', reviewState: 'InReview' });

      article = expectData(await secondEditor.send(REQUEST_CHANGES, { input: { ...ref, revisionNumber: 1, comment: 'Add a screenshot' } }), 'requestArticleChanges');
      expect(localeOf(article)).toMatchObject({ status: 'Draft', reviewState: 'ChangesRequested' });

      article = await kb.save(article, 'en', { title: 'Download invoices', bodyMarkdown: 'Now with a screenshot' });
      article = expectData(await editor.send(REQUEST_REVIEW, { input: { ...ref, revisionNumber: 2, reviewerId: secondEditorId } }), 'requestArticleReview');
      const staleApproval = await secondEditor.send(APPROVE, { input: { ...ref, revisionNumber: 1 } });
      expect(staleApproval.errors?.[0].extensions.code).toBe('CONFLICT');
      const wrongReviewer = await editor.send(APPROVE, { input: { ...ref, revisionNumber: 2 } });
      expect(wrongReviewer.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ASSIGNED_TO_ANOTHER_REVIEWER' });
      article = expectData(await secondEditor.send(APPROVE, { input: { ...ref, revisionNumber: 2, comment: 'Good' } }), 'approveArticleRevision');
      expect(localeOf(article).reviewState).toBe('Approved');

      article = await kb.publish(article);
      expect(localeOf(article)).toMatchObject({ status: 'Published', publishedRevision: { number: 2 }, reviewState: 'None' });

      article = await kb.save(article, 'en', { title: 'Download invoices (draft)', bodyMarkdown: 'unfinished' });
      expect(localeOf(article)).toMatchObject({ status: 'Published', headRevisionNumber: 3, publishedRevision: { number: 2, title: 'Download invoices' } });
    });

    it('publishes only the latest revision, and rolls back by publishing an earlier one as a new revision', async () => {
      let article = await kb.published((await kb.category()).id, { title: 'Version one', bodyMarkdown: 'one\ntwo\nthree' });
      article = await kb.save(article, 'en', { title: 'Version two', bodyMarkdown: 'one\n2\nthree\nfour' });
      article = await kb.publish(article);

      const diff = expectData<{ titleChanged: boolean; stats: Record<string, number>; body: { kind: string }[] }>(
        await editor.send(DIFF, { articleId: article.id, locale: 'en', from: 1, to: 2 }),
        'articleRevisionDiff',
      );
      expect(diff.titleChanged).toBe(true);
      expect(diff.stats).toEqual({ linesAdded: 1, linesRemoved: 0, linesChanged: 1 });
      expect(diff.body.map((line) => line.kind)).toEqual(['Equal', 'Changed', 'Equal', 'Added']);

      const stale = await editor.send(ROLLBACK, { input: { articleId: article.id, locale: 'en', revisionNumber: 1, baseRevisionNumber: 1 } });
      expect(stale.errors?.[0].extensions.code).toBe('CONFLICT');
      article = expectData(await editor.send(ROLLBACK, { input: { articleId: article.id, locale: 'en', revisionNumber: 1, baseRevisionNumber: 2 } }), 'rollbackArticle');
      expect(localeOf(article)).toMatchObject({
        headRevisionNumber: 3,
        publishedRevision: { number: 3, title: 'Version one' },
        headRevision: { restoredFromNumber: 1 },
      });
    });

    it('verifies an article without a new revision, and lists articles due for review', async () => {
      const category = await kb.category('Reviewed often', { reviewIntervalDays: 1 });
      let article = await kb.published(category.id);
      const inTwoDays = new Date(Date.now() + 2 * 86_400_000).toISOString();
      const due = expectData<{ edges: { node: { article: { id: string } } }[] }>(await editor.send(DUE, { dueBefore: inTwoDays }), 'articlesDueForReview');
      expect(due.edges.map((e) => e.node.article.id)).toContain(article.id);
      const notYet = expectData<{ edges: { node: { article: { id: string } } }[] }>(await editor.send(DUE, {}), 'articlesDueForReview');
      expect(notYet.edges.map((e) => e.node.article.id)).not.toContain(article.id);

      await t.dataSource.query(`UPDATE article_locales SET last_reviewed_at = now() - interval '3 days' WHERE article_id = $1`, [article.id]);
      const overdue = expectData<{ edges: { node: { article: { id: string } } }[] }>(await editor.send(DUE, {}), 'articlesDueForReview');
      expect(overdue.edges.map((e) => e.node.article.id)).toContain(article.id);

      article = expectData(await editor.send(VERIFY, { input: { articleId: article.id, locale: 'en' } }), 'verifyArticle');
      expect(localeOf(article).headRevisionNumber).toBe(1);
      expect(Date.parse(localeOf(article).nextReviewAt!)).toBeGreaterThan(Date.now());
      const after = expectData<{ edges: { node: { article: { id: string } } }[] }>(await editor.send(DUE, {}), 'articlesDueForReview');
      expect(after.edges.map((e) => e.node.article.id)).not.toContain(article.id);
    });
  });

  describe('translations and slugs', () => {
    it('records the source revision of a translation and lists it as outdated once the source is republished', async () => {
      let article = await kb.published((await kb.category()).id, { title: 'How to download invoices' });
      article = await kb.save(article, 'zh-CN', { title: '如何下载发票', bodyMarkdown: '在账单页面下载发票。' });
      const zh = localeOf(article, 'zh-CN');
      expect(zh).toMatchObject({ slug: '如何下载发票', translatedFromRevisionNumber: 1, sourceRevisionNumber: 1, isOutdated: false });
      article = await kb.publish(article, 'zh-CN');

      article = await kb.save(article, 'en', { title: 'How to download invoices', bodyMarkdown: 'Updated steps' });
      expect(localeOf(article, 'zh-CN').isOutdated).toBe(false);
      article = await kb.publish(article, 'en');
      expect(localeOf(article, 'zh-CN')).toMatchObject({ isOutdated: true, translatedFromRevisionNumber: 1, sourceRevisionNumber: 2 });
      const outdated = expectData<{ edges: { node: { locale: string; article: { id: string } } }[] }>(await editor.send(OUTDATED, { locale: 'zh-CN' }), 'outdatedTranslations');
      expect(outdated.edges.map((e) => e.node.article.id)).toContain(article.id);

      article = await kb.save(article, 'zh-CN', { title: '如何下载发票', bodyMarkdown: '更新的步骤', translatedFromRevisionNumber: 2 });
      article = await kb.publish(article, 'zh-CN');
      expect(localeOf(article, 'zh-CN').isOutdated).toBe(false);
    });

    it('generates unique slugs, refuses a taken one, and keeps old slugs', async () => {
      const category = await kb.category();
      const first = await kb.draft(category.id, { title: 'Change your plan' });
      const second = await kb.draft(category.id, { title: 'Change your plan' });
      expect(localeOf(first).slug).toBe('change-your-plan');
      expect(localeOf(second).slug).toBe('change-your-plan-2');

      const taken = await editor.send(CHANGE_SLUG, { input: { articleId: second.id, locale: 'en', slug: 'change-your-plan', baseMetadataVersion: second.metadataVersion } });
      expect(taken.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'SLUG_TAKEN' });
      const changed = expectData<AdminArticleResult>(await editor.send(CHANGE_SLUG, { input: { articleId: first.id, locale: 'en', slug: 'upgrade-or-downgrade', baseMetadataVersion: first.metadataVersion } }), 'changeArticleSlug');
      expect(localeOf(changed)).toMatchObject({ slug: 'upgrade-or-downgrade', previousSlugs: ['change-your-plan'] });
    });

    it('gives articles created at once with one title distinct slugs, and one slug claimed at once to one article', async () => {
      const category = await kb.category();
      const created = await Promise.all(
        Array.from({ length: 8 }, () => editor.send(CREATE_ARTICLE, { input: { categoryId: category.id, title: 'Parallel title', bodyMarkdown: 'x' } })),
      );
      expect(created.map((res) => res.errors)).toEqual(created.map(() => undefined));
      const slugs = created.map((res) => localeOf(res.data!.createArticle as AdminArticleResult).slug).sort();
      expect(slugs).toEqual(['parallel-title', ...Array.from({ length: 7 }, (_, i) => `parallel-title-${i + 2}`)].sort());

      const explicit = await Promise.all(
        Array.from({ length: 6 }, () => editor.send(CREATE_ARTICLE, { input: { categoryId: category.id, title: 'Explicit', bodyMarkdown: 'x', slug: 'one-explicit-slug' } })),
      );
      expect(explicit.filter((res) => !res.errors)).toHaveLength(1);
      expect(explicit.filter((res) => res.errors).map((res) => res.errors![0].extensions)).toEqual(Array(5).fill(expect.objectContaining({ code: 'CONFLICT', reason: 'SLUG_TAKEN' })));

      const others = await Promise.all([kb.draft(category.id, { title: 'Other one' }), kb.draft(category.id, { title: 'Other two' })]);
      const renamed = await Promise.all(
        others.map((article) => editor.send(CHANGE_SLUG, { input: { articleId: article.id, locale: 'en', slug: 'contested-slug', baseMetadataVersion: article.metadataVersion } })),
      );
      expect(renamed.filter((res) => !res.errors)).toHaveLength(1);
      expect(renamed.find((res) => res.errors)!.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'SLUG_TAKEN' });
      const [{ holders }] = await t.dataSource.query(`SELECT count(*)::int AS holders FROM article_locales WHERE locale = 'en' AND slug IN ('contested-slug', 'one-explicit-slug')`);
      expect(holders).toBe(2);
    });
  });

  describe('lists', () => {
    it('filters by category (with sub-categories), tag, status, locale and author, with cursor pagination', async () => {
      const root = await kb.category('Filters root');
      const sub = await kb.category('Filters sub', { parentId: root.id });
      const a = await kb.published(root.id, { tags: ['Billing', 'pdf'] });
      const b = await kb.draft(sub.id, { tags: ['billing'] });
      await secondEditor.send(CREATE_ARTICLE, { input: { categoryId: sub.id, title: 'By someone else', bodyMarkdown: 'x' } });
      const ids = async (variables: Record<string, unknown>): Promise<string[]> =>
        expectData<{ edges: { node: { id: string } }[] }>(await editor.send(ARTICLES, { first: 50, ...variables }), 'articles').edges.map((e) => e.node.id);

      expect(await ids({ categoryId: root.id })).toHaveLength(3);
      expect(await ids({ categoryId: root.id, tag: 'billing' })).toEqual(expect.arrayContaining([a.id, b.id]));
      expect(await ids({ categoryId: root.id, status: 'Published' })).toEqual([a.id]);
      expect(await ids({ categoryId: root.id, authorId: editorId })).toHaveLength(2);
      // A category that does not exist has no articles, with or without its (empty) subtree.
      expect(await ids({ categoryId: '00000000-0000-0000-0000-000000000000' })).toEqual([]);

      const page1 = expectData<{ totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { id: string } }[] }>(
        await editor.send(ARTICLES, { first: 2, categoryId: root.id }),
        'articles',
      );
      expect(page1).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: true } });
      const page2 = expectData<{ pageInfo: { hasNextPage: boolean }; edges: { node: { id: string } }[] }>(
        await editor.send(ARTICLES, { first: 2, after: page1.pageInfo.endCursor, categoryId: root.id }),
        'articles',
      );
      expect(page2.pageInfo.hasNextPage).toBe(false);
      expect([...page1.edges, ...page2.edges].map((e) => e.node.id).sort()).toEqual((await ids({ categoryId: root.id })).sort());
    });

    it('loads a page with the same number of SQL statements whatever its size (no N+1)', async () => {
      const category = await kb.category('Many');
      for (let i = 0; i < 12; i += 1) {
        const article = await kb.published(category.id, { tags: [`t${i}`] });
        await kb.save(article, 'de', { title: `Artikel ${i}`, bodyMarkdown: 'Text' });
      }
      const statements = async (first: number): Promise<number> =>
        (await t.countQueries(() => editor.send(ARTICLES, { first, categoryId: category.id }))).queries.length;
      const small = await statements(2);
      const large = await statements(12);
      expect(large).toBe(small);
    });
  });

  describe('bad input', () => {
    let category: { id: string };
    let article: AdminArticleResult;
    let other: AdminArticleResult;
    beforeAll(async () => {
      category = await kb.category('Bad input');
      article = await kb.draft(category.id, { title: 'Taken title' });
      other = await kb.draft(category.id);
    });

    const tables = ['articles', 'article_locales', 'article_revisions', 'article_slugs', 'categories', 'category_translations'];
    async function snapshot(): Promise<number[]> {
      return Promise.all(tables.map((table) => count(t, table)));
    }

    it.each([
      ['an unknown article', () => ({ q: SAVE_DRAFT, input: { articleId: '00000000-0000-4000-8000-000000000000', locale: 'en', baseRevisionNumber: 1, title: 'x', bodyMarkdown: 'x' } }), 'NOT_FOUND'],
      ['an invalid locale', () => ({ q: SAVE_DRAFT, input: { articleId: article.id, locale: 'xx-YY', baseRevisionNumber: 0, title: 'x', bodyMarkdown: 'x' } }), 'BAD_USER_INPUT'],
      ['a malformed locale', () => ({ q: SAVE_DRAFT, input: { articleId: article.id, locale: 'not a locale!', baseRevisionNumber: 0, title: 'x', bodyMarkdown: 'x' } }), 'BAD_USER_INPUT'],
      ['an empty title', () => ({ q: CREATE_ARTICLE, input: { categoryId: category.id, title: '   ', bodyMarkdown: 'x' } }), 'BAD_USER_INPUT'],
      ['a body over 1 MiB', () => ({ q: CREATE_ARTICLE, input: { categoryId: category.id, title: 'Big', bodyMarkdown: 'x'.repeat(1024 * 1024 + 1) } }), 'BAD_USER_INPUT'],
      ['an unknown category', () => ({ q: CREATE_ARTICLE, input: { categoryId: '00000000-0000-4000-8000-000000000000', title: 'x', bodyMarkdown: 'x' } }), 'BAD_USER_INPUT'],
      ['a slug collision', () => ({ q: CREATE_ARTICLE, input: { categoryId: category.id, title: 'x', bodyMarkdown: 'x', slug: 'taken-title' } }), 'CONFLICT'],
      ['an invalid slug', () => ({ q: CREATE_ARTICLE, input: { categoryId: category.id, title: 'x', bodyMarkdown: 'x', slug: 'Not A Slug' } }), 'BAD_USER_INPUT'],
      ['a category cycle', () => ({ q: MOVE_CATEGORY, input: { id: category.id, parentId: category.id } }), 'BAD_USER_INPUT'],
      ['publishing a revision of another article', () => ({ q: PUBLISH, input: { articleId: article.id, revisionId: localeOf(other).headRevision.id } }), 'BAD_USER_INPUT'],
      ['scheduling in the past', () => ({ q: PUBLISH, input: { articleId: article.id, revisionId: localeOf(article).headRevision.id, publishAt: '2020-01-01T00:00:00Z' } }), 'BAD_USER_INPUT'],
      ['a review with a stale base', () => ({ q: REQUEST_REVIEW, input: { articleId: article.id, locale: 'en', revisionNumber: 7 } }), 'CONFLICT'],
      ['a stale base revision', () => ({ q: SAVE_DRAFT, input: { articleId: article.id, locale: 'en', baseRevisionNumber: 5, title: 'x', bodyMarkdown: 'x' } }), 'CONFLICT'],
      ['an unknown product', () => ({ q: UPDATE_ARTICLE, input: { articleId: article.id, baseMetadataVersion: 1, productIds: ['00000000-0000-4000-8000-000000000000'] } }), 'BAD_USER_INPUT'],
      ['a bad feature key', () => ({ q: UPDATE_ARTICLE, input: { articleId: article.id, baseMetadataVersion: 1, featureKeys: ['Billing Invoices'] } }), 'BAD_USER_INPUT'],
      ['a category without names', () => ({ q: CREATE_CATEGORY, input: { translations: [] } }), 'BAD_USER_INPUT'],
    ])('refuses %s with a stable code and writes nothing', async (_, make, code) => {
      const before = await snapshot();
      const { q, input } = make();
      const res = await editor.send(q, { input });
      expect(res.errors?.[0].extensions.code).toBe(code);
      expect(res.data === null || Object.values(res.data).every((v) => v === null)).toBe(true);
      expect(await snapshot()).toEqual(before);
    });

    it('answers NOT_FOUND for an unknown article id', async () => {
      const res = await editor.send(ARTICLE, { id: '00000000-0000-4000-8000-000000000000' });
      expect(res.errors?.[0].extensions.code).toBe('NOT_FOUND');
    });

    it('lets moderators read but not write', async () => {
      const moderator = t.admin(await t.login(await t.createUser({ role: Role.Moderator })));
      expect((await moderator.send(ARTICLE, { id: article.id })).errors).toBeUndefined();
      const write = await moderator.send(SAVE_DRAFT, { input: { articleId: article.id, locale: 'en', baseRevisionNumber: 1, title: 'x', bodyMarkdown: 'x' } });
      expect(write.errors?.[0].extensions.code).toBe('FORBIDDEN');
    });
  });
});
