import type { StaleEvidence } from '../evidence';
import { RecurringPointer, StaleFlagEvidenceType } from './stale-flag-evidence.models';

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const date = (v: unknown): Date | null => {
  if (!isString(v)) return null;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
};

/**
 * A flag's stored evidence (JSONB, `src/staleness/evidence.ts`) as the typed GraphQL evidence of its signal.
 * Null when the stored shape does not match the signal (a row written by hand or by an older version):
 * `evidenceJson` still has it.
 */
export function toStaleFlagEvidence(signal: string, stored: StaleEvidence | Record<string, unknown> | null): StaleFlagEvidenceType | null {
  if (!stored || typeof stored !== 'object') return null;
  const e = stored as StaleEvidence;
  switch (signal) {
    case 'product_change': {
      if (e.signal !== 'product_change' || !e.release || !Array.isArray(e.changes)) return null;
      return {
        kind: 'product_change',
        releaseId: e.release.id,
        version: e.release.version,
        releasedAt: date(e.release.releasedAt),
        productId: e.release.productId ?? null,
        revisionId: e.revisionId,
        score: e.score,
        changes: e.changes,
      };
    }
    case 'review_overdue': {
      const next = e.signal === 'review_overdue' ? date(e.nextReviewAt) : null;
      if (e.signal !== 'review_overdue' || !next || !isNumber(e.daysOverdue)) return null;
      return { kind: 'review_overdue', nextReviewAt: next, reviewIntervalDays: e.reviewIntervalDays, daysOverdue: e.daysOverdue };
    }
    case 'negative_feedback': {
      if (e.signal !== 'negative_feedback' || !isNumber(e.helpful) || !isNumber(e.notHelpful)) return null;
      return {
        kind: 'negative_feedback',
        windowDays: e.windowDays,
        helpful: e.helpful,
        notHelpful: e.notHelpful,
        wilsonLowerBound: e.wilsonLowerBound,
        threshold: e.threshold,
        comments: Array.isArray(e.comments) ? e.comments.filter(isString) : [],
      };
    }
    case 'outdated_translation': {
      if (e.signal !== 'outdated_translation' || !isString(e.sourceLocale) || !isNumber(e.sourceRevisionNumber)) return null;
      return {
        kind: 'outdated_translation',
        sourceLocale: e.sourceLocale,
        sourceRevisionNumber: e.sourceRevisionNumber,
        translatedFromRevisionNumber: isNumber(e.translatedFromRevisionNumber) ? e.translatedFromRevisionNumber : null,
      };
    }
    case 'recurring_questions': {
      if (e.signal !== 'recurring_questions' || !isString(e.clusterId) || !Array.isArray(e.threads)) return null;
      return {
        kind: 'recurring_questions',
        clusterId: e.clusterId,
        askers: e.askers,
        threads: e.threads.flatMap((t) => {
          const at = date(t.createdAt);
          return at ? [{ threadId: t.threadId, title: t.title, createdAt: at }] : [];
        }),
        commonTerms: Array.isArray(e.commonTerms) ? e.commonTerms : [],
        pointedBy: e.pointedBy ? (e.pointedBy as RecurringPointer) : null,
        articleSimilarity: isNumber(e.articleSimilarity) ? e.articleSimilarity : null,
      };
    }
    default:
      return null;
  }
}
