import { Pool } from 'pg';
import { PostgresSearchEngine } from '../../search/postgres/postgres-engine';
import { cloneTemplateDatabase, dropDatabase } from '../support/test-database';
import { describeSearchEngineContract, doc } from './search-engine.contract';

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

describe('search_terms (document frequencies for BM25)', () => {
  it('follows inserts, updates and deletes of indexed documents', async () => {
    const database = await cloneTemplateDatabase();
    const pool = new Pool({ connectionString: database.url, max: 2 });
    try {
      const engine = new PostgresSearchEngine(pool, { locales: ['en'] });
      const df = async (lexeme: string): Promise<number> => Number((await pool.query<{ df: number }>('SELECT df FROM search_terms WHERE lexeme = $1', [lexeme])).rows[0]?.df ?? 0);
      const a = doc({ title: 'Walrus tusks' });
      const b = doc({ title: 'Walrus diet' });
      await engine.upsert([a, b]);
      expect([await df('walrus'), await df('tusk'), await df('diet')]).toEqual([2, 1, 1]);
      await engine.upsert([{ ...b, version: b.version + 1, title: 'Seal diet' }]);
      expect([await df('walrus'), await df('seal'), await df('diet')]).toEqual([1, 1, 1]);
      await engine.remove([a]);
      expect([await df('walrus'), await df('tusk')]).toEqual([0, 0]);
    } finally {
      await pool.end();
      await dropDatabase(database.name);
    }
  });
});
