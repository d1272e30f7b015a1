import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runInBackground } from '../common/background-work';

const FLUSH_INTERVAL_MS = 5_000;
/** Beyond this many pending keys (the database has been failing for a while) new views are dropped. */
const MAX_PENDING_KEYS = 100_000;

/** Counts article views in memory and adds them to `article_daily_views` in one statement every few seconds. */
@Injectable()
export class ViewCounter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ViewCounter.name);
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void runInBackground('view-counts', () => this.flush()), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  record(articleId: string, locale: string, now = new Date()): void {
    const key = `${articleId}|${locale}|${now.toISOString().slice(0, 10)}`;
    if (!this.pending.has(key) && this.pending.size >= MAX_PENDING_KEYS) return;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  /** Writes what has been counted; on failure the counts are kept for the next flush. */
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
      this.logger.warn({ err: error }, 'Could not write view counts; keeping them for the next attempt');
    }
  }
}
