import { facetValues, splitFacetCounts } from './postgres-engine';

describe('PostgreSQL engine facets', () => {
  it('prefixes every facet value of a document with its facet', () => {
    const values = facetValues({
      kind: 'article',
      id: 'a1',
      locale: 'en',
      version: 1,
      visibility: 'public',
      status: 'published',
      title: 't',
      headings: [],
      body: '',
      slug: 't',
      categoryIds: ['c1', 'c0'],
      productKeys: ['books'],
      tags: ['tax:vat'],
      solved: null,
      updatedAt: new Date(),
      publishedAt: null,
    });
    expect(values).toEqual(['kind:article', 'locale:en', 'status:published', 'category:c1', 'category:c0', 'product:books', 'tag:tax:vat']);
  });

  it('splits one count list into the requested facets, most frequent first, values keeping their colons', () => {
    const counts = [
      { v: 'tag:b', c: 2 },
      { v: 'tag:a', c: 2 },
      { v: 'tag:tax:vat', c: 5 },
      { v: 'locale:en', c: 9 },
      { v: 'status:published', c: 9 },
    ];
    expect(splitFacetCounts(counts, ['tag', 'locale', 'product'])).toEqual({
      tag: [
        { value: 'tax:vat', count: 5 },
        { value: 'a', count: 2 },
        { value: 'b', count: 2 },
      ],
      locale: [{ value: 'en', count: 9 }],
      product: [],
    });
  });

  it('keeps at most 50 values per facet', () => {
    const counts = Array.from({ length: 80 }, (_, i) => ({ v: `tag:t${String(i).padStart(2, '0')}`, c: i }));
    const tags = splitFacetCounts(counts, ['tag']).tag ?? [];
    expect(tags).toHaveLength(50);
    expect(tags[0]).toEqual({ value: 't79', count: 79 });
  });
});
