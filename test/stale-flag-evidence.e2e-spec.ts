/**
 * `StaleFlag.evidence` (admin API): the union `StaleFlagEvidence` resolves to one type per signal, for flags
 * written by the detectors' evidence shapes (`src/staleness/evidence.ts`) and for one raised by a real scan.
 */
import { Role } from '../src/users/role.enum';
import { KnowledgeBaseFactory } from './factories/knowledge-base';
import { createTestApp, TestApp } from './support/create-test-app';

const FLAG = `query ($id: ID!) { staleFlag(id: $id) { signal evidenceJson evidence {
  __typename
  ... on ProductChangeEvidence { releaseId version releasedAt productId revisionId score changes { kind summary passages { start end excerpt } } }
  ... on ReviewOverdueEvidence { nextReviewAt reviewIntervalDays daysOverdue }
  ... on NegativeFeedbackEvidence { windowDays helpful notHelpful wilsonLowerBound threshold comments }
  ... on OutdatedTranslationEvidence { sourceLocale sourceRevisionNumber translatedFromRevisionNumber }
  ... on RecurringQuestionsEvidence { clusterId askers commonTerms pointedBy articleSimilarity threads { threadId title createdAt } }
} productChange { releaseId } } }`;

const RELEASE_ID = '00000000-0000-4000-8000-000000000001';
const PRODUCT_ID = '00000000-0000-4000-8000-000000000002';
const REVISION_ID = '00000000-0000-4000-8000-000000000003';
const CLUSTER_ID = '00000000-0000-4000-8000-000000000004';
const THREAD_ID = '00000000-0000-4000-8000-000000000005';

const SHAPES: [string, Record<string, unknown>, string, Record<string, unknown>][] = [
  [
    'product_change',
    {
      signal: 'product_change',
      release: { id: RELEASE_ID, version: '2.0.0', releasedAt: '2026-11-01T00:00:00.000Z', productId: PRODUCT_ID },
      score: 1.5,
      revisionId: REVISION_ID,
      changes: [{ changeId: null, kind: 'removed', summary: 'CSV export', score: 1.5, viaFeatureKey: false, passages: [{ start: 0, end: 10, heading: 'Export', excerpt: 'CSV export', score: 1 }] }],
    },
    'ProductChangeEvidence',
    { releaseId: RELEASE_ID, version: '2.0.0', releasedAt: '2026-11-01T00:00:00.000Z', productId: PRODUCT_ID, revisionId: REVISION_ID, score: 1.5, changes: [{ kind: 'removed', summary: 'CSV export', passages: [{ start: 0, end: 10, excerpt: 'CSV export' }] }] },
  ],
  [
    'review_overdue',
    { signal: 'review_overdue', nextReviewAt: '2026-06-01T00:00:00.000Z', reviewIntervalDays: 180, daysOverdue: 30 },
    'ReviewOverdueEvidence',
    { nextReviewAt: '2026-06-01T00:00:00.000Z', reviewIntervalDays: 180, daysOverdue: 30 },
  ],
  [
    'negative_feedback',
    { signal: 'negative_feedback', windowDays: 90, helpful: 2, notHelpful: 18, wilsonLowerBound: 0.03, threshold: 0.3, comments: ['outdated'] },
    'NegativeFeedbackEvidence',
    { windowDays: 90, helpful: 2, notHelpful: 18, wilsonLowerBound: 0.03, threshold: 0.3, comments: ['outdated'] },
  ],
  [
    'outdated_translation',
    { signal: 'outdated_translation', sourceLocale: 'en', sourceRevisionNumber: 5, translatedFromRevisionNumber: 3 },
    'OutdatedTranslationEvidence',
    { sourceLocale: 'en', sourceRevisionNumber: 5, translatedFromRevisionNumber: 3 },
  ],
  [
    'recurring_questions',
    {
      signal: 'recurring_questions',
      clusterId: CLUSTER_ID,
      askers: 4,
      threads: [{ threadId: THREAD_ID, title: 'SSO with Okta?', createdAt: '2026-11-20T10:00:00.000Z' }],
      commonTerms: ['sso', 'okta'],
      pointedBy: 'similarity',
      articleSimilarity: 0.42,
    },
    'RecurringQuestionsEvidence',
    { clusterId: CLUSTER_ID, askers: 4, commonTerms: ['sso', 'okta'], pointedBy: 'Similarity', articleSimilarity: 0.42, threads: [{ threadId: THREAD_ID, title: 'SSO with Okta?', createdAt: '2026-11-20T10:00:00.000Z' }] },
  ],
];

describe('StaleFlag.evidence (typed per signal)', () => {
  let t: TestApp;
  let editorToken: string;
  let articleId: string;

  beforeAll(async () => {
    t = await createTestApp({ SEARCH_WORKER: 'false' });
    editorToken = await t.login(await t.createUser({ role: Role.Editor }));
    const kb = new KnowledgeBaseFactory(t.admin(editorToken));
    articleId = (await kb.published((await kb.category('Evidence')).id, { title: 'Evidence article' })).id;
  });
  afterAll(() => t.close());

  const flagOf = async (id: string) => {
    const res = await t.admin(editorToken).send(FLAG, { id });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data!.staleFlag as { signal: string; evidenceJson: string; evidence: Record<string, unknown> | null; productChange: { releaseId: string } | null };
  };
  const insert = async (signal: string, evidence: Record<string, unknown>): Promise<string> => {
    const [row] = await t.dataSource.query(
      `INSERT INTO stale_flags (article_id, locale, signal, severity, score, evidence, fingerprint) VALUES ($1, 'en', $2, 'medium', 1, $3, $4) RETURNING id`,
      [articleId, signal, JSON.stringify(evidence), `evidence-test:${signal}:${Math.random()}`],
    );
    return row.id;
  };

  it.each(SHAPES)('a %s flag resolves to its type', async (signal, stored, typename, fields) => {
    const flag = await flagOf(await insert(signal, stored));
    expect(flag.evidence).toEqual({ __typename: typename, ...fields });
    expect(JSON.parse(flag.evidenceJson)).toEqual(stored);
    expect(flag.productChange).toEqual(signal === 'product_change' ? { releaseId: RELEASE_ID } : null);
  });

  it('types the evidence a real scan writes (review overdue)', async () => {
    await t.dataSource.query(`UPDATE article_locales SET first_published_at = now() - interval '400 days', last_reviewed_at = NULL WHERE article_id = $1`, [articleId]);
    const res = await t.admin(editorToken).send(`mutation { runStalenessScan { flagsRaised } }`);
    expect(res.errors).toBeUndefined();
    const [row] = await t.dataSource.query(`SELECT id FROM stale_flags WHERE article_id = $1 AND signal = 'review_overdue' AND fingerprint NOT LIKE 'evidence-test:%'`, [articleId]);
    const flag = await flagOf(row.id);
    expect(flag.evidence).toMatchObject({ __typename: 'ReviewOverdueEvidence', reviewIntervalDays: expect.any(Number) });
    expect(flag.evidence!.daysOverdue).toBeGreaterThan(0);
  });

  it('is null, with evidenceJson kept, for a stored shape that does not match its signal', async () => {
    const flag = await flagOf(await insert('negative_feedback', { note: 'hand-written' }));
    expect(flag.evidence).toBeNull();
    expect(JSON.parse(flag.evidenceJson)).toEqual({ note: 'hand-written' });
  });
});
