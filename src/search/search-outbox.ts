import { EntityManager } from 'typeorm';

export type OutboxKind = 'article' | 'thread';

/**
 * Records, inside the caller's transaction, that these sources must be (re)indexed. The indexing worker
 * reads the outbox after commit; a rolled-back change leaves nothing behind.
 */
export async function enqueueSearchWork(tx: EntityManager, kind: OutboxKind, sourceIds: string[]): Promise<void> {
  if (sourceIds.length === 0) return;
  await tx.query(`INSERT INTO search_outbox (kind, source_id) SELECT $1, unnest($2::uuid[])`, [kind, sourceIds]);
}
