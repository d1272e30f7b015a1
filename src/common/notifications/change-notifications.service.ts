import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AppConfig } from '../../config/app-config';

const RECONNECT_DELAY_MS = 1_000;
/** The listener's own channel for `catchUp` markers. */
const SYNC_CHANNEL = 'evergreen_listener_sync';
const CATCH_UP_TIMEOUT_MS = 1_000;

export interface ChangeSubscriber {
  /** A NOTIFY on the channel, delivered after the sending transaction committed. */
  onNotification(payload: string): void;
  /**
   * Listening started or stopped. Notifications may have been missed around either moment, so whatever was
   * cached from them must be dropped; while `listening` is false nothing may be cached.
   */
  onListeningChanged(listening: boolean): void;
}

/**
 * One LISTEN connection per API instance, shared by the in-process caches (delivery, search results).
 * Reconnects after a loss; subscribers learn of every gap through onListeningChanged.
 */
@Injectable()
export class ChangeNotifications implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChangeNotifications.name);
  private readonly subscribers = new Map<string, ChangeSubscriber[]>();
  private client: Client | null = null;
  private listening = false;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Pending `catchUp` calls by their marker. */
  private readonly markers = new Map<string, () => void>();
  /** Markers are sent one at a time (one query at a time on a pg client); the next one, until it is sent. */
  private markerQueue: Promise<unknown> = Promise.resolve();
  private unsentMarker: { arrived: Promise<void> } | null = null;

  constructor(private readonly config: AppConfig) {}

  /** Call before the application starts (from a constructor): channels are listened to at bootstrap. */
  subscribe(channel: string, subscriber: ChangeSubscriber): void {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid notification channel ${channel}`);
    this.subscribers.set(channel, [...(this.subscribers.get(channel) ?? []), subscriber]);
  }

  get isListening(): boolean {
    return this.listening;
  }

  /**
   * Resolves once this instance has received every notification committed before the call (read-your-writes for
   * the in-process caches): a marker is notified on the listener's own channel, and PostgreSQL hands a listener
   * the notifications of committed transactions in commit order, so the marker comes after them. Callers that come
   * while a marker waits to be sent share it (it is sent after their commits too); markers go one at a time on the
   * listener's connection. Immediate while not listening (nothing is cached then); gives up after a second rather
   * than hold a request.
   */
  catchUp(): Promise<void> {
    const client = this.client;
    if (!this.listening || client === null) return Promise.resolve();
    if (this.unsentMarker !== null) return this.unsentMarker.arrived;
    const token = randomUUID();
    const arrived = new Promise<void>((resolve) => {
      const timer = setTimeout(() => done(), CATCH_UP_TIMEOUT_MS);
      timer.unref();
      const done = (): void => {
        clearTimeout(timer);
        this.markers.delete(token);
        resolve();
      };
      this.markers.set(token, done);
    });
    const marker = { arrived };
    this.unsentMarker = marker;
    this.markerQueue = this.markerQueue
      .then(() => {
        if (this.unsentMarker === marker) this.unsentMarker = null;
        return client.query('SELECT pg_notify($1, $2)', [SYNC_CHANNEL, token]);
      })
      .catch(() => this.markers.get(token)?.());
    return arrived;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.subscribers.size > 0) await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.setListening(false);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.database.url, application_name: 'evergreen-change-listener' });
    client.on('notification', (message) => {
      if (message.channel === SYNC_CHANNEL) {
        this.markers.get(message.payload ?? '')?.();
        return;
      }
      for (const subscriber of this.subscribers.get(message.channel) ?? []) subscriber.onNotification(message.payload ?? '');
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      for (const channel of [...this.subscribers.keys(), SYNC_CHANNEL]) await client.query(`LISTEN ${channel}`);
      this.client = client;
      this.setListening(true);
    } catch (error) {
      this.lost(client, error);
    }
  }

  private setListening(listening: boolean): void {
    if (listening === this.listening) return;
    this.listening = listening;
    // Not listening: nothing is cached, so there is nothing to catch up with.
    if (!listening) for (const release of [...this.markers.values()]) release();
    for (const subscribers of this.subscribers.values()) for (const subscriber of subscribers) subscriber.onListeningChanged(listening);
  }

  private lost(client: Client, error: unknown): void {
    if (this.client !== null && this.client !== client) return;
    this.setListening(false);
    this.client = null;
    client.removeAllListeners();
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.stopped || this.reconnectTimer) return;
    if (error) this.logger.warn(connectionLoss(error), 'Change notifications lost; caches are off until the listener reconnects');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, RECONNECT_DELAY_MS);
    this.reconnectTimer.unref();
  }
}

/** A server's reason (shut down, backend terminated) or a socket error is all in its code and message; the driver's stack adds nothing. */
function connectionLoss(error: unknown): Record<string, unknown> {
  return error instanceof Error && 'code' in error ? { code: error.code, reason: error.message } : { err: error };
}
