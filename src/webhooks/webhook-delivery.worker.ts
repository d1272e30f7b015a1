import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { runInBackground } from '../common/background-work';
import { AppConfig } from '../config/app-config';
import { JobRunner } from '../jobs/job-runner';
import { webhookRetryDelayMs } from './webhook-retry';
import { payloadOf, updatedRows } from './webhook-rows';
import { sendWebhook, SendOutcome } from './webhook-sender';
import { SIGNATURE_HEADER, signatureHeaderValue } from './webhook-signature';
import { WebhooksService } from './webhooks.service';

export const WEBHOOK_DELIVERY_JOB = 'webhook-delivery';
export const WEBHOOK_RETENTION_JOB = 'webhook-retention';
const RETENTION_EVERY_SECONDS = 3600;
const IDLE_POLL_MS = 250;
/** A claimed delivery is leased for its timeout plus this; a process that dies mid-send leaves it to be retried then. */
const LEASE_MARGIN_SECONDS = 60;

interface ClaimedRow {
  id: string;
  attempts: number;
  manual_requested: boolean;
  endpoint_id: string;
  url: string;
  secret: string;
  /** The secret before the last rotation while it still signs (null otherwise). */
  previous_secret: string | null;
  event_id: string;
  type: string;
  occurred_at: Date;
  data: Record<string, unknown>;
  surrogate_keys: string[];
}

/**
 * Sends webhook deliveries, off the request path: a loop job of the runner claims due deliveries of enabled
 * endpoints (SKIP LOCKED, so instances share the work) by leasing them, POSTs each signed payload, and records
 * each attempt in one transaction: the log entry, the delivery's next state (succeeded, retried after an
 * exponential backoff with jitter, or failed after the last attempt) and the endpoint's failure streak, which
 * disables it once it reaches WEBHOOK_DISABLE_AFTER_FAILURES. At least once: a receiver may see an event twice
 * (same `id`).
 */
@Injectable()
export class WebhookDeliveryWorker implements OnModuleInit {
  private readonly logger = new Logger(WebhookDeliveryWorker.name);
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly jobs: JobRunner,
    private readonly webhooks: WebhooksService,
  ) {}

  onModuleInit(): void {
    this.jobs.loop({
      name: WEBHOOK_DELIVERY_JOB,
      enabled: this.config.outgoingWebhooks.worker,
      start: () => this.start(),
      stop: () => this.stop(),
      backlog: async () =>
        (await this.dataSource.query(`SELECT count(*)::int AS pending FROM webhook_deliveries WHERE status = 'pending'`))[0].pending as number,
    });
    this.jobs.queue({ name: WEBHOOK_RETENTION_JOB, everySeconds: RETENTION_EVERY_SECONDS, run: () => this.deleteExpired().then(() => undefined) });
  }

  /** Deletes events older than WEBHOOK_RETENTION_DAYS that no delivery still waits for; their deliveries and log go with them. */
  async deleteExpired(): Promise<number> {
    const [{ deleted }]: { deleted: number }[] = await this.dataSource.query(
      `WITH gone AS (
         DELETE FROM webhook_events ev WHERE ev.occurred_at < now() - make_interval(days => $1)
           AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ev.id AND d.status = 'pending')
         RETURNING 1)
       SELECT count(*)::int AS deleted FROM gone`,
      [this.config.outgoingWebhooks.retentionDays],
    );
    return deleted;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = runInBackground(WEBHOOK_DELIVERY_JOB, () => this.run());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  /** Claims and sends one batch of due deliveries; returns how many it attempted. */
  async processBatch(): Promise<number> {
    const settings = this.config.outgoingWebhooks;
    const claimed: ClaimedRow[] = await this.dataSource.query(
      `WITH due AS (
         SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.is_enabled
         WHERE d.status = 'pending' AND d.next_attempt_at <= now()
         ORDER BY d.next_attempt_at, d.seq LIMIT $1 FOR UPDATE OF d SKIP LOCKED),
       leased AS (
         UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => $2::float8)
         FROM due WHERE d.id = due.id
         RETURNING d.id, d.attempts, d.manual_requested, d.endpoint_id, d.event_id)
       SELECT l.id, l.attempts, l.manual_requested, l.endpoint_id, e.url, e.secret, CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END AS previous_secret, ev.id AS event_id, ev.type, ev.occurred_at, ev.data, ev.surrogate_keys
       FROM leased l JOIN webhook_endpoints e ON e.id = l.endpoint_id JOIN webhook_events ev ON ev.id = l.event_id`,
      [settings.concurrency, settings.timeoutMs / 1000 + LEASE_MARGIN_SECONDS],
    );
    if (claimed.length === 0) return 0;
    await Promise.all(claimed.map((row) => this.deliver(row)));
    return claimed.length;
  }

  /** Sends everything due now (tests and commands). */
  async drain(): Promise<void> {
    while ((await this.processBatch()) > 0) {
      // keep going
    }
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    const settings = this.config.outgoingWebhooks;
    const body = payloadOf({ id: row.event_id, type: row.type, occurredAt: row.occurred_at, data: row.data, surrogateKeys: row.surrogate_keys });
    const timestamp = Math.floor(Date.now() / 1000);
    const secrets: string[] = [];
    try {
      secrets.push(this.webhooks.openSecret(row.secret));
    } catch (error) {
      // Never sent unsigned: the attempt fails (and is retried) until the key is configured or the secret rotated.
      this.logger.warn(`Webhook endpoint ${row.endpoint_id}: signing secret unreadable (${(error as Error).message})`);
      await this.recordOutcome(row, { ok: false, statusCode: null, durationMs: 0, responseBody: null, error: 'Signing secret unreadable: its encryption key is not configured (SECRETS_ENCRYPTION_KEY); rotate the secret or add the key' });
      return;
    }
    if (row.previous_secret !== null) {
      try {
        secrets.push(this.webhooks.openSecret(row.previous_secret));
      } catch {
        // The overlap is a courtesy: without it the delivery is still signed with the current secret.
      }
    }
    const outcome = await sendWebhook({
      url: row.url,
      body,
      timeoutMs: settings.timeoutMs,
      policy: this.webhooks.policy,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Evergreen-Webhooks/1.0',
        'evergreen-event-id': row.event_id,
        'evergreen-event-type': row.type,
        'evergreen-delivery-id': row.id,
        [SIGNATURE_HEADER.toLowerCase()]: signatureHeaderValue(secrets, body, timestamp),
      },
    });
    await this.recordOutcome(row, outcome);
  }

  private async recordOutcome(row: ClaimedRow, outcome: SendOutcome): Promise<void> {
    try {
      await this.record(row, outcome);
      this.jobs.recordRun(WEBHOOK_DELIVERY_JOB);
    } catch (error) {
      // The lease runs out and the delivery is attempted again.
      this.jobs.recordRun(WEBHOOK_DELIVERY_JOB, error);
      this.logger.error({ err: error }, `Could not record webhook delivery ${row.id}`);
    }
  }

  private async record(row: ClaimedRow, outcome: SendOutcome): Promise<void> {
    const settings = this.config.outgoingWebhooks;
    const attempt = row.attempts + 1;
    const exhausted = attempt >= settings.maxAttempts;
    const delayMs = webhookRetryDelayMs(attempt, settings.retryBaseMs, settings.retryMaxMs);
    const status = outcome.ok ? 'succeeded' : exhausted ? 'failed' : 'pending';
    await this.dataSource.transaction(async (tx) => {
      // The endpoint first, as deleting it does (then its deliveries): no lock-order deadlock. Deleted meanwhile: nothing to record.
      const endpoints: unknown[] = await tx.query('SELECT 1 FROM webhook_endpoints WHERE id = $1 FOR UPDATE', [row.endpoint_id]);
      const deliveries: unknown[] = endpoints.length === 0 ? [] : await tx.query('SELECT 1 FROM webhook_deliveries WHERE id = $1 FOR UPDATE', [row.id]);
      if (deliveries.length === 0) return;
      await tx.query(
        `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, is_manual, is_success, status_code, duration_ms, response_body, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [row.id, attempt, row.manual_requested, outcome.ok, outcome.statusCode, outcome.durationMs, outcome.responseBody, outcome.error],
      );
      await tx.query(
        `UPDATE webhook_deliveries SET attempts = $2, status = $3, last_attempt_at = now(), manual_requested = false,
                next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + make_interval(secs => $4::float8 / 1000) ELSE next_attempt_at END
         WHERE id = $1`,
        [row.id, attempt, status, delayMs],
      );
      const reason = `Disabled automatically after ${settings.disableAfterFailures} consecutive failed attempts; last: ${outcome.error ?? 'failed'}`.slice(0, 1000);
      const [endpoint] = updatedRows<{ disabled_now: boolean }>(await tx.query(
        `UPDATE webhook_endpoints e SET consecutive_failures = CASE WHEN $2 THEN 0 ELSE e.consecutive_failures + 1 END,
                is_enabled = e.is_enabled AND ($2 OR e.consecutive_failures + 1 < $3),
                disabled_at = CASE WHEN e.is_enabled AND NOT $2 AND e.consecutive_failures + 1 >= $3 THEN now() ELSE e.disabled_at END,
                disabled_reason = CASE WHEN e.is_enabled AND NOT $2 AND e.consecutive_failures + 1 >= $3 THEN $4 ELSE e.disabled_reason END
         FROM (SELECT id, is_enabled AS was_enabled FROM webhook_endpoints WHERE id = $1) before
         WHERE e.id = before.id
         RETURNING before.was_enabled AND NOT e.is_enabled AS disabled_now`,
        [row.endpoint_id, outcome.ok, settings.disableAfterFailures, reason],
      ));
      if (endpoint?.disabled_now) {
        await tx.query(
          `INSERT INTO audit_entries (actor_id, actor_rule, action, subject_kind, subject_id, reason, after)
           VALUES (NULL, 'auto:webhook-failures', 'webhook-endpoint.disabled', 'webhook_endpoint', $1, $2, jsonb_build_object('isEnabled', false))`,
          [row.endpoint_id, reason],
        );
        this.logger.warn(`Webhook endpoint ${row.endpoint_id} disabled after ${settings.disableAfterFailures} consecutive failures`);
      }
    });
  }

  private async run(): Promise<void> {
    while (this.running) {
      let attempted = 0;
      try {
        attempted = await this.processBatch();
      } catch (error) {
        this.jobs.recordRun(WEBHOOK_DELIVERY_JOB, error);
        this.logger.error({ err: error }, 'Webhook delivery batch failed');
      }
      if (attempted === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, IDLE_POLL_MS);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = null;
      }
    }
  }
}
