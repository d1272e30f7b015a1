import { toStaleFlagEvidence } from './to-stale-flag-evidence';

describe('toStaleFlagEvidence', () => {
  it('types each signal', () => {
    expect(
      toStaleFlagEvidence('review_overdue', { signal: 'review_overdue', nextReviewAt: '2026-01-01T00:00:00.000Z', reviewIntervalDays: 180, daysOverdue: 12 }),
    ).toEqual({ kind: 'review_overdue', nextReviewAt: new Date('2026-01-01T00:00:00.000Z'), reviewIntervalDays: 180, daysOverdue: 12 });
    expect(
      toStaleFlagEvidence('recurring_questions', {
        signal: 'recurring_questions',
        clusterId: 'c',
        askers: 3,
        threads: [{ threadId: 't', title: 'How?', createdAt: '2026-01-02T00:00:00.000Z' }],
        commonTerms: ['sso'],
        pointedBy: 'similarity',
        articleSimilarity: 0.5,
      }),
    ).toMatchObject({ kind: 'recurring_questions', pointedBy: 'similarity', articleSimilarity: 0.5, threads: [{ threadId: 't', createdAt: new Date('2026-01-02T00:00:00.000Z') }] });
    expect(
      toStaleFlagEvidence('outdated_translation', { signal: 'outdated_translation', sourceLocale: 'en', sourceRevisionNumber: 4, translatedFromRevisionNumber: null }),
    ).toEqual({ kind: 'outdated_translation', sourceLocale: 'en', sourceRevisionNumber: 4, translatedFromRevisionNumber: null });
  });

  it.each([
    ['an empty object', 'review_overdue', {}],
    ['another signal’s shape', 'negative_feedback', { signal: 'review_overdue', nextReviewAt: '2026-01-01', reviewIntervalDays: 1, daysOverdue: 1 }],
    ['a date that is not one', 'review_overdue', { signal: 'review_overdue', nextReviewAt: 'soon', reviewIntervalDays: 1, daysOverdue: 1 }],
    ['an unknown signal', 'weather', { signal: 'weather' }],
  ])('is null for %s (evidenceJson still has it)', (_, signal, stored) => {
    expect(toStaleFlagEvidence(signal, stored as Record<string, unknown>)).toBeNull();
  });
});
