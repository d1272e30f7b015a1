import { EntityManager } from 'typeorm';
import { enqueueWebhookEvents } from '../webhooks/webhook-events';

/**
 * Which open stale flags an article change answers (docs/staleness.md, "Flag lifecycle"); each one resolved gets
 * an audit entry with the reason and the published revision (`revisionId`, null for a verification). Kept here, in
 * the change pipeline, as plain SQL on `stale_flags`: the staleness module reads articles, so articles
 * (which record their changes through this pipeline) must not import it.
 *
 * - publishing a revision answers product-change, negative-feedback and recurring-question flags (the
 *   text changed), review-overdue flags (publishing is a review: it sets last_reviewed_at, which moves
 *   the next review date of `article_review_schedule()`), and an outdated-translation flag when the
 *   translation is no longer outdated;
 * - verifying answers product-change, review-overdue and recurring-question flags (an editor checked it).
 */
const ANSWERED: Record<string, string[]> = {
  published: ['product_change', 'negative_feedback', 'recurring_questions', 'review_overdue'],
  verified: ['product_change', 'review_overdue', 'recurring_questions'],
};

/**
 * Why a flag was resolved when its article left the public side: archived or unpublished (that locale's flags),
 * deleted (every locale's). Nobody dealt with the evidence, so a later scan may raise the same fingerprint again
 * once the article is back (`raiseFlags`); restoring or republishing reopens nothing by itself.
 */
export const WITHDRAWN_REASONS = {
  archived: 'article-archived',
  unpublished: 'article-unpublished',
  deleted: 'article-deleted',
} as const;

export type WithdrawalChange = keyof typeof WITHDRAWN_REASONS;

export async function resolveAnsweredFlags(tx: EntityManager, articleIds: readonly string[], locale: string, change: 'published' | 'verified'): Promise<void> {
  const reason = change === 'published' ? 'revision-published' : 'verified';
  const closed: ClosedFlag[] = await tx.query(
    `WITH closed AS (
       UPDATE stale_flags f SET status = 'resolved', closed_at = now(), close_reason = $3,
              resolved_by_revision_id = CASE WHEN $3 = 'revision-published' THEN l.published_revision_id END
       FROM article_locales l
       WHERE f.article_id = ANY($1::uuid[]) AND f.locale = $2 AND f.status IN ('open', 'acknowledged')
         AND l.article_id = f.article_id AND l.locale = f.locale
         AND (f.signal = ANY($4::stale_signal[])
              OR ($3 = 'revision-published' AND f.signal = 'outdated_translation'
                  AND NOT EXISTS (SELECT 1 FROM article_translation_states ts WHERE ts.locale_id = l.id AND ts.is_outdated)))
       RETURNING f.id, f.signal, f.article_id, f.locale, f.resolved_by_revision_id),
     audit AS (
       INSERT INTO audit_entries (actor_id, action, subject_kind, subject_id, after)
       SELECT NULL, 'stale-flag.resolved', 'stale_flag', closed.id, jsonb_build_object('status', 'resolved', 'reason', $3::text, 'signal', closed.signal, 'revisionId', closed.resolved_by_revision_id) FROM closed)
     SELECT id, article_id, locale, signal FROM closed`,
    [articleIds, locale, reason, ANSWERED[change]],
  );
  await announceResolved(tx, closed, reason);
}

/**
 * An article archived or unpublished (in `locale`) or deleted (`locale` null: every locale) leaves the public
 * side: its open and acknowledged flags there are resolved with the withdrawal's reason and the acting user
 * (`closed_by`, and the audit entry's actor), in the withdrawing transaction, so they leave the freshness queue
 * and its counts. The trigger on `stale_flags` sends the live `resolved` event; `stale_flag.resolved` webhooks
 * are enqueued here as for any resolution.
 */
export async function resolveWithdrawnFlags(
  tx: EntityManager,
  articleIds: readonly string[],
  locale: string | null,
  change: WithdrawalChange,
  actorId: string | null,
): Promise<void> {
  const reason = WITHDRAWN_REASONS[change];
  const closed: ClosedFlag[] = await tx.query(
    `WITH closed AS (
       UPDATE stale_flags f SET status = 'resolved', closed_at = now(), closed_by = $4, close_reason = $3
       WHERE f.article_id = ANY($1::uuid[]) AND ($2::text IS NULL OR f.locale = $2) AND f.status IN ('open', 'acknowledged')
       RETURNING f.id, f.signal, f.article_id, f.locale),
     audit AS (
       INSERT INTO audit_entries (actor_id, action, subject_kind, subject_id, after)
       SELECT $4, 'stale-flag.resolved', 'stale_flag', closed.id, jsonb_build_object('status', 'resolved', 'reason', $3::text, 'signal', closed.signal) FROM closed)
     SELECT id, article_id, locale, signal FROM closed`,
    [articleIds, locale, reason, actorId],
  );
  await announceResolved(tx, closed, reason);
}

interface ClosedFlag {
  id: string;
  article_id: string;
  locale: string;
  signal: string;
}

async function announceResolved(tx: EntityManager, closed: ClosedFlag[], reason: string): Promise<void> {
  await enqueueWebhookEvents(
    tx,
    closed.map((flag) => ({
      type: 'stale_flag.resolved',
      data: { flagId: flag.id, articleId: flag.article_id, locale: flag.locale, signal: flag.signal, reason },
    })),
  );
}
