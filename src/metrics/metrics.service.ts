import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { DeliveryCache } from '../articles/delivery/delivery-cache';
import type { CacheStats } from '../common/lru-map';
import { JobRunner, JobsReport } from '../jobs/job-runner';
import { SearchResultCache } from '../search/search-result-cache';
import { BoundedLabels } from './graphql-operation';

/** Distinct operation names kept per API; later ones are counted as `(other)`. */
const OPERATION_NAMES_PER_API = 200;
/** Figures read from the database at scrape time are reused this long and given up after the timeout. */
const SCRAPE_CACHE_MS = 5000;
const SCRAPE_TIMEOUT_MS = 2000;

export type GraphqlApi = 'delivery' | 'admin';

/**
 * The application's Prometheus registry (one per app instance, so tests can run several): request rate
 * and latency per GraphQL operation, cache hit counts, search outbox lag, job queue depth, the database
 * pool, and Node's default process metrics. Request figures are counted in memory on the request path;
 * everything that needs a query is read when /metrics is scraped.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly graphqlDuration: Histogram<'api' | 'operation' | 'outcome'>;
  private readonly httpRequests: Counter<'method' | 'route' | 'status_class'>;
  private readonly httpAborted: Counter<'method' | 'route'>;
  private readonly operationNames: Record<GraphqlApi, BoundedLabels> = {
    delivery: new BoundedLabels(OPERATION_NAMES_PER_API),
    admin: new BoundedLabels(OPERATION_NAMES_PER_API),
  };
  private outbox: { at: number; value: Promise<{ pending: number; oldestSeconds: number }> } | null = null;
  private jobs: { at: number; value: Promise<JobsReport | null> } | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly deliveryCache: DeliveryCache,
    private readonly searchCache: SearchResultCache,
    private readonly jobRunner: JobRunner,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.graphqlDuration = new Histogram({
      name: 'evergreen_graphql_request_duration_seconds',
      help: 'GraphQL requests over HTTP by API, operation name and outcome (ok, or error when the answer holds errors or a 4xx/5xx status)',
      labelNames: ['api', 'operation', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.httpRequests = new Counter({
      name: 'evergreen_http_requests_total',
      help: 'HTTP requests by method, route pattern and status class',
      labelNames: ['method', 'route', 'status_class'],
      registers,
    });
    this.httpAborted = new Counter({
      name: 'evergreen_http_requests_aborted_total',
      help: 'HTTP requests whose client closed the connection before the answer was sent (not in evergreen_http_requests_total), by method and route pattern',
      labelNames: ['method', 'route'],
      registers,
    });
    const caches = (): Record<string, CacheStats> => {
      const delivery = this.deliveryCache.stats();
      return { delivery_content: delivery.content, delivery_pointers: delivery.pointers, delivery_responses: delivery.responses, search_results: this.searchCache.stats() };
    };
    const cacheCounter = (name: string, help: string, field: 'hits' | 'misses'): void => {
      new Counter({
        name,
        help,
        labelNames: ['cache'],
        registers,
        collect() {
          this.reset();
          for (const [cache, stats] of Object.entries(caches())) this.inc({ cache }, stats[field]);
        },
      });
    };
    cacheCounter('evergreen_cache_hits_total', 'Lookups answered from an in-process cache', 'hits');
    cacheCounter('evergreen_cache_misses_total', 'Lookups an in-process cache could not answer', 'misses');
    new Gauge({
      name: 'evergreen_cache_entries',
      help: 'Entries held by each in-process cache',
      labelNames: ['cache'],
      registers,
      collect() {
        for (const [cache, stats] of Object.entries(caches())) this.set({ cache }, stats.entries);
      },
    });
    const outbox = (): Promise<{ pending: number; oldestSeconds: number }> => this.outboxFigures();
    new Gauge({
      name: 'evergreen_search_outbox_pending',
      help: 'Search documents waiting to be (re)indexed',
      registers,
      async collect() {
        this.set((await outbox()).pending);
      },
    });
    new Gauge({
      name: 'evergreen_search_outbox_lag_seconds',
      help: 'Age of the oldest change waiting in the search outbox (0 when empty)',
      registers,
      async collect() {
        this.set((await outbox()).oldestSeconds);
      },
    });
    const jobs = (): Promise<JobsReport | null> => this.jobsReport();
    new Gauge({
      name: 'evergreen_job_backlog',
      help: 'Queued or waiting work per background job (jobs that report none are left out)',
      labelNames: ['job'],
      registers,
      async collect() {
        this.reset();
        for (const job of (await jobs())?.jobs ?? []) if (job.backlog !== null && job.backlog !== undefined) this.set({ job: job.name }, job.backlog);
      },
    });
    const jobCounter = (name: string, help: string, field: 'runs' | 'failures'): void => {
      new Counter({
        name,
        help,
        labelNames: ['job'],
        registers,
        async collect() {
          this.reset();
          for (const job of (await jobs())?.jobs ?? []) this.inc({ job: job.name }, job[field]);
        },
      });
    };
    jobCounter('evergreen_job_runs_total', 'Runs of each background job in this instance', 'runs');
    jobCounter('evergreen_job_failures_total', 'Failed runs of each background job in this instance', 'failures');
    const pool = (): Pool => (this.dataSource.driver as PostgresDriver).master as Pool;
    new Gauge({
      name: 'evergreen_db_pool_connections',
      help: 'Database pool of this instance: open, idle, and requests waiting for a connection',
      labelNames: ['state'],
      registers,
      collect() {
        const p = pool();
        this.set({ state: 'total' }, p.totalCount);
        this.set({ state: 'idle' }, p.idleCount);
        this.set({ state: 'waiting' }, p.waitingCount);
      },
    });
  }

  /** One GraphQL request over HTTP. */
  observeGraphql(api: GraphqlApi, operationName: string, failed: boolean, seconds: number): void {
    this.graphqlDuration.observe({ api, operation: this.operationNames[api].label(operationName), outcome: failed ? 'error' : 'ok' }, seconds);
  }

  /** One HTTP request (route pattern, not the URL: bounded). */
  countHttp(method: string, route: string, statusCode: number): void {
    this.httpRequests.inc({ method, route, status_class: `${Math.floor(statusCode / 100)}xx` });
  }

  /** One HTTP request whose client left before it was answered (Fastify's onResponse never runs for it). */
  countHttpAborted(method: string, route: string): void {
    this.httpAborted.inc({ method, route });
  }

  private outboxFigures(): Promise<{ pending: number; oldestSeconds: number }> {
    if (!this.outbox || Date.now() - this.outbox.at > SCRAPE_CACHE_MS) {
      const query = this.dataSource
        .query(`SELECT count(*)::int AS pending, coalesce(extract(epoch FROM now() - min(enqueued_at)), 0)::float8 AS oldest FROM search_outbox`)
        .then(([row]: { pending: number; oldest: number }[]) => ({ pending: row.pending, oldestSeconds: row.oldest }));
      this.outbox = { at: Date.now(), value: withTimeout(query, { pending: Number.NaN, oldestSeconds: Number.NaN }) };
    }
    return this.outbox.value;
  }

  private jobsReport(): Promise<JobsReport | null> {
    if (!this.jobs || Date.now() - this.jobs.at > SCRAPE_CACHE_MS) {
      this.jobs = { at: Date.now(), value: withTimeout(this.jobRunner.report(), null) };
    }
    return this.jobs.value;
  }
}

/** The promise's value, or `fallback` when it fails or takes longer than SCRAPE_TIMEOUT_MS (a scrape never hangs). */
function withTimeout<T>(promise: Promise<T>, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), SCRAPE_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([promise.catch(() => fallback), timeout]).finally(() => clearTimeout(timer));
}
