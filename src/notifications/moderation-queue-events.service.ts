import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LiveEvents } from '../common/live-events/live-events.service';
import { ModerationQueueChange } from './moderation-queue-change.enum';

/** A change of the moderation queue, as staff subscriptions receive it. */
export interface ModerationQueueEvent {
  change: ModerationQueueChange;
  /** What the queue item is: `post`, `thread` or `flag`. */
  itemKind: 'post' | 'thread' | 'flag';
  itemId: string;
  /** The board of the item, for subscriptions filtered by board. */
  boardId: string | null;
  /** Why it is in the queue (the rule that held it, the flag reason), or how it left (approved, rejected …). */
  reason: string | null;
  /** Set by `publish`; ISO time. */
  occurredAt?: string;
}

/**
 * The publishing side of the staff subscription `moderationQueueChanged` (admin API). Moderation calls
 * `publish` inside the transaction that changes the queue; subscribers on every instance get it at commit.
 */
@Injectable()
export class ModerationQueueEvents {
  constructor(private readonly liveEvents: LiveEvents) {}

  async publish(tx: EntityManager, event: ModerationQueueEvent): Promise<void> {
    const reason = event.reason && event.reason.length > 500 ? `${event.reason.slice(0, 499)}…` : event.reason;
    await this.liveEvents.publish(tx, 'moderation-queue-changed', { ...event, reason, occurredAt: event.occurredAt ?? new Date().toISOString() });
  }
}
