/**
 * Priority of an article in the freshness queue and its freshness score, as pure functions
 * (docs/staleness.md, "Freshness queue").
 *
 * - priority = Σ severity weight (low 1, medium 2, high 4, critical 8) × traffic (1 + log10(1 + views in
 *   30 days)) × age (1 + min(days since the oldest open flag, 90) / 30).
 * - freshness score (0–100) = 100 × Π (1 − penalty) over the open flags, penalty low 0.05, medium 0.15,
 *   high 0.3, critical 0.5; one reason per flag, worst first.
 */
import type { StaleEvidence } from './evidence';

export interface FreshnessInputs {
  flags: { signal: string; severity: string; raisedAt: Date; evidence: StaleEvidence }[];
  views30d: number;
  now: Date;
}

const WEIGHT: Record<string, number> = { low: 1, medium: 2, high: 4, critical: 8 };
const PENALTY: Record<string, number> = { low: 0.05, medium: 0.15, high: 0.3, critical: 0.5 };
const DAY_MS = 86_400_000;

export function priorityOf(inputs: FreshnessInputs): number {
  if (inputs.flags.length === 0) return 0;
  const severity = inputs.flags.reduce((sum, flag) => sum + (WEIGHT[flag.severity] ?? 1), 0);
  const traffic = 1 + Math.log10(1 + Math.max(0, inputs.views30d));
  const oldest = Math.min(...inputs.flags.map((flag) => flag.raisedAt.getTime()));
  const ageDays = Math.max(0, (inputs.now.getTime() - oldest) / DAY_MS);
  const age = 1 + Math.min(ageDays, 90) / 30;
  return Math.round(severity * traffic * age * 100) / 100;
}

export function reasonOf(flag: FreshnessInputs['flags'][number]): string {
  const e = flag.evidence;
  switch (e.signal) {
    case 'product_change':
      return `${flag.severity}: release ${e.release.version} changed ${e.changes.length} thing(s) this article describes (${e.changes[0]?.summary ?? ''})`;
    case 'review_overdue':
      return `${flag.severity}: review overdue by ${e.daysOverdue} day(s)`;
    case 'negative_feedback':
      return `${flag.severity}: ${e.notHelpful} of ${e.helpful + e.notHelpful} readers found it unhelpful`;
    case 'outdated_translation':
      return `${flag.severity}: translated from revision ${e.translatedFromRevisionNumber ?? 'none'}, source is at ${e.sourceRevisionNumber}`;
    case 'recurring_questions':
      return e.pointedBy === 'similarity'
        ? `${flag.severity}: ${e.askers} people kept asking questions similar to it in the forum (similarity ${e.articleSimilarity?.toFixed(2) ?? '?'})`
        : `${flag.severity}: ${e.askers} people kept asking about it in the forum`;
    default:
      return `${flag.severity}: ${flag.signal}`;
  }
}

export function freshnessOf(inputs: FreshnessInputs): { score: number; reasons: string[] } {
  const score = inputs.flags.reduce((s, flag) => s * (1 - (PENALTY[flag.severity] ?? 0.1)), 100);
  const sorted = [...inputs.flags].sort((a, b) => (WEIGHT[b.severity] ?? 0) - (WEIGHT[a.severity] ?? 0));
  return { score: Math.round(score), reasons: sorted.map(reasonOf) };
}
