/**
 * A content gap turned into a draft article in one mutation (issue 13): the draft's title and body come
 * from the gap, the gap is marked drafted with the article id and audited, a second call is CONFLICT
 * (GAP_CLOSED) writing nothing, and two parallel calls make exactly one article.
 */
import { Role } from '../src/users/role.enum';
import { KnowledgeBaseFactory } from './factories/knowledge-base';
import { createTestApp, TestApp } from './support/create-test-app';

const RUN_SCAN = `mutation { runStalenessScan { contentGapsCreated } }`;
const GAPS = `query ($source: ContentGapSource) { contentGaps(source: $source) { id status title articleId } }`;
const FROM_GAP = `mutation ($input: CreateArticleFromContentGapInput!) { createArticleFromContentGap(input: $input) { id status articleId title } }`;
const DISMISS = `mutation ($input: DismissContentGapInput!) { dismissContentGap(input: $input) { id status closedAt closeReason articleId } }`;

describe('createArticleFromContentGap (admin API)', () => {
  let t: TestApp;
  let editorToken: string;
  let categoryId: string;
  const admin = () => t.admin(editorToken);

  const articleCount = async (): Promise<number> => (await t.dataSource.query(`SELECT count(*)::int AS n FROM articles`))[0].n;
  const insertRecurringGap = async (title: string): Promise<string> => {
    const evidence = {
      source: 'recurring_questions',
      clusterId: `cluster-${title}`,
      askers: 4,
      threads: [{ threadId: '00000000-0000-0000-0000-000000000001', title: 'How do I reset 2FA?', createdAt: new Date().toISOString() }],
      commonTerms: ['2fa', 'reset'],
      outline: '## Steps\n\n1. Open **Security** settings',
    };
    const [row] = await t.dataSource.query(
      `INSERT INTO content_gaps (source, locale, title, fingerprint, evidence, weight) VALUES ('recurring_questions', 'en', $1, $2, $3, 4) RETURNING id`,
      [title, `fp-${title}`, JSON.stringify(evidence)],
    );
    return row.id;
  };

  beforeAll(async () => {
    t = await createTestApp();
    editorToken = await t.login(await t.createUser({ role: Role.Editor }));
    categoryId = (await new KnowledgeBaseFactory(admin()).category('Security')).id;
  });
  afterAll(() => t.close());

  it('turns a search gap into a draft, marks the gap drafted and audits it; a second call is CONFLICT and writes nothing', async () => {
    await t.dataSource.query(
      `INSERT INTO search_query_log (query, normalized_query, locale, result_count) SELECT 'SSO with Okta', 'sso okta', 'en', 0 FROM generate_series(1, 8)`,
    );
    expect((await admin().send(RUN_SCAN)).data!.runStalenessScan.contentGapsCreated).toBe(1);
    const [gap] = (await admin().send(GAPS, { source: 'SearchGap' })).data!.contentGaps;

    const res = await admin().send(FROM_GAP, { input: { gapId: gap.id, categoryId } });
    expect(res.errors).toBeUndefined();
    const made = res.data!.createArticleFromContentGap;
    expect(made).toMatchObject({ id: gap.id, status: 'Drafted', title: 'SSO with Okta' });
    const [revision] = await t.dataSource.query(`SELECT title, body_markdown FROM article_revisions WHERE article_id = $1`, [made.articleId]);
    expect(revision.title).toBe('SSO with Okta');
    expect(revision.body_markdown).toContain('"SSO with Okta" 8 times');
    const [article] = await t.dataSource.query(`SELECT category_id FROM articles WHERE id = $1`, [made.articleId]);
    expect(article.category_id).toBe(categoryId);
    const audit = await t.dataSource.query(`SELECT action, after FROM audit_entries WHERE subject_kind = 'content_gap' AND subject_id = $1 AND action = 'content-gap.drafted'`, [gap.id]);
    expect(audit).toEqual([{ action: 'content-gap.drafted', after: { status: 'drafted', articleId: made.articleId } }]);

    const before = await articleCount();
    const again = await admin().send(FROM_GAP, { input: { gapId: gap.id } });
    expect(again.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'GAP_CLOSED' });
    expect(await articleCount()).toBe(before);
    expect(await t.dataSource.query(`SELECT 1 FROM audit_entries WHERE subject_kind = 'content_gap' AND subject_id = $1 AND action = 'content-gap.drafted'`, [gap.id])).toHaveLength(1);
  });

  it('a recurring-questions gap: the body has its outline and questions; without categoryId the first top-level category', async () => {
    const gapId = await insertRecurringGap('Resetting two-factor authentication');
    const res = await admin().send(FROM_GAP, { input: { gapId } });
    expect(res.errors).toBeUndefined();
    const { articleId } = res.data!.createArticleFromContentGap;
    const [revision] = await t.dataSource.query(`SELECT body_markdown FROM article_revisions WHERE article_id = $1`, [articleId]);
    expect(revision.body_markdown).toContain('1. Open **Security** settings');
    expect(revision.body_markdown).toContain('How do I reset 2FA?');
    expect((await t.dataSource.query(`SELECT category_id FROM articles WHERE id = $1`, [articleId]))[0].category_id).toBe(categoryId);
  });

  it('two parallel calls make exactly one article', async () => {
    const gapId = await insertRecurringGap('Parallel gap');
    const before = await articleCount();
    const results = await Promise.all([admin().send(FROM_GAP, { input: { gapId } }), admin().send(FROM_GAP, { input: { gapId } })]);
    const ok = results.filter((r) => !r.errors);
    const failed = results.filter((r) => r.errors);
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0].errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'GAP_CLOSED' });
    expect(await articleCount()).toBe(before + 1);
  });

  it('unknown id → NOT_FOUND, non-UUID → BAD_USER_INPUT, unknown category → BAD_USER_INPUT (the gap stays open)', async () => {
    const unknown = await admin().send(FROM_GAP, { input: { gapId: '00000000-0000-4000-8000-000000000000' } });
    expect(unknown.errors![0].extensions!.code).toBe('NOT_FOUND');
    const bad = await admin().send(FROM_GAP, { input: { gapId: 'not-a-uuid' } });
    expect(bad.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    const gapId = await insertRecurringGap('Bad category gap');
    const noCategory = await admin().send(FROM_GAP, { input: { gapId, categoryId: '00000000-0000-4000-8000-000000000000' } });
    expect(noCategory.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect((await t.dataSource.query(`SELECT status, article_id FROM content_gaps WHERE id = $1`, [gapId]))[0]).toEqual({ status: 'open', article_id: null });
  });

  it('members and moderators may not', async () => {
    const moderator = await t.login(await t.createUser({ role: Role.Moderator }));
    const gapId = await insertRecurringGap('Forbidden gap');
    const res = await t.admin(moderator).send(FROM_GAP, { input: { gapId } });
    expect(res.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  describe('dismissContentGap', () => {
    it('closes an open gap with the reason, audited; the same search does not raise it again', async () => {
      await t.dataSource.query(
        `INSERT INTO search_query_log (query, normalized_query, locale, result_count) SELECT 'asdfgh', 'asdfgh', 'en', 0 FROM generate_series(1, 8)`,
      );
      await admin().send(RUN_SCAN);
      const gap = (await admin().send(GAPS, { source: 'SearchGap' })).data!.contentGaps.find((g: { title: string }) => g.title === 'asdfgh');
      expect(gap.status).toBe('Open');

      const res = await admin().send(DISMISS, { input: { gapId: gap.id, reason: '  Keyboard mashing, not a topic  ' } });
      expect(res.errors).toBeUndefined();
      expect(res.data!.dismissContentGap).toMatchObject({ id: gap.id, status: 'Dismissed', closeReason: 'Keyboard mashing, not a topic', articleId: null });
      expect(res.data!.dismissContentGap.closedAt).toEqual(expect.any(String));
      const audit = await t.dataSource.query(`SELECT action, reason, after FROM audit_entries WHERE subject_kind = 'content_gap' AND subject_id = $1 AND action = 'content-gap.dismissed'`, [gap.id]);
      expect(audit).toEqual([{ action: 'content-gap.dismissed', reason: 'Keyboard mashing, not a topic', after: { status: 'dismissed' } }]);

      await t.dataSource.query(
        `INSERT INTO search_query_log (query, normalized_query, locale, result_count) SELECT 'asdfgh', 'asdfgh', 'en', 0 FROM generate_series(1, 8)`,
      );
      await admin().send(RUN_SCAN);
      const same = (await admin().send(GAPS, { source: 'SearchGap' })).data!.contentGaps.filter((g: { title: string }) => g.title === 'asdfgh');
      expect(same).toEqual([expect.objectContaining({ id: gap.id, status: 'Dismissed' })]);

      // Closed: neither dismissed again nor drafted.
      const again = await admin().send(DISMISS, { input: { gapId: gap.id, reason: 'again' } });
      expect(again.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'GAP_CLOSED', status: 'dismissed' });
      const draft = await admin().send(FROM_GAP, { input: { gapId: gap.id } });
      expect(draft.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'GAP_CLOSED' });
    });

    it('one of ten parallel dismissals wins; the rest are CONFLICT and nothing is written twice', async () => {
      const gapId = await insertRecurringGap('Parallel dismissal');
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => admin().send(DISMISS, { input: { gapId, reason: `reason ${i}` } })));
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      expect(results.filter((r) => r.errors).map((r) => r.errors![0].extensions!.reason)).toEqual(Array(9).fill('GAP_CLOSED'));
      expect(await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_entries WHERE subject_id = $1 AND action = 'content-gap.dismissed'`, [gapId])).toEqual([{ n: 1 }]);
    });

    it('refuses a blank or too long reason, an unknown gap, a non-UUID and members of staff who are not editors; the gap stays open', async () => {
      const gapId = await insertRecurringGap('Refused dismissal');
      for (const reason of ['   ', 'x'.repeat(2001)]) {
        expect((await admin().send(DISMISS, { input: { gapId, reason } })).errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      }
      expect((await admin().send(DISMISS, { input: { gapId: '00000000-0000-4000-8000-000000000000', reason: 'r' } })).errors![0].extensions!.code).toBe('NOT_FOUND');
      expect((await admin().send(DISMISS, { input: { gapId: 'nope', reason: 'r' } })).errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      const moderator = await t.login(await t.createUser({ role: Role.Moderator }));
      expect((await t.admin(moderator).send(DISMISS, { input: { gapId, reason: 'r' } })).errors![0].extensions!.code).toBe('FORBIDDEN');
      expect((await t.dataSource.query(`SELECT status, close_reason FROM content_gaps WHERE id = $1`, [gapId]))[0]).toEqual({ status: 'open', close_reason: null });
    });
  });
});
