/**
 * Functional audit of the staleness engine (December 2026) against docs/staleness.md, through the admin API.
 * Each block pins a defect the audit found; docs/staleness.md describes the behaviour these tests expect.
 */
import { Role } from '../src/users/role.enum';
import { ACCEPT, ForumFactory } from './factories/forum';
import { KnowledgeBaseFactory, localeOf } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

const FLAG_FIELDS = `id articleId locale signal severity status closedAt closedBy closeReason
  productChange { releaseId revisionId changes { summary kind passages { start end heading excerpt } } }`;
const RECORD_RELEASE = `mutation ($input: RecordReleaseInput!) { recordRelease(input: $input) { release { id } } }`;
const SCAN_RELEASE = `mutation ($input: ScanReleaseInput!) { scanRelease(input: $input) { releaseId articlesScanned flagsRaised } }`;
const RUN_SCAN = `mutation { runStalenessScan { releasesScanned flagsRaised contentGapsCreated } }`;
const FLAG = `query ($id: ID!) { staleFlag(id: $id) { ${FLAG_FIELDS} } }`;
const GAPS = `query ($source: ContentGapSource) { contentGaps(source: $source) { id status title evidenceJson } }`;

/** True when the string holds half of a surrogate pair (PostgreSQL's jsonb refuses one). */
const hasLoneSurrogate = (text: string): boolean => /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

describe('staleness audit 2026-12', () => {
  let t: TestApp;
  let editor: GraphqlClient;
  let kb: KnowledgeBaseFactory;
  let productId: string;
  let categoryId: string;

  const flagsOf = async (articleId: string, signal: string): Promise<{ id: string; status: string; close_reason: string | null; resolved_by_revision_id: string | null }[]> =>
    t.dataSource.query(
      `SELECT id, status, close_reason, resolved_by_revision_id FROM stale_flags WHERE article_id = $1 AND signal::text = $2 ORDER BY raised_at, id`,
      [articleId, signal],
    );
  const recordRelease = async (version: string, changes: unknown[]): Promise<string> => {
    const res = await editor.send(RECORD_RELEASE, { input: { productId, version, releasedAt: new Date().toISOString(), notesMarkdown: '', changes } });
    if (!res.data?.recordRelease) throw new Error(JSON.stringify(res.errors));
    return res.data.recordRelease.release.id;
  };
  const scan = async (): Promise<void> => {
    const res = await editor.send(RUN_SCAN);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
  };
  /** Makes the locale's last review (or first publication) `days` ago, as if time had passed. */
  const age = (articleId: string, days: number): Promise<unknown> =>
    t.dataSource.query(
      `UPDATE article_locales SET first_published_at = now() - make_interval(days => $2), published_at = now() - make_interval(days => $2), last_reviewed_at = NULL WHERE article_id = $1`,
      [articleId, days],
    );

  beforeAll(async () => {
    t = await createTestApp({ RECURRING_MIN_ASKERS: '3' });
    await t.dataSource.query('UPDATE auto_moderation_settings SET post_rate_limit = 10000, flag_rate_limit = 10000');
    editor = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
    kb = new KnowledgeBaseFactory(editor);
    categoryId = (await kb.category('Billing')).id;
    productId = (await editor.send(`mutation { createProduct(input: { key: "ledger", name: "Ledger" }) { id } }`)).data!.createProduct.id;
    // Unrelated pages of the product, so that the words of the changes below are rare enough to match.
    for (const topic of ['Team roles and permissions', 'Tax totals and rounding', 'Connecting a bank feed']) {
      await kb.published(categoryId, { title: topic, bodyMarkdown: `# ${topic}\n\n${topic} explained step by step.`, productIds: [productId] });
    }
  });
  afterAll(() => t.close());

  describe('publishing answers the review-overdue flag (it moves the next review date)', () => {
    it('resolves the open review-overdue flag with the revision, so a later missed review is the only open one', async () => {
      const article = await kb.published(categoryId, { title: 'Closing a month', bodyMarkdown: '# Closing a month\n\nLock the period, then export.' });
      await age(article.id, 400);
      await scan();
      const [overdue] = await flagsOf(article.id, 'review_overdue');
      expect(overdue.status).toBe('open');

      const republished = await kb.publish(await kb.save(article, 'en', { title: 'Closing a month', bodyMarkdown: '# Closing a month\n\nLock the period, then export the ledger.' }));

      // Publishing counts as a review (lastReviewedAt = now): the next review date moved into the future.
      expect(new Date(localeOf(republished).nextReviewAt!).getTime()).toBeGreaterThan(Date.now());
      const revisionId = localeOf(republished).publishedRevision!.id;
      expect(await flagsOf(article.id, 'review_overdue')).toEqual([
        { id: overdue.id, status: 'resolved', close_reason: 'revision-published', resolved_by_revision_id: revisionId },
      ]);

      // A year later the review is missed again: one open flag, not two.
      await age(article.id, 400);
      await scan();
      expect((await flagsOf(article.id, 'review_overdue')).map((f) => f.status)).toEqual(['resolved', 'open']);
    });
  });

  describe('the audit entry of a flag resolved by publishing names the revision', () => {
    it('records reason revision-published and the revision id', async () => {
      const article = await kb.published(categoryId, { title: 'Payout export', bodyMarkdown: '# Payout export\n\nThe nightly payout export runs at 2am.', productIds: [productId] });
      const releaseId = await recordRelease('9.1.0', [{ kind: 'Removed', summary: 'Nightly payout export removed', featureKeys: [] }]);
      expect((await editor.send(SCAN_RELEASE, { input: { releaseId } })).errors).toBeUndefined();
      const [flag] = await flagsOf(article.id, 'product_change');
      expect(flag.status).toBe('open');

      const republished = await kb.publish(await kb.save(article, 'en', { title: 'Payout export', bodyMarkdown: '# Payout export\n\nPayouts are exported on demand.' }));

      const revisionId = localeOf(republished).publishedRevision!.id;
      const audit = await t.dataSource.query(`SELECT actor_id, after FROM audit_entries WHERE subject_id = $1 AND action = 'stale-flag.resolved'`, [flag.id]);
      expect(audit).toEqual([{ actor_id: null, after: expect.objectContaining({ status: 'resolved', reason: 'revision-published', revisionId }) }]);
    });

    it('a verification records reason verified and no revision', async () => {
      const article = await kb.published(categoryId, { title: 'Card refunds', bodyMarkdown: '# Card refunds\n\nPartial card refunds go to the original card.', productIds: [productId] });
      const releaseId = await recordRelease('9.2.0', [{ kind: 'Removed', summary: 'Partial card refunds removed', featureKeys: [] }]);
      expect((await editor.send(SCAN_RELEASE, { input: { releaseId } })).errors).toBeUndefined();
      const [flag] = await flagsOf(article.id, 'product_change');
      await kb.locale(article, `mutation ($input: ArticleLocaleInput!) { verifyArticle(input: $input) { id } }`);
      const audit = await t.dataSource.query(`SELECT after FROM audit_entries WHERE subject_id = $1 AND action = 'stale-flag.resolved'`, [flag.id]);
      expect(audit).toEqual([{ after: expect.objectContaining({ reason: 'verified', revisionId: null }) }]);
    });
  });
  describe('recurring-question content gap whose accepted answer has an emoji where its first sentence is cut', () => {
    it('creates the gap (the outline bullet is cut before the emoji, not through it)', async () => {
      const forum = new ForumFactory(editor);
      const members: GraphqlClient[] = [];
      for (let i = 0; i < 4; i++) {
        const user = await t.createUser({ role: Role.Member });
        await t.dataSource.query('UPDATE users SET trust_level = 1 WHERE id = $1', [user.user.id]);
        members.push(t.delivery(await t.login(user)));
      }
      const board = await forum.board({ locale: 'en' });
      const titles = ['How do I rotate my ledger API signing key?', 'Rotate the ledger API signing key', 'Ledger API signing key rotation: how?'];
      // The first sentence is longer than the 160 characters of an outline bullet; unit 158 starts an emoji.
      const answer = `${'Open Settings, then Developers, then API keys, and press Rotate next to the signing key you use today '.repeat(2).slice(0, 158)}${'🔑'.repeat(10)} and that is all.`;
      expect(answer.charCodeAt(158)).toBe(0xd83d);
      for (const [i, title] of titles.entries()) {
        const thread = await forum.thread(members[i], board.id, { title, bodyMarkdown: 'I need to rotate the ledger API signing key. How do I rotate the signing key?' });
        const reply = await forum.reply(members[3], thread.id, answer);
        const accepted = await members[i].send(ACCEPT, { input: { postId: reply.id } });
        expect(accepted.errors).toBeUndefined();
      }

      await scan();

      const gaps = (await editor.send(GAPS, { source: 'RecurringQuestions' })).data!.contentGaps as { evidenceJson: string }[];
      const gap = gaps.find((g) => JSON.parse(g.evidenceJson).threads.some((th: { title: string }) => titles.includes(th.title)));
      expect(gap).toBeDefined();
      const outline = JSON.parse(gap!.evidenceJson).outline as string;
      expect(hasLoneSurrogate(outline)).toBe(false);
      expect(outline).toContain(`${answer.slice(0, 158).trimEnd()}…`);
    });
  });

  describe('product-change evidence passages in text with emoji', () => {
    it('scans a release whose matched passage has an emoji where the excerpt is cut; offsets and excerpt point into the published body', async () => {
      // The excerpt is the passage's first 280 UTF-16 units: here unit 279 is the first half of an emoji.
      const prefix = `# Webhook signatures\n\nThe webhook signature header uses HMAC. ${'Invoices are listed by month. '.repeat(9)}`.slice(0, 279);
      const body = `${prefix}${'😀'.repeat(40)}\n`;
      expect(body.charCodeAt(279)).toBe(0xd83d);
      const article = await kb.published(categoryId, { title: 'Webhook signatures', bodyMarkdown: body, productIds: [productId] });
      const releaseId = await recordRelease('9.0.0', [{ kind: 'Removed', summary: 'Webhook signature header HMAC removed', featureKeys: [] }]);

      const res = await editor.send(SCAN_RELEASE, { input: { releaseId } });

      expect(res.errors).toBeUndefined();
      expect(res.data!.scanRelease.flagsRaised).toBeGreaterThanOrEqual(1);
      const [flag] = await flagsOf(article.id, 'product_change');
      const evidence = (await editor.send(FLAG, { id: flag.id })).data!.staleFlag.productChange;
      const [passage] = evidence.changes[0].passages;
      // Offsets are UTF-16 code units into the published revision's body (JavaScript string indices).
      expect(body.slice(passage.start, passage.end)).toContain('webhook signature header uses HMAC');
      expect(body.slice(passage.start).startsWith(passage.excerpt)).toBe(true);
      expect(hasLoneSurrogate(passage.excerpt)).toBe(false);
      expect(passage.excerpt).toBe(prefix);
    });

    it('offsets after non-ASCII text and emoji still point at the matched passage', async () => {
      const body = `# Überblick 🚀\n\nKurze Einführung — ça va? 👩‍👩‍👧\n\n## Ledger webhooks retries\n\nFailed ledger webhooks are retried five times with backoff.\n`;
      const article = await kb.published(categoryId, { title: 'Ledger webhooks', bodyMarkdown: body, productIds: [productId] });
      const releaseId = await recordRelease('9.0.1', [{ kind: 'Changed', summary: 'Failed ledger webhooks retried three times with backoff', featureKeys: [] }]);
      expect((await editor.send(SCAN_RELEASE, { input: { releaseId } })).errors).toBeUndefined();
      const [flag] = await flagsOf(article.id, 'product_change');
      const [passage] = (await editor.send(FLAG, { id: flag.id })).data!.staleFlag.productChange.changes[0].passages;
      expect(passage.heading).toBe('Ledger webhooks retries');
      expect(body.slice(passage.start, passage.end)).toBe('## Ledger webhooks retries\n\nFailed ledger webhooks are retried five times with backoff.\n');
      expect(passage.excerpt).toBe(body.slice(passage.start, passage.end));
    });
  });

});
