import { TRUST_LEVEL_JOB, TrustLevelsService } from '../src/moderation/trust/trust-levels.service';
import { JobRunner } from '../src/jobs/job-runner';
import { Role } from '../src/users/role.enum';
import { CREATE_CATEGORY, PUBLISH } from './factories/knowledge-base';
import { ForumRows } from './factories/moderation-forum';
import { createTestApp, GraphqlResponse, TestApp } from './support/create-test-app';

const SET_TRUST = `mutation ($input: SetTrustLevelInput!) { setMemberTrustLevel(input: $input) { id trustLevel trustLevelLocked } }`;
const PROMOTE = `mutation ($input: PromoteThreadInput!) { promoteThreadToArticle(input: $input) { threadId articleId createdAt } }`;
const ARTICLE = `query ($id: ID!) { article(id: $id) { id locales { locale status headRevision { id title bodyMarkdown } } } }`;
const THREAD = `query ($slug: String!) { thread(slug: $slug) { id article { slug title url } } }`;
const NOTIFICATIONS = `{ notifications(first: 50) { edges { node { kind summary subjectKind subjectId actorName details { key value } } } } }`;
const UNPUBLISH_LOCALE = `mutation ($input: ArticleLocaleInput!) { unpublishArticle(input: $input) { id } }`;

function code(res: GraphqlResponse): string | undefined {
  return res.errors?.[0]?.extensions.code;
}

describe('trust levels and knowledge capture', () => {
  let t: TestApp;
  let forum: ForumRows;
  let moderatorToken: string;
  let editorToken: string;
  let boardId: string;

  beforeAll(async () => {
    t = await createTestApp({ SITE_BASE_URL: 'https://help.example.test' });
    forum = new ForumRows(t.dataSource);
    moderatorToken = await t.login(await t.createUser({ role: Role.Moderator }));
    editorToken = await t.login(await t.createUser({ role: Role.Editor }));
    boardId = await forum.board();
  });
  afterAll(() => t.close());

  describe('trust levels', () => {
    it('recomputes from participation, falls with upheld flags, audits under the rule, and leaves locked levels alone', async () => {
      const service = t.app.get(TrustLevelsService);
      const active = await t.createUser({ displayName: 'Active Member' });
      const locked = await t.createUser({ displayName: 'Locked Member' });
      const flagged = await t.createUser({ displayName: 'Flagged Member' });
      const other = await t.createUser();
      // 20 days old, 20 visible posts with 6 upvotes: level 2. The flagged twin has 2 upheld flags: level 1.
      for (const user of [active, locked, flagged]) {
        await t.dataSource.query(`UPDATE users SET created_at = now() - interval '20 days' WHERE id = $1`, [user.user.id]);
        const { threadId } = await forum.thread({ boardId, authorId: other.user.id });
        for (let i = 0; i < 20; i++) await forum.reply({ threadId, authorId: user.user.id });
        await t.dataSource.query(`UPDATE posts SET upvote_count = 1 WHERE id IN (SELECT id FROM posts WHERE author_id = $1 LIMIT 6)`, [user.user.id]);
      }
      const flaggedPosts: { id: string; thread_id: string }[] = await t.dataSource.query(`SELECT id, thread_id FROM posts WHERE author_id = $1 LIMIT 2`, [flagged.user.id]);
      for (const post of flaggedPosts) {
        await forum.flag({ threadId: post.thread_id, postId: post.id, flaggerId: other.user.id, status: 'upheld' });
      }
      await t.dataSource.query(`UPDATE flags SET resolved_at = now() WHERE flagger_id = $1`, [other.user.id]);
      const lockRes = await t.admin(moderatorToken).send(SET_TRUST, { input: { userId: locked.user.id, trustLevel: 4, locked: true, reason: 'long-time helper' } });
      expect(lockRes.data?.setMemberTrustLevel).toMatchObject({ trustLevel: 4, trustLevelLocked: true });

      expect(await service.recomputeAll()).toBeGreaterThanOrEqual(2);
      const levels = async (id: string) => (await t.dataSource.query(`SELECT trust_level FROM users WHERE id = $1`, [id]))[0].trust_level;
      expect(await levels(active.user.id)).toBe(2);
      expect(await levels(flagged.user.id)).toBe(1);
      expect(await levels(locked.user.id)).toBe(4);
      const entries = await t.dataSource.query(`SELECT actor_rule, before, after FROM audit_entries WHERE subject_id = $1 AND action = 'user.trust_level'`, [active.user.id]);
      expect(entries).toEqual([{ actor_rule: 'auto:trust-levels', before: { trustLevel: 0 }, after: { trustLevel: 2 } }]);
      // Idempotent: a second run changes nothing.
      expect(await service.recomputeAll()).toBe(0);
    });

    it('is a queued job, and staff cannot set a staff member level', async () => {
      expect((await t.app.get(JobRunner).report()).jobs.map((job) => job.name)).toContain(TRUST_LEVEL_JOB);
      const editor = await t.createUser({ role: Role.Editor });
      expect(code(await t.admin(moderatorToken).send(SET_TRUST, { input: { userId: editor.user.id, trustLevel: 2, locked: false } }))).toBe('FORBIDDEN');
      expect(code(await t.admin(moderatorToken).send(SET_TRUST, { input: { userId: editor.user.id, trustLevel: 5, locked: false } }))).toBe('BAD_USER_INPUT');
    });
  });

  describe('knowledge capture', () => {
    it('promotes a solved thread into a draft article, linked both ways once published', async () => {
      const category = await t.admin(editorToken).send(CREATE_CATEGORY, { input: { translations: [{ locale: 'en', name: 'Billing', slug: 'billing' }] } });
      expect(category.errors).toBeUndefined();
      const asker = await t.createUser();
      const helper = await t.createUser({ displayName: 'Helpful Hana' });
      const { threadId, slug } = await forum.thread({ boardId, authorId: asker.user.id, title: 'How do I export invoices?', body: 'I need my invoices as CSV.' });
      const answer = await forum.reply({ threadId, authorId: helper.user.id, body: 'Open **Reports**, then *Export*.' });

      // Not solved yet.
      expect(code(await t.admin(editorToken).send(PROMOTE, { input: { threadId } }))).toBe('CONFLICT');
      await t.dataSource.query(`UPDATE threads SET accepted_post_id = $2, is_solved = true, solved_at = now() WHERE id = $1`, [threadId, answer]);
      // Moderators moderate; editors write articles.
      expect(code(await t.admin(moderatorToken).send(PROMOTE, { input: { threadId } }))).toBe('FORBIDDEN');

      const res = await t.admin(editorToken).send(PROMOTE, { input: { threadId } });
      expect(res.errors).toBeUndefined();
      const { articleId } = res.data!.promoteThreadToArticle;
      const article = (await t.admin(editorToken).send(ARTICLE, { id: articleId })).data!.article;
      expect(article.locales[0]).toMatchObject({ locale: 'en', status: 'Draft', headRevision: { title: 'How do I export invoices?' } });
      const body: string = article.locales[0].headRevision.bodyMarkdown;
      expect(body).toContain('I need my invoices as CSV.');
      expect(body).toContain('## Answer\n\nOpen **Reports**, then *Export*.');
      expect(body).toContain('answered by Helpful Hana');
      expect(body).toContain(`](https://help.example.test/`);
      expect(body).toContain(slug);
      expect(code(await t.admin(editorToken).send(PROMOTE, { input: { threadId } }))).toBe('CONFLICT');

      // The thread shows the article only once it is published.
      expect((await t.delivery().send(THREAD, { slug })).data?.thread.article).toBeNull();
      const published = await t.admin(editorToken).send(PUBLISH, { input: { articleId, revisionId: article.locales[0].headRevision.id } });
      expect(published.errors).toBeUndefined();
      const shown = (await t.delivery().send(THREAD, { slug })).data?.thread.article;
      expect(shown).toMatchObject({ title: 'How do I export invoices?' });
      expect(shown.url).toMatch(/^https:\/\/help\.example\.test\//);
      const [entry] = await t.dataSource.query(`SELECT action, after FROM audit_entries WHERE subject_id = $1 AND action = 'thread.promote'`, [threadId]);
      expect(entry.after).toMatchObject({ articleId, answerPostId: answer, answerAuthorId: helper.user.id });
    });

    /** A solved thread whose accepted answer is by `helper`. */
    async function solvedThread(title: string): Promise<{ threadId: string; slug: string; answerId: string; helper: Awaited<ReturnType<TestApp['createUser']>> }> {
      const asker = await t.createUser();
      const helper = await t.createUser({ displayName: `Helper ${Math.random().toString(36).slice(2, 8)}` });
      const { threadId, slug } = await forum.thread({ boardId, authorId: asker.user.id, title, body: 'Question body.' });
      const answerId = await forum.reply({ threadId, authorId: helper.user.id, body: 'The answer.' });
      await t.dataSource.query(`UPDATE threads SET accepted_post_id = $2, is_solved = true, solved_at = now() WHERE id = $1`, [threadId, answerId]);
      return { threadId, slug, answerId, helper };
    }

    async function ensureCategory(): Promise<void> {
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM categories`);
      if (n === 0) expect((await t.admin(editorToken).send(CREATE_CATEGORY, { input: { translations: [{ locale: 'en', name: 'Capture', slug: 'capture' }] } })).errors).toBeUndefined();
    }

    it('10 parallel promotions of one thread make exactly one draft; the rest get CONFLICT and leave no stray article', async () => {
      await ensureCategory();
      const { threadId } = await solvedThread('Parallel promotion question');
      const articlesBefore = (await t.dataSource.query(`SELECT count(*)::int AS n FROM articles`))[0].n;
      const results = await Promise.all(Array.from({ length: 10 }, () => t.admin(editorToken).send(PROMOTE, { input: { threadId } })));
      const succeeded = results.filter((res) => !res.errors);
      expect(succeeded).toHaveLength(1);
      expect(results.filter((res) => res.errors).map((res) => [res.errors?.[0]?.extensions.code, res.errors?.[0]?.extensions.reason])).toEqual(Array(9).fill(['CONFLICT', 'ALREADY_PROMOTED']));
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM articles`))[0].n).toBe(articlesBefore + 1);
      const promotions = await t.dataSource.query(`SELECT article_id FROM thread_promotions WHERE thread_id = $1`, [threadId]);
      expect(promotions).toEqual([{ article_id: succeeded[0].data!.promoteThreadToArticle.articleId }]);
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_entries WHERE subject_id = $1 AND action = 'thread.promote'`, [threadId]))[0].n).toBe(1);
    });

    it('writes nothing when the promotion fails half-way (unknown category: BAD_USER_INPUT, no article, no link, no notification)', async () => {
      await ensureCategory();
      const { threadId, helper } = await solvedThread('Failed promotion question');
      const articlesBefore = (await t.dataSource.query(`SELECT count(*)::int AS n FROM articles`))[0].n;
      const res = await t.admin(editorToken).send(PROMOTE, { input: { threadId, categoryId: '00000000-0000-4000-8000-000000000000' } });
      expect(code(res)).toBe('BAD_USER_INPUT');
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM articles`))[0].n).toBe(articlesBefore);
      expect(await t.dataSource.query(`SELECT 1 FROM thread_promotions WHERE thread_id = $1`, [threadId])).toEqual([]);
      expect(await t.dataSource.query(`SELECT 1 FROM member_notifications WHERE recipient_id = $1`, [helper.user.id])).toEqual([]);
    });

    it('credits the accepted answer’s author: told when the draft is made, and once when the article is first published', async () => {
      await ensureCategory();
      const { threadId, slug, answerId, helper } = await solvedThread('Credit the answer question');
      const helperClient = t.delivery(await t.login(helper));
      const res = await t.admin(editorToken).send(PROMOTE, { input: { threadId } });
      expect(res.errors).toBeUndefined();
      const { articleId } = res.data!.promoteThreadToArticle;
      const details = (node: { details: { key: string; value: string }[] }) => Object.fromEntries(node.details.map((d) => [d.key, d.value]));
      const drafted = (await helperClient.send(NOTIFICATIONS)).data!.notifications.edges.map((e: { node: unknown }) => e.node);
      expect(drafted).toHaveLength(1);
      expect(drafted[0]).toMatchObject({ kind: 'AnswerPromoted', summary: 'Credit the answer question', subjectKind: 'post', subjectId: answerId });
      expect(details(drafted[0])).toMatchObject({ threadId, threadSlug: slug, postId: answerId, articleId });

      const revisionId = (await t.admin(editorToken).send(ARTICLE, { id: articleId })).data!.article.locales[0].headRevision.id;
      expect((await t.admin(editorToken).send(PUBLISH, { input: { articleId, revisionId } })).errors).toBeUndefined();
      const afterPublish = (await helperClient.send(NOTIFICATIONS)).data!.notifications.edges.map((e: { node: { kind: string } }) => e.node);
      const published = afterPublish.filter((node: { kind: string }) => node.kind === 'PromotedArticlePublished');
      expect(published).toHaveLength(1);
      expect(published[0]).toMatchObject({ summary: 'Credit the answer question', subjectKind: 'article', subjectId: articleId });
      expect(details(published[0]).articleUrl).toMatch(/^https:\/\/help\.example\.test\/en\/articles\//);

      // Unpublishing and publishing again is not news.
      expect((await t.admin(editorToken).send(UNPUBLISH_LOCALE, { input: { articleId, locale: 'en' } })).errors).toBeUndefined();
      expect((await t.admin(editorToken).send(PUBLISH, { input: { articleId, revisionId } })).errors).toBeUndefined();
      const again = (await helperClient.send(NOTIFICATIONS)).data!.notifications.edges.map((e: { node: { kind: string } }) => e.node.kind);
      expect(again.sort()).toEqual(['AnswerPromoted', 'PromotedArticlePublished']);
    });

    it('publishing an article that was not drafted from a thread tells nobody', async () => {
      await ensureCategory();
      const before = (await t.dataSource.query(`SELECT count(*)::int AS n FROM member_notifications`))[0].n;
      const [{ id: categoryId }] = await t.dataSource.query(`SELECT id FROM categories LIMIT 1`);
      const created = await t.admin(editorToken).send(`mutation ($input: CreateArticleInput!) { createArticle(input: $input) { id locales { headRevision { id } } } }`, {
        input: { categoryId, locale: 'en', title: 'Plain article', bodyMarkdown: 'Body.' },
      });
      expect(created.errors).toBeUndefined();
      const { id: articleId, locales } = created.data!.createArticle;
      expect((await t.admin(editorToken).send(PUBLISH, { input: { articleId, revisionId: locales[0].headRevision.id } })).errors).toBeUndefined();
      expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM member_notifications`))[0].n).toBe(before);
    });
  });
});
