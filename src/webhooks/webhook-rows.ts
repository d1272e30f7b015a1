/** Rows of the webhook tables (raw SQL, no entities) and their one mapper each. */

/** The rows of an UPDATE … RETURNING through TypeORM, which answers `[rows, affected]` for UPDATE and DELETE. */
export function updatedRows<T>(result: unknown): T[] {
  const value = result as unknown[];
  return (Array.isArray(value[0]) ? value[0] : value) as T[];
}

export interface WebhookEndpointRecord {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  isEnabled: boolean;
  disabledAt: Date | null;
  disabledReason: string | null;
  consecutiveFailures: number;
  /** Until when deliveries are also signed with the secret before the last rotation; null: only the current one. */
  previousSecretExpiresAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const ENDPOINT_COLUMNS =
  'id, url, description, event_types, is_enabled, disabled_at, disabled_reason, consecutive_failures, CASE WHEN previous_secret_expires_at > now() THEN previous_secret_expires_at END AS previous_secret_expires_at, created_by, created_at, updated_at';

export interface EndpointRow {
  id: string;
  url: string;
  description: string;
  event_types: string[];
  is_enabled: boolean;
  disabled_at: Date | null;
  disabled_reason: string | null;
  consecutive_failures: number;
  previous_secret_expires_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export function toEndpointRecord(row: EndpointRow): WebhookEndpointRecord {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types,
    isEnabled: row.is_enabled,
    disabledAt: row.disabled_at,
    disabledReason: row.disabled_reason,
    consecutiveFailures: row.consecutive_failures,
    previousSecretExpiresAt: row.previous_secret_expires_at,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface WebhookAttemptRecord {
  attempt: number;
  attemptedAt: Date;
  isManual: boolean;
  isSuccess: boolean;
  statusCode: number | null;
  durationMs: number;
  responseBody: string | null;
  error: string | null;
}

export interface WebhookDeliveryRecord {
  id: string;
  seq: number;
  endpointId: string;
  eventId: string;
  eventType: string;
  occurredAt: Date;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  nextAttemptAt: Date | null;
  lastAttemptAt: Date | null;
  createdAt: Date;
  payload: string;
  log: WebhookAttemptRecord[];
}

export interface DeliveryRow {
  id: string;
  seq: string;
  endpoint_id: string;
  event_id: string;
  type: string;
  occurred_at: Date;
  data: Record<string, unknown>;
  surrogate_keys: string[];
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  created_at: Date;
  log: {
    attempt: number;
    attempted_at: string;
    is_manual: boolean;
    is_success: boolean;
    status_code: number | null;
    duration_ms: number;
    response_body: string | null;
    error: string | null;
  }[];
}

/** The JSON body receivers get: the same bytes at every attempt of an event (only the signature's timestamp changes). */
export function payloadOf(event: { id: string; type: string; occurredAt: Date; data: Record<string, unknown>; surrogateKeys: readonly string[] }): string {
  return JSON.stringify({ id: event.id, type: event.type, occurredAt: event.occurredAt.toISOString(), data: event.data, purge: { surrogateKeys: event.surrogateKeys } });
}

export function toDeliveryRecord(row: DeliveryRow): WebhookDeliveryRecord {
  return {
    id: row.id,
    seq: Number(row.seq),
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    eventType: row.type,
    occurredAt: row.occurred_at,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    lastAttemptAt: row.last_attempt_at,
    createdAt: row.created_at,
    payload: payloadOf({ id: row.event_id, type: row.type, occurredAt: row.occurred_at, data: row.data, surrogateKeys: row.surrogate_keys }),
    log: row.log.map((entry) => ({
      attempt: entry.attempt,
      attemptedAt: new Date(entry.attempted_at),
      isManual: entry.is_manual,
      isSuccess: entry.is_success,
      statusCode: entry.status_code,
      durationMs: entry.duration_ms,
      responseBody: entry.response_body,
      error: entry.error,
    })),
  };
}

export const DELIVERY_SELECT = `
  SELECT d.id, d.seq, d.endpoint_id, d.event_id, ev.type, ev.occurred_at, ev.data, ev.surrogate_keys, d.status, d.attempts,
         d.next_attempt_at, d.last_attempt_at, d.created_at,
         COALESCE((SELECT jsonb_agg(jsonb_build_object('attempt', a.attempt, 'attempted_at', a.attempted_at, 'is_manual', a.is_manual,
                    'is_success', a.is_success, 'status_code', a.status_code, 'duration_ms', a.duration_ms,
                    'response_body', a.response_body, 'error', a.error) ORDER BY a.id DESC)
                   FROM webhook_delivery_attempts a WHERE a.delivery_id = d.id), '[]'::jsonb) AS log
  FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id`;
