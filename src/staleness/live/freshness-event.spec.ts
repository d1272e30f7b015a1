import { FreshnessQueueEvent, matchesFreshnessFilter } from './freshness-event';

const flag: FreshnessQueueEvent = {
  kind: 'flag',
  change: 'raised',
  flagId: 'f1',
  articleId: 'a1',
  locale: 'en',
  signal: 'review_overdue',
  severity: 'medium',
  status: 'open',
  categoryId: 'c1',
  productIds: ['p1', 'p2'],
  occurredAt: '2026-11-29T21:00:00Z',
};
const gap = (source: string): FreshnessQueueEvent => ({
  kind: 'gap',
  change: 'gap_created',
  gapId: 'g1',
  articleId: null,
  locale: 'en',
  source,
  status: 'open',
  title: 'SSO with Okta',
  occurredAt: '2026-11-29T21:00:00Z',
});

describe('matchesFreshnessFilter', () => {
  it.each([
    [{}, true],
    [{ productId: 'p2' }, true],
    [{ productId: 'p3' }, false],
    [{ categoryId: 'c1' }, true],
    [{ categoryId: 'c2' }, false],
    [{ locale: 'en' }, true],
    [{ locale: 'de' }, false],
    [{ signal: 'review_overdue' }, true],
    [{ signal: 'product_change' }, false],
    [{ productId: 'p1', categoryId: 'c1', locale: 'en', signal: 'review_overdue' }, true],
    [{ productId: 'p1', categoryId: 'c1', locale: 'en', signal: 'negative_feedback' }, false],
  ])('a flag event under %j: %s', (filter, expected) => {
    expect(matchesFreshnessFilter(flag, filter)).toBe(expected);
  });

  it.each([
    ['search_gap', {}, true],
    ['search_gap', { locale: 'de' }, false],
    ['search_gap', { productId: 'p1' }, false],
    ['search_gap', { categoryId: 'c1' }, false],
    ['search_gap', { signal: 'recurring_questions' }, false],
    ['recurring_questions', { signal: 'recurring_questions' }, true],
    ['recurring_questions', { signal: 'review_overdue' }, false],
  ])('a %s gap event under %j: %s', (source, filter, expected) => {
    expect(matchesFreshnessFilter(gap(source), filter)).toBe(expected);
  });
});
