import { IndexingWorker } from '../src/search/indexing-worker';
import { Role } from '../src/users/role.enum';
import {
  AdminArticleResult,
  APPROVE,
  ARTICLE,
  CHANGE_SLUG,
  DELETE_ARTICLE,
  expectData,
  KnowledgeBaseFactory,
  localeOf,
  PUBLISH,
  PURGE,
  REQUEST_CHANGES,
  REQUEST_REVIEW,
  RESTORE_DELETED,
  RESTORE_REVISION,
  ROLLBACK,
  SAVE_DRAFT,
  UPDATE_ARTICLE,
} from './factories/knowledge-base';
import { eventually } from './support/eventually';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const PUBLIC_ARTICLE = `query ($slug: String, $id: ID, $locale: String) { article(slug: $slug, id: $id, locale: $locale) { id title } }`;
const PUBLIC_ARTICLES = `query ($categoryId: ID) { articles(categoryId: $categoryId, first: 50) { edges { node { id } } } }`;
const SEARCH = `query ($input: SearchInput!) { search(input: $input) { total hits { id title } } }`;
const ADMIN_SEARCH = `query ($input: AdminSearchInput!) { adminSearch(input: $input) { total hits { hit { id title } } } }`;
const ADMIN_ARTICLES = `query ($deleted: Boolean, $categoryId: ID) { articles(first: 50, deleted: $deleted, categoryId: $categoryId) { totalCount edges { node { id deletedAt } } } }`;
const DUE = `query ($dueBefore: DateTime) { articlesDueForReview(dueBefore: $dueBefore, first: 100) { edges { node { article { id } } } } }`;
const OUTDATED = `query { outdatedTranslations(first: 100) { edges { node { locale article { id } } } } }`;

async function rows<T>(t: TestApp, sql: string, params: unknown[] = []): Promise<T[]> {
  return t.dataSource.query(sql, params);
}

describe('knowledge base: restore as draft, separation of duties, delete, metadata conflicts', () => {
  let t: TestApp;
  let admin: GraphqlClient;
  let editor: GraphqlClient;
  let secondEditor: GraphqlClient;
  let adminId: string;
  let editorId: string;
  let kb: KnowledgeBaseFactory;
  let worker: IndexingWorker;

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
    worker = t.app.get(IndexingWorker);
    const adminUser = await t.createUser({ role: Role.Admin });
    adminId = adminUser.user.id;
    admin = t.admin(await t.login(adminUser));
    const editorUser = await t.createUser({ role: Role.Editor });
    editorId = editorUser.user.id;
    editor = t.admin(await t.login(editorUser));
    secondEditor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
    kb = new KnowledgeBaseFactory(editor);
  });
  afterAll(() => t.close());

  describe('restoring an earlier revision', () => {
    it('makes it a draft head by default: nothing public changes', async () => {
      let article = await kb.published((await kb.category()).id, { title: 'Version one', bodyMarkdown: 'one' });
      article = await kb.publish(await kb.save(article, 'en', { title: 'Version two', bodyMarkdown: 'two' }));
      const publicBefore = await t.delivery().send(PUBLIC_ARTICLE, { id: article.id });
      expect(publicBefore.data?.article.title).toBe('Version two');

      article = expectData(
        await editor.send(RESTORE_REVISION, { input: { articleId: article.id, locale: 'en', revisionNumber: 1, baseRevisionNumber: 2 } }),
        'restoreArticleRevision',
      );
      expect(localeOf(article)).toMatchObject({
        status: 'Published',
        headRevisionNumber: 3,
        headRevision: { title: 'Version one', restoredFromNumber: 1 },
        publishedRevision: { number: 2, title: 'Version two' },
      });
      expect((await t.delivery().send(PUBLIC_ARTICLE, { id: article.id })).data?.article.title).toBe('Version two');

      const stale = await editor.send(RESTORE_REVISION, { input: { articleId: article.id, locale: 'en', revisionNumber: 1, baseRevisionNumber: 2 } });
      expect(stale.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_BASE_REVISION', headRevisionNumber: 3 });
    });

    it('publishes at once with publish: true (and the deprecated rollbackArticle does the same)', async () => {
      let article = await kb.published((await kb.category()).id, { title: 'First words' });
      article = await kb.publish(await kb.save(article, 'en', { title: 'Second words', bodyMarkdown: 'x' }));
      article = expectData(
        await editor.send(RESTORE_REVISION, { input: { articleId: article.id, locale: 'en', revisionNumber: 1, baseRevisionNumber: 2, publish: true } }),
        'restoreArticleRevision',
      );
      expect(localeOf(article)).toMatchObject({ headRevisionNumber: 3, publishedRevision: { number: 3, title: 'First words' } });
      article = expectData(await editor.send(ROLLBACK, { input: { articleId: article.id, locale: 'en', revisionNumber: 2, baseRevisionNumber: 3 } }), 'rollbackArticle');
      expect(localeOf(article)).toMatchObject({ headRevisionNumber: 4, publishedRevision: { number: 4, title: 'Second words' } });
    });

    it('voids the review of the earlier head, comment included (one place appends a head revision)', async () => {
      let article = await kb.draft((await kb.category()).id, { title: 'Reviewed' });
      article = await kb.save(article, 'en', { title: 'Reviewed again', bodyMarkdown: 'two' });
      const ref = { articleId: article.id, locale: 'en' };
      expectData(await editor.send(REQUEST_REVIEW, { input: { ...ref, revisionNumber: 2 } }), 'requestArticleReview');
      article = expectData(await secondEditor.send(REQUEST_CHANGES, { input: { ...ref, revisionNumber: 2, comment: 'Too long' } }), 'requestArticleChanges');
      expect(localeOf(article)).toMatchObject({ reviewState: 'ChangesRequested', reviewComment: 'Too long' });

      for (const publish of [false, true]) {
        const base = localeOf(article).headRevisionNumber;
        expectData(await editor.send(REQUEST_REVIEW, { input: { ...ref, revisionNumber: base } }), 'requestArticleReview');
        expectData(await secondEditor.send(REQUEST_CHANGES, { input: { ...ref, revisionNumber: base, comment: `Comment on ${base}` } }), 'requestArticleChanges');
        article = expectData(
          await editor.send(RESTORE_REVISION, { input: { ...ref, revisionNumber: 1, baseRevisionNumber: base, publish } }),
          'restoreArticleRevision',
        );
        expect(localeOf(article)).toMatchObject({ reviewState: 'None', reviewComment: null, headRevisionNumber: base + 1 });
      }
    });
  });

  describe('separation of duties (REQUIRE_SEPARATE_APPROVER=true)', () => {
    let strict: TestApp;
    let author: GraphqlClient;
    let reviewer: GraphqlClient;
    let strictAdmin: GraphqlClient;
    let strictKb: KnowledgeBaseFactory;

    beforeAll(async () => {
      strict = await createTestApp({ REQUIRE_SEPARATE_APPROVER: 'true' });
      author = strict.admin(await strict.login(await strict.createUser({ role: Role.Editor })));
      reviewer = strict.admin(await strict.login(await strict.createUser({ role: Role.Editor })));
      strictAdmin = strict.admin(await strict.login(await strict.createUser({ role: Role.Admin })));
      strictKb = new KnowledgeBaseFactory(author);
    });
    afterAll(() => strict.close());

    it('refuses the author approving or publishing their own revision with FORBIDDEN, and lets another editor', async () => {
      const article = await strictKb.draft((await strictKb.category()).id, { title: 'Four eyes' });
      const ref = { articleId: article.id, locale: 'en', revisionNumber: 1 };
      expectData(await author.send(REQUEST_REVIEW, { input: ref }), 'requestArticleReview');

      const selfApproval = await author.send(APPROVE, { input: ref });
      expect(selfApproval.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SEPARATE_APPROVER_REQUIRED' });
      const head = localeOf(article).headRevision.id;
      for (const publishAt of [null, new Date(Date.now() + 86_400_000).toISOString()]) {
        const selfPublish = await author.send(PUBLISH, { input: { articleId: article.id, revisionId: head, publishAt } });
        expect(selfPublish.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SEPARATE_APPROVER_REQUIRED' });
      }
      expect(await rows(strict, `SELECT 1 FROM article_locales WHERE article_id = $1 AND (review_state = 'approved' OR published_revision_id IS NOT NULL OR scheduled_revision_id IS NOT NULL)`, [article.id])).toEqual([]);

      expect(localeOf(expectData(await reviewer.send(APPROVE, { input: ref }), 'approveArticleRevision')).reviewState).toBe('Approved');
      const published = expectData<AdminArticleResult>(await reviewer.send(PUBLISH, { input: { articleId: article.id, revisionId: head } }), 'publishArticle');
      expect(localeOf(published).status).toBe('Published');
    });

    it('refuses publishing a restore one made oneself, and exempts admins', async () => {
      let article = await strictKb.draft((await strictKb.category()).id, { title: 'Restore me' });
      article = await strictKb.save(article, 'en', { title: 'Restore me later', bodyMarkdown: 'x' });
      const restoreAndPublish = await author.send(RESTORE_REVISION, { input: { articleId: article.id, locale: 'en', revisionNumber: 1, baseRevisionNumber: 2, publish: true } });
      expect(restoreAndPublish.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SEPARATE_APPROVER_REQUIRED' });
      expect(await rows(strict, 'SELECT 1 FROM article_revisions WHERE article_id = $1', [article.id])).toHaveLength(2);

      const adminKb = new KnowledgeBaseFactory(strictAdmin);
      const own = await adminKb.draft(article.categoryId, { title: 'Admin wrote it' });
      expect(localeOf(await adminKb.publish(own)).status).toBe('Published');
    });
  });

  describe('soft delete, restore and purge', () => {
    it('takes the article out of delivery (cached or not), lists and search, and restores it unpublished', async () => {
      const category = await kb.category('Deletable');
      let article = await kb.published(category.id, { title: 'Quarterly reports explained', bodyMarkdown: 'Quarterly reports' });
      article = await kb.save(article, 'de', { title: 'Quartalsberichte', bodyMarkdown: 'Quartal' });
      article = await kb.publish(article, 'de');
      await worker.drain();
      const slug = localeOf(article).slug;
      // Warm the delivery caches.
      expect((await t.delivery().send(PUBLIC_ARTICLE, { slug, locale: 'en' })).data?.article.id).toBe(article.id);
      expect((await t.delivery().send(SEARCH, { input: { locale: 'en', text: 'quarterly' } })).data?.search.total).toBe(1);

      article = await kb.deleted(article);
      expect(article.deletedAt).not.toBeNull();
      expect(article.deletedBy).toBe(editorId);
      expect(article.locales.map((l) => [l.locale, l.status, l.publishedRevision])).toEqual([
        ['de', 'Unpublished', null],
        ['en', 'Unpublished', null],
      ]);
      await eventually(async () => {
        expect(await t.delivery().send(PUBLIC_ARTICLE, { slug, locale: 'en' })).toMatchObject({ status: 200, data: { article: null }, errors: undefined });
      });
      expect((await t.delivery().send(PUBLIC_ARTICLES, { categoryId: category.id })).data?.articles.edges).toEqual([]);
      expect((await t.http().get('/sitemap.xml')).text).not.toContain(slug);

      const live = expectData<{ edges: { node: { id: string } }[] }>(await editor.send(ADMIN_ARTICLES, { categoryId: category.id }), 'articles');
      expect(live.edges).toEqual([]);
      const deleted = expectData<{ edges: { node: { id: string; deletedAt: string } }[] }>(await editor.send(ADMIN_ARTICLES, { deleted: true, categoryId: category.id }), 'articles');
      expect(deleted.edges.map((e) => e.node.id)).toEqual([article.id]);

      await worker.drain();
      expect((await t.delivery().send(SEARCH, { input: { locale: 'en', text: 'quarterly' } })).data?.search.total).toBe(0);
      expect((await editor.send(ADMIN_SEARCH, { input: { text: 'quarterly' } })).data?.adminSearch.total).toBe(0);

      const edit = await editor.send(SAVE_DRAFT, { input: { articleId: article.id, locale: 'en', baseRevisionNumber: 1, title: 'x', bodyMarkdown: 'x' } });
      expect(edit.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ARTICLE_DELETED' });
      const publish = await editor.send(PUBLISH, { input: { articleId: article.id, revisionId: localeOf(article).headRevision.id } });
      expect(publish.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ARTICLE_DELETED' });
      const again = await editor.send(DELETE_ARTICLE, { input: { articleId: article.id } });
      expect(again.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ARTICLE_DELETED' });

      article = expectData(await editor.send(RESTORE_DELETED, { input: { articleId: article.id } }), 'restoreDeletedArticle');
      expect(article.deletedAt).toBeNull();
      expect(localeOf(article)).toMatchObject({ status: 'Unpublished', publishedRevision: null });
      await worker.drain();
      expect((await editor.send(ADMIN_SEARCH, { input: { text: 'quarterly' } })).data?.adminSearch.total).toBe(1);
      article = await kb.publish(article);
      expect((await t.delivery().send(PUBLIC_ARTICLE, { slug, locale: 'en' })).data?.article.id).toBe(article.id);

      const audit = await rows<{ action: string; actor_id: string }>(
        t,
        `SELECT action, actor_id FROM audit_entries WHERE subject_kind = 'article' AND subject_id = $1 ORDER BY occurred_at`,
        [article.id],
      );
      expect(audit).toEqual([
        { action: 'article.delete', actor_id: editorId },
        { action: 'article.restore', actor_id: editorId },
      ]);
    });

    it('drops deleted articles from the review-due and outdated-translation lists', async () => {
      const category = await kb.category('Due soon', { reviewIntervalDays: 1 });
      let article = await kb.published(category.id, { title: 'Due and outdated' });
      article = await kb.publish(await kb.save(article, 'de', { title: 'Fällig', bodyMarkdown: 'x' }), 'de');
      article = await kb.publish(await kb.save(article, 'en', { title: 'Due and outdated', bodyMarkdown: 'newer' }));
      const inTwoDays = new Date(Date.now() + 2 * 86_400_000).toISOString();
      const dueIds = async (): Promise<string[]> =>
        expectData<{ edges: { node: { article: { id: string } } }[] }>(await editor.send(DUE, { dueBefore: inTwoDays }), 'articlesDueForReview').edges.map((e) => e.node.article.id);
      const outdatedIds = async (): Promise<string[]> =>
        expectData<{ edges: { node: { article: { id: string } } }[] }>(await editor.send(OUTDATED), 'outdatedTranslations').edges.map((e) => e.node.article.id);
      expect(await dueIds()).toContain(article.id);
      expect(await outdatedIds()).toContain(article.id);
      expect(localeOf(article, 'de').isOutdated).toBe(true);

      await kb.deleted(article);
      expect(await dueIds()).not.toContain(article.id);
      expect(await outdatedIds()).not.toContain(article.id);
    });

    it('purges only a deleted article, only as an admin, and audits who, when and what', async () => {
      const article = await kb.published((await kb.category()).id, { title: 'Gone for good' });
      const notDeleted = await admin.send(PURGE, { input: { articleId: article.id } });
      expect(notDeleted.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ARTICLE_NOT_DELETED' });
      await kb.deleted(article);
      const byEditor = await editor.send(PURGE, { input: { articleId: article.id } });
      expect(byEditor.errors?.[0].extensions.code).toBe('FORBIDDEN');
      expect(await rows(t, 'SELECT 1 FROM articles WHERE id = $1', [article.id])).toHaveLength(1);

      expect(expectData(await admin.send(PURGE, { input: { articleId: article.id } }), 'purgeArticle')).toEqual({ articleId: article.id });
      for (const table of ['articles', 'article_locales', 'article_revisions', 'article_slugs']) {
        const column = table === 'articles' ? 'id' : 'article_id';
        expect(await rows(t, `SELECT 1 FROM ${table} WHERE ${column} = $1`, [article.id])).toEqual([]);
      }
      expect((await admin.send(ARTICLE, { id: article.id })).errors?.[0].extensions.code).toBe('NOT_FOUND');
      const [entry] = await rows<{ actor_id: string; occurred_at: Date; before: { locales: { slug: string; title: string }[] }; after: null }>(
        t,
        `SELECT actor_id, occurred_at, before, after FROM audit_entries WHERE action = 'article.purge' AND subject_id = $1`,
        [article.id],
      );
      expect(entry).toMatchObject({ actor_id: adminId, after: null, before: { locales: [{ slug: 'gone-for-good', title: 'Gone for good' }] } });
      // The slug is free again.
      expect(localeOf(await kb.draft(article.categoryId, { title: 'Gone for good' })).slug).toBe('gone-for-good');
      // The audit log is append-only.
      await expect(t.dataSource.query(`DELETE FROM audit_entries WHERE subject_id = $1`, [article.id])).rejects.toThrow(/append-only/);
      await worker.drain();
    });
  });

  describe('metadata conflicts', () => {
    it('lets exactly one of several parallel metadata edits from the same base win, and refuses the rest with CONFLICT', async () => {
      const article = await kb.draft((await kb.category()).id, { title: 'Tag me' });
      const base = article.metadataVersion;
      const results = await Promise.all(
        [editor, secondEditor, editor, secondEditor, admin].map((client, i) =>
          client.send(UPDATE_ARTICLE, { input: { articleId: article.id, baseMetadataVersion: base, tags: [`tag-${i}`] } }),
        ),
      );
      const winners = results.filter((r) => !r.errors);
      expect(winners).toHaveLength(1);
      for (const loser of results.filter((r) => r.errors)) {
        expect(loser.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_METADATA_VERSION', metadataVersion: base + 1 });
      }
      const current = expectData<AdminArticleResult & { tags: string[] }>(await editor.send(ARTICLE, { id: article.id }), 'article');
      expect(current.metadataVersion).toBe(base + 1);
      expect(current.tags).toEqual((winners[0].data?.updateArticle as { tags: string[] }).tags);
    });

    it('lets exactly one of parallel slug changes from the same base win; a slug change also moves the metadata version', async () => {
      const article = await kb.draft((await kb.category()).id, { title: 'Slug race' });
      const base = article.metadataVersion;
      const results = await Promise.all(
        ['slug-race-a', 'slug-race-b', 'slug-race-c'].map((slug) =>
          editor.send(CHANGE_SLUG, { input: { articleId: article.id, locale: 'en', slug, baseMetadataVersion: base } }),
        ),
      );
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      expect(results.filter((r) => r.errors).map((r) => r.errors?.[0].extensions.reason)).toEqual(['STALE_METADATA_VERSION', 'STALE_METADATA_VERSION']);
      expect(await rows(t, 'SELECT slug FROM article_slugs WHERE article_id = $1', [article.id])).toHaveLength(2);

      const staleUpdate = await editor.send(UPDATE_ARTICLE, { input: { articleId: article.id, baseMetadataVersion: base, isInternal: true } });
      expect(staleUpdate.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'STALE_METADATA_VERSION' });
      expect(await rows(t, 'SELECT 1 FROM articles WHERE id = $1 AND is_internal', [article.id])).toEqual([]);
    });
  });
});
