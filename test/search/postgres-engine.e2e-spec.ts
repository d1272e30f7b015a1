import { Pool } from 'pg';
import { PostgresSearchEngine } from '../../search/postgres/postgres-engine';
import { cloneTemplateDatabase, dropDatabase } from '../support/test-database';
import { describeSearchEngineContract } from './search-engine.contract';

describeSearchEngineContract('postgres', async () => {
  const database = await cloneTemplateDatabase();
  const pool = new Pool({ connectionString: database.url, max: 4 });
  return {
    engine: new PostgresSearchEngine(pool, { locales: ['en', 'zh-CN', 'zh-TW', 'ja', 'de', 'fr', 'es'] }),
    reset: async () => {
      await pool.query('TRUNCATE search_documents, search_vocabulary, search_terms');
    },
    close: async () => {
      await pool.end();
      await dropDatabase(database.name);
    },
  };
});
