import { MemberNotificationView } from '../member-notification-view';
import { MemberNotification } from './notifications.models';

export function toMemberNotification(view: MemberNotificationView): MemberNotification {
  return {
    id: view.id,
    kind: view.kind,
    summary: view.summary,
    subjectKind: view.subjectKind,
    subjectId: view.subjectId,
    actorName: view.actorName,
    details: Object.entries(view.data).map(([key, value]) => ({ key, value: value === null ? null : String(value) })),
    createdAt: view.createdAt,
    readAt: view.readAt,
    isRead: view.readAt !== null,
  };
}
