import { Module } from '@nestjs/common';
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
    SearchIndexService,
    SearchHealthIndicator,
  ],
  exports: [SEARCH_ENGINE, SearchService, SearchResultCache, SearchSettingsService, SearchAnalytics, IndexingWorker, SearchIndexService, SearchHealthIndicator],
})
export class SearchModule {}
