/**
 * Pure translations between the search port and Meilisearch (documents, settings, search requests and
 * answers). No I/O here: `meilisearch-engine.ts` sends what these functions build.
 */
import type {
  FacetDistribution,
  Hit,
  LocalizedAttributes,
  SearchParams,
  SearchResponse,
  Settings,
} from 'meilisearch' with { 'resolution-mode': 'import' };
import type {
  DocumentKind,
  FacetCount,
  FacetName,
  IndexedVersion,
  SearchDocument,
  SearchDocumentRef,
  SearchFilters,
  SearchHit,
  SearchPage,
  SearchQuery,
  SearchSettings,
  Visibility,
} from '../search-engine';
import { MAX_EXACT_TOTAL } from '../search-engine';
import { escapeHtml, MAX_QUERY_CHARS } from '../text/words';

/** What one SearchDocument becomes in the index: dates as epoch milliseconds, text without sentinels. */
export type MeiliDocument = {
  key: string;
  kind: DocumentKind;
  id: string;
  locale: string;
  version: number;
  visibility: Visibility;
  status: string;
  title: string;
  headings: string[];
  body: string;
  slug: string;
  categoryIds: string[];
  productKeys: string[];
  tags: string[];
  solved: boolean | null;
  updatedAt: number;
  publishedAt: number | null;
};

/** The fields `versions()` reads back. */
export const VERSION_FIELDS = ['key', 'kind', 'id', 'locale', 'version', 'status', 'visibility', 'updatedAt'] as const;
export type MeiliVersionDocument = Pick<MeiliDocument, (typeof VERSION_FIELDS)[number]>;

/** Private highlight markers asked from Meilisearch; replaced by the caller's tags after escaping. */
export const HIGHLIGHT_PRE = '\u0002';
export const HIGHLIGHT_POST = '\u0003';
const SENTINELS = /[\u0002\u0003]/g;

/** Words around the matches kept in a snippet. */
export const CROP_LENGTH = 30;
export const CROP_MARKER = '…';

/** Meilisearch refuses document ids longer than this (bytes). */
const MAX_KEY_BYTES = 511;

export const SEARCHABLE_ATTRIBUTES = ['title', 'headings', 'body'];
export const FILTERABLE_ATTRIBUTES = [
  'kind',
  'locale',
  'visibility',
  'status',
  'categoryIds',
  'productKeys',
  'tags',
  'solved',
  'key',
];
/** `key` is sortable so that `versions()` pages in a stable order. */
export const SORTABLE_ATTRIBUTES = ['publishedAt', 'updatedAt', 'key'];
export const RANKING_RULES = ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'];

/** Attributes returned with each hit (the body only comes back cropped, in `_formatted`). */
export const RETRIEVED_ATTRIBUTES = [
  'key',
  'kind',
  'id',
  'locale',
  'title',
  'slug',
  'categoryIds',
  'productKeys',
  'tags',
  'status',
  'publishedAt',
];

export const FACET_ATTRIBUTES: Readonly<Record<FacetName, string>> = {
  kind: 'kind',
  category: 'categoryIds',
  product: 'productKeys',
  tag: 'tags',
  locale: 'locale',
  status: 'status',
  solved: 'solved',
};

// ---------------------------------------------------------------------------------------------- documents

/**
 * Escapes one part of a key: letters, digits and `-` stay; every other character becomes `_` plus the
 * two hex digits of each of its UTF-8 bytes. An escape is never followed by `_`, so `__` only ever
 * appears as the separator and the key is unambiguous (`article__<uuid>__zh-CN`).
 */
function keyPart(value: string): string {
  let out = '';
  for (const char of value) {
    if (/^[A-Za-z0-9-]$/.test(char)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `_${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

/** The Meilisearch document id of a ref: only `[A-Za-z0-9_-]`, one per kind, id and locale. */
export function documentKeyOf(ref: SearchDocumentRef): string {
  const key = `${keyPart(ref.kind)}__${keyPart(ref.id)}__${keyPart(ref.locale)}`;
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new Error(`Search document key longer than ${MAX_KEY_BYTES} bytes: ${ref.kind} ${ref.id} ${ref.locale}`);
  }
  return key;
}

/** Removes the private highlight markers from source text, so only Meilisearch can produce them. */
export function stripSentinels(text: string): string {
  return text.replace(SENTINELS, '');
}

export function toMeiliDocument(document: SearchDocument): MeiliDocument {
  return {
    key: documentKeyOf(document),
    kind: document.kind,
    id: document.id,
    locale: document.locale,
    version: document.version,
    visibility: document.visibility,
    status: document.status,
    title: stripSentinels(document.title),
    headings: document.headings.map(stripSentinels),
    body: stripSentinels(document.body),
    slug: document.slug,
    categoryIds: [...document.categoryIds],
    productKeys: [...document.productKeys],
    tags: [...document.tags],
    solved: document.solved,
    updatedAt: document.updatedAt.getTime(),
    publishedAt: document.publishedAt === null ? null : document.publishedAt.getTime(),
  };
}

export function toIndexedVersion(document: MeiliVersionDocument): IndexedVersion {
  return {
    kind: document.kind,
    id: document.id,
    locale: document.locale,
    version: document.version,
    status: document.status,
    visibility: document.visibility,
    updatedAt: new Date(document.updatedAt),
  };
}

/**
 * The documents of a batch worth sending: one per key (the highest version in the batch), and only when
 * newer than the version already indexed (`indexed`: key → version). Equal versions are skipped, so
 * replaying a batch is a no-op.
 */
export function selectNewer(documents: SearchDocument[], indexed: ReadonlyMap<string, number>): MeiliDocument[] {
  const newest = new Map<string, MeiliDocument>();
  for (const document of documents) {
    const candidate = toMeiliDocument(document);
    const seen = newest.get(candidate.key);
    if (!seen || candidate.version >= seen.version) newest.set(candidate.key, candidate);
  }
  return [...newest.values()].filter((document) => {
    const current = indexed.get(document.key);
    return current === undefined || document.version > current;
  });
}

// ---------------------------------------------------------------------------------------------- filters

/** A filter value as a Meilisearch string literal: double quotes, with `\` and `"` escaped. */
export function quoteFilterValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function inList(attribute: string, values: readonly string[]): string {
  return `${attribute} IN [${values.map(quoteFilterValue).join(', ')}]`;
}

/** The filter of `key IN [...]` for looking up the indexed versions of a batch. */
export function keysFilter(keys: readonly string[]): string {
  return inList('key', keys);
}

/**
 * Who may see what, always the first clause: anything but an explicit `staff` audience is public
 * (fail closed), whatever the other filters say.
 */
export function audienceFilter(audience: Visibility): string[] {
  return audience === 'staff' ? [] : [`visibility = ${quoteFilterValue('public')}`];
}

/**
 * Filters as a list of clauses Meilisearch ANDs together. Lists match any of their values; an empty
 * or missing list does not filter.
 */
export function buildFilter(audience: Visibility, filters: SearchFilters): string[] {
  const clauses = audienceFilter(audience);
  const lists: [string, readonly string[] | undefined][] = [
    ['kind', filters.kinds],
    ['locale', filters.locales],
    ['categoryIds', filters.categoryIds],
    ['productKeys', filters.productKeys],
    ['tags', filters.tags],
    ['status', filters.statuses],
  ];
  for (const [attribute, values] of lists) {
    if (values && values.length > 0) clauses.push(inList(attribute, values));
  }
  if (filters.solved !== undefined) clauses.push(`solved = ${filters.solved ? 'true' : 'false'}`);
  return clauses;
}

// ---------------------------------------------------------------------------------------------- locales

/** ISO 639-1 → the ISO 639-3 codes Meilisearch's tokenizer knows (Chinese is `cmn`). */
const MEILI_LANGUAGES: Readonly<Record<string, string>> = {
  af: 'afr', ak: 'aka', am: 'amh', ar: 'ara', az: 'aze', be: 'bel', bg: 'bul', bn: 'ben', ca: 'cat',
  cs: 'ces', da: 'dan', de: 'deu', el: 'ell', en: 'eng', eo: 'epo', es: 'spa', et: 'est', fa: 'pes',
  fi: 'fin', fr: 'fra', gu: 'guj', he: 'heb', hi: 'hin', hr: 'hrv', hu: 'hun', hy: 'hye', id: 'ind',
  it: 'ita', ja: 'jpn', jv: 'jav', ka: 'kat', km: 'khm', kn: 'kan', ko: 'kor', la: 'lat', lt: 'lit',
  lv: 'lav', mk: 'mkd', ml: 'mal', mr: 'mar', my: 'mya', nb: 'nob', ne: 'nep', nl: 'nld', no: 'nob',
  or: 'ori', pa: 'pan', pl: 'pol', pt: 'por', ro: 'ron', ru: 'rus', si: 'sin', sk: 'slk', sl: 'slv',
  sn: 'sna', sr: 'srp', sv: 'swe', ta: 'tam', te: 'tel', th: 'tha', tk: 'tuk', tl: 'tgl', tr: 'tur',
  uk: 'ukr', ur: 'urd', uz: 'uzb', vi: 'vie', yi: 'yid', zh: 'cmn', zu: 'zul',
};

/** `zh-CN` → `cmn`, `de` → `deu`; null for a language Meilisearch does not know. */
export function meiliLocale(locale: string): string | null {
  const language = locale.trim().split(/[-_]/)[0].toLowerCase();
  return MEILI_LANGUAGES[language] ?? null;
}

function meiliLocales(locales: Iterable<string>): string[] {
  const codes = new Set<string>();
  for (const locale of locales) {
    const code = meiliLocale(locale);
    if (code) codes.add(code);
  }
  return [...codes].sort();
}

// ---------------------------------------------------------------------------------------------- settings

function normalizeWord(word: string): string {
  return word.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Per-locale synonym groups → one global multi-way map: every word of a group maps to the other words
 * of that group (and of any other group it belongs to).
 */
export function mergeSynonyms(synonyms: SearchSettings['synonyms']): Record<string, string[]> {
  const map = new Map<string, Set<string>>();
  for (const groups of Object.values(synonyms)) {
    for (const group of groups) {
      const words = [...new Set(group.map(normalizeWord).filter((word) => word !== ''))];
      if (words.length < 2) continue;
      for (const word of words) {
        const others = map.get(word) ?? new Set<string>();
        for (const other of words) if (other !== word) others.add(other);
        map.set(word, others);
      }
    }
  }
  const merged: Record<string, string[]> = {};
  for (const word of [...map.keys()].sort()) merged[word] = [...map.get(word)!].sort();
  return merged;
}

/** Stop words of every locale as one global list. */
export function mergeStopWords(stopWords: SearchSettings['stopWords']): string[] {
  const words = new Set<string>();
  for (const list of Object.values(stopWords)) {
    for (const word of list) {
      const normalized = normalizeWord(word);
      if (normalized !== '') words.add(normalized);
    }
  }
  return [...words].sort();
}

/** One rule for the searchable attributes, listing every known locale's language; null lets Meilisearch detect. */
export function buildLocalizedAttributes(locales: Iterable<string>): LocalizedAttributes {
  const codes = meiliLocales(locales);
  return codes.length === 0 ? null : [{ attributePatterns: [...SEARCHABLE_ATTRIBUTES], locales: codes }];
}

/** Everything but the editors' words: what an index needs before the first document goes in. */
export function buildStructuralSettings(locales: Iterable<string>): Settings {
  return {
    searchableAttributes: [...SEARCHABLE_ATTRIBUTES],
    filterableAttributes: [...FILTERABLE_ATTRIBUTES],
    sortableAttributes: [...SORTABLE_ATTRIBUTES],
    rankingRules: [...RANKING_RULES],
    typoTolerance: { enabled: true },
    localizedAttributes: buildLocalizedAttributes(locales),
  };
}

/**
 * The whole index settings. Locales come from `locales` (the supported ones) and from the keys of
 * the editors' settings.
 */
export function buildSettings(settings: SearchSettings, locales: Iterable<string> = []): Settings {
  const allLocales = new Set<string>([...locales, ...Object.keys(settings.synonyms), ...Object.keys(settings.stopWords)]);
  return {
    ...buildStructuralSettings(allLocales),
    synonyms: mergeSynonyms(settings.synonyms),
    stopWords: mergeStopWords(settings.stopWords),
  };
}

// ---------------------------------------------------------------------------------------------- search

/**
 * User text as Meilisearch `q`: at most MAX_QUERY_CHARS characters, without control characters and
 * `-negation`; a balanced `"quoted phrase"` of words stays a phrase (as on the PostgreSQL engine), any
 * other quote is dropped.
 */
export function toMeiliQuery(text: string): string {
  const clean = text
    .slice(0, MAX_QUERY_CHARS)
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/(^|\s)-+/g, '$1');
  const phrases: string[] = [];
  const withoutPhrases = clean.replace(/"([^"]*)"/g, (_, inner: string) => {
    const words = inner.replace(/\s+/g, ' ').trim();
    if (words.split(' ').length < 2) return ` ${words} `;
    phrases.push(`"${words}"`);
    return ` \u0000${phrases.length - 1}\u0000 `;
  });
  return withoutPhrases
    .replace(/"/g, ' ')
    .replace(/\u0000(\d+)\u0000/g, (_, n: string) => phrases[Number(n)])
    .replace(/\s+/g, ' ')
    .trim();
}

/** The search request body: `q` plus the parameters (the client posts `{ q, ...params }`). */
export type MeiliSearchRequest = SearchParams & { q: string };

export function buildSearchParams(query: SearchQuery): MeiliSearchRequest {
  const q = toMeiliQuery(query.text);
  const filter = buildFilter(query.audience, query.filters);
  const params: MeiliSearchRequest = {
    q,
    offset: Math.max(0, Math.floor(query.offset)),
    limit: Math.max(0, Math.floor(query.limit)),
    // All words first, then fewer (dropping the last words typed); suggestions drop the most frequent first.
    matchingStrategy: query.matching === 'all' ? 'last' : 'frequency',
    attributesToRetrieve: [...RETRIEVED_ATTRIBUTES],
    attributesToHighlight: ['title'],
    attributesToCrop: ['body'],
    cropLength: CROP_LENGTH,
    cropMarker: CROP_MARKER,
    highlightPreTag: HIGHLIGHT_PRE,
    highlightPostTag: HIGHLIGHT_POST,
    showRankingScore: true,
  };
  if (filter.length > 0) params.filter = filter;
  const facets = [...new Set(query.facets.map((facet) => FACET_ATTRIBUTES[facet]))];
  if (facets.length > 0) params.facets = facets;
  if (q === '') params.sort = ['publishedAt:desc'];
  const locales = meiliLocales(query.filters.locales ?? []);
  if (locales.length > 0) params.locales = locales;
  return params;
}

/**
 * Meilisearch's formatted text (matches between the private markers) as HTML: everything escaped,
 * each match wrapped in the caller's tags, stray markers dropped, empty matches left out.
 */
export function renderHighlight(formatted: string, tags: SearchQuery['highlight']): string {
  let html = '';
  let inside = false;
  for (const part of formatted.split(/([\u0002\u0003])/)) {
    if (part === HIGHLIGHT_PRE) inside = true;
    else if (part === HIGHLIGHT_POST) inside = false;
    else if (part !== '') html += inside ? `${tags.preTag}${escapeHtml(part)}${tags.postTag}` : escapeHtml(part);
  }
  return html;
}

export function toFacetCounts(distribution: Record<string, number> | undefined): FacetCount[] {
  return Object.entries(distribution ?? {})
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
}

export function toFacets(
  distribution: FacetDistribution | undefined,
  requested: FacetName[],
): Partial<Record<FacetName, FacetCount[]>> {
  const facets: Partial<Record<FacetName, FacetCount[]>> = {};
  for (const name of requested) facets[name] = toFacetCounts(distribution?.[FACET_ATTRIBUTES[name]]);
  return facets;
}

export type MeiliHit = Hit<Partial<MeiliDocument>>;

export function toHit(hit: MeiliHit, tags: SearchQuery['highlight']): SearchHit {
  const title = hit.title ?? '';
  return {
    kind: hit.kind ?? 'article',
    id: hit.id ?? '',
    locale: hit.locale ?? '',
    title,
    slug: hit.slug ?? '',
    highlightedTitle: renderHighlight(hit._formatted?.title ?? title, tags),
    snippet: renderHighlight(hit._formatted?.body ?? '', tags),
    score: hit._rankingScore ?? 0,
    categoryIds: hit.categoryIds ?? [],
    productKeys: hit.productKeys ?? [],
    tags: hit.tags ?? [],
    status: hit.status ?? '',
    publishedAt: typeof hit.publishedAt === 'number' ? new Date(hit.publishedAt) : null,
  };
}

/** The search answer in port terms; `total` is Meilisearch's `estimatedTotalHits` (offset/limit mode). */
export function toSearchPage(
  response: SearchResponse<Partial<MeiliDocument>, SearchParams>,
  query: SearchQuery,
): SearchPage {
  return {
    hits: response.hits.map((hit) => toHit(hit, query.highlight)),
    total: response.estimatedTotalHits ?? response.hits.length,
    totalIsEstimate: (response.estimatedTotalHits ?? 0) >= MAX_EXACT_TOTAL,
    facets: toFacets(response.facetDistribution, query.facets),
    correctedText: null,
    didYouMean: null,
  };
}

// ---------------------------------------------------------------------------------------------- versions

/** `versions()` cursors are document offsets written as decimal strings. */
export function parseVersionCursor(after: string | null): number {
  if (after === null) return 0;
  if (!/^\d{1,15}$/.test(after)) throw new Error(`Invalid versions cursor: ${JSON.stringify(after)}`);
  return Number(after);
}

export function nextVersionCursor(offset: number, received: number, total: number): string | null {
  const next = offset + received;
  return received > 0 && next < total ? String(next) : null;
}
