import { EntityManager } from 'typeorm';

export type OutboxKind = 'article' | 'thread';

/**
 * Records, inside the caller's transaction, that these sources must be (re)indexed. The indexing worker
 * reads the outbox after commit; a rolled-back change leaves nothing behind.
 */
export async function enqueueSearchWork(tx: EntityManager, kind: OutboxKind, sourceIds: string[]): Promise<void> {
  if (sourceIds.length === 0) return;
  const { sql, params } = searchWorkStatement(kind, sourceIds);
  await tx.query(sql, params);
}

/** The statement of {@link enqueueSearchWork}, for callers that combine it with others (recordChange). */
export function searchWorkStatement(kind: OutboxKind, sourceIds: string[]): { sql: string; params: unknown[] } {
  return { sql: `INSERT INTO search_outbox (kind, source_id) SELECT $1, unnest($2::uuid[])`, params: [kind, sourceIds] };
}
