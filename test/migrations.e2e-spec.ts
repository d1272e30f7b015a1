import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source';
import { cloneTemplateDatabase, dropDatabase } from './support/test-database';

describe('migrations', () => {
  let database: { name: string; url: string };
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await cloneTemplateDatabase();
    dataSource = await new DataSource({ ...dataSourceOptions(database.url, 2), logging: false }).initialize();
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await dropDatabase(database.name);
  });

  it('leave no difference between the entities and the migrated schema (no pending migration)', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    expect(await dataSource.showMigrations()).toBe(false);
  });

  it('revert completely, leaving no table behind, and apply again', async () => {
    const applied = dataSource.migrations.length;
    for (let i = 0; i < applied; i++) await dataSource.undoLastMigration({ transaction: 'each' });
    const tables: { table_name: string }[] = await dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'migrations'`,
    );
    expect(tables).toEqual([]);
    const types: unknown[] = await dataSource.query(`SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND typtype = 'e'`);
    expect(types).toEqual([]);

    await dataSource.runMigrations({ transaction: 'each' });
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries).toEqual([]);
  });
});
