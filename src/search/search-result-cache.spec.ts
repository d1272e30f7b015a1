import type { SearchQuery } from '../../search/search-engine';
import { cacheKey } from './search-result-cache';

const query: SearchQuery = {
  text: 'reset password',
  audience: 'public',
  filters: { locales: ['en'] },
  facets: ['category'],
  offset: 0,
  limit: 10,
  matching: 'all',
  highlight: { preTag: '<mark>', postTag: '</mark>' },
};

describe('search result cache key', () => {
  it('ignores case and spacing of the text', () => {
    expect(cacheKey({ ...query, text: '  Reset   PASSWORD ' })).toBe(cacheKey(query));
  });

  it('tells apart everything else that changes the answer', () => {
    const variants: SearchQuery[] = [
      { ...query, text: 'reset passwords' },
      { ...query, audience: 'staff' },
      { ...query, filters: { locales: ['de'] } },
      { ...query, facets: ['tag'] },
      { ...query, offset: 10 },
      { ...query, limit: 20 },
      { ...query, matching: 'any' },
      { ...query, highlight: { preTag: '<b>', postTag: '</b>' } },
    ];
    const keys = new Set(variants.map(cacheKey));
    expect(keys.size).toBe(variants.length);
    expect(keys.has(cacheKey(query))).toBe(false);
  });
});
