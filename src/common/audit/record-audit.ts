import { EntityManager } from 'typeorm';
import { AuditEntryEntity } from './audit-entry.entity';

export interface AuditRecord {
  actorId: string | null;
  /** The automatic rule acting (actorId null), e.g. `auto:links`. */
  actorRule?: string | null;
  reason?: string | null;
  action: string;
  subjectKind: string;
  subjectId: string;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** Appends an audit entry in the caller's transaction: it commits with the change it describes, or not at all. */
export async function recordAudit(tx: EntityManager, record: AuditRecord): Promise<void> {
  await tx.save(tx.create(AuditEntryEntity, {
    ...record,
    actorRule: record.actorRule ?? null,
    reason: record.reason ?? null,
    before: record.before ?? null,
    after: record.after ?? null,
  }));
}
