import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/prepare-database';
import { ADMIN_URL_VAR, databaseUrl, TEMPLATE_VAR, uniqueDatabaseName, withServer } from './test-database';

interface GlobalState {
  stopEmbedded?: () => Promise<void>;
  embeddedDataDir?: string;
  template?: string;
}

export const globalState = globalThis as typeof globalThis & { __evergreen?: GlobalState };

/**
 * Uses DATABASE_URL when set (CI), otherwise starts embedded PostgreSQL in a temporary folder.
 * Migrates one template database; each test file clones it.
 */
export default async function globalSetup(): Promise<void> {
  const state: GlobalState = {};
  globalState.__evergreen = state;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'evergreen-test-'));
    const embedded = await startEmbeddedPostgres({ dataDir, port: 0, database: 'evergreen_test' });
    state.stopEmbedded = embedded.stop;
    state.embeddedDataDir = dataDir;
    serverUrl = embedded.url;
    process.stdout.write(`\nTests use embedded PostgreSQL (DATABASE_URL is not set), data in ${dataDir}\n`);
  } else {
    process.stdout.write('\nTests use the PostgreSQL server in DATABASE_URL\n');
  }
  const template = uniqueDatabaseName('tpl');
  await withServer((client) => client.query(`CREATE DATABASE "${template}"`), serverUrl);
  await runMigrations(databaseUrl(serverUrl, template));
  state.template = template;
  process.env[ADMIN_URL_VAR] = serverUrl;
  process.env[TEMPLATE_VAR] = template;
}
