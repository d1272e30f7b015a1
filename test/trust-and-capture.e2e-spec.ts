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
      expect(entry.after).toMatchObject({ articleId, answerAuthorId: helper.user.id });
    });
  });
});
