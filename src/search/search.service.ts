import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { FacetName, SearchEngine, SearchFilters, SearchHit, SearchPage, SearchQuery, Visibility } from '../../search/search-engine';
import { textSearchConfig } from '../../search/postgres/text-search-config';
import { containsCjk, queryPhrases, queryWords } from '../../search/text/words';
import { BadUserInputError } from '../common/errors/app-error';
import { LocalesService } from '../common/locales/locales.service';
import { AppConfig } from '../config/app-config';
import { articleUrl, threadUrl } from '../config/site-urls';
import { SearchAnalytics } from './search-analytics';
import { SEARCH_ENGINE } from './search-engine.token';
import { SearchResultCache } from './search-result-cache';
import type { HitDetails, LabeledFacetCount, PublicFacetName } from './search-labels';
import { hitKey, SearchLabels } from './search-labels';
import { SearchVectors } from './search-vectors';
import { SearchVisibility } from './search-visibility';
import { isEnglishLocale, rerankBySimilarity, SEMANTIC_RERANK } from './semantic-rerank';
import { cosine } from '../common/sentence-encoder/sentence-encoder';
import { documentKey } from '../../search/search-engine';

/**
 * A search whose quoted phrases find fewer documents than this is relaxed: the documents with the phrases come first,
 * then those with the phrases' words (as without the quotes). With this many or more, the phrases stay strict.
 */
export const PHRASE_RELAX_BELOW = 100;
/** A relaxed list is read from its start, so it shows this many results; a page beyond is empty (with the list's total). */
export const PHRASE_RELAX_DEPTH = 200;

export interface SearchRequest {
  text: string;
  /** The help site's locale: default for `filters.locales`. */
  locale?: string | null;
  filters: SearchFilters;
  facets: FacetName[];
  page: number;
  pageSize: number;
  highlight: { preTag: string; postTag: string };
  /** The client's address (public searches): analytics count distinct clients by a keyed hash of it, never storing it. */
  clientAddress?: string | null;
}

export interface SearchResult extends SearchPage {
  /** For recordSearchClick (delivery searches only). */
  searchId: string | null;
  /** The facets as values the filters accept, with labels. */
  labeledFacets: Record<PublicFacetName, LabeledFacetCount[] | null>;
  /** Category and author of each hit, by `hitKey`. */
  hitDetails: Map<string, HitDetails>;
  page: number;
  pageSize: number;
  urlOf(hit: SearchHit): string | null;
}

export interface Suggestions {
  batchId: string;
  hits: SearchHit[];
  /** Category and author of each hit, by `hitKey`. */
  hitDetails: Map<string, HitDetails>;
  urlOf(hit: SearchHit): string | null;
}

export type SuggestionKind = 'article' | 'thread';
export const SUGGESTION_KINDS: readonly SuggestionKind[] = ['article', 'thread'];

export interface DeflectionByKind {
  kind: SuggestionKind;
  /** suggestArticles calls that showed at least one suggestion of this kind. */
  batches: number;
  /** Those after which a suggestion of this kind was opened. */
  batchesOpened: number;
  suggestionsShown: number;
  suggestionsOpened: number;
}

export interface Deflection {
  batches: number;
  batchesOpened: number;
  suggestionsShown: number;
  byKind: DeflectionByKind[];
}

/** Searches through the configured engine; public searches are logged for analytics. */
@Injectable()
export class SearchService {
  /** Pages that should have been reranked and were not (query vector late): the result cache leaves them out. */
  private readonly notReranked = new WeakSet<SearchPage>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SEARCH_ENGINE) private readonly engine: SearchEngine,
    private readonly locales: LocalesService,
    private readonly config: AppConfig,
    private readonly analytics: SearchAnalytics,
    private readonly resultCache: SearchResultCache,
    private readonly labels: SearchLabels,
    private readonly vectors: SearchVectors,
    private readonly visibility: SearchVisibility,
  ) {}

  async search(request: SearchRequest, audience: Visibility): Promise<SearchResult> {
    const locales = this.localesOf(request);
    const query: SearchQuery = {
      text: request.text,
      audience,
      filters: { ...request.filters, locales },
      facets: request.facets,
      offset: (request.page - 1) * request.pageSize,
      limit: request.pageSize,
      matching: 'all',
      highlight: request.highlight,
    };
    // Editors see their changes at once; the public shares cached results until the index changes.
    const found =
      audience === 'public' ? await this.resultCache.get(query, () => this.searchReranked(query), (found) => !this.notReranked.has(found)) : await this.searchReranked(query);
    const page = audience === 'public' ? await this.withoutHidden(found) : found;
    const wordsLocale = locales?.[0] ?? this.locales.defaultLocale;
    const searchId =
      audience === 'public'
        ? this.analytics.recordSearch(request.text, (text) => queryWords(text, wordsLocale), locales?.[0] ?? null, page.total, request.clientAddress ?? null)
        : null;
    const labelLocale = locales?.[0] ?? this.locales.defaultLocale;
    const labels = await this.labels.label(page, labelLocale, this.locales.fallback);
    return { ...page, searchId, labeledFacets: labels.facets, hitDetails: labels.hits, page: request.page, pageSize: request.pageSize, urlOf: (hit) => this.urlOf(hit) };
  }

  /**
   * The engine's first SEMANTIC_RERANK.depth hits re-scored by the similarity of the query to each title (sentence
   * vectors; docs/search.md, "Semantic rerank"), for English searches with text. The query is embedded while the
   * engine searches; without its vector in time (encoder unavailable or busy) the page is the engine's. Pages
   * beyond the window are the engine's, so no hit is shown twice or skipped.
   */
  private async searchReranked(query: SearchQuery): Promise<SearchPage> {
    const locales = query.filters.locales;
    const reranks =
      this.vectors.enabled && query.offset < SEMANTIC_RERANK.depth && query.text.trim() !== '' && locales !== undefined && locales.length > 0 && locales.every(isEnglishLocale);
    if (!reranks || !(await this.vectors.anyVector())) return this.searchRelaxingPhrases(query);
    // Given up on (late, or not needed): the query leaves the encoder's queue if its turn has not come.
    const giveUp = new AbortController();
    const queryVector = this.vectors.queryVector(query.text, giveUp.signal);
    const end = query.offset + query.limit;
    let window: SearchPage;
    try {
      window = await this.searchRelaxingPhrases({ ...query, offset: 0, limit: Math.max(SEMANTIC_RERANK.depth, end) });
    } catch (error) {
      giveUp.abort();
      throw error;
    }
    if (window.hits.length < 2) {
      giveUp.abort();
      return { ...window, hits: window.hits.slice(query.offset, end) };
    }
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => {
        giveUp.abort();
        resolve('late');
      }, SEMANTIC_RERANK.queryVectorWaitMs);
    });
    const vector = await Promise.race([queryVector, late]);
    clearTimeout(timer);
    if (vector === null || vector === 'late') {
      const page = { ...window, hits: window.hits.slice(query.offset, end) };
      // Late, the page is the engine's for now: not cached, so the next search reranks. (Null: no encoder here.)
      if (vector === 'late') this.notReranked.add(page);
      return page;
    }
    const reranked = window.hits.slice(0, SEMANTIC_RERANK.depth);
    const stored = await this.vectors.vectorsOf(reranked);
    const hits = [
      ...rerankBySimilarity(reranked, (hit) => {
        const documentVector = stored.get(documentKey(hit));
        return documentVector ? cosine(vector, documentVector) : null;
      }, SEMANTIC_RERANK.weight),
      ...window.hits.slice(SEMANTIC_RERANK.depth),
    ];
    return { ...window, hits: hits.slice(query.offset, end) };
  }

  /**
   * Quoted phrases are honoured without ever hiding what the words find: when the phrases match fewer than
   * PHRASE_RELAX_BELOW documents (a pasted error message, a title in quotes), the list is those documents first,
   * in the engine's order, then the documents the text finds without its quotes; total and facets are those of
   * the whole list. Above the engine port, so both engines behave alike.
   */
  private async searchRelaxingPhrases(query: SearchQuery): Promise<SearchPage> {
    const strict = await this.engine.search(query);
    // (A corrected text was searched without its phrases already: nothing matched as typed.)
    if (strict.correctedText !== null || strict.totalIsEstimate || strict.total >= PHRASE_RELAX_BELOW) return strict;
    if (queryPhrases(query.text, query.filters.locales?.[0] ?? this.locales.defaultLocale).length === 0) return strict;
    const words = query.text.replace(/"([^"]+)"/g, ' $1 ');
    const end = query.offset + query.limit;
    if (end > PHRASE_RELAX_DEPTH) {
      const counts = await this.engine.search({ ...query, text: words, offset: 0, limit: 1 });
      return { ...counts, hits: [], total: Math.max(strict.total, counts.total) };
    }
    const phraseHits =
      query.offset === 0 && strict.total <= query.limit ? strict.hits : (await this.engine.search({ ...query, offset: 0, limit: strict.total, facets: [] })).hits;
    const relaxed = await this.engine.search({ ...query, text: words, offset: 0, limit: end + phraseHits.length });
    const phraseKeys = new Set(phraseHits.map(hitKey));
    const others = relaxed.hits.filter((hit) => !phraseKeys.has(hitKey(hit)));
    // The phrases' documents hold the phrases' words, so they are among the relaxed matches: its total and facets.
    return { ...relaxed, hits: [...phraseHits, ...others].slice(query.offset, end), total: Math.max(strict.total, relaxed.total) };
  }

  /**
   * Articles (and, unless left out, solved forum threads) that may answer a question being typed: any-word
   * matching over the whole text. Solved threads come from a second query of the same engine (the engine's
   * filters cannot say "articles, or threads that are solved"); both lists are merged by score. Until the text
   * has a word that carries meaning (not a stop word of the locale, and two characters or more unless
   * Chinese or Japanese), there is nothing to suggest: the answer is an empty list, whatever the engine.
   * Each list is reranked like a search (semantic rerank), so scores stay on the engine's scale for the merge.
   */
  async suggestArticles(
    text: string,
    locale: string | null,
    limit: number,
    highlight: { preTag: string; postTag: string },
    includeSolvedThreads = true,
  ): Promise<Suggestions> {
    const resolved = locale ? this.locales.resolve(locale) : this.locales.defaultLocale;
    if (!(await this.hasMeaningfulWord(text, resolved))) return { batchId: randomUUID(), hits: [], hitDetails: new Map(), urlOf: (hit) => this.urlOf(hit) };
    const query = (filters: SearchFilters): Promise<SearchPage> =>
      this.searchReranked({ text, audience: 'public', filters: { ...filters, locales: [resolved] }, facets: [], offset: 0, limit, matching: 'any', highlight });
    const [articles, threads] = await Promise.all([
      query({ kinds: ['article'] }),
      includeSolvedThreads ? query({ kinds: ['thread'], solved: true }) : Promise.resolve(null),
    ]);
    const hits = await this.visibility.stillPublic(threads ? [...articles.hits, ...threads.hits].sort((a, b) => b.score - a.score).slice(0, limit) : articles.hits);
    const batchId = randomUUID();
    const shown = hits.map((hit, index) => ({ hit, position: index + 1 }));
    if (shown.length > 0) {
      await this.dataSource.query(
        `INSERT INTO article_suggestions (batch_id, kind, subject_id, locale, position)
         SELECT $1, kind, subject_id, locale, position FROM unnest($2::text[], $3::uuid[], $4::text[], $5::int[]) AS s(kind, subject_id, locale, position)`,
        [batchId, shown.map((s) => s.hit.kind), shown.map((s) => s.hit.id), shown.map((s) => s.hit.locale), shown.map((s) => s.position)],
      );
    }
    return { batchId, hits, hitDetails: (await this.labels.label({ hits, facets: {} }, resolved, this.locales.fallback)).hits, urlOf: (hit) => this.urlOf(hit) };
  }

  /**
   * A public page without the hits that stopped being public since they were indexed (the outbox lag); the total
   * loses them too. Facet counts stay the index's until the worker catches up (docs/search.md, "What the public can learn").
   */
  private async withoutHidden(page: SearchPage): Promise<SearchPage> {
    const hits = await this.visibility.stillPublic(page.hits);
    return { ...page, hits, total: Math.max(0, page.total - (page.hits.length - hits.length)) };
  }

  /** Returns false when that suggestion (this article or thread in this batch) was never shown. */
  async recordSuggestionOpened(batchId: string, opened: { articleId?: string | null; threadId?: string | null }): Promise<boolean> {
    if (Boolean(opened.articleId) === Boolean(opened.threadId)) {
      const messages = ['give exactly one of articleId and threadId'];
      throw new BadUserInputError('Give the opened article or the opened thread', [{ field: 'articleId', messages }, { field: 'threadId', messages }]);
    }
    const [kind, subjectId]: [SuggestionKind, string] = opened.articleId ? ['article', opened.articleId] : ['thread', opened.threadId as string];
    const [{ updated }] = await this.dataSource.query(
      `WITH u AS (UPDATE article_suggestions SET opened_at = coalesce(opened_at, now()) WHERE batch_id = $1 AND kind = $2 AND subject_id = $3 RETURNING id)
       SELECT count(*)::int AS updated FROM u`,
      [batchId, kind, subjectId],
    );
    return (updated as number) > 0;
  }

  /**
   * Deflection over [from, to): suggestion batches (suggestArticles calls that showed something) and those after
   * which a suggestion was opened, in all and per kind of suggestion (article, solved thread).
   */
  async deflection(from: Date, to: Date): Promise<Deflection> {
    const rows: { kind: SuggestionKind | null; batches: number; opened: number; shown: number; opened_suggestions: number }[] = await this.dataSource.query(
      `SELECT kind, count(DISTINCT batch_id)::int AS batches, count(DISTINCT batch_id) FILTER (WHERE opened_at IS NOT NULL)::int AS opened,
              count(*)::int AS shown, count(*) FILTER (WHERE opened_at IS NOT NULL)::int AS opened_suggestions
         FROM article_suggestions WHERE shown_at >= $1 AND shown_at < $2
        GROUP BY GROUPING SETS ((), (kind))`,
      [from, to],
    );
    const total = rows.find((row) => row.kind === null);
    const byKind = SUGGESTION_KINDS.map((kind) => {
      const row = rows.find((r) => r.kind === kind);
      return { kind, batches: row?.batches ?? 0, batchesOpened: row?.opened ?? 0, suggestionsShown: row?.shown ?? 0, suggestionsOpened: row?.opened_suggestions ?? 0 };
    });
    return { batches: total?.batches ?? 0, batchesOpened: total?.opened ?? 0, suggestionsShown: total?.shown ?? 0, byKind };
  }

  recordClick(searchId: string, kind: string, id: string, locale: string, position: number): void {
    this.analytics.recordClick(searchId, `${kind}:${id}:${locale}`, position);
  }

  /** Stop words are those of the locale's PostgreSQL text search configuration (the database is always PostgreSQL). */
  private async hasMeaningfulWord(text: string, locale: string): Promise<boolean> {
    const words = queryWords(text, locale).filter((word) => word.length > 1 || containsCjk(word));
    if (words.length === 0) return false;
    if (words.some(containsCjk)) return true;
    const [{ meaningful }] = await this.dataSource.query(`SELECT length(to_tsvector($1::regconfig, $2)) > 0 AS meaningful`, [textSearchConfig(locale), words.join(' ')]);
    return meaningful as boolean;
  }

  private localesOf(request: SearchRequest): string[] | undefined {
    if (request.filters.locales?.length) return request.filters.locales.map((l) => this.locales.resolve(l, 'input.filters.locales'));
    if (request.locale) return [this.locales.resolve(request.locale, 'input.locale')];
    return undefined;
  }

  private urlOf(hit: SearchHit): string | null {
    return hit.kind === 'article' ? articleUrl(this.config.site, hit.locale, hit.slug) : threadUrl(this.config.site, hit.locale, hit.slug);
  }
}
