import {
  documentKey,
  MAX_EXACT_TOTAL,
  EngineHealth,
  FacetCount,
  FacetName,
  IndexedVersion,
  IndexRebuild,
  SearchDocument,
  SearchDocumentRef,
  SearchEngine,
  SearchHit,
  SearchPage,
  SearchQuery,
  SearchSettings,
} from '../search-engine';
import { containsCjk, escapeHtml, indexText, joinCjkWords, queryWords } from '../text/words';
import { textSearchConfig } from './text-search-config';
import { buildTsquery, synonymMap } from './tsquery';

/** What the engine needs of a connection pool (`pg.Pool` fits). */
export interface Queryable {
  query<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: T[] }>;
}

export interface PostgresEngineOptions {
  /** Every locale documents can be in: a search without a locale filter matches each locale's stems. */
  locales: readonly string[];
}

const MARK_START = '\u0002';
const MARK_END = '\u0003';
const MARKS = /[\u0002\u0003]/g;
const FACET_LIMIT = 50;
/** Below this many hits the engine also tries a spelling-corrected query. */
const TYPO_RETRY_BELOW = 1;
const VOCABULARY_MIN_LENGTH = 3;
const VOCABULARY_BODY_CHARS = 1500;
/** Title matches considered besides the first MAX_EXACT_TOTAL matches anywhere. */
const TITLE_CANDIDATES = 500;
/** Matches outside titles that are ranked (the rest keep publication order behind them). */
const RANKED_BODY_CANDIDATES = 200;

/** A document's facet values in one array (`facet_values`), each prefixed by its facet: counted in one pass. */
export function facetValues(document: SearchDocument): string[] {
  return [
    `kind:${document.kind}`,
    `locale:${document.locale}`,
    `status:${document.status}`,
    ...(document.solved === null ? [] : [`solved:${document.solved}`]),
    ...document.categoryIds.map((id) => `category:${id}`),
    ...document.productKeys.map((key) => `product:${key}`),
    ...document.tags.map((tag) => `tag:${tag}`),
  ];
}

/** Counts per facet, most frequent first (ties by value), at most FACET_LIMIT each. */
export function splitFacetCounts(counts: { v: string; c: number }[], facets: FacetName[]): Partial<Record<FacetName, FacetCount[]>> {
  const byFacet = new Map<string, FacetCount[]>(facets.map((facet) => [facet, []]));
  for (const { v, c } of counts) {
    const colon = v.indexOf(':');
    byFacet.get(v.slice(0, colon))?.push({ value: v.slice(colon + 1), count: c });
  }
  return Object.fromEntries(
    facets.map((facet) => [facet, (byFacet.get(facet) ?? []).sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0)).slice(0, FACET_LIMIT)]),
  );
}

interface HitRow {
  key: string;
  kind: string;
  source_id: string;
  locale: string;
  title: string;
  slug: string;
  status: string;
  category_ids: string[];
  product_keys: string[];
  tags: string[];
  published_at: string | null;
  score: number;
  hl_title: string;
  hl_body: string;
}

interface ResultRow {
  total: number;
  capped: boolean;
  hits: HitRow[] | null;
  facets: { v: string; c: number }[] | null;
}

/**
 * PostgreSQL full-text search: weighted tsvectors (title A, headings B, body C) per locale configuration,
 * GIN indexes, prefix matching on the last word, synonyms as tsquery alternatives, pg_trgm spelling
 * correction when nothing matches, ts_headline highlights made HTML-safe, facet counts in the same query.
 */
export class PostgresSearchEngine implements SearchEngine {
  readonly name = 'postgres' as const;
  private synonyms = new Map<string, Map<string, string[]>>();
  private stopWords = new Map<string, Set<string>>();

  constructor(
    private readonly db: Queryable,
    private readonly options: PostgresEngineOptions,
  ) {}

  async applySettings(settings: SearchSettings): Promise<void> {
    this.synonyms = new Map(Object.entries(settings.synonyms).map(([locale, groups]) => [locale, synonymMap(groups)]));
    this.stopWords = new Map(Object.entries(settings.stopWords).map(([locale, words]) => [locale, new Set(words.map((w) => w.toLowerCase()))]));
  }

  async upsert(documents: SearchDocument[]): Promise<void> {
    await this.write(documents, false);
  }

  async remove(refs: SearchDocumentRef[]): Promise<void> {
    if (refs.length === 0) return;
    await this.db.query('DELETE FROM search_documents WHERE key = ANY($1::text[])', [refs.map(documentKey)]);
  }

  async search(query: SearchQuery): Promise<SearchPage> {
    const locales = query.filters.locales?.length ? query.filters.locales : this.options.locales;
    const words = this.meaningfulWords(query.text, locales);
    const first = await this.run(query, words, locales);
    if (words.length === 0 || first.total >= TYPO_RETRY_BELOW) return { ...first, correctedText: null };
    const corrected = await this.correct(words, locales, query.matching === 'all');
    if (!corrected) return { ...first, correctedText: null };
    const retry = await this.run(query, corrected, locales);
    return retry.total > first.total ? { ...retry, correctedText: corrected.join(' ') } : { ...first, correctedText: null };
  }

  async health(): Promise<EngineHealth> {
    try {
      await this.db.query('SELECT 1 FROM search_documents LIMIT 1');
      return { up: true };
    } catch (error) {
      return { up: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  async versions(after: string | null, limit: number): Promise<{ versions: IndexedVersion[]; next: string | null }> {
    const rows = await this.db.query<{ key: string; kind: string; source_id: string; locale: string; version: string; status: string; visibility: string; updated_at: Date }>(
      `SELECT key, kind, source_id, locale, version, status, visibility, updated_at FROM search_documents
       WHERE ($1::text IS NULL OR key > $1) ORDER BY key LIMIT $2`,
      [after, limit],
    );
    const versions = rows.rows.map((row) => ({
      kind: row.kind as IndexedVersion['kind'],
      id: row.source_id,
      locale: row.locale,
      version: Number(row.version),
      status: row.status,
      visibility: row.visibility as IndexedVersion['visibility'],
      updatedAt: new Date(row.updated_at),
    }));
    return { versions, next: rows.rows.length === limit ? rows.rows[rows.rows.length - 1].key : null };
  }

  /** In place: documents stay searchable throughout; what the rebuild did not write is removed at commit. */
  async startRebuild(): Promise<IndexRebuild> {
    const [{ started }] = (await this.db.query<{ started: string }>(`SELECT now()::text AS started`)).rows;
    return {
      upsert: (documents) => this.write(documents, true),
      commit: async () => {
        await this.db.query('DELETE FROM search_documents WHERE indexed_at < $1::timestamptz', [started]);
        // A bulk load leaves long GIN pending lists that every search would scan: merge them now.
        await this.db.query(`SELECT gin_clean_pending_list('search_documents_tsv_idx'::regclass), gin_clean_pending_list('search_documents_title_tsv_idx'::regclass)`);
        await this.db.query('ANALYZE search_documents');
      },
      abort: async () => undefined,
    };
  }

  async close(): Promise<void> {}

  /** `rewrite`: same-version documents are written again (a rebuild after a configuration change). */
  private async write(documents: SearchDocument[], rewrite: boolean): Promise<void> {
    if (documents.length === 0) return;
    const newest = new Map<string, SearchDocument>();
    for (const document of documents) {
      const key = documentKey(document);
      const seen = newest.get(key);
      if (!seen || seen.version < document.version) newest.set(key, document);
    }
    // Rows in key order: concurrent writers (a rebuild's parallel batches, the worker) lock them in the same order.
    const batch = [...newest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, document]) => document);
    const clean = (text: string): string => text.replace(MARKS, '');
    await this.db.query(
      `INSERT INTO search_documents (key, kind, source_id, locale, version, visibility, status, title, headings, body, slug,
                                     category_ids, product_keys, tags, solved, updated_at, published_at, tsv, title_tsv, facet_values, indexed_at)
       SELECT d.key, d.kind, d.source_id, d.locale, d.version, d.visibility, d.status, d.title, d.headings, d.body, d.slug,
              ARRAY(SELECT jsonb_array_elements_text(d.category_ids))::uuid[],
              ARRAY(SELECT jsonb_array_elements_text(d.product_keys)),
              ARRAY(SELECT jsonb_array_elements_text(d.tags)),
              d.solved, d.updated_at, d.published_at,
              setweight(to_tsvector(d.config::regconfig, d.title_index), 'A')
                || setweight(to_tsvector(d.config::regconfig, d.headings_index), 'B')
                || setweight(to_tsvector(d.config::regconfig, d.body_index), 'C'),
              to_tsvector(d.config::regconfig, d.title_index),
              ARRAY(SELECT jsonb_array_elements_text(d.facet_values)),
              now()
       FROM jsonb_to_recordset($1::jsonb) AS d(key text, kind text, source_id uuid, locale text, version bigint, visibility text,
            status text, title text, headings text, body text, slug text, category_ids jsonb, product_keys jsonb, tags jsonb,
            solved boolean, updated_at timestamptz, published_at timestamptz, config text, title_index text,
            headings_index text, body_index text, facet_values jsonb)
       ON CONFLICT (key) DO UPDATE SET
         kind = EXCLUDED.kind, version = EXCLUDED.version, visibility = EXCLUDED.visibility, status = EXCLUDED.status,
         title = EXCLUDED.title, headings = EXCLUDED.headings, body = EXCLUDED.body, slug = EXCLUDED.slug,
         category_ids = EXCLUDED.category_ids, product_keys = EXCLUDED.product_keys, tags = EXCLUDED.tags,
         solved = EXCLUDED.solved, updated_at = EXCLUDED.updated_at, published_at = EXCLUDED.published_at,
         tsv = EXCLUDED.tsv, title_tsv = EXCLUDED.title_tsv, facet_values = EXCLUDED.facet_values, indexed_at = now()
       WHERE search_documents.version ${rewrite ? '<=' : '<'} EXCLUDED.version`,
      [
        JSON.stringify(
          batch.map((d) => ({
            key: documentKey(d),
            kind: d.kind,
            source_id: d.id,
            locale: d.locale,
            version: d.version,
            visibility: d.visibility,
            status: d.status,
            title: joinCjkWords(clean(d.title), d.locale),
            headings: clean(d.headings.join('\n')),
            body: joinCjkWords(clean(d.body), d.locale),
            slug: d.slug,
            category_ids: d.categoryIds,
            product_keys: d.productKeys,
            tags: d.tags,
            solved: d.solved,
            updated_at: d.updatedAt.toISOString(),
            published_at: d.publishedAt?.toISOString() ?? null,
            config: textSearchConfig(d.locale),
            title_index: indexText(d.title, d.locale),
            headings_index: indexText(d.headings.join('\n'), d.locale),
            body_index: indexText(d.body, d.locale),
            facet_values: facetValues(d),
          })),
        ),
      ],
    );
    await this.addVocabulary(batch);
  }

  /** Words the spelling correction can suggest. */
  private async addVocabulary(documents: SearchDocument[]): Promise<void> {
    const words = new Map<string, Set<string>>();
    for (const d of documents) {
      if (d.visibility !== 'public' || containsCjk(d.title)) continue;
      const set = words.get(d.locale) ?? new Set<string>();
      // Titles, headings and the start of the body: the words people search for, at a bounded cost per document.
      for (const word of `${d.title} ${d.headings.join(' ')} ${d.body.slice(0, VOCABULARY_BODY_CHARS)}`.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
        if (word.length >= VOCABULARY_MIN_LENGTH && word.length <= 40 && !/^\d+$/.test(word)) set.add(word);
      }
      words.set(d.locale, set);
    }
    const pairs: [string, string][] = [];
    for (const [locale, set] of words) for (const word of set) pairs.push([locale, word]);
    // Sorted, so that concurrent inserts of overlapping words wait on each other instead of deadlocking.
    pairs.sort(([la, wa], [lb, wb]) => (la === lb ? (wa < wb ? -1 : wa > wb ? 1 : 0) : la < lb ? -1 : 1));
    const locales = pairs.map(([locale]) => locale);
    const list = pairs.map(([, word]) => word);
    if (list.length === 0) return;
    await this.db.query(
      `INSERT INTO search_vocabulary (locale, word) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
      [locales, list],
    );
  }

  private meaningfulWords(text: string, locales: readonly string[]): string[] {
    const words = queryWords(text, locales[0] ?? 'en');
    return words.filter((word) => !locales.some((locale) => this.stopWords.get(locale)?.has(word)));
  }

  private synonymsFor(locales: readonly string[]): Map<string, string[]> {
    const merged = new Map<string, string[]>();
    for (const locale of locales) for (const [word, others] of this.synonyms.get(locale) ?? []) merged.set(word, [...(merged.get(word) ?? []), ...others]);
    return merged;
  }

  /**
   * One statement: candidates, the page with highlights, the total and every requested facet. Work is
   * bounded whatever the query: candidates are every title match (up to TITLE_CANDIDATES) plus the first
   * MAX_EXACT_TOTAL matches anywhere; they are ranked, counted and faceted. Beyond that the total is a
   * lower bound (`totalIsEstimate`), as with Meilisearch.
   */
  private async run(query: SearchQuery, words: string[], locales: readonly string[]): Promise<Omit<SearchPage, 'correctedText'>> {
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const configs = [...new Set(locales.map(textSearchConfig))];
    const synonyms = this.synonymsFor(locales);
    const hasText = words.length > 0;
    const tsqueryText = hasText ? param(buildTsquery(words, { matching: query.matching, prefixLast: true, synonyms })) : null;
    // Inline (not from a CTE), so the planner sees the query and uses the GIN indexes.
    const tsquery = tsqueryText ? `(${configs.map((config) => `to_tsquery('${config}', ${tsqueryText})`).join(' || ')})` : 'NULL::tsquery';

    const filters: string[] = [];
    if (query.audience === 'public') filters.push(`visibility = 'public'`);
    const f = query.filters;
    if (f.kinds?.length) filters.push(`kind = ANY(${param(f.kinds)}::text[])`);
    if (f.locales?.length) filters.push(`locale = ANY(${param(f.locales)}::text[])`);
    if (f.categoryIds?.length) filters.push(`category_ids && ${param(f.categoryIds)}::uuid[]`);
    if (f.productKeys?.length) filters.push(`product_keys && ${param(f.productKeys)}::text[]`);
    if (f.tags?.length) filters.push(`tags && ${param(f.tags)}::text[]`);
    if (f.statuses?.length) filters.push(`status = ANY(${param(f.statuses)}::text[])`);
    if (f.solved !== undefined) filters.push(`solved = ${param(f.solved)}::boolean`);
    const where = (extra: string | null): string => {
      const all = extra ? [...filters, extra] : filters;
      return all.length ? `WHERE ${all.join(' AND ')}` : '';
    };
    const cap = MAX_EXACT_TOTAL + 1;
    const firstMatches = hasText
      ? `SELECT key, published_at, facet_values FROM search_documents ${where(`tsv @@ ${tsquery}`)} LIMIT ${cap}`
      : `SELECT key, published_at, facet_values FROM search_documents ${where(null)} ORDER BY published_at DESC NULLS LAST, key LIMIT ${cap}`;
    const titleMatches = hasText
      ? `SELECT key, published_at, facet_values FROM search_documents ${where(`title_tsv @@ ${tsquery}`)} LIMIT ${TITLE_CANDIDATES}`
      : `SELECT key, published_at, facet_values FROM search_documents WHERE false`;
    // Ranking reads whole tsvectors: only title matches and the first RANKED_BODY_CANDIDATES other matches are ranked.
    const ranked = hasText
      ? `SELECT d.key, ts_rank_cd(d.tsv, ${tsquery})::float8 AS score
         FROM search_documents d
         WHERE d.key IN (SELECT key FROM title_matches UNION ALL (SELECT key FROM first_matches LIMIT ${RANKED_BODY_CANDIDATES}))`
      : `SELECT key, 0::float8 AS score FROM first_matches`;

    const headlineConfig = configs.length === 1 ? configs[0] : 'simple';
    const facetPrefixes = query.facets.length ? param(query.facets.map((facet) => `${facet}:`)) : null;
    const sql = `
      WITH first_matches AS MATERIALIZED (${firstMatches}),
      title_matches AS MATERIALIZED (${titleMatches}),
      matches AS MATERIALIZED (SELECT * FROM first_matches UNION SELECT * FROM title_matches),
      ranked AS MATERIALIZED (${ranked}),
      page AS (
        SELECT m.*, coalesce(r.score, 0) AS score FROM matches m LEFT JOIN ranked r ON r.key = m.key
        ORDER BY ${hasText ? 'coalesce(r.score, 0) DESC, ' : ''}m.published_at DESC NULLS LAST, m.key
        LIMIT ${param(query.limit)} OFFSET ${param(query.offset)})
      SELECT
        (SELECT count(*)::int FROM matches) AS total,
        (SELECT count(*) >= ${cap} FROM first_matches) AS capped,
        (SELECT json_agg(h ORDER BY h.score DESC, h.published_at DESC NULLS LAST, h.key) FROM (
           SELECT d.key, d.kind, d.source_id, d.locale, d.title, d.slug, d.status, d.category_ids, d.product_keys, d.tags, d.published_at, page.score,
                  ${hasText ? `ts_headline('${headlineConfig}', d.title, ${tsquery}, 'HighlightAll=true, StartSel=${MARK_START}, StopSel=${MARK_END}')` : 'd.title'} AS hl_title,
                  ${hasText ? `ts_headline('${headlineConfig}', left(d.body, 20000), ${tsquery}, 'MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … ", StartSel=${MARK_START}, StopSel=${MARK_END}')` : 'left(d.body, 240)'} AS hl_body
           FROM page JOIN search_documents d ON d.key = page.key) h) AS hits,
        ${
          facetPrefixes
            ? `(SELECT json_agg(json_build_object('v', v, 'c', c)) FROM (
                 SELECT v, count(*)::int AS c FROM matches, unnest(facet_values) AS v
                 WHERE split_part(v, ':', 1) || ':' = ANY(${facetPrefixes}::text[]) GROUP BY v) f)`
            : 'NULL::json'
        } AS facets`;
    const [row] = (await this.db.query<ResultRow>(sql, params)).rows;
    return {
      total: Math.min(row.total, MAX_EXACT_TOTAL),
      totalIsEstimate: row.capped,
      hits: (row.hits ?? []).map((hit) => this.toHit(hit, query)),
      facets: splitFacetCounts(row.facets ?? [], query.facets),
    };
  }

  private toHit(row: HitRow, query: SearchQuery): SearchHit {
    return {
      kind: row.kind as SearchHit['kind'],
      id: row.source_id,
      locale: row.locale,
      title: row.title.replace(/\u200b/g, ''),
      slug: row.slug,
      highlightedTitle: safeHighlight(row.hl_title, query.highlight),
      snippet: safeHighlight(row.hl_body, query.highlight),
      score: row.score,
      categoryIds: row.category_ids,
      productKeys: row.product_keys,
      tags: row.tags,
      status: row.status,
      publishedAt: row.published_at ? new Date(row.published_at) : null,
    };
  }

  /** Replaces words unknown to the index by the most similar indexed word (pg_trgm); null when nothing changes. */
  private async correct(words: string[], locales: readonly string[], prefixLast: boolean): Promise<string[] | null> {
    const rows = await this.db.query<{ input: string; known: boolean; best: string | null }>(
      `SELECT w.input,
              EXISTS (SELECT 1 FROM search_vocabulary v WHERE v.locale = ANY($2::text[]) AND
                      (v.word = w.input OR (w.last AND $3 AND v.word LIKE w.input || '%'))) AS known,
              (SELECT v.word FROM search_vocabulary v WHERE v.locale = ANY($2::text[]) AND v.word % w.input
                ORDER BY similarity(v.word, w.input) DESC, length(v.word), v.word LIMIT 1) AS best
       FROM unnest($1::text[]) WITH ORDINALITY AS w0(input, n), LATERAL (SELECT w0.input, w0.n = cardinality($1::text[]) AS last) w`,
      [words, locales, prefixLast],
    );
    let changed = false;
    const corrected = rows.rows.map((row) => {
      if (row.known || !row.best || row.input.length < VOCABULARY_MIN_LENGTH) return row.input;
      changed = true;
      return row.best;
    });
    return changed ? corrected : null;
  }
}

/** Escapes everything, then turns the engine's private marks into the caller's highlight tags. */
export function safeHighlight(marked: string, tags: { preTag: string; postTag: string }): string {
  return escapeHtml(marked.replace(/\u200b/g, '').trim())
    .replace(/\u0002/g, tags.preTag)
    .replace(/\u0003/g, tags.postTag);
}
