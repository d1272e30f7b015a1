import type { SearchDocument, SearchQuery } from '../search-engine';
import {
  buildFilter,
  buildSearchParams,
  buildSettings,
  documentKeyOf,
  HIGHLIGHT_POST,
  HIGHLIGHT_PRE,
  keysFilter,
  mergeSynonyms,
  meiliLocale,
  nextVersionCursor,
  parseVersionCursor,
  quoteFilterValue,
  renderHighlight,
  selectNewer,
  toFacets,
  toMeiliDocument,
  toMeiliQuery,
  toSearchPage,
} from './meilisearch-query';

const ARTICLE_ID = '3f2a7c1e-1d2b-4c5d-8e9f-0a1b2c3d4e5f';
const TAGS = { preTag: '<mark>', postTag: '</mark>' };

function query(overrides: Partial<SearchQuery> = {}): SearchQuery {
  return {
    text: 'invoice',
    audience: 'public',
    filters: {},
    facets: [],
    offset: 0,
    limit: 10,
    matching: 'all',
    highlight: TAGS,
    ...overrides,
  };
}

function document(overrides: Partial<SearchDocument> = {}): SearchDocument {
  return {
    kind: 'article',
    id: ARTICLE_ID,
    locale: 'en',
    version: 2,
    visibility: 'public',
    status: 'published',
    title: 'Download invoices',
    headings: ['From the dashboard', 'By email'],
    body: 'Open Billing and pick an invoice.',
    slug: 'download-invoices',
    categoryIds: ['c-billing', 'c-root'],
    productKeys: ['cloud'],
    tags: ['billing'],
    solved: null,
    updatedAt: new Date('2024-05-01T10:00:00Z'),
    publishedAt: new Date('2024-04-01T10:00:00Z'),
    ...overrides,
  };
}

describe('documents', () => {
  it('keys a document by kind, id and locale with only [A-Za-z0-9_-]', () => {
    const key = documentKeyOf({ kind: 'article', id: ARTICLE_ID, locale: 'zh-CN' });
    expect(key).toBe(`article__${ARTICLE_ID}__zh-CN`);
    expect(documentKeyOf({ kind: 'thread', id: 'a b/ü_', locale: 'en' })).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('never gives two refs the same key', () => {
    const keys = [
      { kind: 'article' as const, id: 'a-b', locale: 'c' },
      { kind: 'article' as const, id: 'a', locale: 'b-c' },
      { kind: 'article' as const, id: 'a_', locale: 'b' },
      { kind: 'article' as const, id: 'a', locale: '_b' },
      { kind: 'article' as const, id: 'a__b', locale: 'c' },
      { kind: 'thread' as const, id: 'a-b', locale: 'c' },
    ].map(documentKeyOf);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('stores dates as epoch milliseconds and every field filters, facets and hits need', () => {
    expect(toMeiliDocument(document({ publishedAt: null }))).toEqual({
      key: `article__${ARTICLE_ID}__en`,
      kind: 'article',
      id: ARTICLE_ID,
      locale: 'en',
      version: 2,
      visibility: 'public',
      status: 'published',
      title: 'Download invoices',
      headings: ['From the dashboard', 'By email'],
      body: 'Open Billing and pick an invoice.',
      slug: 'download-invoices',
      categoryIds: ['c-billing', 'c-root'],
      productKeys: ['cloud'],
      tags: ['billing'],
      solved: null,
      updatedAt: Date.parse('2024-05-01T10:00:00Z'),
      publishedAt: null,
    });
  });

  it('strips the private highlight markers from indexed text', () => {
    const stored = toMeiliDocument(
      document({ title: `a${HIGHLIGHT_PRE}b${HIGHLIGHT_POST}c`, headings: [`${HIGHLIGHT_PRE}h`], body: `x${HIGHLIGHT_POST}y` }),
    );
    expect([stored.title, stored.headings[0], stored.body]).toEqual(['abc', 'h', 'xy']);
  });
});

describe('selectNewer (versioned upsert)', () => {
  const key = documentKeyOf(document());

  it('sends a document that is not indexed yet', () => {
    expect(selectNewer([document()], new Map()).map((d) => d.version)).toEqual([2]);
  });

  it('sends a newer version and drops an equal or older one', () => {
    expect(selectNewer([document({ version: 3 })], new Map([[key, 2]]))).toHaveLength(1);
    expect(selectNewer([document({ version: 2 })], new Map([[key, 2]]))).toEqual([]);
    expect(selectNewer([document({ version: 1 })], new Map([[key, 2]]))).toEqual([]);
  });

  it('keeps only the newest version of a key within one batch', () => {
    const sent = selectNewer([document({ version: 5, title: 'new' }), document({ version: 4, title: 'old' })], new Map());
    expect(sent.map((d) => [d.version, d.title])).toEqual([[5, 'new']]);
  });

  it('decides per key', () => {
    const other = document({ locale: 'de' });
    const sent = selectNewer([document({ version: 1 }), other], new Map([[key, 2]]));
    expect(sent.map((d) => d.locale)).toEqual(['de']);
  });

  it('looks the batch up with one key IN filter', () => {
    expect(keysFilter(['a', 'b'])).toBe('key IN ["a", "b"]');
  });
});

describe('filters', () => {
  it('always restricts a public audience to public documents, even without filters', () => {
    expect(buildFilter('public', {})).toEqual(['visibility = "public"']);
    expect(buildSearchParams(query({ text: '' })).filter).toEqual(['visibility = "public"']);
  });

  it('puts the visibility clause first, whatever else is filtered', () => {
    const filter = buildFilter('public', { kinds: ['article'], statuses: ['draft'] });
    expect(filter[0]).toBe('visibility = "public"');
  });

  it('treats anything but an explicit staff audience as public', () => {
    expect(buildFilter('nobody' as SearchQuery['audience'], {})).toEqual(['visibility = "public"']);
    expect(buildFilter('staff', {})).toEqual([]);
    expect(buildSearchParams(query({ audience: 'staff' })).filter).toBeUndefined();
  });

  it('matches any of the categories (the index holds every ancestor)', () => {
    expect(buildFilter('public', { categoryIds: ['c1', 'c2'] })).toEqual([
      'visibility = "public"',
      'categoryIds IN ["c1", "c2"]',
    ]);
  });

  it('translates every filter', () => {
    expect(
      buildFilter('staff', {
        kinds: ['article', 'thread'],
        locales: ['zh-CN'],
        productKeys: ['cloud'],
        tags: ['billing'],
        statuses: ['draft', 'in_review'],
        solved: false,
      }),
    ).toEqual([
      'kind IN ["article", "thread"]',
      'locale IN ["zh-CN"]',
      'productKeys IN ["cloud"]',
      'tags IN ["billing"]',
      'status IN ["draft", "in_review"]',
      'solved = false',
    ]);
    expect(buildFilter('staff', { solved: true })).toEqual(['solved = true']);
  });

  it('ignores empty lists', () => {
    expect(buildFilter('staff', { kinds: [], tags: [] })).toEqual([]);
  });

  it('quotes values and escapes quotes and backslashes inside them', () => {
    expect(quoteFilterValue('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
    expect(buildFilter('staff', { tags: ['a" OR visibility = "staff'] })).toEqual([
      'tags IN ["a\\" OR visibility = \\"staff"]',
    ]);
    expect(buildFilter('staff', { tags: ['ends with \\'] })).toEqual(['tags IN ["ends with \\\\"]']);
  });
});

describe('buildSearchParams', () => {
  it('asks for highlighted titles, cropped bodies and scores, marked with the private markers', () => {
    expect(buildSearchParams(query())).toEqual({
      q: 'invoice',
      filter: ['visibility = "public"'],
      offset: 0,
      limit: 10,
      matchingStrategy: 'last',
      attributesToRetrieve: ['key', 'kind', 'id', 'locale', 'title', 'slug', 'categoryIds', 'productKeys', 'tags', 'status', 'publishedAt'],
      attributesToHighlight: ['title'],
      attributesToCrop: ['body'],
      cropLength: 30,
      cropMarker: '…',
      highlightPreTag: '\u0002',
      highlightPostTag: '\u0003',
      showRankingScore: true,
    });
  });

  it('maps the matching mode', () => {
    expect(buildSearchParams(query({ matching: 'all' })).matchingStrategy).toBe('last');
    expect(buildSearchParams(query({ matching: 'any' })).matchingStrategy).toBe('frequency');
  });

  it('passes offset and limit', () => {
    const params = buildSearchParams(query({ offset: 40, limit: 20 }));
    expect([params.offset, params.limit]).toEqual([40, 20]);
    const odd = buildSearchParams(query({ offset: -3, limit: 7.9 }));
    expect([odd.offset, odd.limit]).toEqual([0, 7]);
  });

  it('maps facet names to attributes', () => {
    const params = buildSearchParams(
      query({ facets: ['kind', 'category', 'product', 'tag', 'locale', 'status', 'solved'] }),
    );
    expect(params.facets).toEqual(['kind', 'categoryIds', 'productKeys', 'tags', 'locale', 'status', 'solved']);
    expect(buildSearchParams(query()).facets).toBeUndefined();
  });

  it('browses newest first when the text is empty', () => {
    const params = buildSearchParams(query({ text: '   ' }));
    expect(params.q).toBe('');
    expect(params.sort).toEqual(['publishedAt:desc']);
    expect(buildSearchParams(query()).sort).toBeUndefined();
  });

  it('tells Meilisearch the languages of a locale filter', () => {
    expect(buildSearchParams(query({ filters: { locales: ['zh-CN', 'zh-TW', 'en'] } })).locales).toEqual(['cmn', 'eng']);
    expect(buildSearchParams(query()).locales).toBeUndefined();
  });

  it('treats user text as words only, at most 256 characters', () => {
    expect(toMeiliQuery('  "reset password"  -billing  ')).toBe('"reset password" billing');
    expect(toMeiliQuery('"one" "unbalanced two')).toBe('one unbalanced two');
    expect(toMeiliQuery('a "" b "x  y"')).toBe('a b "x y"');
    expect(toMeiliQuery('e-mail --x')).toBe('e-mail x');
    expect(toMeiliQuery(`a\u0002b\u0003c`)).toBe('a b c');
    expect(toMeiliQuery('x'.repeat(1_000))).toHaveLength(256);
  });
});

describe('highlights', () => {
  it('escapes everything and wraps each match in our tags', () => {
    expect(renderHighlight(`Pay the ${HIGHLIGHT_PRE}invoice${HIGHLIGHT_POST} & <b>go</b>`, TAGS)).toBe(
      'Pay the <mark>invoice</mark> &amp; &lt;b&gt;go&lt;/b&gt;',
    );
  });

  it('never lets markup from the source through, even inside a match', () => {
    const html = renderHighlight(`${HIGHLIGHT_PRE}<script>${HIGHLIGHT_POST}alert(1)</script>`, TAGS);
    expect(html).toBe('<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script');
  });

  it('drops stray or unbalanced markers and empty matches', () => {
    expect(renderHighlight(`a${HIGHLIGHT_POST}b${HIGHLIGHT_PRE}${HIGHLIGHT_POST}c${HIGHLIGHT_PRE}d`, TAGS)).toBe(
      'abc<mark>d</mark>',
    );
  });

  it('maps hits with safe highlighted titles and snippets', () => {
    const page = toSearchPage(
      {
        hits: [
          {
            key: `article__${ARTICLE_ID}__en`,
            kind: 'article',
            id: ARTICLE_ID,
            locale: 'en',
            title: '<script>alert(1)</script> invoices',
            slug: 'download-invoices',
            categoryIds: ['c1'],
            productKeys: ['cloud'],
            tags: ['billing'],
            status: 'published',
            publishedAt: Date.parse('2024-04-01T10:00:00Z'),
            _formatted: {
              title: `<script>alert(1)</script> ${HIGHLIGHT_PRE}invoices${HIGHLIGHT_POST}`,
              body: `…pick an ${HIGHLIGHT_PRE}invoice${HIGHLIGHT_POST} <img onerror=x>…`,
            },
            _rankingScore: 0.87,
          },
        ],
        offset: 0,
        limit: 10,
        estimatedTotalHits: 41,
        processingTimeMs: 1,
        query: 'invoice',
      },
      query(),
    );
    expect(page).toEqual({
      hits: [
        {
          kind: 'article',
          id: ARTICLE_ID,
          locale: 'en',
          title: '<script>alert(1)</script> invoices',
          slug: 'download-invoices',
          highlightedTitle: '&lt;script&gt;alert(1)&lt;/script&gt; <mark>invoices</mark>',
          snippet: '…pick an <mark>invoice</mark> &lt;img onerror=x&gt;…',
          score: 0.87,
          categoryIds: ['c1'],
          productKeys: ['cloud'],
          tags: ['billing'],
          status: 'published',
          publishedAt: new Date('2024-04-01T10:00:00Z'),
        },
      ],
      total: 41,
      facets: {},
      totalIsEstimate: false,
      correctedText: null,
      didYouMean: null,
    });
  });
});

describe('facets', () => {
  it('maps the distribution back to facet names, by count then value', () => {
    const facets = toFacets(
      { categoryIds: { b: 2, a: 2, c: 5 }, solved: { true: 1, false: 3 }, kind: { article: 4 } },
      ['category', 'solved', 'tag'],
    );
    expect(facets).toEqual({
      category: [
        { value: 'c', count: 5 },
        { value: 'a', count: 2 },
        { value: 'b', count: 2 },
      ],
      solved: [
        { value: 'false', count: 3 },
        { value: 'true', count: 1 },
      ],
      tag: [],
    });
  });
});

describe('settings', () => {
  const settings = buildSettings(
    {
      synonyms: {
        en: [['invoice', 'bill', 'Receipt'], ['sign in', 'log in']],
        de: [['Rechnung', 'Beleg'], ['invoice', 'rechnung']],
        fr: [['seul']],
      },
      stopWords: { en: ['the', 'a', 'The'], de: ['der', 'die'], fr: [' le '] },
    },
    ['en', 'zh-CN', 'zh-TW', 'ja'],
  );

  it('searches title, then headings, then body, ranked by attribute order', () => {
    expect(settings.searchableAttributes).toEqual(['title', 'headings', 'body']);
    expect(settings.rankingRules).toEqual(['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness']);
  });

  it('makes filter, facet and sort attributes known and keeps typo tolerance on', () => {
    expect(settings.filterableAttributes).toEqual([
      'kind', 'locale', 'visibility', 'status', 'categoryIds', 'productKeys', 'tags', 'solved', 'key',
    ]);
    expect(settings.sortableAttributes).toEqual(['publishedAt', 'updatedAt', 'key']);
    expect(settings.typoTolerance).toEqual({ enabled: true });
  });

  it('merges every locale\'s synonym groups into one multi-way map', () => {
    expect(settings.synonyms).toEqual({
      beleg: ['rechnung'],
      bill: ['invoice', 'receipt'],
      invoice: ['bill', 'receipt', 'rechnung'],
      'log in': ['sign in'],
      receipt: ['bill', 'invoice'],
      rechnung: ['beleg', 'invoice'],
      'sign in': ['log in'],
    });
    expect(mergeSynonyms({})).toEqual({});
  });

  it('merges every locale\'s stop words into one list', () => {
    expect(settings.stopWords).toEqual(['a', 'der', 'die', 'le', 'the']);
  });

  it('declares the languages of every known locale on the searchable attributes', () => {
    expect(settings.localizedAttributes).toEqual([
      { attributePatterns: ['title', 'headings', 'body'], locales: ['cmn', 'deu', 'eng', 'fra', 'jpn'] },
    ]);
    expect(buildSettings({ synonyms: {}, stopWords: {} }).localizedAttributes).toBeNull();
  });

  it.each([
    ['zh-CN', 'cmn'], ['zh-TW', 'cmn'], ['ja', 'jpn'], ['de', 'deu'], ['fr', 'fra'], ['es', 'spa'], ['en', 'eng'],
    ['pt_BR', 'por'], ['xx', null],
  ])('maps locale %s to %s', (locale, code) => {
    expect(meiliLocale(locale)).toBe(code);
  });
});

describe('versions cursor', () => {
  it('is an offset', () => {
    expect(parseVersionCursor(null)).toBe(0);
    expect(parseVersionCursor('200')).toBe(200);
    expect(() => parseVersionCursor('-1')).toThrow('Invalid versions cursor');
    expect(() => parseVersionCursor('abc')).toThrow('Invalid versions cursor');
  });

  it('ends when the last page is read', () => {
    expect(nextVersionCursor(0, 100, 250)).toBe('100');
    expect(nextVersionCursor(200, 50, 250)).toBeNull();
    expect(nextVersionCursor(0, 0, 0)).toBeNull();
  });
});
