/**
 * Stale-flag audit (December 2026), through the admin API, the live subscription and the webhook outbox:
 * 1. an outdated translation has at most one open flag, refreshed in place when the source is republished
 *    (database index included, parallel scans included, the migration collapsing existing duplicates);
 * 2. flags of an article readers can no longer see (archived, unpublished, deleted) are resolved in the same
 *    transaction, by whoever withdrew it. docs/staleness.md describes the behaviour these tests expect.
 */
import { Client } from 'graphql-ws';
import { StaleFlagsOneOpenPerTranslation1765450000000 } from '../migrations/1765450000000-StaleFlagsOneOpenPerTranslation';
import { LiveEvents } from '../src/common/live-events/live-events.service';
import { raiseFlags } from '../src/staleness/stale-flags.store';
import { StalenessScanService } from '../src/staleness/staleness-scan.service';
import { Role } from '../src/users/role.enum';
import { AdminArticleResult, ARCHIVE, DELETE_ARTICLE, KnowledgeBaseFactory, localeOf, RESTORE, RESTORE_DELETED, UNPUBLISH } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';
import { eventually } from './support/eventually';
import { listenForWebsockets, subscribed, SubscriptionProbe, wsClient } from './support/subscriptions';
import { WebhookReceiver } from './support/webhook-receiver';

const FLAG = `query ($id: ID!) { staleFlag(id: $id) { id status severity closedBy closeReason raisedAt updatedAt
  evidence { __typename ... on OutdatedTranslationEvidence { sourceRevisionNumber translatedFromRevisionNumber } } } }`;
const QUEUE = `query ($filter: FreshnessFilterInput) { freshnessQueue(filter: $filter) { totalCount countsBySignal { signal count } items { articleId locale flags { id } } } }`;
const RUN_SCAN = `mutation { runStalenessScan { flagsRaised } }`;
const DISMISS = `mutation ($input: DismissStaleFlagInput!) { dismissStaleFlag(input: $input) { id status } }`;
const ACK = `mutation ($input: StaleFlagInput!) { acknowledgeStaleFlag(input: $input) { id status } }`;
const CHANGED = `subscription { freshnessQueueChanged { change flagId articleId locale signal severity } }`;
const CREATE_ENDPOINT = `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }`;

interface FlagRow {
  id: string;
  locale: string;
  status: string;
  close_reason: string | null;
  closed_by: string | null;
  evidence: { sourceRevisionNumber?: number };
}

describe('stale flags audit 2026-12', () => {
  let t: TestApp;
  let admin: GraphqlClient;
  let adminId: string;
  let token: string;
  let kb: KnowledgeBaseFactory;
  let categoryId: string;
  let base: string;
  let receiver: WebhookReceiver;
  const clients: Client[] = [];

  const send = async (query: string, variables?: Record<string, unknown>): Promise<Record<string, any>> => {
    const res = await admin.send(query, variables);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  };
  const flagsOf = (articleId: string, signal?: string): Promise<FlagRow[]> =>
    t.dataSource.query(
      `SELECT id, locale, status::text, close_reason, closed_by, evidence FROM stale_flags
       WHERE article_id = $1 AND ($2::text IS NULL OR signal::text = $2) ORDER BY raised_at, id`,
      [articleId, signal ?? null],
    );
  const openOf = async (articleId: string, signal?: string): Promise<FlagRow[]> =>
    (await flagsOf(articleId, signal)).filter((f) => f.status === 'open' || f.status === 'acknowledged');
  const webhookEvents = (type: string, flagIds: string[]): Promise<{ data: Record<string, unknown> }[]> =>
    t.dataSource.query(`SELECT data FROM webhook_events WHERE type = $1 AND data->>'flagId' = ANY($2::text[]) ORDER BY occurred_at`, [type, flagIds]);
  const subscribe = async (): Promise<SubscriptionProbe<{ freshnessQueueChanged: { change: string; flagId: string; severity: string } }>> => {
    const client = wsClient(`${base}/admin/graphql`, token);
    clients.push(client);
    const probe = new SubscriptionProbe<{ freshnessQueueChanged: { change: string; flagId: string; severity: string } }>(client, CHANGED);
    await subscribed(t, 'freshness-queue-changed', 1);
    return probe;
  };
  /** An article published in English with a German translation published from its first revision. */
  const translated = async (title: string): Promise<AdminArticleResult> => {
    const article = await kb.published(categoryId, { title, bodyMarkdown: `# ${title}\n\nFirst steps.` });
    return kb.publish(await kb.save(article, 'de', { title: `${title} (de)`, bodyMarkdown: 'Erste Schritte.' }), 'de');
  };
  const republishSource = async (article: AdminArticleResult, n: number): Promise<AdminArticleResult> =>
    kb.publish(await kb.save(article, 'en', { title: localeOf(article).headRevision.title, bodyMarkdown: `Steps, version ${n}.` }), 'en');
  /** Raises a review-overdue flag on the locale, as detector 2 would. */
  const overdue = async (articleId: string, locale: string): Promise<string> => {
    const [id] = await t.dataSource.transaction((tx) =>
      raiseFlags(tx, [
        {
          articleId,
          locale,
          signal: 'review_overdue',
          severity: 'high',
          score: 1,
          evidence: { signal: 'review_overdue', nextReviewAt: new Date(0).toISOString(), reviewIntervalDays: 90, daysOverdue: 400 },
          fingerprint: `audit-overdue:${articleId}:${locale}`,
        },
      ]),
    );
    return id;
  };

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false', STALENESS_SCAN_SECONDS: '0' });
    base = await listenForWebsockets(t);
    const user = await t.createUser({ role: Role.Admin });
    adminId = user.user.id;
    token = await t.login(user);
    admin = t.admin(token);
    kb = new KnowledgeBaseFactory(admin);
    categoryId = (await kb.category('Billing')).id;
    receiver = await new WebhookReceiver().start();
    await send(CREATE_ENDPOINT, { input: { url: receiver.url, description: 'audit', eventTypes: null } });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    await eventually(async () => {
      const left = t.app.get(LiveEvents).subscriberCount('freshness-queue-changed');
      if (left > 0) throw new Error(`${left} subscriptions still registered`);
    });
  });
  afterAll(async () => {
    await receiver.stop();
    await t.close();
  });

  describe('one open outdated-translation flag per translation', () => {
    it('refreshes the open flag in place when the source is republished, and announces the update', async () => {
      const article = await translated('Exporting invoices');
      let current = await republishSource(article, 2);
      await send(RUN_SCAN);
      const [first] = await openOf(article.id, 'outdated_translation');
      expect(first).toMatchObject({ locale: 'de', status: 'open', evidence: { sourceRevisionNumber: 2 } });
      await send(ACK, { input: { flagId: first.id } });
      const before = (await send(FLAG, { id: first.id })).staleFlag;
      expect(before.updatedAt).toBe(before.raisedAt);

      const live = await subscribe();
      current = await republishSource(current, 3);
      current = await republishSource(current, 4);
      await send(RUN_SCAN);
      await send(RUN_SCAN);

      // One flag, the same one, still acknowledged, with the newest evidence and severity (3 revisions behind: high).
      const flags = await flagsOf(article.id, 'outdated_translation');
      expect(flags.map((f) => [f.id, f.status])).toEqual([[first.id, 'acknowledged']]);
      const after = (await send(FLAG, { id: first.id })).staleFlag;
      expect(after).toMatchObject({ status: 'Acknowledged', severity: 'High', raisedAt: before.raisedAt, evidence: { sourceRevisionNumber: 4, translatedFromRevisionNumber: 1 } });
      expect(new Date(after.updatedAt).getTime()).toBeGreaterThan(new Date(before.updatedAt).getTime());

      const audit = await t.dataSource.query(`SELECT before, after FROM audit_entries WHERE subject_id = $1 AND action = 'stale-flag.updated'`, [first.id]);
      expect(audit).toEqual([
        { before: expect.objectContaining({ severity: 'medium' }), after: expect.objectContaining({ severity: 'high', evidence: expect.objectContaining({ sourceRevisionNumber: 4 }) }) },
      ]);
      expect((await webhookEvents('stale_flag.updated', [first.id])).map((e) => e.data)).toEqual([
        { flagId: first.id, articleId: article.id, locale: 'de', signal: 'outdated_translation', severity: 'high', previousSeverity: 'medium' },
      ]);
      expect(await webhookEvents('stale_flag.raised', [first.id])).toHaveLength(1);
      await live.until(() => live.results.some((r) => r.data?.freshnessQueueChanged.change === 'FlagUpdated'));
      expect(live.results.map((r) => r.data!.freshnessQueueChanged).filter((e) => e.flagId === first.id)).toEqual([
        expect.objectContaining({ change: 'FlagUpdated', severity: 'High' }),
      ]);

      const queue = (await send(QUEUE, { filter: { signal: 'OutdatedTranslation' } })).freshnessQueue;
      expect(queue.items.filter((i: { articleId: string }) => i.articleId === article.id)).toEqual([{ articleId: article.id, locale: 'de', flags: [{ id: first.id }] }]);
    });

    it('a dismissal still suppresses the same evidence; newer evidence after it raises one new flag', async () => {
      const article = await translated('Refunds');
      let current = await republishSource(article, 2);
      await send(RUN_SCAN);
      const [flag] = await openOf(article.id, 'outdated_translation');
      await send(DISMISS, { input: { flagId: flag.id, reason: 'the German page is reviewed separately' } });
      await send(RUN_SCAN);
      expect(await openOf(article.id, 'outdated_translation')).toEqual([]);

      current = await republishSource(current, 3);
      await send(RUN_SCAN);
      await send(RUN_SCAN);
      const flags = await flagsOf(article.id, 'outdated_translation');
      expect(flags.map((f) => [f.status, f.evidence.sourceRevisionNumber])).toEqual([
        ['dismissed', 2],
        ['open', 3],
      ]);
    });

    it('parallel scans and publishes leave exactly one open flag per translation, without errors', async () => {
      const articles = await Promise.all(['Tax rates', 'Bank feeds', 'Payroll'].map((title) => translated(title)));
      const scans = t.app.get(StalenessScanService);
      const scanning = (): Promise<number>[] => Array.from({ length: 4 }, () => scans.scanOutdatedTranslations());
      const [republished] = await Promise.all([Promise.all(articles.map((article) => republishSource(article, 2))), ...scanning()]);
      await Promise.all([...republished.map((article) => republishSource(article, 3)), ...scanning()]);
      await Promise.all(Array.from({ length: 3 }, () => scans.scanOutdatedTranslations()));
      for (const article of articles) {
        const open = await openOf(article.id, 'outdated_translation');
        expect(open.map((f) => [f.locale, f.evidence.sourceRevisionNumber])).toEqual([['de', 3]]);
      }
    });

    it('raisers racing on one translation with different evidence end with one open flag holding the newest', async () => {
      const article = await translated('Card payments');
      const results = await Promise.allSettled(
        [2, 5, 3, 5, 4, 2].map((source) =>
          t.dataSource.transaction((tx) =>
            raiseFlags(tx, [
              {
                articleId: article.id,
                locale: 'de',
                signal: 'outdated_translation',
                severity: 'medium',
                score: 0.5,
                evidence: { signal: 'outdated_translation', sourceLocale: 'en', sourceRevisionNumber: source, translatedFromRevisionNumber: 1 },
                fingerprint: `race:${article.id}:${source}`,
              },
            ]),
          ),
        ),
      );
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect((await flagsOf(article.id, 'outdated_translation')).map((f) => [f.status, f.evidence.sourceRevisionNumber])).toEqual([['open', 5]]);
    });

    it('the database refuses a second open outdated-translation flag for the same translation', async () => {
      const article = await translated('Team roles');
      const insert = (fingerprint: string): Promise<unknown> =>
        t.dataSource.query(
          `INSERT INTO stale_flags (article_id, locale, signal, severity, score, evidence, fingerprint) VALUES ($1, 'de', 'outdated_translation', 'medium', 0.3, '{}', $2)`,
          [article.id, fingerprint],
        );
      await insert('by-hand-1');
      await expect(insert('by-hand-2')).rejects.toMatchObject({ code: '23505' });
    });

    it('the migration collapses existing duplicates (the newest stays open) before creating the index', async () => {
      const article = await translated('Migrated duplicates');
      const migration = new StaleFlagsOneOpenPerTranslation1765450000000();
      const runner = t.dataSource.createQueryRunner();
      try {
        await migration.down(runner);
        for (const [n, status] of [[2, 'open'], [3, 'acknowledged'], [4, 'open'], [1, 'dismissed']] as const) {
          await runner.query(
            `INSERT INTO stale_flags (article_id, locale, signal, severity, score, evidence, fingerprint, status, raised_at)
             VALUES ($1, 'de', 'outdated_translation', 'medium', 0.3, $2, $3, $4, now() - make_interval(hours => 10 - $5::int))`,
            [article.id, JSON.stringify({ signal: 'outdated_translation', sourceLocale: 'en', sourceRevisionNumber: n, translatedFromRevisionNumber: 1 }), `migrated:${n}`, status, n],
          );
        }
        await migration.up(runner);
      } finally {
        await runner.release();
      }
      const flags = await flagsOf(article.id, 'outdated_translation');
      expect(flags.map((f) => [f.evidence.sourceRevisionNumber, f.status, f.close_reason])).toEqual([
        [1, 'dismissed', null],
        [2, 'resolved', 'superseded'],
        [3, 'resolved', 'superseded'],
        [4, 'open', null],
      ]);
      const kept = flags[3].id;
      const audit = await t.dataSource.query(
        `SELECT a.after FROM audit_entries a JOIN stale_flags f ON f.id = a.subject_id WHERE f.article_id = $1 AND a.action = 'stale-flag.resolved'`,
        [article.id],
      );
      expect(audit).toEqual([
        { after: expect.objectContaining({ reason: 'superseded', keptFlagId: kept }) },
        { after: expect.objectContaining({ reason: 'superseded', keptFlagId: kept }) },
      ]);
    });
  });

  describe('flags of an article readers can no longer see are resolved', () => {
    const queueCount = async (articleId: string): Promise<number> => {
      const queue = (await send(QUEUE)).freshnessQueue;
      return queue.items.filter((i: { articleId: string }) => i.articleId === articleId).reduce((n: number, i: { flags: unknown[] }) => n + i.flags.length, 0);
    };

    it.each([
      ['archiving', ARCHIVE, 'article-archived'],
      ['unpublishing', UNPUBLISH, 'article-unpublished'],
    ])('%s a locale resolves its open flags, by the editor, in the same transaction; the other locale keeps its own', async (_name, mutation, reason) => {
      const article = await translated(`Withdrawn by ${reason}`);
      const en = await overdue(article.id, 'en');
      const de = await overdue(article.id, 'de');
      await send(ACK, { input: { flagId: en } });
      const live = await subscribe();
      const totalBefore = (await send(QUEUE)).freshnessQueue.totalCount;
      expect(await queueCount(article.id)).toBe(2);

      await kb.locale(article, mutation, 'en');

      expect((await send(FLAG, { id: en })).staleFlag).toMatchObject({ status: 'Resolved', closeReason: reason, closedBy: adminId });
      expect((await send(FLAG, { id: de })).staleFlag).toMatchObject({ status: 'Open', closeReason: null });
      expect(await queueCount(article.id)).toBe(1);
      expect((await send(QUEUE)).freshnessQueue.totalCount).toBe(totalBefore - 1);
      const audit = await t.dataSource.query(`SELECT actor_id, after FROM audit_entries WHERE subject_id = $1 AND action = 'stale-flag.resolved'`, [en]);
      expect(audit).toEqual([{ actor_id: adminId, after: expect.objectContaining({ status: 'resolved', reason }) }]);
      expect((await webhookEvents('stale_flag.resolved', [en, de])).map((e) => e.data)).toEqual([
        { flagId: en, articleId: article.id, locale: 'en', signal: 'review_overdue', reason },
      ]);
      await live.until(() => live.results.some((r) => r.data?.freshnessQueueChanged.flagId === en));
      expect(live.results.map((r) => r.data!.freshnessQueueChanged)).toEqual([expect.objectContaining({ change: 'FlagResolved', flagId: en })]);
    });

    it('deleting the article resolves every locale; restoring it reopens nothing', async () => {
      const article = await translated('Deleted article');
      const flags = [await overdue(article.id, 'en'), await overdue(article.id, 'de')];
      const live = await subscribe();

      const deleted = await admin.send(DELETE_ARTICLE, { input: { articleId: article.id } });
      expect(deleted.errors).toBeUndefined();

      for (const id of flags) expect((await send(FLAG, { id })).staleFlag).toMatchObject({ status: 'Resolved', closeReason: 'article-deleted', closedBy: adminId });
      expect(await openOf(article.id)).toEqual([]);
      expect((await webhookEvents('stale_flag.resolved', flags)).map((e) => e.data.reason)).toEqual(['article-deleted', 'article-deleted']);
      await live.until(() => live.results.filter((r) => r.data?.freshnessQueueChanged.change === 'FlagResolved').length >= 2);

      expect((await admin.send(RESTORE_DELETED, { input: { articleId: article.id } })).errors).toBeUndefined();
      expect(await openOf(article.id)).toEqual([]);
    });

    it('restoring or republishing reopens nothing; a later scan raises a fresh flag for evidence still there', async () => {
      const article = await translated('Republished translation');
      const current = await republishSource(article, 2);
      await send(RUN_SCAN);
      const [outdated] = await openOf(article.id, 'outdated_translation');

      await kb.locale(current, ARCHIVE, 'de');
      expect((await flagsOf(article.id, 'outdated_translation')).map((f) => [f.id, f.status, f.close_reason])).toEqual([[outdated.id, 'resolved', 'article-archived']]);
      const restored = await kb.locale(current, RESTORE, 'de');
      expect(await openOf(article.id)).toEqual([]);
      await kb.publish(restored, 'de');
      expect(await openOf(article.id)).toEqual([]);

      // Still translated from revision 1 while the source is at 2: the scan raises it again, as a new flag.
      await send(RUN_SCAN);
      const flags = await flagsOf(article.id, 'outdated_translation');
      expect(flags.map((f) => [f.status, f.evidence.sourceRevisionNumber])).toEqual([
        ['resolved', 2],
        ['open', 2],
      ]);
      expect(flags[1].id).not.toBe(outdated.id);
    });
  });
});
