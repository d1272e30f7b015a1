import { EntityManager } from 'typeorm';
import { recordAudit } from '../common/audit/record-audit';

/** Who takes a moderation action: a person (staff), or an automatic rule by its name (`auto:links`). */
export type ModerationActor = { userId: string; rule?: undefined } | { rule: string; userId?: undefined };

export interface ModerationAuditEntry {
  action: string;
  subjectKind: 'thread' | 'post' | 'flag' | 'user' | 'board' | 'settings' | 'blocked_pattern' | 'article';
  subjectId: string;
  reason?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** Every moderation action writes one entry in the caller's transaction, under the person or the rule. */
export async function auditModeration(tx: EntityManager, actor: ModerationActor, entry: ModerationAuditEntry): Promise<void> {
  await recordAudit(tx, {
    actorId: actor.userId ?? null,
    actorRule: actor.rule ?? null,
    action: entry.action,
    subjectKind: entry.subjectKind,
    subjectId: entry.subjectId,
    reason: entry.reason ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}
