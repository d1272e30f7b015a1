/**
 * The `freshness-queue-changed` live event, as the database triggers of migrations 1764870000000 and
 * 1765450000000 send it (docs/staleness.md, "Live updates"): a stale flag raised, updated in place with newer
 * evidence or changing status, or a content gap created or changing status. Delivered at commit on every API
 * instance through the live-events channel.
 */
export type FreshnessQueueEvent =
  | {
      kind: 'flag';
      /** `raised`, `updated` (newer evidence, same status), or the new status: `acknowledged`, `resolved`, `dismissed` (or `open`). */
      change: string;
      flagId: string;
      articleId: string;
      locale: string;
      signal: string;
      severity: string;
      status: string;
      categoryId: string | null;
      /** The article's products (at most 100). */
      productIds: string[];
      occurredAt: string;
    }
  | {
      kind: 'gap';
      /** `gap_created`, or `gap_` + the new status: `gap_drafted`, `gap_dismissed`. */
      change: string;
      gapId: string;
      /** The draft article once drafted. */
      articleId: string | null;
      locale: string;
      source: string;
      status: string;
      title: string;
      occurredAt: string;
    };

export interface FreshnessEventFilter {
  productId?: string | null;
  categoryId?: string | null;
  locale?: string | null;
  /** Database value, e.g. `recurring_questions`. */
  signal?: string | null;
}

/**
 * Whether a subscriber with this filter gets the event. Flags match on their article's products and
 * category, their locale and signal. A content gap has no article (until drafted) and so no product or
 * category: it matches only filters without product and category; under a signal filter, only
 * recurring-question gaps match `recurring_questions` (search gaps belong to no signal).
 */
export function matchesFreshnessFilter(event: FreshnessQueueEvent, filter: FreshnessEventFilter): boolean {
  if (filter.locale && event.locale !== filter.locale) return false;
  if (event.kind === 'flag') {
    if (filter.productId && !event.productIds.includes(filter.productId)) return false;
    if (filter.categoryId && event.categoryId !== filter.categoryId) return false;
    if (filter.signal && event.signal !== filter.signal) return false;
    return true;
  }
  if (filter.productId || filter.categoryId) return false;
  if (filter.signal && event.source !== filter.signal) return false;
  return true;
}
