import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { recordAudit } from '../common/audit/record-audit';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors/app-error';
import { ContentGapEntity, ContentGapStatus } from './entities/content-gap.entity';
import { StaleFlagEntity, StaleFlagStatus, StaleSeverity, StaleSignal } from './entities/stale-flag.entity';
import { FreshnessInputs, freshnessOf, priorityOf } from './freshness';
import type { AuthUser } from '../auth/auth-user';
import { ArticlesService } from '../articles/articles.service';
import { CategoryEntity } from '../articles/entities/category.entity';
import { draftFromGap } from './gap-draft';
import { enqueueWebhookEvents } from '../webhooks/webhook-events';

export interface FreshnessFilter {
  productId?: string | null;
  categoryId?: string | null;
  locale?: string | null;
  signal?: StaleSignal | null;
  ownerId?: string | null;
}

export interface FreshnessQueueItem {
  articleId: string;
  locale: string;
  title: string;
  priority: number;
  freshnessScore: number;
  reasons: string[];
  views30d: number;
  oldestFlagAt: Date;
  flags: StaleFlagEntity[];
}

export interface FreshnessQueue {
  items: FreshnessQueueItem[];
  totalCount: number;
  countsBySignal: { signal: StaleSignal; count: number }[];
}

const OPEN_STATUSES = [StaleFlagStatus.Open, StaleFlagStatus.Acknowledged];

/** Flag lifecycle (acknowledge, dismiss, resolve) and the prioritised freshness queue. */
@Injectable()
export class StalenessService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly articles: ArticlesService,
  ) {}

  /**
   * Turns an open content gap into a draft article (title and body from the gap's evidence) and marks the
   * gap drafted with the article id, in one transaction with an audit entry. The gap row is locked, so two
   * parallel calls make one article; a gap no longer open is CONFLICT (GAP_CLOSED). Without a category,
   * the first top-level category is used.
   */
  async createArticleFromGap(editor: AuthUser, gapId: string, categoryId?: string | null): Promise<{ gap: ContentGapEntity; articleId: string }> {
    return this.dataSource.transaction(async (tx) => {
      const gap = await tx.findOne(ContentGapEntity, { where: { id: gapId }, lock: { mode: 'pessimistic_write' } });
      if (!gap) throw new NotFoundError('ContentGap', gapId);
      if (gap.status !== ContentGapStatus.Open) {
        throw new ConflictError(`Content gap ${gap.id} is already ${gap.status}`, { reason: 'GAP_CLOSED', status: gap.status, articleId: gap.articleId });
      }
      const category = categoryId ?? (await tx.findOne(CategoryEntity, { where: { parentId: IsNull() }, order: { position: 'ASC' } }))?.id;
      if (!category) {
        throw new BadUserInputError('There is no category to put the draft in', [{ field: 'input.categoryId', messages: ['create a category first or pass categoryId'] }]);
      }
      const draft = draftFromGap(gap);
      const saved = await this.articles.createIn(tx, editor, {
        categoryId: category,
        locale: gap.locale,
        title: draft.title,
        bodyMarkdown: draft.bodyMarkdown,
        changeNote: `Drafted from content gap ${gap.id}`,
      });
      const before = { status: gap.status, articleId: gap.articleId };
      Object.assign(gap, { status: ContentGapStatus.Drafted, articleId: saved.article.id, closedAt: new Date(), closedBy: editor.id, updatedAt: new Date() });
      await tx.save(gap);
      await recordAudit(tx, {
        actorId: editor.id,
        action: 'content-gap.drafted',
        subjectKind: 'content_gap',
        subjectId: gap.id,
        before,
        after: { status: gap.status, articleId: gap.articleId },
      });
      return { gap, articleId: saved.article.id };
    });
  }

  /**
   * An editor's "not needed": the open gap closes with the reason. Its fingerprint (the search, or the question
   * group) stays taken, so the same gap is not raised again. A gap no longer open is CONFLICT (GAP_CLOSED).
   */
  async dismissGap(actorId: string, gapId: string, reason: string): Promise<ContentGapEntity> {
    const why = reason.trim();
    if (why.length === 0 || why.length > 2000) {
      throw new BadUserInputError('A dismissal needs a reason of 1–2000 characters', [{ field: 'reason', messages: ['must be 1–2000 characters'] }]);
    }
    return this.dataSource.transaction(async (tx) => {
      const gap = await tx.findOne(ContentGapEntity, { where: { id: gapId }, lock: { mode: 'pessimistic_write' } });
      if (!gap) throw new NotFoundError('ContentGap', gapId);
      if (gap.status !== ContentGapStatus.Open) {
        throw new ConflictError(`Content gap ${gap.id} is already ${gap.status}`, { reason: 'GAP_CLOSED', status: gap.status, articleId: gap.articleId });
      }
      const before = { status: gap.status };
      Object.assign(gap, { status: ContentGapStatus.Dismissed, closedAt: new Date(), closedBy: actorId, closeReason: why, updatedAt: new Date() });
      await tx.save(gap);
      await recordAudit(tx, { actorId, action: 'content-gap.dismissed', subjectKind: 'content_gap', subjectId: gap.id, before, after: { status: gap.status }, reason: why });
      return gap;
    });
  }

  async getFlag(id: string): Promise<StaleFlagEntity> {
    const flag = await this.dataSource.manager.findOneBy(StaleFlagEntity, { id });
    if (!flag) throw new NotFoundError('StaleFlag', id);
    return flag;
  }

  /** open → acknowledged; acknowledging again is a no-op; a closed flag is CONFLICT (FLAG_CLOSED). */
  async acknowledge(actorId: string, flagId: string): Promise<StaleFlagEntity> {
    return this.onFlag(flagId, async (tx, flag) => {
      if (flag.status === StaleFlagStatus.Acknowledged) return flag;
      this.requireOpen(flag);
      const before = { status: flag.status };
      Object.assign(flag, { status: StaleFlagStatus.Acknowledged, acknowledgedAt: new Date(), acknowledgedBy: actorId });
      await tx.save(flag);
      await recordAudit(tx, { actorId, action: 'stale-flag.acknowledged', subjectKind: 'stale_flag', subjectId: flag.id, before, after: { status: flag.status } });
      return flag;
    });
  }

  /**
   * Dismissed with a reason: the flag closes and its fingerprint is suppressed, so the same evidence never
   * raises it again (new evidence, e.g. a later release, does). A closed flag is CONFLICT (FLAG_CLOSED).
   */
  async dismiss(actorId: string, flagId: string, reason: string): Promise<StaleFlagEntity> {
    const why = reason.trim();
    if (why.length === 0 || why.length > 2000) {
      throw new BadUserInputError('A dismissal needs a reason of 1–2000 characters', [{ field: 'reason', messages: ['must be 1–2000 characters'] }]);
    }
    return this.onFlag(flagId, async (tx, flag) => {
      this.requireOpen(flag);
      const before = { status: flag.status };
      Object.assign(flag, { status: StaleFlagStatus.Dismissed, closedAt: new Date(), closedBy: actorId, closeReason: why });
      await tx.save(flag);
      await tx.query(
        `INSERT INTO stale_flag_suppressions (fingerprint, flag_id, reason, dismissed_by) VALUES ($1, $2, $3, $4) ON CONFLICT (fingerprint) DO NOTHING`,
        [flag.fingerprint, flag.id, why, actorId],
      );
      await recordAudit(tx, { actorId, action: 'stale-flag.dismissed', subjectKind: 'stale_flag', subjectId: flag.id, before, after: { status: flag.status, reason: why } });
      return flag;
    });
  }

  /** Resolved by an editor (the content was fixed some other way). A closed flag is CONFLICT (FLAG_CLOSED). */
  async resolve(actorId: string, flagId: string, note?: string | null): Promise<StaleFlagEntity> {
    return this.onFlag(flagId, async (tx, flag) => {
      this.requireOpen(flag);
      const before = { status: flag.status };
      Object.assign(flag, { status: StaleFlagStatus.Resolved, closedAt: new Date(), closedBy: actorId, closeReason: note?.trim() || 'resolved' });
      await tx.save(flag);
      await recordAudit(tx, { actorId, action: 'stale-flag.resolved', subjectKind: 'stale_flag', subjectId: flag.id, before, after: { status: flag.status, reason: flag.closeReason } });
      await enqueueWebhookEvents(tx, [
        { type: 'stale_flag.resolved', data: { flagId: flag.id, articleId: flag.articleId, locale: flag.locale, signal: flag.signal, reason: flag.closeReason } },
      ]);
      return flag;
    });
  }

  async listContentGaps(filter: { status?: ContentGapStatus | null; source?: string | null }, first: number): Promise<ContentGapEntity[]> {
    const query = this.dataSource.manager.createQueryBuilder(ContentGapEntity, 'g').orderBy('g.weight', 'DESC').addOrderBy('g.created_at', 'DESC').take(first);
    if (filter.status) query.andWhere('g.status = :status', { status: filter.status });
    if (filter.source) query.andWhere('g.source = :source', { source: filter.source });
    return query.getMany();
  }

  /**
   * Open and acknowledged flags grouped per article locale, ordered by priority (severity × traffic ×
   * age), with the article's freshness score and its reasons, and the counts per signal under the same
   * filters. `offset` pagination (the queue is re-ranked as flags come and go).
   */
  async freshnessQueue(filter: FreshnessFilter, first: number, offset: number, now = new Date()): Promise<FreshnessQueue> {
    const params: unknown[] = [filter.productId ?? null, filter.categoryId ?? null, filter.locale ?? null, filter.signal ?? null, filter.ownerId ?? null];
    const where = `f.status IN ('open', 'acknowledged')
      AND a.deleted_at IS NULL
      AND ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM article_products ap WHERE ap.article_id = a.id AND ap.product_id = $1))
      AND ($2::uuid IS NULL OR a.category_id = $2)
      AND ($3::text IS NULL OR f.locale = $3)
      AND ($5::uuid IS NULL OR a.created_by = $5)`;
    // The signal filter picks the articles that have such a flag; their other flags still count in the score.
    const signalClause = `($4::stale_signal IS NULL OR EXISTS (SELECT 1 FROM stale_flags s WHERE s.article_id = f.article_id AND s.locale = f.locale AND s.signal = $4 AND s.status IN ('open', 'acknowledged')))`;
    const groups: { article_id: string; locale: string; title: string | null; views: number; oldest: Date; flag_ids: string[] }[] = await this.dataSource.query(
      `SELECT f.article_id, f.locale, max(r.title) AS title,
              COALESCE((SELECT sum(v.views)::int FROM article_daily_views v WHERE v.article_id = f.article_id AND v.locale = f.locale AND v.day > ($6::timestamptz - interval '30 days')::date), 0) AS views,
              min(f.raised_at) AS oldest, array_agg(f.id) AS flag_ids
       FROM stale_flags f
       JOIN articles a ON a.id = f.article_id
       LEFT JOIN article_locales l ON l.article_id = f.article_id AND l.locale = f.locale
       LEFT JOIN article_revisions r ON r.id = COALESCE(l.published_revision_id, (SELECT h.id FROM article_revisions h WHERE h.article_id = l.article_id AND h.locale = l.locale AND h.number = l.head_revision_number))
       WHERE ${where} AND ${signalClause}
       GROUP BY f.article_id, f.locale`,
      [...params, now],
    );
    const flags = groups.length === 0 ? [] : await this.dataSource.manager.createQueryBuilder(StaleFlagEntity, 'f').where('f.id = ANY(:ids)', { ids: groups.flatMap((g) => g.flag_ids) }).getMany();
    const flagsById = new Map(flags.map((flag) => [flag.id, flag]));
    const items: FreshnessQueueItem[] = groups.map((group) => {
      const own = group.flag_ids.map((id) => flagsById.get(id)!).filter(Boolean);
      own.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.raisedAt.getTime() - b.raisedAt.getTime());
      const inputs: FreshnessInputs = { flags: own.map((f) => ({ signal: f.signal, severity: f.severity, raisedAt: f.raisedAt, evidence: f.evidence })), views30d: group.views, now };
      const freshness = freshnessOf(inputs);
      return {
        articleId: group.article_id,
        locale: group.locale,
        title: group.title ?? '',
        priority: priorityOf(inputs),
        freshnessScore: freshness.score,
        reasons: freshness.reasons,
        views30d: group.views,
        oldestFlagAt: group.oldest,
        flags: own,
      };
    });
    items.sort((a, b) => b.priority - a.priority || a.oldestFlagAt.getTime() - b.oldestFlagAt.getTime() || (a.articleId < b.articleId ? -1 : 1));
    const counts: { signal: StaleSignal; count: number }[] = await this.dataSource.query(
      `SELECT f.signal, count(*)::int AS count FROM stale_flags f JOIN articles a ON a.id = f.article_id
       WHERE ${where} AND ($4::stale_signal IS NULL OR f.signal = $4) GROUP BY f.signal ORDER BY f.signal`,
      params,
    );
    return { items: items.slice(offset, offset + first), totalCount: items.length, countsBySignal: counts };
  }

  private requireOpen(flag: StaleFlagEntity): void {
    if (!OPEN_STATUSES.includes(flag.status)) {
      throw new ConflictError(`Stale flag ${flag.id} is already ${flag.status}`, { reason: 'FLAG_CLOSED', status: flag.status });
    }
  }

  private async onFlag<T>(flagId: string, fn: (tx: EntityManager, flag: StaleFlagEntity) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (tx) => {
      const flag = await tx.findOne(StaleFlagEntity, { where: { id: flagId }, lock: { mode: 'pessimistic_write' } });
      if (!flag) throw new NotFoundError('StaleFlag', flagId);
      return fn(tx, flag);
    });
  }
}

function severityRank(severity: StaleSeverity): number {
  return { low: 1, medium: 2, high: 3, critical: 4 }[severity];
}
