import { Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { documentKey } from '../../search/search-engine';
import type { SearchDocument, SearchDocumentRef } from '../../search/search-engine';
import { decodeVector, encodeVector, SentenceEncoder } from '../common/sentence-encoder/sentence-encoder';
import { AppConfig } from '../config/app-config';
import { SEARCH_INDEXED_CHANNEL, SearchResultCache } from './search-result-cache';
import { isEnglishLocale, queryEmbeddingText } from './semantic-rerank';

/** Titles embedded per model call by the background job (a call holds the model ~7 ms per title). */
const BACKGROUND_EMBED_BATCH = 8;
const NO_VECTOR_RECHECK_MS = 5_000;

/**
 * Sentence vectors of the searchable documents' titles (`search_vectors`) and of queries, for the semantic rerank
 * (docs/search.md, "Semantic rerank"). The indexing worker records each English document's title in the same
 * transaction as its index write (a changed title resets the vector); the `search-embeddings` job embeds what is
 * pending. Titles are recorded even while the rerank is off, so turning it on needs no reindex.
 */
@Injectable()
export class SearchVectors implements OnApplicationShutdown {
  private vectorsSeen = false;
  private vectorsCheckedAt = Number.NEGATIVE_INFINITY;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly resultCache: SearchResultCache,
    @Optional() private readonly encoder: SentenceEncoder = SentenceEncoder.instance(),
  ) {}

  /** Stops the encoder's worker thread so the process can exit (it is shared: closing twice is harmless). */
  async onApplicationShutdown(): Promise<void> {
    await this.encoder.close();
  }

  get enabled(): boolean {
    return this.config.search.semanticRerank;
  }

  /** Records the titles of indexed documents (in key order, so concurrent writers cannot deadlock) and forgets removed ones. */
  async track(manager: EntityManager | DataSource, documents: readonly SearchDocument[], removed: readonly SearchDocumentRef[] = []): Promise<void> {
    const english = documents.filter((document) => isEnglishLocale(document.locale)).sort((a, b) => compareKeys(a, b));
    if (english.length > 0) {
      await manager.query(
        `INSERT INTO search_vectors (kind, id, locale, text)
         SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[])
         ON CONFLICT (kind, id, locale) DO UPDATE SET text = EXCLUDED.text, vector = NULL, updated_at = now()
         WHERE search_vectors.text IS DISTINCT FROM EXCLUDED.text`,
        [english.map((d) => d.kind), english.map((d) => d.id), english.map((d) => d.locale), english.map((d) => d.title)],
      );
    }
    const gone = [...removed].sort(compareKeys);
    if (gone.length > 0) {
      await manager.query(
        `DELETE FROM search_vectors v USING unnest($1::text[], $2::uuid[], $3::text[]) AS g(kind, id, locale)
         WHERE v.kind = g.kind AND v.id = g.id AND v.locale = g.locale`,
        [gone.map((r) => r.kind), gone.map((r) => r.id), gone.map((r) => r.locale)],
      );
    }
  }

  /**
   * Embeds up to `batch` pending titles (oldest first) and stores their vectors; a title changed meanwhile keeps
   * its reset vector and is embedded again later. Returns how many were embedded: 0 when none is left or the
   * rerank is off or the encoder unavailable.
   */
  async embedPending(batch = 32): Promise<number> {
    if (!this.enabled) return 0;
    const rows: { kind: string; id: string; locale: string; text: string }[] = await this.dataSource.query(
      `SELECT kind, id, locale, text FROM search_vectors WHERE vector IS NULL ORDER BY updated_at, kind, id, locale LIMIT $1`,
      [batch],
    );
    if (rows.length === 0) return 0;
    const vectors = await this.encoder.embed(rows.map((row) => row.text));
    if (!vectors) return 0;
    await this.dataSource.query(
      `UPDATE search_vectors v SET vector = u.vector
       FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::bytea[]) AS u(kind, id, locale, text, vector)
       WHERE v.kind = u.kind AND v.id = u.id AND v.locale = u.locale AND v.text = u.text`,
      [rows.map((r) => r.kind), rows.map((r) => r.id), rows.map((r) => r.locale), rows.map((r) => r.text), vectors.map(encodeVector)],
    );
    this.vectorsSeen = true;
    return rows.length;
  }

  /**
   * The `search-embeddings` job: pending titles a few per model call until none is left or `budgetMs` has passed.
   * New vectors change rankings, so cached public results are then dropped (this instance at once, the others
   * through the index notification).
   */
  async embedAllPending(budgetMs: number, onProgress: (embedded: number) => void = () => undefined): Promise<number> {
    const end = Date.now() + budgetMs;
    let total = 0;
    for (let n = await this.embedPending(BACKGROUND_EMBED_BATCH); n > 0; n = await this.embedPending(BACKGROUND_EMBED_BATCH)) {
      total += n;
      onProgress(total);
      if (Date.now() >= end) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (total > 0) {
      await this.dataSource.query('SELECT pg_notify($1, $2)', [SEARCH_INDEXED_CHANNEL, 'vectors']);
      this.resultCache.invalidate();
    }
    return total;
  }

  async pendingCount(): Promise<number> {
    const [{ pending }] = await this.dataSource.query('SELECT count(*)::int AS pending FROM search_vectors WHERE vector IS NULL');
    return pending as number;
  }

  /**
   * Whether any document has a vector yet (until then a search embeds no query): once true it stays true in this
   * process; false is checked again after a few seconds.
   */
  async anyVector(): Promise<boolean> {
    if (this.vectorsSeen) return true;
    if (Date.now() < this.vectorsCheckedAt + NO_VECTOR_RECHECK_MS) return false;
    this.vectorsCheckedAt = Date.now();
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM search_vectors WHERE vector IS NOT NULL LIMIT 1');
    this.vectorsSeen = rows.length > 0;
    return this.vectorsSeen;
  }

  /** The query's vector, ahead of background embedding; null when the encoder is unavailable or `signal` aborted first. */
  async queryVector(text: string, signal?: AbortSignal): Promise<Float32Array | null> {
    const vectors = await this.encoder.embed([queryEmbeddingText(text)], { urgent: true, signal });
    return vectors?.[0] ?? null;
  }

  /** Stored vectors of these documents, by `documentKey` (documents not embedded yet are absent). */
  async vectorsOf(refs: readonly SearchDocumentRef[]): Promise<Map<string, Float32Array>> {
    if (refs.length === 0) return new Map();
    const rows: { kind: string; id: string; locale: string; vector: Buffer }[] = await this.dataSource.query(
      `SELECT v.kind, v.id, v.locale, v.vector FROM search_vectors v JOIN unnest($1::text[], $2::uuid[], $3::text[]) AS r(kind, id, locale)
         ON v.kind = r.kind AND v.id = r.id AND v.locale = r.locale
       WHERE v.vector IS NOT NULL`,
      [refs.map((r) => r.kind), refs.map((r) => r.id), refs.map((r) => r.locale)],
    );
    return new Map(rows.map((row) => [documentKey({ kind: row.kind as SearchDocumentRef['kind'], id: row.id, locale: row.locale }), decodeVector(row.vector)]));
  }
}

function compareKeys(a: SearchDocumentRef, b: SearchDocumentRef): number {
  return a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id) || a.locale.localeCompare(b.locale);
}
