import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SearchEngine } from '../../search/search-engine';
import { AppConfig } from '../config/app-config';
import { JobRunner } from '../jobs/job-runner';
import { ArticleDocuments } from './article-documents';
import { otherLocaleRefs, ThreadDocuments } from './thread-documents';
import { recordPublicView } from './public-fingerprints';
import { SEARCH_ENGINE } from './search-engine.token';
import { SEARCH_INDEXED_CHANNEL, SearchResultCache } from './search-result-cache';
import { SearchVectors } from './search-vectors';
import { runInBackground } from '../common/background-work';

interface ClaimedRow {
  id: string;
  kind: string;
  source_id: string;
  attempts: number;
}

const IDLE_POLL_MS = 200;
export const SEARCH_INDEXING_JOB = 'search-indexing';
const BASE_BACKOFF_MS = 500;

/** Delay before the next attempt: exponential, capped, with jitter so failed batches do not retry in step. */
export function retryDelayMs(attempts: number, maxMs: number, random = Math.random): number {
  const exponential = Math.min(maxMs, BASE_BACKOFF_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential * (0.75 + random() * 0.5));
}

/**
 * Drains the search outbox into the engine: claims due rows (SKIP LOCKED, so several workers share the
 * work), takes a per-document advisory lock so one document is never indexed by two workers at once,
 * builds the documents from the database as it is now, writes them with the largest claimed outbox id
 * as their version, and deletes the rows — all in one transaction. When the engine fails, the rows stay
 * with an exponential backoff; when the process dies, the transaction rolls back and the rows stay.
 * The loop is a job of the runner: started at bootstrap (when SEARCH_WORKER is on), stopped before
 * shutdown, each batch reported to /health with the outbox backlog.
 */
@Injectable()
export class IndexingWorker implements OnModuleInit {
  private readonly logger = new Logger(IndexingWorker.name);
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SEARCH_ENGINE) private readonly engine: SearchEngine,
    private readonly documents: ArticleDocuments,
    private readonly threadDocuments: ThreadDocuments,
    private readonly config: AppConfig,
    private readonly resultCache: SearchResultCache,
    private readonly jobs: JobRunner,
    private readonly vectors: SearchVectors,
  ) {}

  onModuleInit(): void {
    this.jobs.loop({
      name: SEARCH_INDEXING_JOB,
      enabled: this.config.search.worker,
      start: () => this.start(),
      stop: () => this.stop(),
      backlog: async () => (await this.dataSource.query('SELECT count(*)::int AS pending FROM search_outbox'))[0].pending as number,
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = runInBackground('search-indexing', () => this.run());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  /** Processes one batch; returns how many outbox rows it settled (indexed or scheduled for retry). */
  async processBatch(): Promise<number> {
    let publicViewChanged = false;
    let engineError: unknown;
    const settled = await this.dataSource.transaction(async (tx) => {
      const claimed: ClaimedRow[] = await tx.query(
        `SELECT id, kind, source_id, attempts FROM search_outbox
         WHERE next_attempt_at <= now() ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [this.config.search.workerBatch],
      );
      if (claimed.length === 0) return 0;
      const sources = [...new Set(claimed.map((row) => row.source_id))];
      const locked: { source_id: string }[] = await tx.query(
        `SELECT s AS source_id FROM unnest($1::uuid[]) AS s WHERE pg_try_advisory_xact_lock(hashtextextended('search:' || s::text, 0))`,
        [sources],
      );
      const mine = new Set(locked.map((row) => row.source_id));
      const rows = claimed.filter((row) => mine.has(row.source_id));
      if (rows.length === 0) return 0;
      const articleIds = [...new Set(rows.filter((row) => row.kind === 'article').map((row) => row.source_id))];
      const threadIds = [...new Set(rows.filter((row) => row.kind === 'thread').map((row) => row.source_id))];
      const version = Math.max(...rows.map((row) => Number(row.id)));
      try {
        const articles = await this.documents.build(articleIds, version, tx);
        const threads = await this.threadDocuments.build(threadIds, version, tx);
        const documents = [...articles.documents, ...threads.documents];
        const missing = [...articles.missing, ...threads.missing];
        await this.engine.upsert(documents);
        const removed = [
          ...this.indexedLocales('article', articles.missing),
          ...this.indexedLocales('thread', threads.missing),
          ...otherLocaleRefs(threads.documents, this.config.locales.supported),
        ];
        if (removed.length > 0) await this.engine.remove(removed);
        await this.vectors.track(tx, documents, removed);
        await tx.query('DELETE FROM search_outbox WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
        if (await recordPublicView(tx, documents, missing)) {
          await tx.query('SELECT pg_notify($1, $2)', [SEARCH_INDEXED_CHANNEL, String(version)]);
          publicViewChanged = true;
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const attempts = Math.max(...rows.map((row) => row.attempts)) + 1;
        const delay = retryDelayMs(attempts, this.config.search.retryMaxSeconds * 1000);
        await tx.query(
          `UPDATE search_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = now() + make_interval(secs => $3::float8 / 1000)
           WHERE id = ANY($1::bigint[])`,
          [rows.map((row) => row.id), message.slice(0, 2000), delay],
        );
        engineError = error;
        this.logger.warn(`Indexing ${rows.length} outbox row(s) failed (attempt ${attempts}), retrying in ${delay} ms: ${message}`);
      }
      return rows.length;
    });
    // This instance at once, after the commit; the others through the notification.
    if (publicViewChanged) this.resultCache.invalidate();
    if (settled > 0) this.jobs.recordRun(SEARCH_INDEXING_JOB, engineError);
    return settled;
  }

  /** Drains everything that is due now (tests and commands). */
  async drain(): Promise<void> {
    while ((await this.processBatch()) > 0) {
      // keep going
    }
  }

  private indexedLocales(kind: 'article' | 'thread', ids: string[]): { kind: 'article' | 'thread'; id: string; locale: string }[] {
    const refs: { kind: 'article' | 'thread'; id: string; locale: string }[] = [];
    for (const id of ids) for (const locale of this.config.locales.supported) refs.push({ kind, id, locale });
    return refs;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let settled = 0;
      try {
        settled = await this.processBatch();
      } catch (error) {
        this.jobs.recordRun(SEARCH_INDEXING_JOB, error);
        this.logger.error({ err: error }, 'Search outbox batch failed');
      }
      if (settled === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_POLL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }
}
