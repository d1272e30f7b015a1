import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { recordAudit } from '../common/audit/record-audit';
import { ConflictError, NotFoundError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { ReleaseChangeEntity } from '../products/entities/release-change.entity';
import { ReleaseEntity } from '../products/entities/release.entity';
import { StaleSignal } from './entities/stale-flag.entity';
import type { ProductChangeEvidence } from './evidence';
import {
  ArticleInput,
  DEFAULT_PRODUCT_CHANGE_PARAMETERS,
  detectProductChange,
  ProductChangeFinding,
  ProductChangeParameters,
  ReleaseInput,
} from './detectors/product-change';
import type { EntryKind } from './detectors/release-notes';
import {
  DEFAULT_FEEDBACK_RULE,
  DEFAULT_SEARCH_GAP_RULE,
  fingerprint,
  negativeFeedback,
  outdatedTranslations,
  reviewOverdue,
  searchGaps,
} from './detectors/signals';
import { raiseFlags, upsertContentGaps } from './stale-flags.store';
import type { RecurringQuestionsEvidence, RecurringQuestionsGapEvidence } from './evidence';
import { articleSlugsIn, outlineMarkdown, recurringSeverity } from './recurring/recurring-findings';
import { QuestionDocument, RecurringQuestionsService } from './recurring/recurring-questions.service';
import type { ArticleSimilarity } from './recurring/recurring-question-rule';
import type { SearchEngine, SearchPage } from '../../search/search-engine';
import { SEARCH_ENGINE } from '../search/search-engine.token';

/** Advisory lock key of "a staleness scan is running" (any value unique in this database's lock space). */
const SCAN_LOCK_KEY = 7_341_900_013;
/** A product with more published locales than this is prefiltered by text search before the detector runs. */
export const FULL_SCAN_LIMIT = 2000;
/** Matches per change entry taken from the search index when prefiltering (before the product filter). */
const PREFILTER_PER_ENTRY = 100;
/** Earlier releases of the product read for the history prior (the most recent ones). */
export const HISTORY_RELEASES = 50;

export interface ReleaseScanResult {
  releaseId: string;
  version: string;
  articlesScanned: number;
  flagsRaised: number;
  /** Every finding, flagged or not, best first (the evaluation reads the ranking). */
  findings: ProductChangeFinding[];
}

export interface ScanSummary {
  releases: number;
  flagsRaised: number;
  gapsCreated: number;
  bySignal: Record<string, number>;
}

export type ScanStep = 'releases' | 'review_overdue' | 'negative_feedback' | 'outdated_translation' | 'search_gaps' | 'recurring_questions';
export const SCAN_STEPS: ScanStep[] = ['releases', 'review_overdue', 'negative_feedback', 'outdated_translation', 'search_gaps', 'recurring_questions'];

/** Search hits scored as the article a recurring-question cluster may point at. */
export const RECURRING_ARTICLE_CANDIDATES = 5;

/** Forum threads fed to the recurring-question store per scan (the rest follow at the next scan). */
export const RECURRING_FEED_BATCH = 500;
/** How often a board's recurring questions are reclustered in full (which moves the window): once a day. */
export const RECURRING_RECLUSTER_HOURS = 24;

export interface RecurringScanResult {
  /** Boards reclustered in full by this scan (each once every RECURRING_RECLUSTER_HOURS). */
  scopesReclustered: number;
  threadsAdded: number;
  /** Stored threads whose title, question or accepted answer changed (or that came back), fed again. */
  threadsUpdated: number;
  /** Stored threads hidden, removed, merged away or moved to another board: out of their cluster. */
  threadsRemoved: number;
  clustersEvaluated: number;
  flagsRaised: number;
  gapsCreated: number;
}

/** A thread's question text as fed to the store (SQL, so a change is found by comparing in SQL): the question post, else the title. */
const QUESTION_TEXT_SQL = `coalesce(nullif(btrim(q.body_text, E' \\t\\r\\n'), ''), t.title)`;

/** The clustering scope of a board's threads: clusters never cross boards. */
export const boardScope = (boardId: string): string => `board:${boardId}`;

interface CandidateRow {
  article_id: string;
  locale: string;
  revision_id: string;
  title: string;
  body_markdown: string;
  feature_keys: string[];
  confirmed_at: Date | null;
}

/**
 * Runs the detectors and raises what they find. Every scan is idempotent (fingerprints) and each step
 * is one transaction (flags + their audit entries). `scanAll` is single-flight across instances: a
 * second caller while one runs gets CONFLICT (SCAN_RUNNING).
 */
@Injectable()
export class StalenessScanService {
  private readonly logger = new Logger(StalenessScanService.name);
  /** Above this many published locales in a product, candidates are prefiltered with the search index. */
  fullScanLimit = FULL_SCAN_LIMIT;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly recurring: RecurringQuestionsService,
    @Inject(SEARCH_ENGINE) private readonly searchEngine: SearchEngine,
  ) {}

  /** Holds the cluster-wide scan lock while `fn` runs; CONFLICT when another scan holds it. */
  async singleFlight<T>(fn: () => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [SCAN_LOCK_KEY]);
      if (!locked) throw new ConflictError('A staleness scan is already running', { reason: 'SCAN_RUNNING' });
      try {
        return await fn();
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [SCAN_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  /** Every detector once, in order; `onStep` reports progress (the CLI draws a bar with it). */
  async scanAll(onStep?: (step: ScanStep, done: number, total: number) => void, now = new Date()): Promise<ScanSummary> {
    return this.singleFlight(async () => {
      const summary: ScanSummary = { releases: 0, flagsRaised: 0, gapsCreated: 0, bySignal: {} };
      const add = (signal: string, n: number): void => {
        summary.bySignal[signal] = (summary.bySignal[signal] ?? 0) + n;
        summary.flagsRaised += n;
      };
      let done = 0;
      onStep?.('releases', done, SCAN_STEPS.length);
      const releases = await this.scanPendingReleases();
      summary.releases = releases.length;
      add(StaleSignal.ProductChange, releases.reduce((sum, r) => sum + r.flagsRaised, 0));
      onStep?.('review_overdue', ++done, SCAN_STEPS.length);
      add(StaleSignal.ReviewOverdue, await this.scanReviewOverdue(now));
      onStep?.('negative_feedback', ++done, SCAN_STEPS.length);
      add(StaleSignal.NegativeFeedback, await this.scanNegativeFeedback(now));
      onStep?.('outdated_translation', ++done, SCAN_STEPS.length);
      add(StaleSignal.OutdatedTranslation, await this.scanOutdatedTranslations());
      onStep?.('search_gaps', ++done, SCAN_STEPS.length);
      summary.gapsCreated = await this.scanSearchGaps(now);
      onStep?.('recurring_questions', ++done, SCAN_STEPS.length);
      const recurring = await this.scanRecurringQuestions(now);
      add(StaleSignal.RecurringQuestions, recurring.flagsRaised);
      summary.gapsCreated += recurring.gapsCreated;
      onStep?.('recurring_questions', ++done, SCAN_STEPS.length);
      return summary;
    });
  }

  /** Releases recorded since the last scan (the "release recorded" event): each scanned once. */
  async scanPendingReleases(): Promise<ReleaseScanResult[]> {
    const pending: { id: string }[] = await this.dataSource.query(
      `SELECT r.id FROM releases r WHERE NOT EXISTS (SELECT 1 FROM staleness_release_scans s WHERE s.release_id = r.id) ORDER BY r.released_at, r.id`,
    );
    const results: ReleaseScanResult[] = [];
    for (const { id } of pending) results.push(await this.scanRelease(id));
    return results;
  }

  /**
   * Detector 1 for one release, in one transaction: candidates are the published locales of the articles
   * linked to the release's product or to one of its change entries' feature keys; the detector ranks
   * them and the flagged ones are raised (fingerprint: article, locale, release). Scanning a release
   * again raises nothing new. A release with no change entries and no notes raises nothing.
   */
  async scanRelease(releaseId: string, params: ProductChangeParameters = DEFAULT_PRODUCT_CHANGE_PARAMETERS): Promise<ReleaseScanResult> {
    return this.dataSource.transaction(async (tx) => {
      const release = await tx.findOneBy(ReleaseEntity, { id: releaseId });
      if (!release) throw new NotFoundError('Release', releaseId);
      const changes = await tx.find(ReleaseChangeEntity, { where: { releaseId }, order: { position: 'ASC' } });
      const featureKeys = [...new Set(changes.flatMap((change) => change.featureKeys))];
      const candidates = await this.candidates(tx, release, changes, featureKeys);
      const byLocale = new Map<string, CandidateRow[]>();
      for (const row of candidates) byLocale.set(row.locale, [...(byLocale.get(row.locale) ?? []), row]);
      const input: ReleaseInput = {
        id: release.id,
        version: release.version,
        releasedAt: release.releasedAt,
        notesMarkdown: release.notesMarkdown,
        changes: changes.map((change) => ({ id: change.id, kind: change.kind as EntryKind, summary: change.summary, featureKeys: change.featureKeys })),
      };
      const history = await this.editHistory(tx, release, candidates);
      const findings: ProductChangeFinding[] = [];
      const positionOf = new Map<ProductChangeFinding, number>();
      const revisionOf = new Map<string, string>();
      for (const rows of byLocale.values()) {
        const articles: ArticleInput[] = rows.map((row) => {
          revisionOf.set(`${row.article_id}/${row.locale}`, row.revision_id);
          return {
            articleId: row.article_id,
            locale: row.locale,
            title: row.title,
            body: row.body_markdown,
            featureKeys: row.feature_keys,
            lastConfirmedAt: row.confirmed_at,
            history: history.get(`${row.article_id}/${row.locale}`),
          };
        });
        detectProductChange(input, articles, params).forEach((finding, position) => {
          findings.push(finding);
          positionOf.set(finding, position);
        });
      }
      // Flagged first; then each locale's own order (the detector orders the unflagged rest with the
      // history prior), locales interleaved by position.
      findings.sort((a, b) => Number(b.flagged) - Number(a.flagged) || positionOf.get(a)! - positionOf.get(b)! || b.score - a.score);
      const flagged = findings.filter((finding) => finding.flagged);
      const raised = await raiseFlags(
        tx,
        flagged.map((finding) => {
          const evidence: ProductChangeEvidence = {
            signal: 'product_change',
            release: { id: release.id, version: release.version, releasedAt: release.releasedAt.toISOString(), productId: release.productId },
            score: Number(finding.score.toFixed(4)),
            revisionId: revisionOf.get(`${finding.articleId}/${finding.locale}`)!,
            changes: finding.entries.slice(0, 10).map((entry) => ({
              changeId: entry.entryId,
              kind: entry.kind,
              summary: entry.summary,
              score: Number(entry.score.toFixed(4)),
              viaFeatureKey: entry.viaFeatureKey,
              passages: entry.passages.map((p) => ({ ...p, score: Number(p.score.toFixed(4)) })),
            })),
          };
          return {
            articleId: finding.articleId,
            locale: finding.locale,
            signal: StaleSignal.ProductChange,
            severity: finding.severity,
            score: finding.score,
            evidence,
            fingerprint: fingerprint('product_change', finding.articleId, finding.locale, release.id),
            releaseId: release.id,
          };
        }),
      );
      await tx.query(
        `INSERT INTO staleness_release_scans (release_id, articles_scanned, flags_raised) VALUES ($1, $2, $3)
         ON CONFLICT (release_id) DO UPDATE SET scanned_at = now(), articles_scanned = EXCLUDED.articles_scanned,
           flags_raised = staleness_release_scans.flags_raised + EXCLUDED.flags_raised`,
        [release.id, candidates.length, raised.length],
      );
      return { releaseId: release.id, version: release.version, articlesScanned: candidates.length, flagsRaised: raised.length, findings };
    });
  }

  /**
   * The history prior's input (detector 1): for each candidate locale, over the product's earlier release
   * cycles (from one release to the next, the last one ending at this release; the latest
   * HISTORY_RELEASES), how many it existed through and in how many editors saved a new revision of it.
   */
  private async editHistory(tx: EntityManager, release: ReleaseEntity, candidates: CandidateRow[]): Promise<Map<string, { cycles: number; edited: number }>> {
    const out = new Map<string, { cycles: number; edited: number }>();
    if (candidates.length === 0) return out;
    const rows: { article_id: string; locale: string; cycles: number; edited: number }[] = await tx.query(
      `WITH earlier AS (
         SELECT released_at FROM releases
         WHERE product_id = $1 AND id <> $2 AND released_at < $3
         ORDER BY released_at DESC LIMIT ${HISTORY_RELEASES}),
       cycle AS (SELECT released_at AS starts, lead(released_at, 1, $3::timestamptz) OVER (ORDER BY released_at) AS ends FROM earlier),
       cand AS (SELECT DISTINCT * FROM unnest($4::uuid[], $5::text[]) AS c(article_id, locale))
       SELECT c.article_id, c.locale, count(*)::int AS cycles,
              count(*) FILTER (WHERE EXISTS (
                SELECT 1 FROM article_revisions r
                WHERE r.article_id = c.article_id AND r.locale = c.locale AND r.created_at > cycle.starts AND r.created_at <= cycle.ends))::int AS edited
       FROM cand c
       JOIN article_locales l ON l.article_id = c.article_id AND l.locale = c.locale
       JOIN cycle ON l.created_at <= cycle.starts
       GROUP BY c.article_id, c.locale`,
      [release.productId, release.id, release.releasedAt, candidates.map((c) => c.article_id), candidates.map((c) => c.locale)],
    );
    for (const row of rows) out.set(`${row.article_id}/${row.locale}`, { cycles: row.cycles, edited: row.edited });
    return out;
  }

  private async candidates(tx: EntityManager, release: ReleaseEntity, changes: ReleaseChangeEntity[], featureKeys: string[]): Promise<CandidateRow[]> {
    const select = `
      SELECT l.article_id, l.locale, r.id AS revision_id, r.title, r.body_markdown, a.feature_keys,
             GREATEST(l.published_at, l.last_reviewed_at) AS confirmed_at
      FROM article_locales l
      JOIN articles a ON a.id = l.article_id AND a.deleted_at IS NULL
      JOIN article_revisions r ON r.id = l.published_revision_id
      WHERE l.status = 'published'`;
    const linked = `(EXISTS (SELECT 1 FROM article_products ap WHERE ap.article_id = a.id AND ap.product_id = $1) OR a.feature_keys && $2::text[])`;
    // Counted only up to the limit: enough to choose the path.
    const [{ count }] = await tx.query(
      `SELECT count(*)::int AS count FROM (SELECT 1 FROM article_locales l JOIN articles a ON a.id = l.article_id AND a.deleted_at IS NULL
       WHERE l.status = 'published' AND ${linked} LIMIT ${this.fullScanLimit + 1}) limited`,
      [release.productId, featureKeys],
    );
    if (count <= this.fullScanLimit) return tx.query(`${select} AND ${linked}`, [release.productId, featureKeys]);
    // A large product: feature-key links, plus the best text matches of each change entry from the search index.
    const queries = [...changes.map((change) => change.summary), ...(release.notesMarkdown ? [release.notesMarkdown.slice(0, 4000)] : [])];
    // Per entry, its two rarest indexed words (document frequencies from search_terms), both required:
    // rare words are the ones that single out pages, and requiring both keeps each lookup (and the
    // ranking of its matches) small however common the other words are.
    const ids: { source_id: string; locale: string }[] = await tx.query(
      `WITH entries AS (SELECT n, q FROM unnest($2::text[]) WITH ORDINALITY AS e(q, n)),
       lex AS (SELECT DISTINCT e.n, l.lexeme FROM entries e, unnest(tsvector_to_array(to_tsvector('english', e.q))) AS l(lexeme)),
       rare AS (SELECT n, lexeme FROM (
                  SELECT lex.n, lex.lexeme, row_number() OVER (PARTITION BY lex.n ORDER BY st.df, lex.lexeme) AS rn
                  FROM lex JOIN search_terms st ON st.lexeme = lex.lexeme COLLATE "C" AND st.df > 0) ranked
                WHERE rn <= 2),
       tsq AS (SELECT n, string_agg(quote_literal(lexeme), ' & ')::tsquery AS q FROM rare GROUP BY n),
       -- The index lookups first (materialized), the product filter after: otherwise the planner may walk
       -- every article of the product and test each one's tsvector.
       hits AS MATERIALIZED (
         SELECT c.source_id, c.locale FROM tsq,
         LATERAL (SELECT d.source_id, d.locale FROM search_documents d
                  WHERE d.kind = 'article' AND d.visibility = 'public' AND d.tsv @@ tsq.q
                  ORDER BY ts_rank(d.tsv, tsq.q) DESC LIMIT ${PREFILTER_PER_ENTRY}) c)
       SELECT DISTINCT h.source_id, h.locale FROM hits h
       WHERE EXISTS (SELECT 1 FROM article_products ap WHERE ap.article_id = h.source_id AND ap.product_id = $1)`,
      [release.productId, queries],
    );
    const keyed: { article_id: string; locale: string }[] =
      featureKeys.length === 0
        ? []
        : await tx.query(
            `SELECT l.article_id, l.locale FROM article_locales l JOIN articles a ON a.id = l.article_id AND a.deleted_at IS NULL
             WHERE l.status = 'published' AND a.feature_keys && $1::text[]`,
            [featureKeys],
          );
    const wanted = [...ids.map((row) => [row.source_id, row.locale]), ...keyed.map((row) => [row.article_id, row.locale])];
    return tx.query(
      `SELECT l.article_id, l.locale, r.id AS revision_id, r.title, r.body_markdown, a.feature_keys,
              GREATEST(l.published_at, l.last_reviewed_at) AS confirmed_at
       FROM (SELECT DISTINCT * FROM unnest($1::uuid[], $2::text[]) AS w(article_id, locale)) w
       JOIN article_locales l ON l.article_id = w.article_id AND l.locale = w.locale AND l.status = 'published'
       JOIN articles a ON a.id = l.article_id AND a.deleted_at IS NULL
       JOIN article_revisions r ON r.id = l.published_revision_id`,
      [wanted.map((w) => w[0]), wanted.map((w) => w[1])],
    );
  }

  /** Detector 2 over `article_review_schedule` (the one definition of the next review date). */
  async scanReviewOverdue(now = new Date()): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const rows: { article_id: string; locale: string; next_review_at: Date; review_interval_days: number }[] = await tx.query(
        `SELECT s.article_id, s.locale, s.next_review_at, s.review_interval_days
         FROM article_review_schedule($1) s JOIN articles a ON a.id = s.article_id AND a.deleted_at IS NULL
         WHERE s.status = 'published' AND s.next_review_at <= $2`,
        [this.config.articles.defaultReviewIntervalDays, now],
      );
      const findings = reviewOverdue(
        rows.map((row) => ({ articleId: row.article_id, locale: row.locale, nextReviewAt: row.next_review_at, reviewIntervalDays: row.review_interval_days })),
        now,
      );
      return (await raiseFlags(tx, findings.map((f) => ({ ...f, signal: StaleSignal.ReviewOverdue })))).length;
    });
  }

  /** Detector 4: votes on each published revision within the window. */
  async scanNegativeFeedback(now = new Date(), rule = DEFAULT_FEEDBACK_RULE): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const rows: { article_id: string; locale: string; revision_id: string; helpful: number; not_helpful: number; comments: string[] }[] = await tx.query(
        `SELECT f.article_id, f.locale, f.revision_id,
                count(*) FILTER (WHERE f.is_helpful)::int AS helpful,
                count(*) FILTER (WHERE NOT f.is_helpful)::int AS not_helpful,
                (array_agg(f.comment ORDER BY f.created_at DESC) FILTER (WHERE NOT f.is_helpful AND f.comment IS NOT NULL))[1:5] AS comments
         FROM article_feedback f
         JOIN article_locales l ON l.article_id = f.article_id AND l.locale = f.locale AND l.published_revision_id = f.revision_id AND l.status = 'published'
         WHERE f.created_at >= $1::timestamptz - make_interval(days => $2)
         GROUP BY f.article_id, f.locale, f.revision_id
         HAVING count(*) >= $3`,
        [now, rule.windowDays, rule.minVotes],
      );
      const findings = negativeFeedback(
        rows.map((row) => ({ articleId: row.article_id, locale: row.locale, revisionId: row.revision_id, helpful: row.helpful, notHelpful: row.not_helpful, comments: row.comments ?? [] })),
        rule,
      );
      return (await raiseFlags(tx, findings.map((f) => ({ ...f, signal: StaleSignal.NegativeFeedback })))).length;
    });
  }

  /** Detector 5 over the `article_translation_states` view (the one definition of "outdated"). */
  async scanOutdatedTranslations(): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const changedSince = await readScanMark(tx, StaleSignal.OutdatedTranslation);
      const rows: { article_id: string; locale: string; source_locale: string; is_outdated: boolean; source_revision_number: number | null; translated_from_revision_number: number | null }[] =
        await tx.query(
          `SELECT ts.article_id, ts.locale, a.source_locale, ts.is_outdated, ts.source_revision_number, ts.translated_from_revision_number
           FROM article_translation_states ts
           JOIN article_locales t ON t.id = ts.locale_id AND t.status = 'published'
           JOIN articles a ON a.id = ts.article_id AND a.deleted_at IS NULL
           WHERE ts.is_outdated AND ($1::timestamptz IS NULL OR a.updated_at >= $1)`,
          [changedSince],
        );
      await writeScanMark(tx, StaleSignal.OutdatedTranslation);
      const findings = outdatedTranslations(
        rows.map((row) => ({
          articleId: row.article_id,
          locale: row.locale,
          sourceLocale: row.source_locale,
          isOutdated: row.is_outdated,
          sourceRevisionNumber: row.source_revision_number,
          translatedFromRevisionNumber: row.translated_from_revision_number,
        })),
      );
      return (await raiseFlags(tx, findings.map((f) => ({ ...f, signal: StaleSignal.OutdatedTranslation })))).length;
    });
  }

  /** Detector 6 over the search analytics log: frequent queries that found nothing or were not clicked. */
  async scanSearchGaps(now = new Date(), rule = DEFAULT_SEARCH_GAP_RULE): Promise<number> {
    return this.dataSource.transaction(async (tx) => {
      const rows: { normalized_query: string; query: string; locale: string; searches: number; clients: number; zero: number; no_click: number; last_at: Date }[] = await tx.query(
        `SELECT normalized_query, mode() WITHIN GROUP (ORDER BY query) AS query, COALESCE(locale, '') AS locale,
                count(*)::int AS searches,
                count(DISTINCT coalesce(client_key, id::text))::int AS clients,
                count(*) FILTER (WHERE result_count = 0)::int AS zero,
                count(*) FILTER (WHERE result_count > 0 AND clicked_at IS NULL)::int AS no_click,
                max(searched_at) AS last_at
         FROM search_query_log
         WHERE searched_at >= $1::timestamptz - make_interval(days => $2)
         GROUP BY normalized_query, COALESCE(locale, '')
         HAVING count(*) >= $3`,
        [now, rule.windowDays, rule.minSearches],
      );
      const gaps = searchGaps(
        rows.map((row) => ({
          normalizedQuery: row.normalized_query,
          query: row.query,
          locale: row.locale || 'en',
          searches: row.searches,
          clients: row.clients,
          zeroResultSearches: row.zero,
          noClickSearches: row.no_click,
          lastSearchedAt: row.last_at,
        })),
        rule,
      );
      return (await upsertContentGaps(tx, 'search_gap', gaps)).length;
    });
  }

  /**
   * Detector 3 (docs/recurring-questions.md): visible forum threads of the window not yet in the
   * recurring-question store are added to it (oldest first, one board per scope; the store is the
   * watermark, so adding is idempotent and a thread created since the last scan is picked up by the next
   * one); then every cluster that grew is evaluated: with enough distinct askers it either points at an
   * article (threads link to it, accepted answers cite it) → a `recurring_questions` stale flag with the
   * threads as evidence, or becomes a `recurring_questions` content gap (threads, common terms, outline).
   * Flags and gaps are written in one transaction; re-running raises and creates nothing new.
   */
  async scanRecurringQuestions(now = new Date()): Promise<RecurringScanResult> {
    const { windowDays } = this.config.recurringQuestions;
    const touched = new Map<string, { scope: string; locale: string }>();

    // Once a day per board, a full recluster: the window moves (older threads leave their clusters) and clusters that
    // edits and removals left as they were are rebuilt. Clusters keep their ids where they keep their members.
    const due = await this.scopesDueForRecluster(now);
    for (const { scope, locale } of due) {
      const { changedClusterIds } = await this.recurring.recluster(scope, now);
      for (const clusterId of changedClusterIds) touched.set(clusterId, { scope, locale });
    }

    // Threads edited, hidden, removed, merged away or moved since they were fed: re-fed or taken out. Threads with
    // activity (a reply) since their links were read: their article links read again.
    const changed: { scope: string; source_id: string; locale: string; present: boolean; text_changed: boolean }[] = await this.dataSource.query(
      `SELECT r.scope, r.source_id, b.locale, (t.id IS NOT NULL AND t.status = 'visible' AND 'board:' || t.board_id::text = r.scope) AS present,
              (r.removed_at IS NOT NULL OR r.title <> t.title OR r.question <> ${QUESTION_TEXT_SQL} OR r.accepted_answer IS DISTINCT FROM a.body_text) AS text_changed
       FROM recurring_questions r
       JOIN boards b ON 'board:' || b.id::text = r.scope
       LEFT JOIN threads t ON t.id = (CASE WHEN r.source_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN r.source_id::uuid END)
       LEFT JOIN LATERAL (SELECT p.body_text FROM posts p WHERE p.thread_id = t.id AND p.is_question ORDER BY p.created_at LIMIT 1) q ON true
       LEFT JOIN posts a ON a.id = t.accepted_post_id AND a.status = 'visible'
       WHERE r.scope LIKE 'board:%' AND r.created_at >= $1::timestamptz - make_interval(days => $2)
         AND CASE WHEN t.id IS NOT NULL AND t.status = 'visible' AND 'board:' || t.board_id::text = r.scope
                  THEN r.removed_at IS NOT NULL OR r.title <> t.title OR r.question <> ${QUESTION_TEXT_SQL}
                       OR r.accepted_answer IS DISTINCT FROM a.body_text OR t.last_activity_at > r.links_read_at
                  ELSE r.removed_at IS NULL END
       ORDER BY r.seq
       LIMIT ${RECURRING_FEED_BATCH}`,
      [now, windowDays],
    );
    let threadsRemoved = 0;
    for (const row of changed.filter((c) => !c.present)) {
      const removed = await this.recurring.removeQuestion(row.scope, row.source_id);
      if (!removed.removed) continue;
      threadsRemoved++;
      if (removed.previousClusterId) touched.set(removed.previousClusterId, { scope: row.scope, locale: row.locale });
    }
    const present = changed.filter((c) => c.present);
    const edited = new Set(present.filter((c) => c.text_changed).map((c) => c.source_id));
    let threadsUpdated = 0;
    if (present.length > 0) {
      for (const { doc, locale } of await this.questionDocuments('t.id = ANY($1::uuid[])', [present.map((c) => c.source_id)])) {
        if (!edited.has(doc.sourceId)) {
          // Only new activity: the text is as fed, so the question keeps its cluster; a new article link re-evaluates it.
          const links = await this.recurring.updateLinks(doc.scope, doc.sourceId, doc.linkedArticleIds ?? [], doc.citedArticleIds ?? []);
          if (links.clusterId) touched.set(links.clusterId, { scope: doc.scope, locale });
          continue;
        }
        const update = await this.recurring.updateQuestion(doc);
        threadsUpdated++;
        if (update.previousClusterId) touched.set(update.previousClusterId, { scope: doc.scope, locale });
        touched.set(update.clusterId, { scope: doc.scope, locale });
      }
    }

    // New threads.
    const fresh = await this.questionDocuments(
      `t.status = 'visible' AND t.created_at >= $1::timestamptz - make_interval(days => $2)
       AND NOT EXISTS (SELECT 1 FROM recurring_questions r WHERE r.scope = 'board:' || t.board_id::text AND r.source_id = t.id::text)`,
      [now, windowDays],
      RECURRING_FEED_BATCH,
    );
    let threadsAdded = 0;
    for (const { doc, locale } of fresh) {
      const assignment = await this.recurring.addQuestion(doc);
      if (!assignment.created) continue;
      threadsAdded++;
      if (assignment.clusterId) touched.set(assignment.clusterId, { scope: doc.scope, locale });
    }
    const { flagsRaised, gapsCreated } = await this.evaluateRecurringClusters(touched, now);
    // A board fed for the first time counts as reclustered now: its clusters were just built question by question.
    await this.dataSource.query(
      `INSERT INTO recurring_question_scopes (scope, reclustered_at)
       SELECT 'board:' || b.id::text, $1 FROM boards b
       WHERE EXISTS (SELECT 1 FROM recurring_questions q WHERE q.scope = 'board:' || b.id::text)
       ON CONFLICT (scope) DO NOTHING`,
      [now],
    );
    return { scopesReclustered: due.length, threadsAdded, threadsUpdated, threadsRemoved, clustersEvaluated: touched.size, flagsRaised, gapsCreated };
  }

  /** Boards whose recurring questions were last reclustered RECURRING_RECLUSTER_HOURS or more ago. */
  private async scopesDueForRecluster(now: Date): Promise<{ scope: string; locale: string }[]> {
    return this.dataSource.query(
      `SELECT s.scope, b.locale FROM recurring_question_scopes s JOIN boards b ON 'board:' || b.id::text = s.scope
       WHERE s.reclustered_at <= $1::timestamptz - make_interval(hours => $2)
       ORDER BY s.reclustered_at, s.scope`,
      [now, RECURRING_RECLUSTER_HOURS],
    );
  }

  /**
   * Forum threads (oldest first) as question documents: title, question post (the title when empty),
   * accepted answer, and the published articles any visible post links to or the accepted answer cites
   * (slugs through the site's article path).
   */
  private async questionDocuments(where: string, params: unknown[], limit?: number): Promise<{ doc: QuestionDocument; locale: string }[]> {
    const rows: {
      id: string; board_id: string; locale: string; title: string; author_id: string | null; created_at: Date;
      question: string; accepted_answer: string | null; accepted_markdown: string | null; posts_markdown: string[] | null;
    }[] = await this.dataSource.query(
      `SELECT t.id, t.board_id, b.locale, t.title, t.author_id, t.created_at,
              ${QUESTION_TEXT_SQL} AS question, a.body_text AS accepted_answer, a.body_markdown AS accepted_markdown,
              (SELECT array_agg(p.body_markdown) FROM posts p WHERE p.thread_id = t.id AND p.status = 'visible') AS posts_markdown
       FROM threads t
       JOIN boards b ON b.id = t.board_id
       LEFT JOIN LATERAL (SELECT p.body_text FROM posts p WHERE p.thread_id = t.id AND p.is_question ORDER BY p.created_at LIMIT 1) q ON true
       LEFT JOIN posts a ON a.id = t.accepted_post_id AND a.status = 'visible'
       WHERE ${where}
       ORDER BY t.created_at, t.id
       ${limit ? `LIMIT ${limit}` : ''}`,
      params,
    );
    const articlePath = this.config.site.articlePath;
    const linkedSlugs = rows.map((row) => articleSlugsIn((row.posts_markdown ?? []).join('\n'), articlePath));
    const citedSlugs = rows.map((row) => articleSlugsIn(row.accepted_markdown ?? '', articlePath));
    const allSlugs = [...new Set(linkedSlugs.flat())];
    const articleOfSlug = new Map<string, string>();
    if (allSlugs.length > 0) {
      const found: { slug: string; article_id: string }[] = await this.dataSource.query(
        `SELECT lower(l.slug) AS slug, l.article_id FROM article_locales l JOIN articles a ON a.id = l.article_id AND a.deleted_at IS NULL
         WHERE l.status = 'published' AND lower(l.slug) = ANY($1::text[])`,
        [allSlugs],
      );
      for (const row of found) if (!articleOfSlug.has(row.slug)) articleOfSlug.set(row.slug, row.article_id);
    }
    const idsOf = (slugs: string[]): string[] => [...new Set(slugs.map((slug) => articleOfSlug.get(slug)).filter((id): id is string => !!id))];
    return rows.map((row, i) => ({
      locale: row.locale,
      doc: {
        scope: boardScope(row.board_id),
        sourceId: row.id,
        title: row.title,
        question: row.question,
        acceptedAnswer: row.accepted_answer,
        authorId: row.author_id,
        createdAt: new Date(row.created_at),
        linkedArticleIds: idsOf(linkedSlugs[i]),
        citedArticleIds: idsOf(citedSlugs[i]),
      },
    }));
  }

  /**
   * Published articles of the board's locale found by the search port for a cluster's common terms (the best
   * RECURRING_ARTICLE_CANDIDATES), with their similarity to the cluster's questions.
   */
  private async similarArticles(clusterId: string, locale: string, commonTerms: string[]): Promise<ArticleSimilarity[]> {
    if (commonTerms.length === 0) return [];
    let page: SearchPage;
    try {
      page = await this.searchEngine.search({
        text: commonTerms.slice(0, 8).join(' '),
        audience: 'public',
        filters: { kinds: ['article'], locales: [locale] },
        facets: [],
        offset: 0,
        limit: RECURRING_ARTICLE_CANDIDATES,
        matching: 'any',
        highlight: { preTag: '', postTag: '' },
      });
    } catch (error) {
      // A search outage must not stop the scan: without candidates the cluster is judged on links and citations.
      this.logger.warn(`Similar articles of cluster ${clusterId} not searched: ${(error as Error).message}`);
      return [];
    }
    if (page.hits.length === 0) return [];
    const articles: { article_id: string; title: string; body: string }[] = await this.dataSource.query(
      `SELECT l.article_id, r.title, r.body_text AS body
       FROM article_locales l
       JOIN articles a ON a.id = l.article_id AND a.deleted_at IS NULL
       JOIN article_revisions r ON r.id = l.published_revision_id
       WHERE l.article_id = ANY($1::uuid[]) AND l.locale = $2 AND l.status = 'published'`,
      [page.hits.map((hit) => hit.id), locale],
    );
    return this.recurring.articleSimilarities(
      clusterId,
      articles.map((a) => ({ articleId: a.article_id, title: a.title, body: a.body })),
    );
  }

  /** Evaluates clusters that changed: a stale flag on the article they point at, or a content gap. */
  private async evaluateRecurringClusters(touched: Map<string, { scope: string; locale: string }>, now: Date): Promise<{ flagsRaised: number; gapsCreated: number }> {
    const { minAskers } = this.config.recurringQuestions;
    let flagsRaised = 0;
    let gapsCreated = 0;
    for (const [clusterId, { scope, locale }] of touched) {
      if (!(await this.recurring.clusterHasMembers(clusterId))) continue; // its last member left
      const first = await this.recurring.evaluateCluster(clusterId, [], now);
      if (first.kind === 'none') continue;
      // No thread links to an article and no accepted answer cites one: is a published article similar enough?
      const similar = first.kind === 'content-gap' ? await this.similarArticles(clusterId, locale, first.commonTerms) : [];
      const finding = similar.length > 0 ? await this.recurring.evaluateCluster(clusterId, similar, now) : first;
      if (finding.kind === 'none') continue;
      const threadRows: { source_id: string; title: string; created_at: Date }[] = await this.dataSource.query(
        `SELECT source_id, title, created_at FROM recurring_questions WHERE scope = $1 AND source_id = ANY($2::text[]) ORDER BY created_at, seq`,
        [scope, finding.threads],
      );
      const threads = threadRows.map((t) => ({ threadId: t.source_id, title: t.title, createdAt: new Date(t.created_at).toISOString() }));
      await this.dataSource.transaction(async (tx) => {
        if (finding.kind === 'article') {
          // The cluster was a content gap and now points at an article (a reply linked it, or it was published since):
          // the gap is closed by the rule, the article is flagged instead.
          const pointed = finding.support.linkingThreads > 0 ? 'links' : finding.support.citingAnswers > 0 ? 'citations' : 'similarity';
          const closedGaps: { id: string }[] = await tx.query(
            `UPDATE content_gaps SET status = 'dismissed', closed_at = now(), updated_at = now(), close_reason = $2
             WHERE source = 'recurring_questions' AND fingerprint = $1 AND status = 'open' RETURNING id`,
            [fingerprint('recurring_questions', clusterId), `The question group now points at article ${finding.articleId} (${pointed}); flagged there instead`],
          ).then(([rows]: [{ id: string }[]]) => rows);
          for (const gap of closedGaps) {
            await recordAudit(tx, {
              actorId: null,
              actorRule: 'recurring_questions',
              action: 'content-gap.dismissed',
              subjectKind: 'content_gap',
              subjectId: gap.id,
              before: { status: 'open' },
              after: { status: 'dismissed', articleId: finding.articleId },
              reason: `points at article ${finding.articleId} (${pointed})`,
            });
          }
          // One open flag per cluster and article: a grown cluster does not raise a second one while the first is open.
          const [open] = await tx.query(
            `SELECT 1 FROM stale_flags WHERE article_id = $1 AND signal = 'recurring_questions' AND status IN ('open', 'acknowledged') AND evidence->>'clusterId' = $2 LIMIT 1`,
            [finding.articleId, clusterId],
          );
          if (open) return;
          const [articleLocale] = await tx.query(
            `SELECT locale FROM article_locales WHERE article_id = $1 AND status = 'published' ORDER BY (locale = $2) DESC, locale LIMIT 1`,
            [finding.articleId, locale],
          );
          if (!articleLocale) return;
          const commonTerms = await this.recurring.clusterTerms(clusterId, 8);
          const { support } = finding;
          const pointedBy = support.linkingThreads > 0 ? 'links' : support.citingAnswers > 0 ? 'citations' : 'similarity';
          const evidence: RecurringQuestionsEvidence = {
            signal: 'recurring_questions',
            clusterId,
            askers: finding.askers,
            threads,
            commonTerms,
            pointedBy,
            ...(pointedBy === 'similarity' ? { articleSimilarity: Math.round(support.similarity * 1000) / 1000 } : {}),
          };
          flagsRaised += (
            await raiseFlags(tx, [
              {
                articleId: finding.articleId,
                locale: articleLocale.locale,
                signal: StaleSignal.RecurringQuestions,
                severity: recurringSeverity(finding.askers, minAskers),
                score: finding.askers,
                evidence,
                fingerprint: fingerprint('recurring_questions', finding.articleId, clusterId, ...[...finding.threads].sort()),
              },
            ])
          ).length;
        } else {
          const evidence: RecurringQuestionsGapEvidence = {
            source: 'recurring_questions',
            clusterId,
            askers: finding.askers,
            threads,
            commonTerms: finding.commonTerms,
            outline: outlineMarkdown(finding.outline),
          };
          gapsCreated += (
            await upsertContentGaps(tx, 'recurring_questions', [
              { locale, title: finding.outline.title, weight: finding.askers, fingerprint: fingerprint('recurring_questions', clusterId), evidence },
            ])
          ).length;
        }
      });
    }
    return { flagsRaised, gapsCreated };
  }
}

const SCAN_MARK_OVERLAP = '10 minutes';

/**
 * Whether a translation is outdated changes only with a publish or an edit of its article, and each of those
 * bumps `articles.updated_at`: a scheduled scan reads only articles changed since its mark (null: never
 * scanned, read everything). The mark trails the scan's start by {@link SCAN_MARK_OVERLAP}, so a change
 * committed by a transaction that started before the scan is read by the next one (raising is idempotent).
 */
async function readScanMark(tx: EntityManager, detector: string): Promise<Date | null> {
  const rows: { changed_since: Date }[] = await tx.query(`SELECT changed_since FROM staleness_scan_marks WHERE detector = $1 FOR UPDATE`, [detector]);
  return rows[0]?.changed_since ?? null;
}

async function writeScanMark(tx: EntityManager, detector: string): Promise<void> {
  await tx.query(
    `INSERT INTO staleness_scan_marks (detector, changed_since) VALUES ($1, now() - $2::interval)
     ON CONFLICT (detector) DO UPDATE SET changed_since = excluded.changed_since`,
    [detector, SCAN_MARK_OVERLAP],
  );
}
