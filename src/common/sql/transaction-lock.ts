import { EntityManager } from 'typeorm';

/**
 * Waits for, then holds until the transaction ends, the PostgreSQL advisory lock named `name` (hashed to a 64-bit key):
 * work that takes the same name runs one transaction at a time, across every API instance.
 */
export async function lockForTransaction(tx: EntityManager, name: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [name]);
}

/**
 * Takes the advisory lock named `name` for the rest of the transaction if nobody holds it, without waiting:
 * false means another transaction holds it now.
 */
export async function tryLockForTransaction(tx: EntityManager, name: string): Promise<boolean> {
  const [{ locked }]: { locked: boolean }[] = await tx.query('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS locked', [name]);
  return locked;
}
