import * as path from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';
import { startEmbeddedPostgres } from './embedded-postgres';

export const EMBEDDED_DATABASE_NAME = 'evergreen';

export interface PreparedDatabase {
  url: string;
  /** Human description for the start banner, without credentials. */
  description: string;
  stop(): Promise<void>;
}

export class DatabaseUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseUnavailableError';
  }
}

/** The configured server, or embedded PostgreSQL in the data folder when DATABASE_URL is unset. */
export async function prepareDatabase(config: AppConfig, onLog?: (message: string) => void): Promise<PreparedDatabase> {
  if (config.database.url) {
    await assertReachable(config.database.url);
    return { url: config.database.url, description: `PostgreSQL at ${redactUrl(config.database.url)}`, stop: async () => undefined };
  }
  const embedded = await startEmbeddedPostgres({
    dataDir: config.dataDir,
    port: config.database.embeddedPort,
    database: EMBEDDED_DATABASE_NAME,
    onLog,
  });
  const port = new URL(embedded.url).port;
  return {
    url: embedded.url,
    description: `embedded PostgreSQL on 127.0.0.1:${port} (data in ${displayPath(path.join(config.dataDir, 'postgres'))})`,
    stop: embedded.stop,
  };
}

/** Relative to the working folder when inside it, absolute otherwise. */
function displayPath(folder: string): string {
  const relative = path.relative(process.cwd(), folder);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? folder : relative;
}

export async function assertReachable(url: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new DatabaseUnavailableError(
      `Cannot reach the database at ${redactUrl(url)}: ${error instanceof Error ? error.message || error.name : String(error)}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource({ ...dataSourceOptions(url, 1), logging: ['error'] });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
