import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHmac, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { clientNetwork } from '../common/http/client-network';
import { AppConfig } from '../config/app-config';
import { JobRunner } from '../jobs/job-runner';
import { maskPersonalData } from './personal-data';

interface PendingSearch {
  id: string;
  query: string;
  normalized: string;
  locale: string | null;
  resultCount: number;
  clientKey: string | null;
  searchedAt: Date;
}

interface PendingClick {
  searchId: string;
  document: string;
  position: number;
  clickedAt: Date;
}

const MAX_PENDING = 50_000;
const DAY_MS = 86_400_000;
/** Logged searches are deleted after this many days (content gaps look at the last 30, docs/search.md). */
export const SEARCH_LOG_RETENTION_DAYS = 90;
/** A client's key changes every this many days: distinct clients are counted within a period, never linked across. */
const CLIENT_KEY_PERIOD_DAYS = 30;
const PURGE_EVERY_SECONDS = 3600;
const PURGE_BATCH = 10_000;

export interface QueryCount {
  query: string;
  searches: number;
  clicks: number;
  zeroResults: number;
}

export interface SearchAnalyticsReport {
  searches: number;
  withClick: number;
  zeroResult: number;
  topQueries: QueryCount[];
  zeroResultQueries: QueryCount[];
  noClickQueries: QueryCount[];
}

/**
 * Search and click log for analytics, written in batches off the request path (a search never waits for
 * it). Clicks are written after the searches they refer to. Nothing identifies the person searching: emails and
 * long digit runs are masked, and the client is a keyed hash of its network and the 30-day period, so that
 * content gaps count distinct clients without any address being stored. Rows older than
 * SEARCH_LOG_RETENTION_DAYS are deleted hourly (`search-log-retention`).
 * The log is buffered in this process, so the flush is per-process work: a job of the runner on a local
 * timer, run once more at shutdown.
 */
@Injectable()
export class SearchAnalytics implements OnModuleInit {
  private searches: PendingSearch[] = [];
  private clicks: PendingClick[] = [];
  private flushing: Promise<void> | null = null;
  private readonly clientKeySecret: Buffer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly jobs: JobRunner,
  ) {
    // Derived for this purpose only (as signed links derive theirs); without a configured secret, one per process.
    this.clientKeySecret = config.auth.jwtSecret ? Buffer.from(hkdfSync('sha256', config.auth.jwtSecret, 'evergreen-search-analytics', 'purpose:search-client', 32)) : randomBytes(32);
  }

  onModuleInit(): void {
    this.jobs.process({ name: 'search-analytics', everySeconds: this.config.jobs.searchAnalyticsFlushSeconds, run: () => this.flush(), runAtShutdown: true });
    this.jobs.process({ name: 'search-log-retention', everySeconds: PURGE_EVERY_SECONDS, run: async () => void (await this.purgeExpired()) });
  }

  /**
   * Returns the id clients send back with a click. `normalize` turns the (masked) text into its words, for grouping;
   * `clientAddress` is the request's address (absent: the search counts as a client of its own).
   */
  recordSearch(query: string, normalize: (text: string) => string[], locale: string | null, resultCount: number, clientAddress: string | null): string {
    const id = randomUUID();
    if (this.searches.length < MAX_PENDING) {
      const masked = maskPersonalData(query.slice(0, 500));
      const clientKey = clientAddress ? this.clientKey(clientAddress, new Date()) : null;
      this.searches.push({ id, query: masked, normalized: normalize(masked).join(' ').slice(0, 500), locale, resultCount, clientKey, searchedAt: new Date() });
    }
    return id;
  }

  private clientKey(address: string, now: Date): string {
    const period = Math.floor(now.getTime() / (CLIENT_KEY_PERIOD_DAYS * DAY_MS));
    return createHmac('sha256', this.clientKeySecret).update(`search-analytics-client:${period}:${clientNetwork(address)}`).digest('base64url').slice(0, 22);
  }

  recordClick(searchId: string, document: string, position: number): void {
    if (this.clicks.length < MAX_PENDING) this.clicks.push({ searchId, document, position, clickedAt: new Date() });
  }

  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = null));
    return this.flushing;
  }

  async report(from: Date, to: Date, limit: number): Promise<SearchAnalyticsReport> {
    await this.flush();
    const [totals] = await this.dataSource.query(
      `SELECT count(*)::int AS searches, count(clicked_at)::int AS with_click, count(*) FILTER (WHERE result_count = 0)::int AS zero_result
       FROM search_query_log WHERE searched_at >= $1 AND searched_at < $2`,
      [from, to],
    );
    const grouped = async (having: string): Promise<QueryCount[]> =>
      (
        await this.dataSource.query(
          `SELECT normalized_query AS query, count(*)::int AS searches, count(clicked_at)::int AS clicks,
                  count(*) FILTER (WHERE result_count = 0)::int AS zero_results
           FROM search_query_log WHERE searched_at >= $1 AND searched_at < $2 AND normalized_query <> ''
           GROUP BY normalized_query ${having} ORDER BY count(*) DESC, normalized_query LIMIT $3`,
          [from, to, limit],
        )
      ).map((row: { query: string; searches: number; clicks: number; zero_results: number }) => ({
        query: row.query,
        searches: row.searches,
        clicks: row.clicks,
        zeroResults: row.zero_results,
      }));
    return {
      searches: totals.searches,
      withClick: totals.with_click,
      zeroResult: totals.zero_result,
      topQueries: await grouped(''),
      zeroResultQueries: await grouped('HAVING count(*) FILTER (WHERE result_count = 0) > 0'),
      noClickQueries: await grouped('HAVING count(clicked_at) = 0 AND count(*) FILTER (WHERE result_count > 0) > 0'),
    };
  }

  private async write(): Promise<void> {
    const searches = this.searches;
    const clicks = this.clicks;
    this.searches = [];
    this.clicks = [];
    try {
      if (searches.length > 0) {
        await this.dataSource.query(
          `INSERT INTO search_query_log (id, query, normalized_query, locale, result_count, client_key, searched_at)
           SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::timestamptz[])`,
          [
            searches.map((s) => s.id),
            searches.map((s) => s.query),
            searches.map((s) => s.normalized),
            searches.map((s) => s.locale),
            searches.map((s) => s.resultCount),
            searches.map((s) => s.clientKey),
            searches.map((s) => s.searchedAt),
          ],
        );
      }
      if (clicks.length > 0) {
        await this.dataSource.query(
          `UPDATE search_query_log l SET clicked_at = c.clicked_at, clicked_document = c.document, clicked_position = c.position
           FROM unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[]) AS c(search_id, document, position, clicked_at)
           WHERE l.id = c.search_id AND l.clicked_at IS NULL`,
          [clicks.map((c) => c.searchId), clicks.map((c) => c.document), clicks.map((c) => c.position), clicks.map((c) => c.clickedAt)],
        );
      }
    } catch (error) {
      this.searches.unshift(...searches);
      this.clicks.unshift(...clicks);
      throw error;
    }
  }

  /** The log keeps SEARCH_LOG_RETENTION_DAYS; older rows are deleted in batches, each its own statement. */
  async purgeExpired(): Promise<number> {
    let total = 0;
    for (;;) {
      const [{ deleted }]: { deleted: number }[] = await this.dataSource.query(
        `WITH d AS (DELETE FROM search_query_log WHERE id IN (
                      SELECT id FROM search_query_log WHERE searched_at < now() - make_interval(days => $1) LIMIT $2) RETURNING 1)
         SELECT count(*)::int AS deleted FROM d`,
        [SEARCH_LOG_RETENTION_DAYS, PURGE_BATCH],
      );
      total += deleted;
      if (deleted < PURGE_BATCH) return total;
    }
  }
}
