import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../common/audit/record-audit';
import { SecretBox } from '../common/crypto/secret-box';
import { BadUserInputError, ConflictError, FailedPreconditionError, NotFoundError } from '../common/errors/app-error';
import { decodeCursor, encodeCursor, invalidCursorError } from '../common/graphql/connection';
import { AppConfig } from '../config/app-config';
import { AddressPolicy, endpointUrlProblem } from './address-policy';
import { WebhookEventType } from './webhook-events';
import { newSigningSecret } from './webhook-signature';
import {
  DELIVERY_SELECT,
  DeliveryRow,
  ENDPOINT_COLUMNS,
  EndpointRow,
  toDeliveryRecord,
  toEndpointRecord,
  updatedRows,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
} from './webhook-rows';

export interface NewEndpoint {
  url: string;
  description?: string | null;
  /** Empty or absent: every event. */
  eventTypes?: readonly WebhookEventType[] | null;
}

export interface EndpointChanges {
  url?: string | null;
  description?: string | null;
  eventTypes?: readonly WebhookEventType[] | null;
}

export interface EndpointWithSecret {
  endpoint: WebhookEndpointRecord;
  /** Shown once: only its holder can verify signatures. */
  secret: string;
}

export interface DeliveryPage {
  deliveries: WebhookDeliveryRecord[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

/** What a signing secret is sealed for (the additional data of its encryption); the previous secret keeps it. */
const SECRET_PURPOSE = 'webhook_endpoints.secret';
/** The longest a rotated secret may keep signing. */
export const MAX_SECRET_OVERLAP_SECONDS = 7 * 24 * 3600;

/**
 * The admin side of outgoing webhooks: endpoints, their secrets, the delivery log and redelivery. Each write is one
 * transaction with its audit entry. Signing secrets are stored sealed with SECRETS_ENCRYPTION_KEY (docs/webhooks.md).
 */
@Injectable()
export class WebhooksService implements OnApplicationBootstrap {
  private readonly logger = new Logger(WebhooksService.name);
  private readonly secrets: SecretBox;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    this.secrets = new SecretBox(config.secretsEncryptionKeys);
  }

  /** Seals secrets stored in clear (before sealing existed) or with a key that is no longer the first. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const { resealed, unreadable } = await this.resealSecrets();
      if (resealed > 0) this.logger.log(`Sealed ${resealed} webhook signing secret(s) with the current key`);
      if (unreadable.length > 0) this.logger.warn(`Webhook signing secrets of endpoint(s) ${unreadable.join(', ')} are sealed with a key SECRETS_ENCRYPTION_KEY does not hold: rotate them, or add the key`);
    } catch (error) {
      this.logger.warn({ err: error }, 'Could not reseal webhook signing secrets; they stay as they are');
    }
    if (!this.secrets.canSeal && this.config.nodeEnv === 'production') {
      const [{ n }]: { n: number }[] = await this.dataSource.query(`SELECT count(*)::int AS n FROM webhook_endpoints WHERE secret NOT LIKE 'sealed:%'`).catch(() => [{ n: 0 }]);
      if (n > 0) this.logger.warn(`${n} webhook signing secret(s) are stored in clear: set SECRETS_ENCRYPTION_KEY to seal them`);
    }
  }

  /** Compare-and-set per value, so instances starting together seal each secret once. */
  async resealSecrets(): Promise<{ resealed: number; unreadable: string[] }> {
    if (!this.secrets.canSeal) return { resealed: 0, unreadable: [] };
    const rows: { id: string; secret: string; previous_secret: string | null }[] = await this.dataSource.query(
      'SELECT id, secret, previous_secret FROM webhook_endpoints ORDER BY id',
    );
    let resealed = 0;
    const unreadable = new Set<string>();
    for (const row of rows) {
      for (const column of ['secret', 'previous_secret'] as const) {
        const stored = row[column];
        if (stored === null || !this.secrets.needsResealing(stored)) continue;
        let plain: string;
        try {
          plain = this.secrets.open(stored, SECRET_PURPOSE);
        } catch {
          unreadable.add(row.id);
          continue;
        }
        const updated = updatedRows<{ id: string }>(
          await this.dataSource.query(`UPDATE webhook_endpoints SET ${column} = $3 WHERE id = $1 AND ${column} = $2 RETURNING id`, [row.id, stored, this.secrets.seal(plain, SECRET_PURPOSE)]),
        );
        resealed += updated.length;
      }
    }
    return { resealed, unreadable: [...unreadable] };
  }

  /** The signing secret of a stored row (throws SecretUnreadableError when its key is not configured). */
  openSecret(stored: string): string {
    return this.secrets.open(stored, SECRET_PURPOSE);
  }

  /** A new signing secret and what to store: sealed, or in clear outside production when no key is configured. */
  private newSecret(): { secret: string; stored: string } {
    const secret = newSigningSecret();
    if (this.secrets.canSeal) return { secret, stored: this.secrets.seal(secret, SECRET_PURPOSE) };
    if (this.config.nodeEnv === 'production') {
      throw new FailedPreconditionError(
        'Webhook signing secrets are stored encrypted in production: set SECRETS_ENCRYPTION_KEY (32 bytes, e.g. `openssl rand -base64 32`) and restart',
        'SECRETS_ENCRYPTION_KEY',
      );
    }
    return { secret, stored: secret };
  }

  get policy(): AddressPolicy {
    return { blockPrivate: this.config.outgoingWebhooks.blockPrivateAddresses, allowed: this.config.outgoingWebhooks.allowedPrivateHosts };
  }

  async list(): Promise<WebhookEndpointRecord[]> {
    const rows: EndpointRow[] = await this.dataSource.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY created_at, id`);
    return rows.map(toEndpointRecord);
  }

  async get(id: string): Promise<WebhookEndpointRecord> {
    return this.require(this.dataSource.manager, id, false);
  }

  async create(actorId: string, input: NewEndpoint): Promise<EndpointWithSecret> {
    const url = this.checkedUrl(input.url);
    const { secret, stored } = this.newSecret();
    return this.dataSource.transaction(async (tx) => {
      const [row]: EndpointRow[] = await tx.query(
        `INSERT INTO webhook_endpoints (url, description, event_types, secret, created_by) VALUES ($1, $2, $3::text[], $4, $5) RETURNING ${ENDPOINT_COLUMNS}`,
        [url, input.description?.trim() ?? '', [...new Set(input.eventTypes ?? [])], stored, actorId],
      );
      const endpoint = toEndpointRecord(row);
      await recordAudit(tx, { actorId, action: 'webhook-endpoint.created', subjectKind: 'webhook_endpoint', subjectId: endpoint.id, after: this.auditView(endpoint) });
      return { endpoint, secret };
    });
  }

  async update(actorId: string, id: string, changes: EndpointChanges): Promise<WebhookEndpointRecord> {
    const url = changes.url == null ? null : this.checkedUrl(changes.url);
    return this.dataSource.transaction(async (tx) => {
      const before = await this.require(tx, id, true);
      const [row] = updatedRows<EndpointRow>(await tx.query(
        `UPDATE webhook_endpoints SET url = COALESCE($2, url), description = COALESCE($3, description),
                event_types = COALESCE($4::text[], event_types), updated_at = now()
         WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
        [id, url, changes.description == null ? null : changes.description.trim(), changes.eventTypes == null ? null : [...new Set(changes.eventTypes)]],
      ));
      const endpoint = toEndpointRecord(row);
      await recordAudit(tx, { actorId, action: 'webhook-endpoint.updated', subjectKind: 'webhook_endpoint', subjectId: id, before: this.auditView(before), after: this.auditView(endpoint) });
      return endpoint;
    });
  }

  /** Enabling clears an automatic disabling (and its failure count): waiting deliveries resume. */
  async setEnabled(actorId: string, id: string, enabled: boolean): Promise<WebhookEndpointRecord> {
    return this.dataSource.transaction(async (tx) => {
      const before = await this.require(tx, id, true);
      const [row] = updatedRows<EndpointRow>(await tx.query(
        enabled
          ? `UPDATE webhook_endpoints SET is_enabled = true, disabled_at = NULL, disabled_reason = NULL, consecutive_failures = 0, updated_at = now()
             WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`
          : `UPDATE webhook_endpoints SET is_enabled = false, disabled_at = COALESCE(disabled_at, now()),
                    disabled_reason = CASE WHEN is_enabled THEN 'Disabled by an admin' ELSE disabled_reason END, updated_at = now()
             WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
        [id],
      ));
      const endpoint = toEndpointRecord(row);
      await recordAudit(tx, {
        actorId,
        action: enabled ? 'webhook-endpoint.enabled' : 'webhook-endpoint.disabled',
        subjectKind: 'webhook_endpoint',
        subjectId: id,
        before: { isEnabled: before.isEnabled, disabledReason: before.disabledReason },
        after: { isEnabled: endpoint.isEnabled, disabledReason: endpoint.disabledReason },
      });
      return endpoint;
    });
  }

  /** Deletes the endpoint with its deliveries and their log. */
  async delete(actorId: string, id: string): Promise<WebhookEndpointRecord> {
    return this.dataSource.transaction(async (tx) => {
      const endpoint = await this.require(tx, id, true);
      await tx.query('DELETE FROM webhook_endpoints WHERE id = $1', [id]);
      // Events no endpoint delivers any more go with it.
      await tx.query('DELETE FROM webhook_events ev WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = ev.id)');
      await recordAudit(tx, { actorId, action: 'webhook-endpoint.deleted', subjectKind: 'webhook_endpoint', subjectId: id, before: this.auditView(endpoint) });
      return endpoint;
    });
  }

  /**
   * A new secret, effective for the next attempt. With `keepPreviousForSeconds` > 0 the secret it replaces keeps
   * signing too (a second `v1` signature) until then, so a receiver can switch without rejecting a delivery; 0
   * retires it at once. Rotating again replaces any earlier overlap.
   */
  async rotateSecret(actorId: string, id: string, keepPreviousForSeconds = 0): Promise<EndpointWithSecret> {
    if (!Number.isSafeInteger(keepPreviousForSeconds) || keepPreviousForSeconds < 0 || keepPreviousForSeconds > MAX_SECRET_OVERLAP_SECONDS) {
      throw new BadUserInputError('keepPreviousForSeconds must be a whole number of seconds from 0 to 604800 (7 days)', [
        { field: 'keepPreviousForSeconds', messages: ['must be between 0 and 604800'] },
      ]);
    }
    const { secret, stored } = this.newSecret();
    return this.dataSource.transaction(async (tx) => {
      await this.require(tx, id, true);
      const [row] = updatedRows<EndpointRow>(await tx.query(
        `UPDATE webhook_endpoints SET secret = $2, updated_at = now(),
                previous_secret = CASE WHEN $3::int > 0 THEN secret END,
                previous_secret_expires_at = CASE WHEN $3::int > 0 THEN now() + make_interval(secs => $3::int) END
         WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
        [id, stored, keepPreviousForSeconds],
      ));
      const endpoint = toEndpointRecord(row);
      await recordAudit(tx, {
        actorId,
        action: 'webhook-endpoint.secret-rotated',
        subjectKind: 'webhook_endpoint',
        subjectId: id,
        after: { previousSecretExpiresAt: endpoint.previousSecretExpiresAt?.toISOString() ?? null },
      });
      return { endpoint, secret };
    });
  }

  /** The delivery log of one endpoint, newest first, each delivery with its attempts (newest first). */
  async deliveries(endpointId: string, filter: { status?: string | null }, first: number, after?: string | null): Promise<DeliveryPage> {
    await this.get(endpointId);
    const afterSeq = after ? Number(decodeCursor(after, 1)[0]) : null;
    if (afterSeq !== null && !Number.isSafeInteger(afterSeq)) throw invalidCursorError();
    const params: unknown[] = [endpointId, filter.status ?? null];
    const rows: DeliveryRow[] = await this.dataSource.query(
      `${DELIVERY_SELECT}
       WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2) AND ($3::bigint IS NULL OR d.seq < $3)
       ORDER BY d.seq DESC LIMIT $4`,
      [...params, afterSeq, first + 1],
    );
    const [{ total }]: { total: number }[] = await this.dataSource.query(
      'SELECT count(*)::int AS total FROM webhook_deliveries d WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2)',
      params,
    );
    const page = rows.slice(0, first).map(toDeliveryRecord);
    return { deliveries: page, hasNextPage: rows.length > first, endCursor: page.length > 0 ? encodeCursor([page[page.length - 1].seq]) : null, totalCount: total };
  }

  async delivery(id: string): Promise<WebhookDeliveryRecord> {
    const rows: DeliveryRow[] = await this.dataSource.query(`${DELIVERY_SELECT} WHERE d.id = $1`, [id]);
    if (rows.length === 0) throw new NotFoundError('WebhookDelivery', id);
    return toDeliveryRecord(rows[0]);
  }

  /**
   * Sends a delivery again (the same event id, so receivers can de-duplicate): queued for the delivery worker
   * at once, never sent on this request. An endpoint that is disabled is CONFLICT (ENDPOINT_DISABLED).
   */
  async redeliver(actorId: string, deliveryId: string): Promise<WebhookDeliveryRecord> {
    await this.dataSource.transaction(async (tx) => {
      const rows: { endpoint_id: string; is_enabled: boolean; status: string }[] = await tx.query(
        `SELECT d.endpoint_id, e.is_enabled, d.status FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1 FOR UPDATE OF d`,
        [deliveryId],
      );
      if (rows.length === 0) throw new NotFoundError('WebhookDelivery', deliveryId);
      if (!rows[0].is_enabled) {
        throw new ConflictError('The endpoint is disabled: enable it first', { reason: 'ENDPOINT_DISABLED', endpointId: rows[0].endpoint_id });
      }
      await tx.query(`UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), manual_requested = true WHERE id = $1`, [deliveryId]);
      await recordAudit(tx, {
        actorId,
        action: 'webhook-delivery.redelivery-requested',
        subjectKind: 'webhook_delivery',
        subjectId: deliveryId,
        before: { status: rows[0].status },
        after: { status: 'pending' },
      });
    });
    return this.delivery(deliveryId);
  }

  /**
   * Queues a `webhook.test` event for one endpoint, whatever event types it subscribes to: a receiver can be tried
   * (reachability, signature check) without waiting for a real change. Sent by the worker like any delivery, logged,
   * retried; a disabled endpoint is CONFLICT (ENDPOINT_DISABLED).
   */
  async sendTest(actorId: string, endpointId: string): Promise<WebhookDeliveryRecord> {
    const deliveryId = await this.dataSource.transaction(async (tx) => {
      const endpoint = await this.require(tx, endpointId, true);
      if (!endpoint.isEnabled) throw new ConflictError('The endpoint is disabled: enable it first', { reason: 'ENDPOINT_DISABLED', endpointId });
      const [{ id }]: { id: string }[] = await tx.query(
        `WITH event AS (
           INSERT INTO webhook_events (id, type, data, surrogate_keys) VALUES ($1, 'webhook.test', $2::jsonb, '{}') RETURNING id)
         INSERT INTO webhook_deliveries (event_id, endpoint_id, manual_requested) SELECT event.id, $3, true FROM event RETURNING id`,
        [randomUUID(), JSON.stringify({ endpointId, message: 'A test event sent from the admin API' }), endpointId],
      );
      await recordAudit(tx, { actorId, action: 'webhook-endpoint.test-sent', subjectKind: 'webhook_endpoint', subjectId: endpointId, after: { deliveryId: id } });
      return id;
    });
    return this.delivery(deliveryId);
  }

  private checkedUrl(raw: string): string {
    const url = raw.trim();
    const problem = endpointUrlProblem(url, this.policy);
    if (problem) throw new BadUserInputError(`The webhook URL ${problem}`, [{ field: 'url', messages: [`url ${problem}`] }]);
    return url;
  }

  private async require(manager: EntityManager, id: string, lock: boolean): Promise<WebhookEndpointRecord> {
    const rows: EndpointRow[] = await manager.query(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    if (rows.length === 0) throw new NotFoundError('WebhookEndpoint', id);
    return toEndpointRecord(rows[0]);
  }

  private auditView(endpoint: WebhookEndpointRecord): Record<string, unknown> {
    return { url: endpoint.url, description: endpoint.description, eventTypes: endpoint.eventTypes, isEnabled: endpoint.isEnabled };
  }
}
