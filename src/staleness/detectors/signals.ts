/**
 * Detectors 2, 4, 5 and 6 as pure rules over rows the scan reads with SQL. The SQL stays the one
 * definition of "next review" (`article_review_schedule`) and "outdated" (`article_translation_states`);
 * these functions only turn its rows into findings with evidence, severity and a fingerprint.
 */
import { createHash } from 'node:crypto';
import type {
  NegativeFeedbackEvidence,
  OutdatedTranslationEvidence,
  ReviewOverdueEvidence,
  SearchGapEvidence,
} from '../evidence';
import type { Severity } from './product-change';

export interface FlagFinding<E> {
  articleId: string;
  locale: string;
  severity: Severity;
  score: number;
  evidence: E;
  fingerprint: string;
}

/** Stable hash of the parts that make evidence "the same" (a dismissal suppresses exactly this). */
export function fingerprint(...parts: (string | number | null)[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);
}

const DAY_MS = 86_400_000;

// ---- 2. Review overdue -------------------------------------------------------------------------------

export interface ReviewScheduleRow {
  articleId: string;
  locale: string;
  nextReviewAt: Date;
  reviewIntervalDays: number;
}

export function reviewOverdue(rows: ReviewScheduleRow[], now: Date): FlagFinding<ReviewOverdueEvidence>[] {
  return rows
    .filter((row) => row.nextReviewAt.getTime() <= now.getTime())
    .map((row) => {
      const daysOverdue = Math.floor((now.getTime() - row.nextReviewAt.getTime()) / DAY_MS);
      const ratio = daysOverdue / Math.max(1, row.reviewIntervalDays);
      const severity: Severity = ratio >= 1 ? 'high' : ratio >= 0.25 ? 'medium' : 'low';
      return {
        articleId: row.articleId,
        locale: row.locale,
        severity,
        score: Math.min(1, ratio),
        evidence: { signal: 'review_overdue', nextReviewAt: row.nextReviewAt.toISOString(), reviewIntervalDays: row.reviewIntervalDays, daysOverdue },
        // One flag per missed review date: verifying moves the date, and a later miss is new evidence.
        fingerprint: fingerprint('review_overdue', row.articleId, row.locale, row.nextReviewAt.toISOString()),
      };
    });
}

// ---- 4. Negative feedback ----------------------------------------------------------------------------

/** Lower bound of the Wilson score interval for a proportion (z = 1.96 → 95 %). 0 when there are no votes. */
export function wilsonLowerBound(positive: number, total: number, z = 1.96): number {
  if (total <= 0) return 0;
  const p = positive / total;
  const z2 = z * z;
  return (p + z2 / (2 * total) - z * Math.sqrt((p * (1 - p) + z2 / (4 * total)) / total)) / (1 + z2 / total);
}

export interface FeedbackRow {
  articleId: string;
  locale: string;
  revisionId: string;
  helpful: number;
  notHelpful: number;
  comments: string[];
}

export interface FeedbackRule {
  /** Flag when the Wilson lower bound of "helpful" is below this. */
  threshold: number;
  minVotes: number;
  windowDays: number;
}

export const DEFAULT_FEEDBACK_RULE: FeedbackRule = { threshold: 0.3, minVotes: 10, windowDays: 90 };

/**
 * Helpfulness clearly low: the Wilson lower bound of the "helpful" share, over the votes on the current
 * published revision within the window, is below the threshold, and there are at least `minVotes` votes.
 */
export function negativeFeedback(rows: FeedbackRow[], rule: FeedbackRule = DEFAULT_FEEDBACK_RULE): FlagFinding<NegativeFeedbackEvidence>[] {
  const findings: FlagFinding<NegativeFeedbackEvidence>[] = [];
  for (const row of rows) {
    const total = row.helpful + row.notHelpful;
    if (total < rule.minVotes) continue;
    const lower = wilsonLowerBound(row.helpful, total);
    if (lower >= rule.threshold) continue;
    const severity: Severity = lower < rule.threshold / 2 ? 'high' : 'medium';
    findings.push({
      articleId: row.articleId,
      locale: row.locale,
      severity,
      score: 1 - lower,
      evidence: {
        signal: 'negative_feedback',
        windowDays: rule.windowDays,
        helpful: row.helpful,
        notHelpful: row.notHelpful,
        wilsonLowerBound: Number(lower.toFixed(4)),
        threshold: rule.threshold,
        comments: row.comments.slice(0, 5),
      },
      // Per published revision: a new revision is new evidence; more votes on the same one are not.
      fingerprint: fingerprint('negative_feedback', row.articleId, row.locale, row.revisionId),
    });
  }
  return findings;
}

// ---- 5. Outdated translation -------------------------------------------------------------------------

export interface TranslationStateRow {
  articleId: string;
  locale: string;
  sourceLocale: string;
  isOutdated: boolean;
  sourceRevisionNumber: number | null;
  translatedFromRevisionNumber: number | null;
}

export function outdatedTranslations(rows: TranslationStateRow[]): FlagFinding<OutdatedTranslationEvidence>[] {
  return rows
    .filter((row) => row.isOutdated && row.sourceRevisionNumber !== null)
    .map((row) => {
      const behind = row.sourceRevisionNumber! - (row.translatedFromRevisionNumber ?? 0);
      return {
        articleId: row.articleId,
        locale: row.locale,
        severity: row.translatedFromRevisionNumber === null || behind >= 3 ? 'high' : 'medium',
        score: Math.min(1, behind / 3),
        evidence: {
          signal: 'outdated_translation',
          sourceLocale: row.sourceLocale,
          sourceRevisionNumber: row.sourceRevisionNumber!,
          translatedFromRevisionNumber: row.translatedFromRevisionNumber,
        },
        fingerprint: fingerprint('outdated_translation', row.articleId, row.locale, row.sourceRevisionNumber),
      };
    });
}

// ---- 6. Search gaps ----------------------------------------------------------------------------------

export interface SearchQueryStatsRow {
  normalizedQuery: string;
  /** The most frequent spelling, for the gap's title. */
  query: string;
  locale: string;
  searches: number;
  /** Distinct clients among the searches (search_query_log.client_key; a search without one counts as its own). */
  clients: number;
  zeroResultSearches: number;
  noClickSearches: number;
  lastSearchedAt: Date;
}

export interface SearchGapRule {
  minSearches: number;
  /** Distinct clients: one client repeating a query (a bot, a script, a poisoning attempt) never makes a gap alone. */
  minClients: number;
  /** Share of the searches that found nothing or were not clicked. */
  minFailureShare: number;
  windowDays: number;
}

export const DEFAULT_SEARCH_GAP_RULE: SearchGapRule = { minSearches: 5, minClients: 3, minFailureShare: 0.8, windowDays: 30 };

export interface GapFinding {
  locale: string;
  title: string;
  weight: number;
  fingerprint: string;
  evidence: SearchGapEvidence;
}

export function searchGaps(rows: SearchQueryStatsRow[], rule: SearchGapRule = DEFAULT_SEARCH_GAP_RULE): GapFinding[] {
  return rows
    .filter((row) => row.normalizedQuery.trim().length > 0 && row.searches >= rule.minSearches && row.clients >= rule.minClients)
    .filter((row) => (row.zeroResultSearches + row.noClickSearches) / row.searches >= rule.minFailureShare)
    .map((row) => ({
      locale: row.locale,
      title: row.query.trim(),
      weight: row.zeroResultSearches + 0.5 * row.noClickSearches,
      // One gap per query and locale, whenever it was seen: the gap row is updated, not duplicated.
      fingerprint: fingerprint('search_gap', row.locale, row.normalizedQuery),
      evidence: {
        source: 'search_gap',
        query: row.query,
        searches: row.searches,
        zeroResultSearches: row.zeroResultSearches,
        noClickSearches: row.noClickSearches,
        windowDays: rule.windowDays,
        lastSearchedAt: row.lastSearchedAt.toISOString(),
      },
    }));
}
