/**
 * Evidence stored with a flag or a content gap (JSONB), one shape per signal, discriminated by `signal`
 * (flags) or `source` (gaps). Detector 3 (src/staleness/recurring/) writes the recurring-question shapes.
 */
import type { EntryKind } from './detectors/release-notes';

export interface PassageEvidence {
  start: number;
  end: number;
  heading: string;
  excerpt: string;
  score: number;
}

export interface ProductChangeEvidence {
  signal: 'product_change';
  release: { id: string; version: string; releasedAt: string; productId: string };
  score: number;
  /** The published revision the passages' offsets point into. */
  revisionId: string;
  changes: { changeId: string | null; kind: EntryKind; summary: string; score: number; viaFeatureKey: boolean; passages: PassageEvidence[] }[];
}

export interface ReviewOverdueEvidence {
  signal: 'review_overdue';
  nextReviewAt: string;
  reviewIntervalDays: number;
  daysOverdue: number;
}

export interface NegativeFeedbackEvidence {
  signal: 'negative_feedback';
  windowDays: number;
  helpful: number;
  notHelpful: number;
  wilsonLowerBound: number;
  threshold: number;
  /** Latest comments left with a "not helpful" vote. */
  comments: string[];
}

export interface OutdatedTranslationEvidence {
  signal: 'outdated_translation';
  sourceLocale: string;
  sourceRevisionNumber: number;
  translatedFromRevisionNumber: number | null;
}

export interface RecurringQuestionsEvidence {
  signal: 'recurring_questions';
  clusterId: string;
  askers: number;
  threads: { threadId: string; title: string; createdAt: string }[];
  commonTerms: string[];
  /** Why the cluster points at this article: threads link to it, accepted answers cite it, or its text is similar. */
  pointedBy?: 'links' | 'citations' | 'similarity';
  /** The article's similarity to the questions (0–1) when `pointedBy` is `similarity`. */
  articleSimilarity?: number;
}

export type StaleEvidence =
  | ProductChangeEvidence
  | ReviewOverdueEvidence
  | NegativeFeedbackEvidence
  | OutdatedTranslationEvidence
  | RecurringQuestionsEvidence;

export interface SearchGapEvidence {
  source: 'search_gap';
  query: string;
  searches: number;
  zeroResultSearches: number;
  noClickSearches: number;
  windowDays: number;
  lastSearchedAt: string;
}

export interface RecurringQuestionsGapEvidence {
  source: 'recurring_questions';
  clusterId: string;
  askers: number;
  threads: { threadId: string; title: string; createdAt: string }[];
  commonTerms: string[];
  /** Draft outline built from the accepted answers (markdown). */
  outline: string;
}

export type ContentGapEvidence = SearchGapEvidence | RecurringQuestionsGapEvidence;
