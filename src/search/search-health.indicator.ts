import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SearchEngine } from '../../search/search-engine';
import { SEARCH_ENGINE } from './search-engine.token';

/** The engine answers, and how much indexing work waits in the outbox. */
@Injectable()
export class SearchHealthIndicator {
  constructor(
    @Inject(SEARCH_ENGINE) private readonly engine: SearchEngine,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    const health = await this.engine.health();
    let pending: number | null = null;
    try {
      const [row] = await this.dataSource.query('SELECT count(*)::int AS pending FROM search_outbox');
      pending = (row as { pending: number }).pending;
    } catch {
      pending = null;
    }
    const details = { engine: this.engine.name, outboxPending: pending, ...(health.detail ? { detail: health.detail } : {}) };
    return health.up ? indicator.up(details) : indicator.down(details);
  }
}
