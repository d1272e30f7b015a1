import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';

/** Every event an endpoint can subscribe to (docs/webhooks.md, "Events"). */
export const WEBHOOK_EVENT_TYPES = [
  'article.published',
  'article.unpublished',
  'article.slug_changed',
  'article.deleted',
  'category.changed',
  'release.recorded',
  'thread.created',
  'thread.solved',
  'thread.changed',
  'post.changed',
  'stale_flag.raised',
  'stale_flag.updated',
  'stale_flag.resolved',
  'content_gap.created',
  'asset.deleted',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The surrogate key on every cacheable delivery response: purging it empties the whole CDN cache of the API. */
export const GLOBAL_SURROGATE_KEY = 'evergreen';
/** On every response listing articles (lists, category tree with counts, sitemap, search): purged when the set of public articles changes. */
export const ARTICLE_LISTS_SURROGATE_KEY = 'articles';
/** On every response listing forum threads. */
export const THREAD_LISTS_SURROGATE_KEY = 'threads';

export const articleKey = (id: string): string => `article:${id}`;
export const categoryKey = (id: string): string => `category:${id}`;
export const threadKey = (id: string): string => `thread:${id}`;
/** On every file of an asset (`GET /assets/<sha256>/…`), which are cached as immutable: purged when the asset is deleted. */
export const assetKey = (sha256: string): string => `asset:${sha256}`;

export interface WebhookEventInput {
  type: WebhookEventType;
  data: Record<string, unknown>;
  /** The cache keys a CDN in front of the delivery API should purge (`purge.surrogateKeys` of the payload). */
  surrogateKeys?: readonly string[];
}

/**
 * Enqueues webhook events inside the caller's transaction: each event is stored once, with one pending
 * delivery per enabled endpoint subscribed to its type, in one statement. An event no endpoint wants is
 * not stored at all. A rolled-back transaction leaves nothing behind, so a receiver never hears of a
 * change that did not happen; the delivery worker sends what committed (at least once).
 * The endpoints are read with `FOR KEY SHARE`: one deleted at the same moment is either kept until this
 * transaction ends or skipped, never left referenced (which failed the caller's whole change, a publish for
 * instance, on the deliveries' foreign key).
 */
export async function enqueueWebhookEvents(tx: EntityManager, events: readonly WebhookEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((event) => ({ id: randomUUID(), type: event.type, data: event.data, surrogate_keys: [...new Set(event.surrogateKeys ?? [])] }));
  await tx.query(
    `WITH input AS (
       SELECT (x.v->>'id')::uuid AS id, x.v->>'type' AS type, x.v->'data' AS data,
              ARRAY(SELECT jsonb_array_elements_text(x.v->'surrogate_keys')) AS surrogate_keys, x.ord
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(v, ord)),
     targets AS (
       SELECT i.id AS event_id, e.id AS endpoint_id, i.ord
       FROM input i JOIN webhook_endpoints e ON e.is_enabled AND (cardinality(e.event_types) = 0 OR i.type = ANY(e.event_types))
       FOR KEY SHARE OF e),
     events AS (
       INSERT INTO webhook_events (id, type, data, surrogate_keys)
       SELECT i.id, i.type, i.data, i.surrogate_keys FROM input i WHERE i.id IN (SELECT event_id FROM targets)
       RETURNING id)
     INSERT INTO webhook_deliveries (event_id, endpoint_id)
     SELECT t.event_id, t.endpoint_id FROM targets t ORDER BY t.ord, t.endpoint_id`,
    [JSON.stringify(rows)],
  );
}
