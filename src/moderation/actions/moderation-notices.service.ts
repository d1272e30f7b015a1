import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ForumNotifications } from '../../forum/notifications/forum-notifications.service';
import { MemberNotificationKind } from '../../notifications/member-notification-kind.enum';
import { MemberNotificationsService } from '../../notifications/member-notifications.service';
import { ModerationQueueChange } from '../../notifications/moderation-queue-change.enum';
import { ModerationQueueEvent, ModerationQueueEvents } from '../../notifications/moderation-queue-events.service';
import { ModerationActor } from '../moderation-actor';

/** A moderator's decision on a member's content, as its author is told (docs/moderation.md#notifications). */
export interface ContentDecision {
  /** `approve`, `reject`, `hide`, `restore`, `remove` or `staff_edit`. */
  action: string;
  reason: string | null;
  target: { kind: 'thread' | 'post'; id: string; threadId: string; threadSlug: string; threadTitle: string };
  authorId: string | null;
}

/**
 * What moderation tells people, always in the action's own transaction: the author of the content a
 * decision touched, the member restricted, the followers of an approved post (through the forum), and the
 * moderators watching the live queue.
 */
@Injectable()
export class ModerationNotices {
  constructor(
    private readonly notifications: MemberNotificationsService,
    private readonly forum: ForumNotifications,
    private readonly queue: ModerationQueueEvents,
  ) {}

  /** The author learns the decision (`moderation_decision`, data: action, reason, target). */
  async contentDecision(tx: EntityManager, actor: ModerationActor, decision: ContentDecision): Promise<void> {
    if (!decision.authorId) return;
    const { target } = decision;
    await this.notifications.notify(tx, {
      recipientId: decision.authorId,
      kind: MemberNotificationKind.ModerationDecision,
      actorId: actor.userId ?? null,
      subjectKind: target.kind,
      subjectId: target.id,
      summary: target.threadTitle,
      data: {
        action: decision.action,
        reason: fitReason(decision.reason),
        targetKind: target.kind,
        targetId: target.id,
        threadId: target.threadId,
        threadSlug: target.threadSlug,
      },
    });
  }

  /** The member learns of a silence or suspension, or of its lifting (automatic ones too). */
  async memberRestriction(tx: EntityManager, actor: ModerationActor, userId: string, action: 'silence' | 'suspend' | 'unsilence' | 'unsuspend', until: Date | null, reason: string | null): Promise<void> {
    const summaries = {
      silence: 'You cannot post until the silence ends',
      suspend: 'Your account is suspended',
      unsilence: 'You can post again',
      unsuspend: 'Your suspension was lifted',
    } as const;
    await this.notifications.notify(tx, {
      recipientId: userId,
      kind: MemberNotificationKind.ModerationDecision,
      actorId: actor.userId ?? null,
      subjectKind: 'user',
      subjectId: userId,
      summary: summaries[action],
      data: { action, reason: fitReason(reason), targetKind: 'user', targetId: userId, until: until ? until.toISOString() : null },
    });
  }

  /** Followers and mentioned members of a post that became visible on approval, as if it had just been posted. */
  async postApproved(tx: EntityManager, post: { id: string; authorId: string | null; isQuestion: boolean; bodyText: string }, thread: { id: string; slug: string; title: string }): Promise<void> {
    await this.forum.postPublished(tx, post, thread);
  }

  /**
   * The followers of a thread learn that it was merged into another or closed as a duplicate of one, with where the
   * discussion continues (call before the followed thread's rows are moved or deleted).
   */
  async threadClosedInto(
    tx: EntityManager,
    actor: ModerationActor,
    action: 'merge' | 'mark_duplicate',
    closed: { id: string; title: string },
    into: { id: string; slug: string; title: string },
    reason: string | null,
  ): Promise<void> {
    const followers: { user_id: string }[] = await tx.query('SELECT user_id FROM thread_follows WHERE thread_id = $1', [closed.id]);
    await this.notifications.notifyMany(
      tx,
      followers.map(({ user_id }) => ({
        recipientId: user_id,
        kind: MemberNotificationKind.ModerationDecision,
        actorId: actor.userId ?? null,
        subjectKind: 'thread',
        subjectId: into.id,
        summary: closed.title,
        data: { action, reason: fitReason(reason), targetKind: 'thread', targetId: closed.id, threadId: into.id, threadSlug: into.slug },
        dedupeKey: `${action}:${closed.id}`,
      })),
    );
  }

  async queueChanged(tx: EntityManager, event: ModerationQueueEvent): Promise<void> {
    await this.queue.publish(tx, event);
  }

  /** Items that left the queue by an action (held content decided, flags resolved). */
  async queueRemoved(tx: EntityManager, itemKind: ModerationQueueEvent['itemKind'], itemIds: readonly string[], boardId: string | null, reason: string): Promise<void> {
    for (const itemId of itemIds) await this.queue.publish(tx, { change: ModerationQueueChange.Removed, itemKind, itemId, boardId, reason });
  }
}

/** Most bytes the reason takes in a notification's data (as JSON); the whole data must stay under MAX_DATA_BYTES. */
export const MAX_REASON_JSON_BYTES = 800;

/** The reason, cut (with an ellipsis) so that its JSON fits MAX_REASON_JSON_BYTES; the audit entry keeps it whole. */
export function fitReason(reason: string | null): string | null {
  if (reason === null) return null;
  const chars = [...reason];
  if (Buffer.byteLength(JSON.stringify(reason)) <= MAX_REASON_JSON_BYTES) return reason;
  let keep = Math.min(chars.length, MAX_REASON_JSON_BYTES);
  while (keep > 0 && Buffer.byteLength(JSON.stringify(`${chars.slice(0, keep).join('')}…`)) > MAX_REASON_JSON_BYTES) keep -= 1;
  return `${chars.slice(0, keep).join('')}…`;
}
