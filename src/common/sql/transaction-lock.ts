import { EntityManager } from 'typeorm';

/**
 * Waits for, then holds until the transaction ends, the PostgreSQL advisory lock named `name` (hashed to a 64-bit key):
 * work that takes the same name runs one transaction at a time, across every API instance.
 */
export async function lockForTransaction(tx: EntityManager, name: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [name]);
}
