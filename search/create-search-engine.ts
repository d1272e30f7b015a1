import { MeilisearchEngine } from './meilisearch/meilisearch-engine';
import { PostgresSearchEngine, Queryable } from './postgres/postgres-engine';
import { SearchEngine } from './search-engine';

export type SearchEngineConfig =
  | { engine: 'postgres'; pool: Queryable; locales: readonly string[] }
  | { engine: 'meilisearch'; host: string; apiKey?: string; indexPrefix: string; locales: readonly string[] };

/** The configured engine; the rest of the code only ever sees the SearchEngine port. */
export function createSearchEngine(config: SearchEngineConfig): SearchEngine {
  return config.engine === 'postgres'
    ? new PostgresSearchEngine(config.pool, { locales: config.locales })
    : new MeilisearchEngine({ host: config.host, apiKey: config.apiKey, indexPrefix: config.indexPrefix, locales: [...config.locales] });
}
