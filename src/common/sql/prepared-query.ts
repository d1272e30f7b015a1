import { createHash } from 'node:crypto';
import type { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { queryKnownShape } from './known-shape-query';

/** Statement names by text: callers build a bounded number of shapes, so this stays small. */
const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `q_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Runs a read as a named prepared statement on the pool TypeORM manages (outside any transaction): PostgreSQL
 * parses and plans it once per connection and reuses the plan. For hot reads whose planning costs as much as
 * their execution (the moderation queue's first page: 1.1 ms planning + 1.2 ms execution, bench/results/moderation.md).
 * The statement is named after a hash of its text, so each distinct shape (filters given or not) is its own
 * statement; callers build only a bounded number of shapes (no values in the text). Its result is described once
 * per connection (`queryKnownShape`).
 */
export async function preparedQuery<T extends QueryResultRow>(dataSource: DataSource, text: string, values: unknown[]): Promise<T[]> {
  const name = statementName(text);
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await queryKnownShape<T>(client, name, text, values);
  } catch (error) {
    // A failed query leaves the connection usable; a lost one must not go back to the pool.
    if (!(error instanceof Error && 'code' in error)) broken = error as Error;
    throw error;
  } finally {
    client.release(broken);
  }
}
