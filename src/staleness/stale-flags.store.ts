import { EntityManager } from 'typeorm';
import type { StaleEvidence } from './evidence';
import { StaleSignal } from './entities/stale-flag.entity';
import type { ContentGapEvidence } from './evidence';
import { enqueueWebhookEvents } from '../webhooks/webhook-events';
import { WITHDRAWN_REASONS } from '../changes/stale-flag-resolution';
import { lockForTransaction } from '../common/sql/transaction-lock';

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
 * Raises flags idempotently and returns the ids raised: a fingerprint already open or acknowledged is left
 * alone (the partial unique index), and one that was dismissed (a suppression) or resolved before is not
 * raised again: the same evidence was already dealt with. A flag resolved only because its article left the
 * public side (archived, unpublished, deleted) dealt with nothing, so its fingerprint may be raised again.
 * Each raised flag gets an audit entry and a `stale_flag.raised` webhook event in the same transaction.
 * Outdated-translation flags go through {@link refreshOrRaiseTranslationFlags}. Detector 3
 * (src/staleness/recurring/) raises its flags through here.
 */
export async function raiseFlags(tx: EntityManager, flags: NewFlag[]): Promise<string[]> {
  const translations = flags.filter((flag) => flag.signal === StaleSignal.OutdatedTranslation);
  const others = flags.filter((flag) => flag.signal !== StaleSignal.OutdatedTranslation);
  const raised = [...(await raisePerFingerprint(tx, others)), ...(await refreshOrRaiseTranslationFlags(tx, translations))];
  await enqueueWebhookEvents(
    tx,
    raised.map((flag) => ({
      type: 'stale_flag.raised',
      data: { flagId: flag.id, articleId: flag.article_id, locale: flag.locale, signal: flag.signal, severity: flag.severity },
    })),
  );
  return raised.map((row) => row.id);
}

interface RaisedRow {
  id: string;
  article_id: string;
  locale: string;
  signal: string;
  severity: string;
}

function toRows(flags: NewFlag[]): string {
  return JSON.stringify(
    flags.map((flag) => ({
      article_id: flag.articleId,
      locale: flag.locale,
      signal: flag.signal,
      severity: flag.severity,
      score: flag.score,
      evidence: flag.evidence,
      fingerprint: flag.fingerprint,
      release_id: flag.releaseId ?? null,
    })),
  );
}

const INPUT_RECORD = `x(article_id uuid, locale text, signal stale_signal, severity stale_severity, score float8, evidence jsonb, fingerprint text, release_id uuid)`;

/** Not suppressed by a dismissal, not dealt with by a resolution, and the article still exists. */
const RAISABLE = `NOT EXISTS (SELECT 1 FROM stale_flag_suppressions s WHERE s.fingerprint = i.fingerprint)
         AND NOT EXISTS (SELECT 1 FROM stale_flags f WHERE f.fingerprint = i.fingerprint AND f.status = 'resolved'
                         AND (f.close_reason IS NULL OR f.close_reason <> ALL($2::text[])))
         AND EXISTS (SELECT 1 FROM articles a WHERE a.id = i.article_id AND a.deleted_at IS NULL)`;

async function raisePerFingerprint(tx: EntityManager, flags: NewFlag[]): Promise<RaisedRow[]> {
  if (flags.length === 0) return [];
  return tx.query(
    `WITH input AS (
       SELECT DISTINCT ON (x.fingerprint) x.*
       FROM jsonb_to_recordset($1::jsonb) AS ${INPUT_RECORD}
       ORDER BY x.fingerprint),
     ins AS (
       INSERT INTO stale_flags (article_id, locale, signal, severity, score, evidence, fingerprint, release_id)
       SELECT i.article_id, i.locale, i.signal, i.severity, i.score, i.evidence, i.fingerprint, i.release_id FROM input i
       WHERE ${RAISABLE}
       ON CONFLICT (fingerprint) WHERE status IN ('open', 'acknowledged') DO NOTHING
       RETURNING id, article_id, locale, signal, severity, fingerprint),
     audit AS (
       INSERT INTO audit_entries (actor_id, action, subject_kind, subject_id, after)
       SELECT NULL, 'stale-flag.raised', 'stale_flag', ins.id,
              jsonb_build_object('articleId', ins.article_id, 'locale', ins.locale, 'signal', ins.signal, 'severity', ins.severity, 'fingerprint', ins.fingerprint)
       FROM ins)
     SELECT id, article_id, locale, signal, severity FROM ins`,
    [toRows(flags), Object.values(WITHDRAWN_REASONS)],
  );
}

/**
 * At most one open (or acknowledged) outdated-translation flag per article locale (partial unique index
 * `stale_flags_open_translation_key`, migration 1765450000000): it is one fact about the translation, however
 * often the source was republished since. A finding for a translation without an open flag raises one; a
 * finding whose evidence differs from the open flag's refreshes that flag in place (evidence, severity, score,
 * fingerprint, `updated_at`; status and `raised_at` stay), with a `stale-flag.updated` audit entry (before and
 * after) and a `stale_flag.updated` webhook event; the table's trigger sends the live `updated` event. Evidence
 * older than the open flag's (a lower source revision, read by a scan before a publish committed) changes
 * nothing. Raisers take one transaction advisory lock first, so parallel scans neither raise two flags nor fail
 * on the unique index (ON CONFLICT alone can still fail on the fingerprint index when two inserts race).
 * Returns the flags raised, not the ones refreshed.
 */
async function refreshOrRaiseTranslationFlags(tx: EntityManager, flags: NewFlag[]): Promise<RaisedRow[]> {
  if (flags.length === 0) return [];
  await lockForTransaction(tx, 'stale-flags:outdated_translation');
  const rows: (RaisedRow & { inserted: boolean; previous_severity: string | null })[] = await tx.query(
    `WITH input AS (
       SELECT DISTINCT ON (x.article_id, x.locale) x.*
       FROM jsonb_to_recordset($1::jsonb) AS ${INPUT_RECORD}
       ORDER BY x.article_id, x.locale, (x.evidence->>'sourceRevisionNumber')::int DESC NULLS LAST),
     current AS (
       SELECT f.id, f.severity, f.fingerprint, f.evidence
       FROM stale_flags f JOIN input i ON i.article_id = f.article_id AND i.locale = f.locale
       WHERE f.signal = 'outdated_translation' AND f.status IN ('open', 'acknowledged')),
     up AS (
       INSERT INTO stale_flags (article_id, locale, signal, severity, score, evidence, fingerprint, release_id)
       SELECT i.article_id, i.locale, i.signal, i.severity, i.score, i.evidence, i.fingerprint, i.release_id FROM input i
       WHERE ${RAISABLE}
       ON CONFLICT (article_id, locale) WHERE signal = 'outdated_translation' AND status IN ('open', 'acknowledged')
       DO UPDATE SET evidence = EXCLUDED.evidence, severity = EXCLUDED.severity, score = EXCLUDED.score,
                     fingerprint = EXCLUDED.fingerprint, updated_at = now()
         WHERE stale_flags.evidence IS DISTINCT FROM EXCLUDED.evidence
           AND (EXCLUDED.evidence->>'sourceRevisionNumber')::int >= (stale_flags.evidence->>'sourceRevisionNumber')::int
       RETURNING id, article_id, locale, signal, severity, fingerprint, evidence, (xmax = 0) AS inserted),
     audit AS (
       INSERT INTO audit_entries (actor_id, action, subject_kind, subject_id, before, after)
       SELECT NULL, CASE WHEN up.inserted THEN 'stale-flag.raised' ELSE 'stale-flag.updated' END, 'stale_flag', up.id,
              CASE WHEN up.inserted THEN NULL ELSE jsonb_build_object('severity', c.severity, 'fingerprint', c.fingerprint, 'evidence', c.evidence) END,
              jsonb_build_object('articleId', up.article_id, 'locale', up.locale, 'signal', up.signal, 'severity', up.severity, 'fingerprint', up.fingerprint)
                || CASE WHEN up.inserted THEN '{}'::jsonb ELSE jsonb_build_object('evidence', up.evidence) END
       FROM up LEFT JOIN current c ON c.id = up.id)
     SELECT up.id, up.article_id, up.locale, up.signal, up.severity, up.inserted, c.severity AS previous_severity
     FROM up LEFT JOIN current c ON c.id = up.id`,
    [toRows(flags), Object.values(WITHDRAWN_REASONS)],
  );
  // Announced like a raise, as its own type: a receiver keyed on flag ids does not count the flag twice.
  await enqueueWebhookEvents(
    tx,
    rows
      .filter((row) => !row.inserted)
      .map((row) => ({
        type: 'stale_flag.updated',
        data: { flagId: row.id, articleId: row.article_id, locale: row.locale, signal: row.signal, severity: row.severity, previousSeverity: row.previous_severity },
      })),
  );
  return rows.filter((row) => row.inserted);
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
