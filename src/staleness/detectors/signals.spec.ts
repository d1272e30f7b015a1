import { negativeFeedback, outdatedTranslations, reviewOverdue, searchGaps, wilsonLowerBound } from './signals';

describe('wilsonLowerBound', () => {
  it('is 0 without votes and grows with evidence of the same share', () => {
    expect(wilsonLowerBound(0, 0)).toBe(0);
    expect(wilsonLowerBound(5, 10)).toBeCloseTo(0.2366, 3);
    expect(wilsonLowerBound(50, 100)).toBeGreaterThan(wilsonLowerBound(5, 10));
    expect(wilsonLowerBound(10, 10)).toBeLessThan(1);
  });
});

describe('negativeFeedback', () => {
  const row = { articleId: 'a', locale: 'en', revisionId: 'r1', comments: ['wrong'] };
  it('needs the minimum number of votes', () => {
    expect(negativeFeedback([{ ...row, helpful: 0, notHelpful: 9 }], { threshold: 0.3, minVotes: 10, windowDays: 90 })).toEqual([]);
  });
  it('flags a clearly unhelpful article with its votes as evidence, not a mixed one', () => {
    const [flag] = negativeFeedback([{ ...row, helpful: 2, notHelpful: 18 }], { threshold: 0.3, minVotes: 10, windowDays: 90 });
    expect(flag.evidence).toMatchObject({ signal: 'negative_feedback', helpful: 2, notHelpful: 18, comments: ['wrong'] });
    expect(flag.severity).toBe('high');
    expect(negativeFeedback([{ ...row, helpful: 15, notHelpful: 5 }], { threshold: 0.3, minVotes: 10, windowDays: 90 })).toEqual([]);
  });
  it('fingerprints per revision', () => {
    const a = negativeFeedback([{ ...row, helpful: 0, notHelpful: 20 }])[0];
    const b = negativeFeedback([{ ...row, helpful: 1, notHelpful: 30 }])[0];
    const c = negativeFeedback([{ ...row, revisionId: 'r2', helpful: 0, notHelpful: 20 }])[0];
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
  });
});

describe('reviewOverdue', () => {
  it('flags only passed dates, severity by how far past the interval', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const findings = reviewOverdue(
      [
        { articleId: 'a', locale: 'en', nextReviewAt: new Date('2026-07-01T00:00:00Z'), reviewIntervalDays: 90 },
        { articleId: 'b', locale: 'en', nextReviewAt: new Date('2026-05-30T00:00:00Z'), reviewIntervalDays: 90 },
        { articleId: 'c', locale: 'en', nextReviewAt: new Date('2026-01-01T00:00:00Z'), reviewIntervalDays: 90 },
      ],
      now,
    );
    expect(findings.map((f) => [f.articleId, f.severity, f.evidence.daysOverdue])).toEqual([
      ['b', 'low', 2],
      ['c', 'high', 151],
    ]);
  });
});

describe('outdatedTranslations', () => {
  it('flags outdated rows with the revisions as evidence; a newer source revision is new evidence', () => {
    const base = { articleId: 'a', locale: 'de', sourceLocale: 'en', isOutdated: true, translatedFromRevisionNumber: 2 };
    const [one] = outdatedTranslations([{ ...base, sourceRevisionNumber: 3 }, { ...base, locale: 'fr', isOutdated: false, sourceRevisionNumber: 3 }]);
    expect(one.evidence).toEqual({ signal: 'outdated_translation', sourceLocale: 'en', sourceRevisionNumber: 3, translatedFromRevisionNumber: 2 });
    const [two] = outdatedTranslations([{ ...base, sourceRevisionNumber: 4 }]);
    expect(two.fingerprint).not.toBe(one.fingerprint);
  });
});

describe('searchGaps', () => {
  it('keeps frequent queries that mostly fail', () => {
    const when = new Date('2026-06-01T00:00:00Z');
    const gaps = searchGaps([
      { normalizedQuery: 'sso okta', query: 'SSO Okta', locale: 'en', searches: 12, clients: 12, zeroResultSearches: 10, noClickSearches: 1, lastSearchedAt: when },
      { normalizedQuery: 'invoice', query: 'invoice', locale: 'en', searches: 40, clients: 30, zeroResultSearches: 0, noClickSearches: 4, lastSearchedAt: when },
      { normalizedQuery: 'rare', query: 'rare', locale: 'en', searches: 2, clients: 2, zeroResultSearches: 2, noClickSearches: 0, lastSearchedAt: when },
      { normalizedQuery: 'one client', query: 'one client', locale: 'en', searches: 50, clients: 2, zeroResultSearches: 50, noClickSearches: 0, lastSearchedAt: when },
    ]);
    expect(gaps.map((g) => g.title)).toEqual(['SSO Okta']);
    expect(gaps[0].evidence).toMatchObject({ source: 'search_gap', searches: 12, zeroResultSearches: 10 });
  });
});
