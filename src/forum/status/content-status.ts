import { ContentStatus } from '../entities/forum-enums';

/** Who moves a thread or post between statuses. */
export type StatusActor = 'author' | 'moderator' | 'system';

/** What happened to it. */
export type StatusAction = 'approve' | 'reject' | 'hide' | 'restore' | 'remove' | 'delete';

interface Transition {
  from: readonly ContentStatus[];
  to: ContentStatus;
  by: readonly StatusActor[];
}

const { Pending, Visible, Hidden, Removed, Deleted } = ContentStatus;

/**
 * The one table of status changes for threads and posts (docs/decisions/0006-forum-content-status.md).
 * Services consult it; moderation actions add no rule of their own.
 */
export const STATUS_TRANSITIONS: Readonly<Record<StatusAction, Transition>> = {
  approve: { from: [Pending], to: Visible, by: ['moderator', 'system'] },
  reject: { from: [Pending], to: Removed, by: ['moderator', 'system'] },
  hide: { from: [Visible], to: Hidden, by: ['moderator', 'system'] },
  restore: { from: [Hidden, Removed], to: Visible, by: ['moderator'] },
  remove: { from: [Pending, Visible, Hidden], to: Removed, by: ['moderator'] },
  delete: { from: [Pending, Visible, Hidden], to: Deleted, by: ['author', 'moderator'] },
};

export type TransitionResult = { ok: true; to: ContentStatus } | { ok: false; reason: 'NOT_ALLOWED_FROM_STATUS' | 'NOT_ALLOWED_FOR_ACTOR' };

export function transitionStatus(from: ContentStatus, action: StatusAction, actor: StatusActor): TransitionResult {
  const transition = STATUS_TRANSITIONS[action];
  if (!transition.by.includes(actor)) return { ok: false, reason: 'NOT_ALLOWED_FOR_ACTOR' };
  if (!transition.from.includes(from)) return { ok: false, reason: 'NOT_ALLOWED_FROM_STATUS' };
  return { ok: true, to: transition.to };
}

/** Who reads through the delivery API. */
export interface Reader {
  userId: string | null;
  isStaff: boolean;
}

/**
 * The delivery rule of what a reader sees, as SQL (the one place it is written): everyone sees visible
 * content; its author and staff also see it while pending; nobody sees hidden, removed or deleted content
 * there (moderators use the admin API). `$n` placeholders are the reader's id and staff flag.
 */
export function readableSql(alias: string, userIdParam: number, isStaffParam: number): string {
  return `(${alias}.status = 'visible' OR (${alias}.status = 'pending' AND ($${isStaffParam}::boolean OR ${alias}.author_id = $${userIdParam}::uuid)))`;
}

/** Whether `reader` sees only visible content (anonymous, not staff): then `readableSql` is plain `status = 'visible'`. */
export function isPublicReader(reader: Reader): boolean {
  return reader.userId === null && !reader.isStaff;
}

/**
 * `readableSql` specialised for one reader, with its parameters appended to `params`: for an anonymous reader the
 * rule is `status = 'visible'` and takes no parameter (a different statement text, so the planner also sees the
 * plain equality and the partial indexes over visible rows); otherwise the reader's id and staff flag.
 */
export function readableSqlFor(aliases: readonly string[], reader: Reader, params: unknown[]): string {
  if (isPublicReader(reader)) return aliases.map((alias) => `${alias}.status = 'visible'`).join(' AND ');
  params.push(reader.userId, reader.isStaff);
  const userIdParam = params.length - 1;
  const isStaffParam = params.length;
  return aliases.map((alias) => readableSql(alias, userIdParam, isStaffParam)).join(' AND ');
}
