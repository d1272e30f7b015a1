import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { LruMap } from '../common/lru-map';
import { JobRunner } from '../jobs/job-runner';
import { clientNetwork } from '../common/http/client-network';

/** Beyond this many pending keys (the database has been failing for a while) new views are dropped. */
const MAX_PENDING_KEYS = 100_000;
/** Views counted per client address, article, locale and day: a reader rereads, a script cannot inflate traffic. */
export const MAX_VIEWS_PER_ADDRESS = 20;
/** Addresses × articles × days remembered for that cap (least recently seen forgotten first). */
const ADDRESS_KEYS = 50_000;

/**
 * Counts article views in memory and adds them to `article_daily_views` in one statement every few seconds.
 * The counts live in this process, so the flush is per-process work: a job of the runner on a local timer,
 * run once more at shutdown.
 */
@Injectable()
export class ViewCounter implements OnModuleInit {
  private pending = new Map<string, number>();
  private readonly byAddress = new LruMap<string, number>(ADDRESS_KEYS);
  private flushing: Promise<void> | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly jobs: JobRunner,
  ) {}

  onModuleInit(): void {
    this.jobs.process({ name: 'view-counts', everySeconds: this.config.jobs.viewFlushSeconds, run: () => this.flush(), runAtShutdown: true });
  }

  /**
   * Counts a view; from a client `address`, at most {@link MAX_VIEWS_PER_ADDRESS} per article, locale and day (traffic
   * weighs in the freshness queue's priority, so it must not be cheap to inflate). False when not counted.
   */
  record(articleId: string, locale: string, now = new Date(), address?: string): boolean {
    const key = `${articleId}|${locale}|${now.toISOString().slice(0, 10)}`;
    if (!this.pending.has(key) && this.pending.size >= MAX_PENDING_KEYS) return false;
    if (address !== undefined) {
      const client = clientNetwork(address);
      const seen = this.byAddress.get(`${client}|${key}`) ?? 0;
      if (seen >= MAX_VIEWS_PER_ADDRESS) return false;
      this.byAddress.set(`${client}|${key}`, seen + 1);
    }
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    return true;
  }

  /** Writes what has been counted; on failure the counts are kept for the next flush (and the error thrown). */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = null));
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const rows = [...batch].map(([key, views]) => [...key.split('|'), views] as [string, string, string, number]);
    try {
      await this.dataSource.query(
        `INSERT INTO article_daily_views (article_id, locale, day, views)
         SELECT article_id, locale, day, views FROM unnest($1::uuid[], $2::text[], $3::date[], $4::int[]) AS v(article_id, locale, day, views)
         WHERE EXISTS (SELECT 1 FROM articles a WHERE a.id = v.article_id)
         ON CONFLICT (article_id, locale, day) DO UPDATE SET views = article_daily_views.views + EXCLUDED.views`,
        [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
      );
    } catch (error) {
      for (const [key, views] of batch) this.pending.set(key, (this.pending.get(key) ?? 0) + views);
      throw error;
    }
  }
}
