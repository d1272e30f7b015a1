/**
 * The staleness engine through the admin API: a release raises product-change flags with evidence,
 * scans are idempotent and single-flight, the flag lifecycle (acknowledge, dismiss with suppression,
 * resolve; publish and verify resolve what they answer), the other detectors and the freshness queue.
 */
import { DEFAULT_PRODUCT_CHANGE_PARAMETERS } from '../src/staleness/detectors/product-change';
import { StalenessScanService } from '../src/staleness/staleness-scan.service';
import { Role } from '../src/users/role.enum';
import { KnowledgeBaseFactory, localeOf, VERIFY } from './factories/knowledge-base';
import { createTestApp, TestApp } from './support/create-test-app';
import { eventually } from './support/eventually';

const FLAG_FIELDS = `id articleId locale signal severity status score reason evidenceJson raisedAt closedAt closedBy closeReason acknowledgedBy
  productChange { releaseId version revisionId score changes { changeId kind summary viaFeatureKey passages { start end heading excerpt score } } }`;
const QUEUE = `query ($filter: FreshnessFilterInput, $first: Int, $offset: Int) {
  freshnessQueue(filter: $filter, first: $first, offset: $offset) {
    totalCount countsBySignal { signal count }
    items { articleId locale title priority freshnessScore reasons views30d flags { ${FLAG_FIELDS} } }
  }
}`;
const RECORD_RELEASE = `mutation ($input: RecordReleaseInput!) { recordRelease(input: $input) { created release { id } } }`;
const SCAN_RELEASE = `mutation ($input: ScanReleaseInput!) { scanRelease(input: $input) { releaseId articlesScanned flagsRaised } }`;
const RUN_SCAN = `mutation { runStalenessScan { releasesScanned flagsRaised contentGapsCreated } }`;
const ACK = `mutation ($input: StaleFlagInput!) { acknowledgeStaleFlag(input: $input) { ${FLAG_FIELDS} } }`;
const DISMISS = `mutation ($input: DismissStaleFlagInput!) { dismissStaleFlag(input: $input) { ${FLAG_FIELDS} } }`;
const RESOLVE = `mutation ($input: ResolveStaleFlagInput!) { resolveStaleFlag(input: $input) { ${FLAG_FIELDS} } }`;
const FLAG = `query ($id: ID!) { staleFlag(id: $id) { ${FLAG_FIELDS} } }`;
const GAPS = `query ($source: ContentGapSource) { contentGaps(source: $source) { id source status title weight evidenceJson locale } }`;

const INVOICE_EXPORT = `# Exporting invoices

Open **Billing → Invoices** and choose *Export*. The CSV export of invoices includes every column.

## Scheduling exports

Set \`billing.exportSchedule\` to send the CSV export every month.`;
const TAX_ROUNDING = `# Tax totals

Tax totals are rounded per line. Rounding can differ by a cent from your accountant's numbers.`;
const TEAM_ROLES = `# Team roles

Invite teammates and give each a role: owner, accountant or viewer. Roles decide who can approve payments.`;

interface Flag {
  id: string;
  articleId: string;
  signal: string;
  status: string;
  severity: string;
  closeReason: string | null;
  evidenceJson: string;
  productChange: { releaseId: string; revisionId: string; changes: { summary: string; kind: string; passages: { start: number; end: number; excerpt: string }[] }[] } | null;
}

describe('staleness engine (admin API)', () => {
  let t: TestApp;
  let editorToken: string;
  let kb: KnowledgeBaseFactory;
  let productId: string;
  let categoryId: string;
  const ids: Record<string, string> = {};

  const admin = () => t.admin(editorToken);
  const queue = async (filter: Record<string, unknown> = {}) => {
    const res = await admin().send(QUEUE, { filter, first: 50 });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.freshnessQueue as { totalCount: number; countsBySignal: { signal: string; count: number }[]; items: { articleId: string; priority: number; freshnessScore: number; reasons: string[]; flags: Flag[] }[] };
  };
  const flagsOf = async (articleId: string, signal?: string): Promise<{ id: string; status: string; fingerprint: string; signal: string }[]> =>
    t.dataSource.query(`SELECT id, status, fingerprint, signal FROM stale_flags WHERE article_id = $1 AND ($2::text IS NULL OR signal::text = $2) ORDER BY raised_at`, [articleId, signal ?? null]);
  const recordRelease = async (version: string, changes: unknown[], notesMarkdown = ''): Promise<string> => {
    const res = await admin().send(RECORD_RELEASE, { input: { productId, version, releasedAt: new Date().toISOString(), notesMarkdown, changes } });
    if (!res.data?.recordRelease) throw new Error(JSON.stringify(res.errors));
    return res.data.recordRelease.release.id;
  };

  beforeAll(async () => {
    t = await createTestApp();
    editorToken = await t.login(await t.createUser({ role: Role.Editor }));
    kb = new KnowledgeBaseFactory(admin());
    categoryId = (await kb.category('Billing')).id;
    const product = await admin().send(`mutation { createProduct(input: { key: "ledger", name: "Ledger" }) { id } }`);
    productId = product.data!.createProduct.id;
    ids.invoices = (await kb.published(categoryId, { title: 'Exporting invoices', bodyMarkdown: INVOICE_EXPORT, productIds: [productId] })).id;
    ids.tax = (await kb.published(categoryId, { title: 'Tax totals', bodyMarkdown: TAX_ROUNDING, productIds: [productId] })).id;
    ids.roles = (await kb.published(categoryId, { title: 'Team roles', bodyMarkdown: TEAM_ROLES, productIds: [productId], featureKeys: ['team.roles'] })).id;
  });
  afterAll(() => t.close());

  it('flags the articles a release touches, with the change entries and the passages (offsets into the published body)', async () => {
    const releaseId = await recordRelease('2.0.0', [
      { kind: 'Removed', summary: 'CSV export of invoices (use the PDF export)', featureKeys: [] },
      { kind: 'Changed', summary: 'Viewer role can no longer approve payments', featureKeys: ['team.roles'] },
    ]);
    const res = await admin().send(SCAN_RELEASE, { input: { releaseId } });
    expect(res.errors).toBeUndefined();
    expect(res.data!.scanRelease).toMatchObject({ releaseId, articlesScanned: 3 });
    expect(res.data!.scanRelease.flagsRaised).toBeGreaterThanOrEqual(2);

    const [invoiceFlag] = (await queue({ signal: 'ProductChange' })).items.find((item) => item.articleId === ids.invoices)!.flags;
    expect(invoiceFlag).toMatchObject({ signal: 'ProductChange', status: 'Open' });
    const change = invoiceFlag.productChange!.changes.find((c) => c.summary.startsWith('CSV export'))!;
    expect(change.kind).toBe('removed');
    const passage = change.passages[0];
    expect(INVOICE_EXPORT.slice(passage.start, passage.end)).toContain('CSV export');
    expect(INVOICE_EXPORT.slice(passage.start).startsWith(passage.excerpt.slice(0, 40))).toBe(true);
    expect(['High', 'Critical', 'Medium']).toContain(invoiceFlag.severity);

    const rolesFlags = await flagsOf(ids.roles, 'product_change');
    expect(rolesFlags).toHaveLength(1);
    expect(await flagsOf(ids.tax, 'product_change')).toHaveLength(0);
  });

  it('scans idempotently: the same release again raises nothing new', async () => {
    const [{ id: releaseId }] = await t.dataSource.query(`SELECT id FROM releases WHERE version = '2.0.0'`);
    const before = await t.dataSource.query('SELECT count(*)::int AS n FROM stale_flags');
    const res = await admin().send(SCAN_RELEASE, { input: { releaseId } });
    expect(res.data!.scanRelease.flagsRaised).toBe(0);
    expect(await t.dataSource.query('SELECT count(*)::int AS n FROM stale_flags')).toEqual(before);
  });

  it('refuses a scan while another one runs (CONFLICT SCAN_RUNNING)', async () => {
    const scans = t.app.get(StalenessScanService);
    let release!: () => void;
    const held = scans.singleFlight(() => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((r) => setTimeout(r, 50));
    const res = await admin().send(RUN_SCAN);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'SCAN_RUNNING' });
    release();
    await held;
    const again = await admin().send(RUN_SCAN);
    expect(again.errors).toBeUndefined();
  });

  it('in a large product, prefilters candidates with the search index (rarest words of each entry)', async () => {
    const scans = t.app.get(StalenessScanService);
    await eventually(async () => {
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM search_documents WHERE kind = 'article' AND visibility = 'public'`);
      expect(n).toBeGreaterThanOrEqual(3);
    }, 15_000);
    scans.fullScanLimit = 1;
    try {
      const releaseId = await recordRelease('2.0.2', [{ kind: 'Changed', summary: 'Teammates with the accountant role can approve payments', featureKeys: [] }]);
      const result = await scans.scanRelease(releaseId);
      expect(result.articlesScanned).toBeGreaterThanOrEqual(1);
      expect(result.findings[0].articleId).toBe(ids.roles);
    } finally {
      scans.fullScanLimit = 2000;
    }
  });

  it('a release with no change entries and no notes raises nothing', async () => {
    const releaseId = await recordRelease('2.0.1', []);
    const res = await admin().send(SCAN_RELEASE, { input: { releaseId } });
    expect(res.data!.scanRelease.flagsRaised).toBe(0);
  });

  it('acknowledges (twice is a no-op), resolves, and refuses to resolve twice (CONFLICT FLAG_CLOSED)', async () => {
    const [flag] = await flagsOf(ids.roles, 'product_change');
    const ack = await admin().send(ACK, { input: { flagId: flag.id } });
    expect(ack.data!.acknowledgeStaleFlag.status).toBe('Acknowledged');
    expect((await admin().send(ACK, { input: { flagId: flag.id } })).data!.acknowledgeStaleFlag.status).toBe('Acknowledged');
    const resolved = await admin().send(RESOLVE, { input: { flagId: flag.id, note: 'Rewrote the roles table' } });
    expect(resolved.data!.resolveStaleFlag).toMatchObject({ status: 'Resolved', closeReason: 'Rewrote the roles table' });
    const twice = await admin().send(RESOLVE, { input: { flagId: flag.id } });
    expect(twice.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'FLAG_CLOSED' });
    const audit = await t.dataSource.query(`SELECT action FROM audit_entries WHERE subject_id = $1 ORDER BY occurred_at`, [flag.id]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['stale-flag.raised', 'stale-flag.acknowledged', 'stale-flag.resolved']);
    expect((await admin().send(FLAG, { id: '00000000-0000-4000-8000-000000000000' })).errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('a dismissal needs a reason and suppresses the same evidence, not new evidence', async () => {
    const [flag] = await flagsOf(ids.invoices, 'product_change');
    const empty = await admin().send(DISMISS, { input: { flagId: flag.id, reason: '   ' } });
    expect(empty.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const dismissed = await admin().send(DISMISS, { input: { flagId: flag.id, reason: 'CSV export stays for enterprise plans' } });
    expect(dismissed.data!.dismissStaleFlag).toMatchObject({ status: 'Dismissed', closeReason: 'CSV export stays for enterprise plans' });

    // The same evidence (same release) again: nothing raised.
    const [{ id: releaseId }] = await t.dataSource.query(`SELECT id FROM releases WHERE version = '2.0.0'`);
    await admin().send(SCAN_RELEASE, { input: { releaseId } });
    expect((await flagsOf(ids.invoices, 'product_change')).map((f) => f.status)).toEqual(['dismissed']);

    // New evidence (a later release) raises a new flag.
    const next = await recordRelease('2.1.0', [{ kind: 'Changed', summary: 'CSV export of invoices now uses semicolons', featureKeys: [] }]);
    await admin().send(SCAN_RELEASE, { input: { releaseId: next } });
    expect((await flagsOf(ids.invoices, 'product_change')).map((f) => f.status)).toEqual(['dismissed', 'open']);
  });

  it('publishing a new revision resolves the product-change flags it answers (recorded)', async () => {
    const article = await kb.save({ id: ids.invoices, locales: [{ locale: 'en', headRevisionNumber: 1 }] } as never, 'en', {
      title: 'Exporting invoices',
      bodyMarkdown: INVOICE_EXPORT.replace('CSV', 'PDF'),
    });
    await kb.publish(article);
    const flags = await flagsOf(ids.invoices, 'product_change');
    expect(flags.map((f) => f.status)).toEqual(['dismissed', 'resolved']);
    const [row] = await t.dataSource.query(`SELECT close_reason, resolved_by_revision_id FROM stale_flags WHERE id = $1`, [flags[1].id]);
    expect(row.close_reason).toBe('revision-published');
    expect(row.resolved_by_revision_id).toBe(localeOf(article).headRevision.id);
    const audit = await t.dataSource.query(`SELECT action, after FROM audit_entries WHERE subject_id = $1 ORDER BY occurred_at`, [flags[1].id]);
    expect(audit.at(-1)).toMatchObject({ action: 'stale-flag.resolved', after: { reason: 'revision-published' } });
  });

  it('review overdue (the SQL schedule), resolved by verifyArticle', async () => {
    await t.dataSource.query(`UPDATE article_locales SET first_published_at = now() - interval '400 days', last_reviewed_at = NULL WHERE article_id = $1`, [ids.tax]);
    await admin().send(RUN_SCAN);
    const [flag] = await flagsOf(ids.tax, 'review_overdue');
    expect(flag.status).toBe('open');
    const evidence = JSON.parse((await admin().send(FLAG, { id: flag.id })).data!.staleFlag.evidenceJson);
    expect(evidence).toMatchObject({ signal: 'review_overdue' });
    expect(evidence.daysOverdue).toBeGreaterThan(0);
    // Scanning again raises nothing new.
    await admin().send(RUN_SCAN);
    expect(await flagsOf(ids.tax, 'review_overdue')).toHaveLength(1);
    await admin().send(VERIFY, { input: { articleId: ids.tax, locale: 'en' } });
    expect((await flagsOf(ids.tax, 'review_overdue')).map((f) => f.status)).toEqual(['resolved']);
    await admin().send(RUN_SCAN);
    expect(await flagsOf(ids.tax, 'review_overdue')).toHaveLength(1);
  });

  it('outdated translation: a scan after the source is republished flags the translation (scans read only changed articles)', async () => {
    const article = await kb.published(categoryId);
    await kb.publish(await kb.save(article, 'de', { title: 'Rechnungen', bodyMarkdown: 'Übersetzt.' }), 'de');
    await admin().send(RUN_SCAN);
    expect(await flagsOf(article.id, 'outdated_translation')).toHaveLength(0);
    const [mark] = await t.dataSource.query(`SELECT changed_since FROM staleness_scan_marks WHERE detector = 'outdated_translation'`);
    expect(mark.changed_since).toBeInstanceOf(Date);

    await kb.publish(await kb.save(article, 'en', { title: 'Invoices, revised', bodyMarkdown: 'New steps.' }), 'en');
    await admin().send(RUN_SCAN);
    const flags = await flagsOf(article.id, 'outdated_translation');
    expect(flags).toMatchObject([{ status: 'open' }]);
    await admin().send(RUN_SCAN);
    expect(await flagsOf(article.id, 'outdated_translation')).toHaveLength(1);
  });

  it('negative feedback: clearly unhelpful votes on the published revision raise a flag', async () => {
    const [state] = await t.dataSource.query(`SELECT published_revision_id FROM article_locales WHERE article_id = $1 AND locale = 'en'`, [ids.roles]);
    await t.dataSource.query(
      `INSERT INTO article_feedback (article_id, locale, revision_id, is_helpful, comment, client_key, day)
       SELECT $1, 'en', $2, i <= 2, CASE WHEN i > 2 THEN 'outdated roles' END, 'client-' || i, current_date FROM generate_series(1, 20) i`,
      [ids.roles, state.published_revision_id],
    );
    await admin().send(RUN_SCAN);
    const [flag] = await flagsOf(ids.roles, 'negative_feedback');
    const evidence = JSON.parse((await admin().send(FLAG, { id: flag.id })).data!.staleFlag.evidenceJson);
    expect(evidence).toMatchObject({ signal: 'negative_feedback', helpful: 2, notHelpful: 18 });
    expect(evidence.comments[0]).toBe('outdated roles');
  });

  it('search gaps become content gaps once, refreshed not duplicated', async () => {
    await t.dataSource.query(
      `INSERT INTO search_query_log (query, normalized_query, locale, result_count) SELECT 'SSO with Okta', 'sso okta', 'en', 0 FROM generate_series(1, 8)`,
    );
    const first = await admin().send(RUN_SCAN);
    expect(first.data!.runStalenessScan.contentGapsCreated).toBe(1);
    await admin().send(RUN_SCAN);
    const gaps = (await admin().send(GAPS, { source: 'SearchGap' })).data!.contentGaps;
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatchObject({ source: 'SearchGap', status: 'Open', title: 'SSO with Okta' });
    expect(JSON.parse(gaps[0].evidenceJson)).toMatchObject({ searches: 8, zeroResultSearches: 8 });
  });

  it('the freshness queue: grouped per article, priority ordered, filters and counts per signal', async () => {
    const all = await queue();
    expect(all.items.length).toBeGreaterThan(0);
    const priorities = all.items.map((item) => item.priority);
    expect([...priorities].sort((a, b) => b - a)).toEqual(priorities);
    const roles = all.items.find((item) => item.articleId === ids.roles)!;
    expect(roles.flags.map((f) => f.signal)).toContain('NegativeFeedback');
    expect(roles.freshnessScore).toBeLessThan(100);
    expect(roles.reasons.some((reason) => reason.includes('unhelpful'))).toBe(true);
    expect(all.countsBySignal).toEqual(expect.arrayContaining([{ signal: 'NegativeFeedback', count: 1 }]));

    const onlyFeedback = await queue({ signal: 'NegativeFeedback' });
    expect(onlyFeedback.items.map((item) => item.articleId)).toEqual([ids.roles]);
    expect(onlyFeedback.countsBySignal).toEqual([{ signal: 'NegativeFeedback', count: 1 }]);
    expect((await queue({ locale: 'fr' })).totalCount).toBe(0);
    expect((await queue({ productId: '00000000-0000-4000-8000-000000000000' })).totalCount).toBe(0);
    const bad = await admin().send(QUEUE, { filter: { productId: 'not-a-uuid' } });
    expect(bad.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('history prior: articles edited after the product\'s earlier release rank first among the ones not flagged', async () => {
    const scans = t.app.get(StalenessScanService);
    const product = await admin().send(`mutation { createProduct(input: { key: "ledger-history", name: "Ledger history" }) { id } }`);
    const historyProductId = product.data!.createProduct.id as string;
    const body = '# Payment limits\n\nA payment above the daily limit needs a second approver.';
    const [a, b, c] = [await kb.published(categoryId, { title: 'Limits A', bodyMarkdown: body, productIds: [historyProductId] }), await kb.published(categoryId, { title: 'Limits B', bodyMarkdown: body, productIds: [historyProductId] }), await kb.published(categoryId, { title: 'Limits C', bodyMarkdown: body, productIds: [historyProductId] })];
    // Unrelated pages of the same product, so that the payment words are rare enough to match.
    for (const topic of ['Exporting invoices as CSV files', 'Team roles and permissions', 'Tax totals and rounding', 'Connecting a bank feed']) {
      await kb.published(categoryId, { title: topic, bodyMarkdown: `# ${topic}\n\n${topic} explained step by step.`, productIds: [historyProductId] });
    }
    const record = async (version: string, summary: string): Promise<string> => {
      const res = await admin().send(RECORD_RELEASE, { input: { productId: historyProductId, version, releasedAt: new Date().toISOString(), notesMarkdown: '', changes: [{ kind: 'Changed', summary, featureKeys: [] }] } });
      if (!res.data?.recordRelease) throw new Error(JSON.stringify(res.errors));
      return res.data.recordRelease.release.id;
    };
    await record('1.0.0', 'Nothing about the pages here');
    // Editors change C (only) after 1.0.0.
    await kb.publish(await kb.save(c, 'en', { title: 'Limits C', bodyMarkdown: `${body}\n\nRevised after 1.0.0.` }), 'en');
    const second = await record('1.1.0', 'The daily payment limit needs a second approver above 10,000');
    const result = await scans.scanRelease(second, { ...DEFAULT_PRODUCT_CHANGE_PARAMETERS, maxFlagged: 1, minFlagged: 1 });
    expect(result.findings.filter((f) => f.flagged)).toHaveLength(1);
    // C's revision is longer, so its text match is the weakest of the three: without the prior it would rank last.
    expect(result.findings.map((f) => f.articleId)).toHaveLength(3);
    expect([a.id, b.id]).toContain(result.findings[0].articleId);
    expect(result.findings[1]).toMatchObject({ articleId: c.id, flagged: false });
    expect(result.findings[1].score).toBeLessThan(result.findings[2].score);
  });
});

