import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { documentKey, IndexedVersion, SearchDocument } from '../../search/search-engine';
import type { SearchEngine } from '../../search/search-engine';
import { ArticleDocuments } from './article-documents';
import { ThreadDocuments } from './thread-documents';
import { recordFingerprints } from './public-fingerprints';
import { SEARCH_ENGINE } from './search-engine.token';
import { SEARCH_INDEXED_CHANNEL, SearchResultCache } from './search-result-cache';
import { SearchSettingsService } from './search-settings.service';
import { SearchVectors } from './search-vectors';

const BATCH = 500;
const WRITERS = 2;

export interface DriftReport {
  expected: number;
  indexed: number;
  /** In the database, not in the index. */
  missing: string[];
  /** In the index, not in the database. */
  extra: string[];
  /** In both, but the index holds an older state (status, visibility or content). */
  outdated: string[];
}

/** Operator commands: rebuild the index from PostgreSQL, compare the two. */
@Injectable()
export class SearchIndexService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SEARCH_ENGINE) private readonly engine: SearchEngine,
    private readonly documents: ArticleDocuments,
    private readonly threadDocuments: ThreadDocuments,
    private readonly settings: SearchSettingsService,
    private readonly resultCache: SearchResultCache,
    private readonly vectors: SearchVectors,
  ) {}

  /** Every article locale and forum thread into a fresh index (zero-downtime on Meilisearch; in place on PostgreSQL). */
  async reindex(onProgress: (done: number, total: number) => void = () => undefined): Promise<{ documents: number; seconds: number }> {
    const started = Date.now();
    await this.settings.apply();
    // Versions from the outbox sequence: any change committed after this point gets a larger one and wins.
    const [{ version }] = await this.dataSource.query(`SELECT nextval('search_outbox_id_seq')::bigint AS version`);
    const [{ articles }] = await this.dataSource.query('SELECT count(*)::int AS articles FROM articles');
    const total = (articles as number) + (await this.threadDocuments.count());
    const rebuild = await this.engine.startRebuild();
    let done = 0;
    let written = 0;
    const writing = new Set<Promise<void>>();
    try {
      // Reading batches overlaps writing them, and WRITERS batches are written at once: the database spends
      // most of a rebuild building tsvectors, which parallel connections spread over its cores.
      for (const kind of ['article', 'thread'] as const) {
        for (let after: string | null = null; ; ) {
          const ids: string[] = kind === 'article' ? await this.articleIds(after) : await this.threadDocuments.ids(after, BATCH);
          if (ids.length === 0) break;
          after = ids[ids.length - 1];
          const { documents } = kind === 'article' ? await this.documents.build(ids, Number(version)) : await this.threadDocuments.build(ids, Number(version));
          const write: Promise<void> = rebuild.upsert(documents).then(async () => {
            await recordFingerprints(this.dataSource, documents);
            await this.vectors.track(this.dataSource, documents);
            writing.delete(write);
            written += documents.length;
            done += ids.length;
            onProgress(done, total);
          });
          writing.add(write);
          if (writing.size >= WRITERS) await Promise.race(writing);
        }
      }
      await Promise.all(writing);
      await rebuild.commit();
      await this.dataSource.query('SELECT pg_notify($1, $2)', [SEARCH_INDEXED_CHANNEL, 'reindex']);
      this.resultCache.invalidate();
    } catch (error) {
      await Promise.allSettled(writing);
      await rebuild.abort();
      throw error;
    }
    return { documents: written, seconds: (Date.now() - started) / 1000 };
  }

  async check(): Promise<DriftReport> {
    const expected = new Map<string, SearchDocument>();
    for (const kind of ['article', 'thread'] as const) {
      for (let after: string | null = null; ; ) {
        const ids: string[] = kind === 'article' ? await this.articleIds(after) : await this.threadDocuments.ids(after, BATCH);
        if (ids.length === 0) break;
        const { documents } = kind === 'article' ? await this.documents.build(ids, 0) : await this.threadDocuments.build(ids, 0);
        for (const document of documents) expected.set(documentKey(document), document);
        after = ids[ids.length - 1];
      }
    }
    const indexed = new Map<string, IndexedVersion>();
    for (let cursor: string | null = null; ; ) {
      const page = await this.engine.versions(cursor, 1000);
      for (const version of page.versions) indexed.set(documentKey(version), version);
      if (!page.next) break;
      cursor = page.next;
    }
    const missing = [...expected.keys()].filter((key) => !indexed.has(key));
    const extra = [...indexed.keys()].filter((key) => !expected.has(key));
    const outdated = [...expected.entries()]
      .filter(([key, document]) => {
        const found = indexed.get(key);
        return found !== undefined && (found.status !== document.status || found.visibility !== document.visibility || found.updatedAt.getTime() < document.updatedAt.getTime() - 1);
      })
      .map(([key]) => key);
    return { expected: expected.size, indexed: indexed.size, missing: missing.sort(), extra: extra.sort(), outdated: outdated.sort() };
  }

  private async articleIds(after: string | null): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM articles WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT ${BATCH}`, [after]);
    return rows.map((row) => row.id);
  }
}
