import { EntityManager } from 'typeorm';
import type { StaleEvidence } from './evidence';
import type { StaleSignal } from './entities/stale-flag.entity';
import type { ContentGapEvidence } from './evidence';
import { enqueueWebhookEvents } from '../webhooks/webhook-events';

/** A content gap to create or refresh (detector 6's findings, or detector 3's clusters). */
export interface GapInput {
  locale: string;
  title: string;
  weight: number;
  fingerprint: string;
  evidence: ContentGapEvidence;
}

export interface NewFlag {
  articleId: string;
  locale: string;
  signal: StaleSignal | `${StaleSignal}`;
  severity: string;
  score: number;
  evidence: StaleEvidence;
  fingerprint: string;
  releaseId?: string | null;
}

/**
 * Raises flags in one statement, idempotently: a fingerprint already open or acknowledged is left alone
 * (the partial unique index), and one that was dismissed (a suppression) or resolved before is not raised
 * again: the same evidence was already dealt with. Each raised flag gets an audit entry in the same
 * statement. Returns the ids raised. Detector 3 (src/staleness/recurring/) raises its flags through here.
 */
export async function raiseFlags(tx: EntityManager, flags: NewFlag[]): Promise<string[]> {
  if (flags.length === 0) return [];
  const rows = flags.map((flag) => ({
    article_id: flag.articleId,
    locale: flag.locale,
    signal: flag.signal,
    severity: flag.severity,
    score: flag.score,
    evidence: flag.evidence,
    fingerprint: flag.fingerprint,
    release_id: flag.releaseId ?? null,
  }));
  const raised: { id: string; article_id: string; locale: string; signal: string; severity: string }[] = await tx.query(
    `WITH input AS (
       SELECT DISTINCT ON (x.fingerprint) x.*
       FROM jsonb_to_recordset($1::jsonb) AS x(article_id uuid, locale text, signal stale_signal, severity stale_severity, score float8, evidence jsonb, fingerprint text, release_id uuid)
       ORDER BY x.fingerprint),
     ins AS (
       INSERT INTO stale_flags (article_id, locale, signal, severity, score, evidence, fingerprint, release_id)
       SELECT i.article_id, i.locale, i.signal, i.severity, i.score, i.evidence, i.fingerprint, i.release_id FROM input i
       WHERE NOT EXISTS (SELECT 1 FROM stale_flag_suppressions s WHERE s.fingerprint = i.fingerprint)
         AND NOT EXISTS (SELECT 1 FROM stale_flags f WHERE f.fingerprint = i.fingerprint AND f.status = 'resolved')
         AND EXISTS (SELECT 1 FROM articles a WHERE a.id = i.article_id AND a.deleted_at IS NULL)
       ON CONFLICT (fingerprint) WHERE status IN ('open', 'acknowledged') DO NOTHING
       RETURNING id, article_id, locale, signal, severity, fingerprint),
     audit AS (
       INSERT INTO audit_entries (actor_id, action, subject_kind, subject_id, after)
       SELECT NULL, 'stale-flag.raised', 'stale_flag', ins.id,
              jsonb_build_object('articleId', ins.article_id, 'locale', ins.locale, 'signal', ins.signal, 'severity', ins.severity, 'fingerprint', ins.fingerprint)
       FROM ins)
     SELECT id, article_id, locale, signal, severity FROM ins`,
    [JSON.stringify(rows)],
  );
  await enqueueWebhookEvents(
    tx,
    raised.map((flag) => ({
      type: 'stale_flag.raised',
      data: { flagId: flag.id, articleId: flag.article_id, locale: flag.locale, signal: flag.signal, severity: flag.severity },
    })),
  );
  return raised.map((row) => row.id);
}

/**
 * Creates or refreshes content gaps (unique per source and fingerprint): a new one is inserted open; an
 * open one gets the latest evidence and weight; a drafted or dismissed one is left as it is. Returns the
 * ids created. Detector 3 (src/staleness/recurring/) creates its gaps through here with source
 * `recurring_questions`.
 */
export async function upsertContentGaps(tx: EntityManager, source: 'recurring_questions' | 'search_gap', gaps: GapInput[]): Promise<string[]> {
  if (gaps.length === 0) return [];
  const rows = gaps.map((gap) => ({ locale: gap.locale, title: gap.title.slice(0, 500), weight: gap.weight, fingerprint: gap.fingerprint, evidence: gap.evidence }));
  const created: { id: string; title: string; locale: string }[] = await tx.query(
    `WITH input AS (
       SELECT DISTINCT ON (x.fingerprint) x.* FROM jsonb_to_recordset($2::jsonb) AS x(locale text, title text, weight float8, fingerprint text, evidence jsonb) ORDER BY x.fingerprint),
     up AS (
       INSERT INTO content_gaps (source, locale, title, fingerprint, evidence, weight)
       SELECT $1::content_gap_source, locale, title, fingerprint, evidence, weight FROM input
       ON CONFLICT (source, fingerprint) DO UPDATE SET evidence = EXCLUDED.evidence, weight = EXCLUDED.weight, updated_at = now()
         WHERE content_gaps.status = 'open'
       RETURNING id, (xmax = 0) AS inserted, title, locale),
     audit AS (
       INSERT INTO audit_entries (actor_id, action, subject_kind, subject_id, after)
       SELECT NULL, 'content-gap.created', 'content_gap', up.id, jsonb_build_object('source', $1::text, 'title', up.title) FROM up WHERE up.inserted)
     SELECT id, title, locale FROM up WHERE inserted`,
    [source, JSON.stringify(rows)],
  );
  await enqueueWebhookEvents(
    tx,
    created.map((gap) => ({ type: 'content_gap.created', data: { contentGapId: gap.id, source, locale: gap.locale, title: gap.title } })),
  );
  return created.map((row) => row.id);
}
