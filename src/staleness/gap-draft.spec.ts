import { draftFromGap } from './gap-draft';

describe('draftFromGap', () => {
  it('a recurring-questions gap: outline, the questions and the common terms', () => {
    const draft = draftFromGap({
      title: 'Resetting two-factor',
      evidence: {
        source: 'recurring_questions',
        clusterId: 'c1',
        askers: 3,
        threads: [{ threadId: 't1', title: 'Lost my 2FA phone', createdAt: '2026-01-01' }],
        commonTerms: ['2fa', 'reset'],
        outline: '## Steps\n\n1. Open settings',
      },
    });
    expect(draft.title).toBe('Resetting two-factor');
    expect(draft.bodyMarkdown).toContain('## Steps');
    expect(draft.bodyMarkdown).toContain('- Lost my 2FA phone (thread t1)');
    expect(draft.bodyMarkdown).toContain('Common terms: 2fa, reset');
  });

  it('a search gap: the query and its counts; an empty title becomes Untitled', () => {
    const draft = draftFromGap({
      title: '  ',
      evidence: { source: 'search_gap', query: 'sso okta', searches: 8, zeroResultSearches: 8, noClickSearches: 0, windowDays: 30, lastSearchedAt: '2026-01-01' },
    });
    expect(draft.title).toBe('Untitled');
    expect(draft.bodyMarkdown).toContain('"sso okta" 8 times in 30 days');
  });
});
