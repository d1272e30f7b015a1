import { MemberNotificationKind } from './member-notification-kind.enum';

/** A notification row as the notification queries select it (timestamps as PostgreSQL's JSON text, microseconds kept). */
export interface NotificationRow {
  id: string;
  recipient_id: string;
  kind: MemberNotificationKind;
  actor_id: string | null;
  actor_name: string | null;
  subject_kind: string;
  subject_id: string;
  summary: string;
  data: Record<string, string | number | boolean | null>;
  created_at: string;
  read_at: string | null;
}

/** A notification as the API and the digest use it. */
export interface MemberNotificationView {
  id: string;
  recipientId: string;
  kind: MemberNotificationKind;
  actorId: string | null;
  actorName: string | null;
  subjectKind: string;
  subjectId: string;
  summary: string;
  data: Record<string, string | number | boolean | null>;
  createdAt: Date;
  readAt: Date | null;
}

/** The one mapper of notification rows (queries and live events carry the same row shape). */
export function toMemberNotificationView(row: NotificationRow): MemberNotificationView {
  return {
    id: row.id,
    recipientId: row.recipient_id,
    kind: row.kind,
    actorId: row.actor_id,
    actorName: row.actor_name,
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    summary: row.summary,
    data: row.data ?? {},
    createdAt: new Date(row.created_at),
    readAt: row.read_at === null ? null : new Date(row.read_at),
  };
}
