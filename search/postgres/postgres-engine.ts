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
  Visibility,
} from '../search-engine';
import { containsCjk, escapeHtml, indexText, joinCjkWords, queryPhrases, queryWords } from '../text/words';
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
const VOCABULARY_MIN_LENGTH = 3;
const VOCABULARY_BODY_CHARS = 1500;
/** A prefix's document frequency: the sum over at most this many lexemes it begins. */
const PREFIX_TERMS = 200;
/**
 * Hits are ordered by their score rounded to 1e-9: a document's word scores are summed in whatever order the
 * plan's hash aggregation hands them over, so two equal scores can differ in the 15th digit, and without the
 * rounding that noise (not the tie-break: newest first, then key) ordered exactly tied hits.
 */
const SCORE_SCALE = '1e9';

/** A LIKE pattern matching every text that starts with the value of `column` (its wildcards escaped). */
const LIKE_PREFIX = (column: string): string => `replace(replace(replace(${column}, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;

/** BM25F parameters and field weights, tuned on the dev split of ../shared/eval/dup-questions (docs/search.md). */
export const RANKING = {
  k1: 2,
  b: 0.9,
  title: 4,
  headings: 2,
  body: 1,
  /** Score × (matched words / words) ^ coverage: documents with all the words first, then most of them. */
  coverage: 0.1,
  /** Search box, more than two words: a document must contain this share of them and at least mostMin. */
  most: 0,
  mostMin: 1,
  /** Documents of the rarest query words added to the all-words matches as ranking candidates. */
  candidates: 500,
  /**
   * Documents whose title holds one of the `titleWordCount` rarest query words, at most `titleWords` per word, are
   * candidates too: found through the titles' own index, so which of them are found does not depend on where rows
   * lie in the table (the body branch's LIMIT does, once a word is in more than `candidates` documents).
   */
  titleWords: 1000,
  titleWordCount: 2,
  /**
   * Not a relevance parameter: a last word typed as a prefix is weighed through its completions in `search_terms`
   * (every lexeme of every document) when they are at most this many, else through a prefix test on every
   * lexeme of every candidate (the same scores, slower).
   */
  prefixCompletions: 200,
};

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
    await this.write(documents);
  }

  async remove(refs: SearchDocumentRef[]): Promise<void> {
    if (refs.length === 0) return;
    await this.db.query('DELETE FROM search_documents WHERE key = ANY($1::text[])', [refs.map(documentKey)]);
  }

  /**
   * Did you mean: the query is weak when one of its words is in no document (unknown) or in very few while a
   * close word is far more frequent (`chooseSpelling`). Nothing found: the corrected text is searched instead
   * and returned as `correctedText`. Something found: the results stay those of the text as typed and the
   * corrected text is offered as `didYouMean`, when it finds something itself (search box, at most
   * `SPELLING.maxWords` words).
   */
  async search(query: SearchQuery): Promise<SearchPage> {
    const locales = query.filters.locales?.length ? query.filters.locales : this.options.locales;
    const words = this.meaningfulWords(query.text, locales);
    const phrases = queryPhrases(query.text, locales[0] ?? 'en');
    const first = await this.run(query, words, locales, phrases);
    const none = { ...first, correctedText: null, didYouMean: null };
    // Offers are for the search box: suggestions do not show them, and a pasted paragraph is not a typo.
    const offer = query.matching === 'all' && words.length <= SPELLING.maxWords;
    if (first.total > 0 && !offer) return none;
    const corrected = await this.spellingCorrection(words, locales, true, query.audience);
    if (!corrected) return none;
    if (first.total === 0) {
      const retry = await this.run(query, corrected, locales);
      return retry.total > 0 ? { ...retry, correctedText: corrected.join(' '), didYouMean: null } : none;
    }
    const check = await this.run({ ...query, offset: 0, limit: 1, facets: [] }, corrected, locales);
    return check.total > 0 ? { ...none, didYouMean: corrected.join(' ') } : none;
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
      upsert: (documents) => this.write(documents, started),
      commit: async () => {
        await this.db.query('DELETE FROM search_documents WHERE indexed_at < $1::timestamptz', [started]);
        // Words no public document contains any more (unpublished, made internal, edited away) stop being proposed.
        await this.db.query('DELETE FROM search_vocabulary WHERE seen_at < $1::timestamptz', [started]);
        // A bulk load leaves long GIN pending lists that every search would scan: merge them now.
        await this.db.query(`SELECT gin_clean_pending_list('search_documents_tsv_idx'::regclass), gin_clean_pending_list('search_documents_title_tsv_idx'::regclass)`);
        await this.db.query('ANALYZE search_documents');
        await this.db.query('ANALYZE search_vocabulary');
      },
      abort: async () => undefined,
    };
  }

  async close(): Promise<void> {}

  /**
   * `rebuildStarted` (a rebuild): same-version documents are written again (after a configuration change), and
   * their vocabulary words are marked as seen, so the commit can drop the words no document had.
   */
  private async write(documents: SearchDocument[], rebuildStarted: string | null = null): Promise<void> {
    const rewrite = rebuildStarted !== null;
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
    await this.addVocabulary(batch, rebuildStarted);
  }

  /** Words the spelling correction can suggest. */
  private async addVocabulary(documents: SearchDocument[], rebuildStarted: string | null): Promise<void> {
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
      rebuildStarted
        ? `INSERT INTO search_vocabulary (locale, word) SELECT * FROM unnest($1::text[], $2::text[])
           ON CONFLICT (locale, word) DO UPDATE SET seen_at = now() WHERE search_vocabulary.seen_at < $3::timestamptz`
        : `INSERT INTO search_vocabulary (locale, word) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
      rebuildStarted ? [locales, list, rebuildStarted] : [locales, list],
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
   * One statement: candidates, BM25F ranking, the page with highlights, the total and every requested facet.
   * Matching degrades from all words to most of them: a document must contain at least
   * `minimumShouldMatch` of the query's words (stop words of the locale's configuration do not count) and
   * its BM25F score is multiplied by its coverage (matched words / words) to the power RANKING.coverage.
   * Work is bounded whatever the query: candidates are the first MAX_EXACT_TOTAL documents matching every
   * word, the documents whose title holds one of the RANKING.titleWordCount rarest words (RANKING.titleWords
   * each, through the titles' index) and the documents of the rarest words until RANKING.candidates (each
   * word's document frequency is read from `search_terms`, which triggers keep current). Quoted phrases must match as
   * phrases. Beyond the candidates the total is a lower bound (`totalIsEstimate`), as with Meilisearch.
   */
  private async run(query: SearchQuery, words: string[], locales: readonly string[], phrases: string[][] = []): Promise<Omit<SearchPage, 'correctedText' | 'didYouMean'>> {
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const configs = [...new Set(locales.map(textSearchConfig))];
    const synonyms = this.synonymsFor(locales);
    const hasText = words.length > 0;
    // Public searches weigh words by the public documents only: what drafts and internal articles contain must not
    // change what an anonymous reader sees (order, candidates, corrections).
    const dfColumn = dfColumnOf(query.audience);

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
    const where = (...extra: string[]): string => {
      const all = [...filters, ...extra];
      return all.length ? `WHERE ${all.join(' AND ')}` : '';
    };
    const cap = MAX_EXACT_TOTAL + 1;
    const toTsquery = (text: string): string => `(${configs.map((config) => `to_tsquery('${config}', ${text})`).join(' || ')})`;
    const prefixLast = words.length > 0 && words[words.length - 1].length >= 2;
    // Inline (not from a CTE), so the planner sees the queries and uses the GIN indexes.
    const allQuery = hasText ? toTsquery(param(buildTsquery(words, { matching: 'all', prefixLast, synonyms }))) : 'NULL::tsquery';
    const anyQuery = hasText ? toTsquery(param(buildTsquery(words, { matching: 'any', prefixLast, synonyms }))) : 'NULL::tsquery';
    const phraseQuery = phrases.length ? toTsquery(param(phrases.map((p) => `(${buildTsquery(p, { matching: 'all', prefixLast: false, synonyms: new Map() }).replace(/ & /g, ' <-> ')})`).join(' & '))) : null;
    const phraseFilter = phraseQuery ? [`tsv @@ ${phraseQuery}`] : [];

    // Query terms: each word (and its synonyms) as lexemes of every configuration; stop words yield none.
    const termIndex: number[] = [];
    const termText: string[] = [];
    words.forEach((word, index) => {
      for (const alternative of [word, ...(synonyms.get(word) ?? [])]) {
        termIndex.push(index);
        termText.push(alternative);
      }
    });
    const r = RANKING;
    const lastIndex = words.length - 1;
    let candidates: string;
    let scored: string;
    // Candidates carry their row's address (`tid`): each is read once more, by address, for its ranking data,
    // published time and facet values (a primary-key lookup per candidate cost as much as the ranking step).
    if (!hasText) {
      candidates = `SELECT key, tid, 0::float8 AS score FROM (SELECT key, ctid AS tid FROM search_documents ${where(...phraseFilter)} ORDER BY published_at DESC NULLS LAST, key LIMIT ${cap}) b`;
      scored = `SELECT c.key, c.score, d.published_at, d.facet_values FROM candidates c JOIN search_documents d ON d.ctid = c.tid`;
    } else {
      // Stop words only (`how to`): the text inside titles, so such a query never silently finds nothing. The
      // condition on `found` stays outside the scan's subquery: it is then checked before the scan starts (below
      // the scan, a parallel plan started its workers on every search, 20–40 ms, to find nothing to do).
      candidates = `
        WITH found AS MATERIALIZED (
          SELECT DISTINCT key, tid FROM (
            (SELECT key, ctid AS tid FROM search_documents ${where(`tsv @@ ${allQuery}`, ...phraseFilter)} LIMIT ${cap})
            UNION ALL
            SELECT c.key, c.tid FROM (SELECT lexeme FROM (SELECT lexeme, row_number() OVER (ORDER BY df, lexeme) AS n FROM stats WHERE df > 0) s WHERE n <= ${r.titleWordCount}) t,
              LATERAL (SELECT key, ctid AS tid FROM search_documents ${where(`title_tsv @@ format('%L', t.lexeme)::tsquery`, ...phraseFilter)} LIMIT ${r.titleWords}) c
            UNION ALL
            SELECT c.key, c.tid FROM (SELECT lexeme FROM (SELECT lexeme, sum(least(df, ${r.candidates})) OVER (ORDER BY df, lexeme) - least(df, ${r.candidates}) AS before FROM stats WHERE df > 0) s
                               WHERE before < ${r.candidates}) t,
              LATERAL (SELECT key, ctid AS tid FROM search_documents ${where(`tsv @@ format('%L', t.lexeme)::tsquery`, ...phraseFilter)} LIMIT ${r.candidates}) c) u)
        SELECT key, tid, false AS fallback FROM found
        UNION ALL
        SELECT key, tid, true FROM (SELECT key, ctid AS tid FROM search_documents ${where(`lower(title) LIKE ${param(`%${words.join(' ')}%`)}`)} LIMIT ${cap}) t
        WHERE NOT EXISTS (SELECT 1 FROM found)`;
      // BM25F: field weights on term frequency; document length as its number of distinct lexemes, against
      // the candidates' average. Each candidate's tsvector is cut down to the query's lexemes (`wanted`) in C
      // before anything is unnested: `setweight(…, lexemes)` marks them with a label no field uses (D) and
      // `ts_filter` keeps them, with all their positions; the same on the title's own tsvector (`title_tsv`, the
      // A part of `tsv`) and on the headings (B) gives their occurrences there. A word's weighted frequency is
      // then body × all + (title − body) × in title + (headings − body) × in headings. Unnesting every lexeme of
      // every candidate (about 160 each) and weighing it cost 3× more. A last word whose completions are too
      // many to list (`wanted.wide`) falls back to that unnest with a prefix test.
      scored = `
        WITH docs AS MATERIALIZED (
          SELECT c.key, c.fallback, d.published_at, d.facet_values, length(d.tsv)::float8 AS dl,
                 CASE WHEN NOT w.wide THEN ts_filter(setweight(d.tsv, 'd', w.lexemes), '{d}') END AS all_hits,
                 CASE WHEN NOT w.wide THEN ts_filter(setweight(d.title_tsv, 'a', w.lexemes), '{a}') END AS title_hits,
                 CASE WHEN NOT w.wide THEN ts_filter(setweight(ts_filter(d.tsv, '{b}'), 'd', w.lexemes), '{d}') END AS heading_hits,
                 CASE WHEN w.wide THEN d.tsv END AS whole
          FROM candidates c CROSS JOIN wanted w JOIN search_documents d ON d.ctid = c.tid),
        tf AS MATERIALIZED (
          SELECT docs.key, docs.dl, t.i, t.lexeme, u.w
          FROM docs, LATERAL (
            SELECT f.lexeme, sum(f.w)::float8 AS w FROM (
              SELECT p.lexeme, cardinality(p.positions) * ${r.body} AS w FROM unnest(docs.all_hits) p
              UNION ALL
              SELECT p.lexeme, cardinality(p.positions) * ${r.title - r.body} FROM unnest(docs.title_hits) p
              UNION ALL
              SELECT p.lexeme, cardinality(p.positions) * ${r.headings - r.body} FROM unnest(docs.heading_hits) p) f
            GROUP BY f.lexeme
            UNION ALL
            SELECT u.lexeme, (SELECT sum(CASE x WHEN 'A' THEN ${r.title} WHEN 'B' THEN ${r.headings} ELSE ${r.body} END) FROM unnest(u.weights) x)::float8
            FROM unnest(docs.whole) u
            WHERE u.lexeme = ANY((SELECT array_agg(lexeme) FROM terms WHERE NOT prefix)::text[])
               OR u.lexeme LIKE ANY((SELECT coalesce(array_agg(${LIKE_PREFIX('lexeme')}), '{}') FROM terms WHERE prefix)::text[])) u
          JOIN terms t ON t.lexeme = u.lexeme OR (t.prefix AND starts_with(u.lexeme, t.lexeme))),
        avg AS (SELECT greatest(avg(dl), 1) AS avgdl FROM docs),
        per_word AS (
          SELECT tf.key, tf.i, max(st.idf * tf.w * ${r.k1 + 1} / (tf.w + ${r.k1} * (${1 - r.b} + ${r.b} * tf.dl / (SELECT avgdl FROM avg)))) AS part
          FROM tf JOIN stats st ON st.lexeme = tf.lexeme GROUP BY tf.key, tf.i)
        SELECT c.key, CASE WHEN nw.n = 0 OR c.fallback THEN 1 ELSE coalesce(s.score, 0) * power(coalesce(s.matched, 0)::float8 / nw.n, ${r.coverage}) END AS score,
               c.published_at, c.facet_values
        FROM docs c
        CROSS JOIN (SELECT count(DISTINCT i) AS n FROM terms) nw
        LEFT JOIN (SELECT key, sum(part) AS score, count(*) AS matched FROM per_word GROUP BY key) s ON s.key = c.key
        WHERE nw.n = 0 OR c.fallback OR coalesce(s.matched, 0) >= CASE WHEN ${param(query.matching)} = 'any' THEN 1 WHEN nw.n <= 2 THEN nw.n ELSE greatest(${r.mostMin}, ceil(nw.n * ${r.most})) END`;
    }

    const highlightQuery = hasText ? (phraseQuery ? `(${anyQuery} || ${phraseQuery})` : anyQuery) : null;
    const headlineConfig = configs.length === 1 ? configs[0] : 'simple';
    const facetPrefixes = query.facets.length ? param(query.facets.map((facet) => `${facet}:`)) : null;
    const termCtes = hasText
      ? `terms AS MATERIALIZED (
           SELECT DISTINCT w.i, l.lexeme, (w.i = ${lastIndex} AND ${prefixLast}) AS prefix
           FROM unnest(${param(termIndex)}::int[], ${param(termText)}::text[]) AS w(i, word),
                unnest(${param(configs)}::regconfig[]) AS cfg(config),
                LATERAL unnest(to_tsvector(cfg.config, w.word)) AS l),
         corpus AS MATERIALIZED (
           SELECT greatest(CASE WHEN c.reltuples >= 10000 THEN c.reltuples ELSE (SELECT count(*) FROM search_documents${query.audience === 'public' ? ` WHERE visibility = 'public'` : ''}) END, 1)::float8 AS n
           FROM pg_class c WHERE c.oid = 'search_documents'::regclass),
         stats AS MATERIALIZED (
           SELECT t.lexeme, t.df, ln(1 + ((SELECT n FROM corpus) - t.df + 0.5) / (t.df + 0.5)) AS idf FROM (
             SELECT l.lexeme, greatest(CASE WHEN l.prefix
                      THEN (SELECT sum(df) FROM (SELECT ${dfColumn} AS df FROM search_terms WHERE lexeme >= l.lexeme AND lexeme < l.lexeme || chr(1114111) AND ${dfColumn} > 0 LIMIT ${PREFIX_TERMS}) p)
                      ELSE (SELECT ${dfColumn} FROM search_terms WHERE lexeme = l.lexeme) END, 0)::float8 AS df
             FROM (SELECT lexeme, bool_or(prefix) AS prefix FROM terms GROUP BY lexeme) l) t),
         wanted AS MATERIALIZED (
           SELECT coalesce(array_agg(DISTINCT x.lexeme), '{}')::text[] AS lexemes, count(*) FILTER (WHERE x.completion) > ${r.prefixCompletions} AS wide FROM (
             SELECT lexeme, false AS completion FROM terms
             UNION ALL
             SELECT c.lexeme, true FROM (SELECT DISTINCT lexeme FROM terms WHERE prefix) p,
               LATERAL (SELECT lexeme FROM search_terms WHERE lexeme >= p.lexeme AND lexeme < p.lexeme || chr(1114111) AND ${dfColumn} > 0 LIMIT ${r.prefixCompletions + 1}) c) x),`
      : '';
    const sql = `
      WITH ${termCtes}
      candidates AS MATERIALIZED (${candidates}),
      matches AS MATERIALIZED (${scored}),
      page AS (
        SELECT key, published_at, round(score * ${SCORE_SCALE}) / ${SCORE_SCALE} AS score FROM matches
        ORDER BY round(score * ${SCORE_SCALE}) DESC, published_at DESC NULLS LAST, key
        LIMIT ${param(query.limit)} OFFSET ${param(query.offset)})
      SELECT
        (SELECT count(*)::int FROM matches) AS total,
        (SELECT count(*) >= ${cap} FROM candidates) AS capped,
        (SELECT json_agg(h ORDER BY h.score DESC, h.published_at DESC NULLS LAST, h.key) FROM (
           SELECT d.key, d.kind, d.source_id, d.locale, d.title, d.slug, d.status, d.category_ids, d.product_keys, d.tags, d.published_at, page.score,
                  ${highlightQuery ? `ts_headline('${headlineConfig}', d.title, ${highlightQuery}, 'HighlightAll=true, StartSel=${MARK_START}, StopSel=${MARK_END}')` : 'd.title'} AS hl_title,
                  ${highlightQuery ? `ts_headline('${headlineConfig}', left(d.body, 20000), ${highlightQuery}, 'MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … ", StartSel=${MARK_START}, StopSel=${MARK_END}')` : 'left(d.body, 240)'} AS hl_body
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

  /**
   * Spelling correction on the trigram index: each query word's document frequency (from `search_terms`, in every
   * configuration of the locales; a last word typed as a prefix counts the lexemes it begins), and for a word
   * that is unknown or rare the most similar vocabulary words with their own document frequency. The vocabulary
   * is reached only through its trigram index (`spellingSql`). Returns the corrected words, or null when nothing
   * changes (`chooseSpelling`).
   */
  async spellingCorrection(words: string[], locales: readonly string[], prefixLast: boolean, audience: Visibility): Promise<string[] | null> {
    if (words.length === 0) return null;
    // Chinese and Japanese words are never corrected: they are sent empty (no lexeme, no lookup) and put back.
    const cjk = words.map(containsCjk);
    const rows = await this.db.query<SpellingRow>(spellingSql(words.length, dfColumnOf(audience)), spellingParams(words.map((word, i) => (cjk[i] ? '' : word)), locales, prefixLast));
    return chooseSpelling(rows.rows)?.map((word, i) => (cjk[i] ? words[i] : word)) ?? null;
  }
}

/** When and how the engine corrects spelling (docs/search.md, "Did you mean"). */
export const SPELLING = {
  /** Shorter words are never corrected (and never enter the vocabulary). */
  minLength: VOCABULARY_MIN_LENGTH,
  /** A word found in at most this many documents is rare: it may be a typo that also occurs in a few documents. */
  rareDf: 2,
  /** A rare word is replaced only by a close word found in at least this many times more documents … */
  frequentRatio: 10,
  /** … and at least this similar. */
  rareSimilarity: 0.5,
  /**
   * Vocabulary words less similar than this (pg_trgm `similarity`) are never considered: the trigram index
   * then returns far fewer rows to check (pg_trgm's default, 0.3, let 1M-word vocabularies cost tens of ms).
   */
  threshold: 0.4,
  /** Vocabulary words considered per query word, most similar first. */
  candidates: 10,
  /**
   * `didYouMean` is looked for in search-box queries of at most this many words; longer text and
   * suggestions are corrected only when nothing matched (the check costs a statement and a one-hit search).
   */
  maxWords: 8,
  /**
   * The chosen word has the best similarity + frequencyWeight × log10(documents): a word in 100 documents
   * beats a slightly closer one found once (`accessed` over `accssed` for `accwssed`).
   */
  frequencyWeight: 0.1,
};

/**
 * Document frequencies as the audience may know them: among public documents for public searches (`public_df`),
 * among every indexed document for staff (`df`). Both kept by the triggers on `search_documents`.
 */
export type DfColumn = 'df' | 'public_df';

function dfColumnOf(audience: Visibility): DfColumn {
  return audience === 'public' ? 'public_df' : 'df';
}

/** The parameters of `spellingSql(words.length)`. */
export function spellingParams(words: string[], locales: readonly string[], prefixLast: boolean): unknown[] {
  const configs = [...new Set(locales.map(textSearchConfig))];
  return [words, locales, prefixLast, configs, SPELLING.rareDf, SPELLING.candidates, SPELLING.minLength, PREFIX_TERMS, ...words, String(SPELLING.threshold)];
}

export interface SpellingCandidate {
  word: string;
  similarity: number;
  /** Documents containing the word (0: only in the vocabulary, e.g. a stop word or a word since removed). */
  df: number;
}

export interface SpellingRow {
  input: string;
  /** Documents containing the word (its lexemes in any configuration of the locales). */
  df: number;
  /** Null when the word was not looked up: frequent, a stop word, too short. */
  candidates: SpellingCandidate[] | null;
}

/**
 * The corrected words, or null when no word changes. An unknown word (in no document) becomes its most similar
 * vocabulary word found in documents, weighing similarity and frequency (`frequencyWeight`); a rare word (at
 * most `rareDf` documents) becomes a close word (`rareSimilarity`) found in `frequentRatio` times more documents.
 */
export function chooseSpelling(rows: SpellingRow[]): string[] | null {
  let changed = false;
  const corrected = rows.map((row) => {
    if (!row.candidates?.length) return row.input;
    const usable = row.candidates
      .filter((c) => c.word !== row.input && c.df > 0)
      .filter((c) => row.df === 0 || (c.similarity >= SPELLING.rareSimilarity && c.df >= SPELLING.frequentRatio * Math.max(row.df, 1)))
      .map((c) => ({ ...c, score: c.similarity + SPELLING.frequencyWeight * Math.log10(c.df) }))
      .sort((a, b) => b.score - a.score || b.df - a.df || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
    if (usable.length === 0) return row.input;
    changed = true;
    return usable[0].word;
  });
  return changed ? corrected : null;
}

/**
 * The spelling statement for `count` words. Parameters: $1 words, $2 locales, $3 last word is a prefix,
 * $4 configurations, $5 rare df, $6 candidates, $7 min length, $8 lexemes counted per prefix, then each word
 * again ($9, $10, …) and last the similarity threshold. The threshold of `%` is pg_trgm's setting: `freq` sets
 * it for this statement only (`set_config(…, true)` ends with the statement's transaction) while producing
 * the rows whose CASE may then run a trigram lookup, so it is in force before any lookup starts. Frequent words cost one primary-key lookup in `search_terms` per configuration; the
 * trigram lookup runs only for unknown and rare words (an uncorrelated subquery is an InitPlan, evaluated only
 * when its CASE branch is taken). Each word's trigram lookup names its own parameter, never a column of
 * another row: the planner then knows the word's trigrams and costs the GIN index for them (a correlated
 * `word % w.input` is costed blind and planned as a scan of the whole vocabulary), and `OFFSET 0` keeps the
 * locale condition out of the scan, so no locale estimate can pick the primary key instead (issue 11 found
 * 15 rows estimated against 6,531).
 */
export function spellingSql(count: number, dfColumn: DfColumn = 'df'): string {
  const candidates = (p: string): string => `(
      SELECT json_agg(json_build_object('word', c.word, 'similarity', c.sim,
               'df', coalesce((SELECT max(t.${dfColumn}) FROM unnest($4::regconfig[]) AS cfg(config), LATERAL unnest(to_tsvector(cfg.config, c.word)) AS x
                               JOIN search_terms t ON t.lexeme = x.lexeme), 0))
             ORDER BY c.sim DESC, length(c.word), c.word)
      FROM (SELECT v.word, similarity(v.word, ${p}::text) AS sim
            FROM (SELECT word, locale FROM search_vocabulary WHERE word % ${p}::text OFFSET 0) v
            WHERE v.locale = ANY($2::text[])
            ORDER BY sim DESC, length(v.word), v.word LIMIT $6) c)`;
  const perWord = Array.from(
    { length: count },
    (_, i) => `SELECT f.n, f.input, f.df, CASE WHEN f.lookup AND f.threshold IS NOT NULL THEN ${candidates(`$${9 + i}`)} END AS candidates FROM freq f WHERE f.n = ${i + 1}`,
  );
  return `
  WITH w AS (
    SELECT w0.input, w0.n, (w0.n = cardinality($1::text[]) AND $3::boolean) AS prefix
    FROM unnest($1::text[]) WITH ORDINALITY AS w0(input, n)),
  lex AS (
    SELECT w.n, l.lexeme, w.prefix FROM w, unnest($4::regconfig[]) AS cfg(config), LATERAL unnest(to_tsvector(cfg.config, w.input)) AS l),
  counted AS (
    SELECT w.n, w.input, count(lex.lexeme) AS lexemes, coalesce(max(CASE WHEN lex.prefix
             THEN (SELECT sum(df) FROM (SELECT ${dfColumn} AS df FROM search_terms WHERE lexeme >= lex.lexeme AND lexeme < lex.lexeme || chr(1114111) AND ${dfColumn} > 0 LIMIT $8) p)
             ELSE (SELECT ${dfColumn} FROM search_terms WHERE lexeme = lex.lexeme) END), 0)::int AS df
    FROM w LEFT JOIN lex ON lex.n = w.n GROUP BY w.n, w.input),
  freq AS MATERIALIZED (
    SELECT n, input, df, NOT (lexemes = 0 OR df > $5 OR length(input) < $7 OR input ~ '^[0-9]+$') AS lookup,
           set_config('pg_trgm.similarity_threshold', $${9 + count}::text, true) AS threshold
    FROM counted)
  SELECT input, df, candidates FROM (${perWord.join(' UNION ALL ')}) r ORDER BY n`;
}

/** Escapes everything, then turns the engine's private marks into the caller's highlight tags. */
export function safeHighlight(marked: string, tags: { preTag: string; postTag: string }): string {
  return escapeHtml(marked.replace(/\u200b/g, '').trim())
    .replace(/\u0002/g, tags.preTag)
    .replace(/\u0003/g, tags.postTag);
}
