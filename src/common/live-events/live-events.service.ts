import { Injectable, Logger } from '@nestjs/common';
import mqemitter from 'mqemitter';
import { EntityManager } from 'typeorm';
import { ChangeNotifications } from '../notifications/change-notifications.service';

/** PostgreSQL channel carrying GraphQL subscription events between API instances; delivered at commit. */
export const LIVE_EVENTS_CHANNEL = 'evergreen_live_events';

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more. */
export const MAX_LIVE_EVENT_BYTES = 7900;

/** Subscription topics; one per GraphQL subscription field. */
export const LIVE_TOPICS = ['member-notification-added', 'moderation-queue-changed', 'freshness-queue-changed'] as const;
export type LiveTopic = (typeof LIVE_TOPICS)[number];

/** What subscription resolvers get as `@Context('pubsub')` over the websocket (Mercurius' subscription context). */
export interface SubscriptionPubSub {
  subscribe(topic: LiveTopic): Promise<AsyncIterable<unknown>>;
}

interface WireEvent {
  topic: LiveTopic;
  payload: object;
}

/**
 * Events for GraphQL subscriptions, on every API instance (docs/decisions/0007-live-events.md).
 *
 * A writer publishes inside its own transaction: `pg_notify` on {@link LIVE_EVENTS_CHANNEL}, which PostgreSQL
 * delivers at commit to every instance listening (nothing when the transaction rolls back). Each instance
 * listens through the shared change-notification connection and re-emits the event on its in-process
 * emitter, the one both Mercurius schemas subscribe to.
 */
@Injectable()
export class LiveEvents {
  private readonly logger = new Logger(LiveEvents.name);
  private readonly mq = mqemitter();
  private readonly listeners = new Map<string, number>();
  /** The in-process emitter of both GraphQL endpoints (Mercurius `subscription.emitter`): mqemitter, with listeners counted. */
  readonly emitter: Pick<mqemitter.MQEmitter, 'on' | 'removeListener' | 'emit'> = {
    on: (topic, listener, callback) => {
      this.listeners.set(topic, (this.listeners.get(topic) ?? 0) + 1);
      this.mq.on(topic, listener, callback);
      return this.mq;
    },
    removeListener: (topic, listener, callback) => {
      this.listeners.set(topic, Math.max(0, (this.listeners.get(topic) ?? 0) - 1));
      this.mq.removeListener(topic, listener, callback);
    },
    emit: (message, callback) => this.mq.emit(message, callback),
  };

  constructor(changeNotifications: ChangeNotifications) {
    changeNotifications.subscribe(LIVE_EVENTS_CHANNEL, {
      onNotification: (payload) => this.deliver(payload),
      // Events sent while this instance was not listening are lost for its subscribers; clients re-read state
      // (e.g. `notifications`) after a reconnect, as for any dropped websocket.
      onListeningChanged: () => undefined,
    });
  }

  /** Queues an event in the caller's transaction; every instance's subscribers get it once the transaction commits. */
  async publish(tx: EntityManager, topic: LiveTopic, payload: object): Promise<void> {
    await this.publishMany(tx, topic, [payload]);
  }

  /** Several events of one topic in one statement (one NOTIFY each), in the caller's transaction. */
  async publishMany(tx: EntityManager, topic: LiveTopic, payloads: readonly object[]): Promise<void> {
    if (payloads.length === 0) return;
    const texts = payloads.map((payload) => {
      const text = JSON.stringify({ topic, payload } satisfies WireEvent);
      const bytes = Buffer.byteLength(text);
      if (bytes > MAX_LIVE_EVENT_BYTES) throw new Error(`A ${topic} event of ${bytes} bytes is over the ${MAX_LIVE_EVENT_BYTES}-byte NOTIFY limit`);
      return text;
    });
    await tx.query('SELECT pg_notify($1, event) FROM unnest($2::text[]) AS event', [LIVE_EVENTS_CHANNEL, texts]);
  }

  /** Active subscriptions to `topic` in this instance (every endpoint). */
  subscriberCount(topic: LiveTopic): number {
    return this.listeners.get(topic) ?? 0;
  }

  private deliver(text: string): void {
    let event: WireEvent;
    try {
      event = JSON.parse(text) as WireEvent;
    } catch {
      this.logger.warn('Ignored a live event that is not JSON');
      return;
    }
    if (!LIVE_TOPICS.includes(event.topic) || typeof event.payload !== 'object' || event.payload === null) {
      this.logger.warn(`Ignored a live event with an unknown topic ${String(event.topic)}`);
      return;
    }
    this.emitter.emit({ topic: event.topic, payload: event.payload });
  }
}
