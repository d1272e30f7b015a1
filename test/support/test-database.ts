import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Set by global setup: a server URL (any database) with rights to create databases, and the migrated template. */
export const ADMIN_URL_VAR = 'EVERGREEN_TEST_ADMIN_URL';
export const TEMPLATE_VAR = 'EVERGREEN_TEST_TEMPLATE_DB';

export function testServerUrl(): string {
  const url = process.env[ADMIN_URL_VAR];
  if (!url) throw new Error(`${ADMIN_URL_VAR} is not set: run the tests through jest (global setup prepares the database)`);
  return url;
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function uniqueDatabaseName(kind: string): string {
  return `evergreen_${kind}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export async function withServer<T>(fn: (client: Client) => Promise<T>, serverUrl = testServerUrl()): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const OBJECT_IN_USE = '55006';

/** A private copy of the migrated template database, for one test file. */
export async function cloneTemplateDatabase(): Promise<{ name: string; url: string }> {
  const template = process.env[TEMPLATE_VAR];
  if (!template) throw new Error(`${TEMPLATE_VAR} is not set: run the tests through jest`);
  const name = uniqueDatabaseName('t');
  await withServer(async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (error) {
        // Two files cloning the same template at the same instant: one waits briefly.
        if ((error as { code?: string }).code !== OBJECT_IN_USE || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  });
  return { name, url: databaseUrl(testServerUrl(), name) };
}

export async function dropDatabase(name: string): Promise<void> {
  await withServer((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
