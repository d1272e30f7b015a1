/**
 * `freshnessQueueChanged` (admin API): a real graphql-ws client receives stale flags raised, acknowledged,
 * resolved and dismissed and content gaps created and drafted, filtered by product, category, locale and
 * signal; editors and admins only. Events come from database triggers, delivered at commit (decision 0019).
 */
import { Client } from 'graphql-ws';
import { LiveEvents } from '../src/common/live-events/live-events.service';
import { Role } from '../src/users/role.enum';
import { KnowledgeBaseFactory, VERIFY } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';
import { eventually } from './support/eventually';
import { listenForWebsockets, subscribed, SubscriptionProbe, wsClient } from './support/subscriptions';

const CHANGED = `subscription ($filter: FreshnessFilterInput) {
  freshnessQueueChanged(filter: $filter) { change flagId gapId articleId locale signal severity gapSource gapTitle categoryId productIds occurredAt }
}`;
const RUN_SCAN = `mutation { runStalenessScan { flagsRaised contentGapsCreated } }`;
const ACK = `mutation ($input: StaleFlagInput!) { acknowledgeStaleFlag(input: $input) { id status } }`;
const DISMISS = `mutation ($input: DismissStaleFlagInput!) { dismissStaleFlag(input: $input) { id status } }`;
const RESOLVE = `mutation ($input: ResolveStaleFlagInput!) { resolveStaleFlag(input: $input) { id status } }`;
const FROM_GAP = `mutation ($input: CreateArticleFromContentGapInput!) { createArticleFromContentGap(input: $input) { id status articleId } }`;

interface Event {
  change: string;
  flagId: string | null;
  gapId: string | null;
  articleId: string | null;
  locale: string;
  signal: string | null;
  severity: string | null;
  gapSource: string | null;
  gapTitle: string | null;
  categoryId: string | null;
  productIds: string[];
  occurredAt: string;
}
type Probe = SubscriptionProbe<{ freshnessQueueChanged: Event }>;

describe('freshnessQueueChanged (admin subscription)', () => {
  let t: TestApp;
  let base: string;
  let editorToken: string;
  let editor: GraphqlClient;
  const clients: Client[] = [];
  const open = (token?: string): Client => {
    const client = wsClient(`${base}/admin/graphql`, token);
    clients.push(client);
    return client;
  };
  const events = (probe: Probe): Event[] => probe.results.map((r) => r.data!.freshnessQueueChanged);
  const send = async (query: string, variables?: Record<string, unknown>) => {
    const res = await editor.send(query, variables);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!;
  };

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
    base = await listenForWebsockets(t);
    editorToken = await t.login(await t.createUser({ role: Role.Editor }));
    editor = t.admin(editorToken);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
    // The next test counts its own subscriptions: wait until these are gone from the app.
    await eventually(async () => {
      const left = t.app.get(LiveEvents).subscriberCount('freshness-queue-changed');
      if (left > 0) throw new Error(`${left} subscriptions still registered`);
    });
  });
  afterAll(() => t.close());

  it('is FORBIDDEN to a member and a moderator, UNAUTHENTICATED anonymously, open to an admin', async () => {
    for (const [role, code] of [
      [Role.Member, 'FORBIDDEN'],
      [Role.Moderator, 'FORBIDDEN'],
      [null, 'UNAUTHENTICATED'],
    ] as const) {
      const token = role ? await t.login(await t.createUser({ role })) : undefined;
      const probe: Probe = new SubscriptionProbe(open(token), CHANGED);
      expect((await probe.failure())[0].extensions?.code).toBe(code);
    }
    const admin: Probe = new SubscriptionProbe(open(await t.login(await t.createUser({ role: Role.Admin }))), CHANGED);
    await subscribed(t, 'freshness-queue-changed', 1);
    expect(admin.errors).toBeNull();
  });

  it('pushes flag and gap changes at commit, filtered by product, category, locale and signal', async () => {
    const kb = new KnowledgeBaseFactory(editor);
    const billing = await kb.category('Billing');
    const teams = await kb.category('Teams');
    const { createProduct } = await send(`mutation { createProduct(input: { key: "ledger-live", name: "Ledger" }) { id } }`);
    const productId = createProduct.id as string;
    const invoices = await kb.published(billing.id, { title: 'Exporting invoices', bodyMarkdown: '# Invoices\n\nExport them.', productIds: [productId] });
    const roles = await kb.published(teams.id, { title: 'Team roles', bodyMarkdown: '# Roles\n\nOwner, viewer.' });

    const all: Probe = new SubscriptionProbe(open(editorToken), CHANGED);
    const product: Probe = new SubscriptionProbe(open(editorToken), CHANGED, { filter: { productId, signal: 'ReviewOverdue' } });
    const category: Probe = new SubscriptionProbe(open(editorToken), CHANGED, { filter: { categoryId: teams.id } });
    const german: Probe = new SubscriptionProbe(open(editorToken), CHANGED, { filter: { locale: 'de' } });
    await subscribed(t, 'freshness-queue-changed', 4);

    // Both articles overdue for review, and a search gap: one scan raises two flags and creates a gap.
    await t.dataSource.query(`UPDATE article_locales SET first_published_at = now() - interval '400 days', last_reviewed_at = NULL WHERE article_id = ANY($1)`, [
      [invoices.id, roles.id],
    ]);
    await t.dataSource.query(
      `INSERT INTO search_query_log (query, normalized_query, locale, result_count) SELECT 'SSO with Okta', 'sso okta', 'en', 0 FROM generate_series(1, 8)`,
    );
    await send(RUN_SCAN);
    await all.until(() => all.results.length >= 3);
    const raised = events(all).filter((e) => e.change === 'FlagRaised');
    expect(raised.map((e) => e.articleId).sort()).toEqual([invoices.id, roles.id].sort());
    const invoiceFlag = raised.find((e) => e.articleId === invoices.id)!;
    expect(invoiceFlag).toMatchObject({ signal: 'ReviewOverdue', locale: 'en', categoryId: billing.id, productIds: [productId], flagId: expect.any(String) });
    const roleFlag = raised.find((e) => e.articleId === roles.id)!;
    const gap = events(all).find((e) => e.change === 'GapCreated')!;
    expect(gap).toMatchObject({ gapSource: 'SearchGap', gapTitle: 'SSO with Okta', locale: 'en', flagId: null, signal: null });

    await send(ACK, { input: { flagId: invoiceFlag.flagId } });
    await send(RESOLVE, { input: { flagId: invoiceFlag.flagId, note: 'checked' } });
    await send(DISMISS, { input: { flagId: roleFlag.flagId, reason: 'evergreen page' } });
    await send(FROM_GAP, { input: { gapId: gap.gapId } });
    await all.until(() => all.results.length >= 7);
    expect(events(all).slice(3).map((e) => [e.change, e.flagId ?? e.gapId])).toEqual([
      ['FlagAcknowledged', invoiceFlag.flagId],
      ['FlagResolved', invoiceFlag.flagId],
      ['FlagDismissed', roleFlag.flagId],
      ['GapDrafted', gap.gapId],
    ]);
    expect(events(all)[6].articleId).toEqual(expect.any(String));

    // Publishing answers flags inside the publishing transaction: a verification resolves a new review flag.
    await t.dataSource.query(`UPDATE article_locales SET last_reviewed_at = now() - interval '400 days' WHERE article_id = $1`, [invoices.id]);
    await send(RUN_SCAN);
    await all.until(() => events(all).filter((e) => e.change === 'FlagRaised').length >= 3);
    await send(VERIFY, { input: { articleId: invoices.id, locale: 'en' } });
    await all.until(() => events(all).filter((e) => e.change === 'FlagResolved').length >= 2);

    // The filtered subscribers saw their share only (the unfiltered one has seen everything by now).
    await product.until(() => product.results.length >= 5);
    expect(events(product).map((e) => [e.change, e.articleId])).toEqual([
      ['FlagRaised', invoices.id],
      ['FlagAcknowledged', invoices.id],
      ['FlagResolved', invoices.id],
      ['FlagRaised', invoices.id],
      ['FlagResolved', invoices.id],
    ]);
    await category.until(() => category.results.length >= 2);
    expect(events(category).map((e) => [e.change, e.articleId])).toEqual([
      ['FlagRaised', roles.id],
      ['FlagDismissed', roles.id],
    ]);
    expect(german.results).toEqual([]);
    expect([product, category, german, all].map((p) => p.errors)).toEqual([null, null, null, null]);
  });

  it('sends nothing for a transaction that rolls back', async () => {
    const all: Probe = new SubscriptionProbe(open(editorToken), CHANGED);
    await subscribed(t, 'freshness-queue-changed', 1);
    const kb = new KnowledgeBaseFactory(editor);
    const article = await kb.published((await kb.category('Rollback')).id, { title: 'Rolled back' });
    await expect(
      t.dataSource.transaction(async (tx) => {
        await tx.query(`INSERT INTO stale_flags (article_id, locale, signal, severity, score, evidence, fingerprint) VALUES ($1, 'en', 'review_overdue', 'low', 1, '{}', 'rolled-back')`, [
          article.id,
        ]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await t.dataSource.query(`INSERT INTO stale_flags (article_id, locale, signal, severity, score, evidence, fingerprint) VALUES ($1, 'en', 'review_overdue', 'low', 1, '{}', 'committed')`, [
      article.id,
    ]);
    const [committed] = await t.dataSource.query(`SELECT id FROM stale_flags WHERE fingerprint = 'committed'`);
    await all.until(() => all.results.length >= 1);
    expect(events(all).map((e) => e.flagId)).toEqual([committed.id]);
  });
});
