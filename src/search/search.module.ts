import { Module, OnModuleInit } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { createSearchEngine } from '../../search/create-search-engine';
import type { Queryable } from '../../search/postgres/postgres-engine';
import type { SearchEngine } from '../../search/search-engine';
import { AppConfig } from '../config/app-config';
import { ArticleDocuments } from './article-documents';
import { IndexingWorker } from './indexing-worker';
import { ThreadDocuments } from './thread-documents';
import { SearchAnalytics } from './search-analytics';
import { SEARCH_ENGINE } from './search-engine.token';
import { SearchHealthIndicator } from './search-health.indicator';
import { SearchSettingsService } from './search-settings.service';
import { SearchService } from './search.service';
import { SearchResultCache } from './search-result-cache';
import { SearchIndexService } from './search-index.service';
import { SearchLabels } from './search-labels';
import { SearchVisibility } from './search-visibility';
import { SearchVectors } from './search-vectors';
import { JobRunner } from '../jobs/job-runner';

export const SEARCH_EMBEDDINGS_JOB = 'search-embeddings';
const SEARCH_EMBEDDINGS_EVERY_SECONDS = 60;
const SEARCH_EMBEDDINGS_BUDGET_MS = 240_000;

@Module({
  imports: [TerminusModule],
  providers: [
    {
      provide: SEARCH_ENGINE,
      inject: [getDataSourceToken(), AppConfig],
      useFactory: (dataSource: DataSource, config: AppConfig): SearchEngine => {
        const meilisearch = config.search.meilisearch;
        if (config.search.engine === 'meilisearch' && meilisearch) {
          return createSearchEngine({
            engine: 'meilisearch',
            host: meilisearch.host,
            apiKey: meilisearch.apiKey,
            indexPrefix: meilisearch.indexPrefix,
            locales: config.locales.supported,
          });
        }
        // The engine shares TypeORM's connection pool (a pg.Pool).
        const pool = (dataSource.driver as PostgresDriver).master as Queryable;
        return createSearchEngine({ engine: 'postgres', pool, locales: config.locales.supported });
      },
    },
    ArticleDocuments,
    ThreadDocuments,
    IndexingWorker,
    SearchAnalytics,
    SearchSettingsService,
    SearchService,
    SearchResultCache,
    SearchLabels,
    SearchVisibility,
    SearchIndexService,
    SearchHealthIndicator,
    SearchVectors,
  ],
  exports: [SEARCH_ENGINE, SearchVectors, SearchService, SearchResultCache, SearchSettingsService, SearchAnalytics, IndexingWorker, SearchIndexService, SearchHealthIndicator],
})
export class SearchModule implements OnModuleInit {
  constructor(
    private readonly jobs: JobRunner,
    private readonly vectors: SearchVectors,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (!this.config.search.semanticRerank) return;
    this.jobs.queue({
      name: SEARCH_EMBEDDINGS_JOB,
      everySeconds: SEARCH_EMBEDDINGS_EVERY_SECONDS,
      run: () => this.vectors.embedAllPending(SEARCH_EMBEDDINGS_BUDGET_MS).then(() => undefined),
    });
  }
}
