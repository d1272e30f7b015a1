/**
 * The search port: the only way the application reaches a search engine. Engines live beside this file
 * (postgres/, meilisearch/) and import nothing from NestJS or src/.
 */

export type DocumentKind = 'article' | 'thread';

/** Who may see a document: `public` documents are the only ones a delivery query can ever return. */
export type Visibility = 'public' | 'staff';

export interface SearchDocumentRef {
  kind: DocumentKind;
  /** The source row's id (an article id, later a thread id). */
  id: string;
  locale: string;
}

/** One searchable document: a locale of an article (later: a forum thread). */
export interface SearchDocument extends SearchDocumentRef {
  /** Grows with every change of the source; an engine never replaces a document with an older version. */
  version: number;
  visibility: Visibility;
  /** Workflow state for editors' filters (articles: draft, in_review, scheduled, published, unpublished, archived). */
  status: string;
  title: string;
  /** Section headings, weighted between title and body. */
  headings: string[];
  /** Plain text, no markup. */
  body: string;
  slug: string;
  /** The document's category and every ancestor, so a filter on a category includes its sub-categories. */
  categoryIds: string[];
  productKeys: string[];
  tags: string[];
  /** Threads: whether an answer was accepted; null for articles. */
  solved: boolean | null;
  updatedAt: Date;
  publishedAt: Date | null;
}

export type FacetName = 'kind' | 'category' | 'product' | 'tag' | 'locale' | 'status' | 'solved';

export interface SearchFilters {
  kinds?: DocumentKind[];
  locales?: string[];
  /** Matches documents in any of these categories or below them. */
  categoryIds?: string[];
  productKeys?: string[];
  tags?: string[];
  statuses?: string[];
  solved?: boolean;
}

export interface SearchQuery {
  /** User text, untrusted; engines must treat it as words, never as query syntax. Empty: browse. */
  text: string;
  /** `public`: only public documents; `staff`: everything (admin search). */
  audience: Visibility;
  filters: SearchFilters;
  facets: FacetName[];
  offset: number;
  limit: number;
  /** `all`: every word must match (search box); `any`: the more words match the better (suggestions). */
  matching: 'all' | 'any';
  highlight: { preTag: string; postTag: string };
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface SearchHit extends SearchDocumentRef {
  title: string;
  slug: string;
  /** HTML-safe: the title with every match wrapped in the highlight tags and everything else escaped. */
  highlightedTitle: string;
  /** HTML-safe excerpt of the body around the matches, same rules. */
  snippet: string;
  score: number;
  categoryIds: string[];
  productKeys: string[];
  tags: string[];
  status: string;
  publishedAt: Date | null;
}

export interface SearchPage {
  hits: SearchHit[];
  /** Matching documents; exact up to MAX_EXACT_TOTAL, beyond that at least this many (`totalIsEstimate`). */
  total: number;
  totalIsEstimate: boolean;
  facets: Partial<Record<FacetName, FacetCount[]>>;
  /** Set when nothing matched as typed and the engine searched for a spelling-corrected form of the text instead. */
  correctedText: string | null;
  /**
   * A spelling-corrected form of the text to offer ("Did you mean …?") while the hits are those of the text as
   * typed: set when a word is in no document, or in very few while a similar word is far more frequent.
   * Engines that correct typos silently inside their matching (Meilisearch) leave it null.
   */
  didYouMean: string | null;
}

/** Per-locale synonyms and stop words, managed by editors and applied by every engine. */
export interface SearchSettings {
  /** Groups of words that mean the same (`invoice ⇄ bill`). */
  synonyms: Record<string, string[][]>;
  stopWords: Record<string, string[]>;
}

export interface EngineHealth {
  up: boolean;
  detail?: string;
}

/** What an indexed document was built from, for drift checks against the database. */
export interface IndexedVersion extends SearchDocumentRef {
  version: number;
  status: string;
  visibility: Visibility;
  updatedAt: Date;
}

/** A full rebuild: documents go into a fresh index that replaces the live one only at `commit()`. */
export interface IndexRebuild {
  upsert(documents: SearchDocument[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface SearchEngine {
  readonly name: 'postgres' | 'meilisearch';
  /** Creates or updates indexes and settings; idempotent. */
  applySettings(settings: SearchSettings): Promise<void>;
  /** Idempotent and versioned: a document older than the indexed one is ignored. */
  upsert(documents: SearchDocument[]): Promise<void>;
  remove(refs: SearchDocumentRef[]): Promise<void>;
  search(query: SearchQuery): Promise<SearchPage>;
  health(): Promise<EngineHealth>;
  /** Every indexed document's version, in pages, for `search:check`. */
  versions(after: string | null, limit: number): Promise<{ versions: IndexedVersion[]; next: string | null }>;
  startRebuild(): Promise<IndexRebuild>;
  close(): Promise<void>;
}

/**
 * Engines count, rank and facet at most about this many matches of one query (Meilisearch's default
 * `maxTotalHits` is the same): beyond it `total` is a lower bound and facets describe the best matches.
 */
export const MAX_EXACT_TOTAL = 1000;

export function documentKey(ref: SearchDocumentRef): string {
  return `${ref.kind}:${ref.id}:${ref.locale}`;
}
