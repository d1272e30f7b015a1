import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { ChangeType, recordChange } from '../changes/content-changes';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors/app-error';
import { LocalesService } from '../common/locales/locales.service';
import { UserEntity } from '../users/entities/user.entity';
import { Role } from '../users/role.enum';
import { ArticlesService, staleBase } from './articles.service';
import { ArticleLocaleEntity, ArticleStatus, ReviewState } from './entities/article-locale.entity';
import { ArticleRevisionEntity } from './entities/article-revision.entity';
import { RevisionsService } from './revisions.service';

export interface LocaleRef {
  articleId: string;
  locale: string;
}

export interface RevisionRef extends LocaleRef {
  /** The head revision the action is about; a later save makes the action stale (CONFLICT). */
  revisionNumber: number;
}

export interface PublishCommand {
  articleId: string;
  revisionId: string;
  /** Omitted or now: publish at once; later: schedule. */
  publishAt?: Date | null;
}

export interface RollbackCommand extends LocaleRef {
  /** The revision whose content is published again, as a new revision. */
  revisionNumber: number;
  baseRevisionNumber: number;
}

export interface PublishResult {
  locale: ArticleLocaleEntity;
  revision: ArticleRevisionEntity;
}

/** A publish time this close to now counts as now (clock skew between client and server). */
const SCHEDULE_TOLERANCE_MS = 5_000;
const DUE_BATCH = 50;

@Injectable()
export class PublishingService {
  private readonly logger = new Logger(PublishingService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly locales: LocalesService,
    private readonly articles: ArticlesService,
    private readonly revisions: RevisionsService,
  ) {}

  async requestReview(ref: RevisionRef, reviewerId: string | null): Promise<ArticleLocaleEntity> {
    return this.onHead(ref, 'review-requested', async (tx, state) => {
      if (reviewerId) await this.requireReviewer(tx, reviewerId);
      state.reviewState = ReviewState.InReview;
      state.reviewerId = reviewerId;
      state.reviewRevisionNumber = state.headRevisionNumber;
      state.reviewComment = null;
      if (state.status === ArticleStatus.Draft || state.status === ArticleStatus.Unpublished) state.status = ArticleStatus.InReview;
      return tx.save(state);
    });
  }

  async approve(reviewer: AuthUser, ref: RevisionRef, comment: string | null): Promise<ArticleLocaleEntity> {
    return this.onHead(ref, 'review-approved', async (tx, state) => {
      this.requireOpenReview(state, reviewer);
      state.reviewState = ReviewState.Approved;
      state.reviewComment = comment;
      state.reviewerId = reviewer.id;
      return tx.save(state);
    });
  }

  async requestChanges(reviewer: AuthUser, ref: RevisionRef, comment: string): Promise<ArticleLocaleEntity> {
    return this.onHead(ref, 'changes-requested', async (tx, state) => {
      this.requireOpenReview(state, reviewer);
      state.reviewState = ReviewState.ChangesRequested;
      state.reviewComment = comment;
      state.reviewerId = reviewer.id;
      if (state.status === ArticleStatus.InReview) state.status = ArticleStatus.Draft;
      return tx.save(state);
    });
  }

  /** Publishes the head revision now, or schedules it. */
  async publish(editor: AuthUser, command: PublishCommand, now = new Date()): Promise<PublishResult> {
    const publishAt = command.publishAt ?? null;
    if (publishAt && publishAt.getTime() < now.getTime() - SCHEDULE_TOLERANCE_MS) {
      throw new BadUserInputError('A publish time must not be in the past', [{ field: 'input.publishAt', messages: ['publishAt must be in the future'] }]);
    }
    return this.dataSource.transaction(async (tx) => {
      const revision = await tx.findOne(ArticleRevisionEntity, { where: { id: command.revisionId } });
      if (!revision) throw new NotFoundError('Revision', command.revisionId);
      if (revision.articleId !== command.articleId) {
        throw new BadUserInputError('The revision belongs to another article', [
          { field: 'input.revisionId', messages: ['revisionId must be a revision of articleId'] },
        ]);
      }
      await this.articles.lockArticle(tx, command.articleId);
      const state = await this.lockLocale(tx, { articleId: command.articleId, locale: revision.locale });
      if (state.headRevisionNumber !== revision.number) throw staleBase(state.headRevisionNumber, 'Only the latest revision can be published; roll back to publish an earlier one');
      this.refuseArchived(state);
      if (publishAt && publishAt.getTime() > now.getTime() + SCHEDULE_TOLERANCE_MS) {
        state.scheduledRevisionId = revision.id;
        state.scheduledPublishAt = publishAt;
        state.scheduledBy = editor.id;
        if (state.status !== ArticleStatus.Published) state.status = ArticleStatus.Scheduled;
        await recordChange(tx, { kind: 'article', id: state.articleId, locale: state.locale, change: 'scheduled' });
        return { locale: await tx.save(state), revision };
      }
      return { locale: await this.makePublic(tx, state, revision, editor.id, now), revision };
    });
  }

  async cancelSchedule(ref: LocaleRef): Promise<ArticleLocaleEntity> {
    return this.onLocale(ref, 'schedule-cancelled', async (tx, state) => {
      if (!state.scheduledRevisionId) throw new ConflictError('Nothing is scheduled', { reason: 'NOTHING_SCHEDULED' });
      clearSchedule(state);
      if (state.status === ArticleStatus.Scheduled) state.status = state.firstPublishedAt ? ArticleStatus.Unpublished : ArticleStatus.Draft;
      return tx.save(state);
    });
  }

  async unpublish(ref: LocaleRef): Promise<ArticleLocaleEntity> {
    return this.onLocale(ref, 'unpublished', async (tx, state) => {
      if (state.status !== ArticleStatus.Published) throw new ConflictError('The article is not published', { reason: 'NOT_PUBLISHED', status: state.status });
      state.status = ArticleStatus.Unpublished;
      state.publishedRevisionId = null;
      state.publishedAt = null;
      clearSchedule(state);
      return tx.save(state);
    });
  }

  async archive(ref: LocaleRef): Promise<ArticleLocaleEntity> {
    return this.onLocale(ref, 'archived', async (tx, state) => {
      this.refuseArchived(state);
      state.status = ArticleStatus.Archived;
      state.archivedAt = new Date();
      state.publishedRevisionId = null;
      state.publishedAt = null;
      clearSchedule(state);
      return tx.save(state);
    });
  }

  /** Back from the archive as an unpublished (or never published) draft. */
  async restore(ref: LocaleRef): Promise<ArticleLocaleEntity> {
    return this.onLocale(ref, 'restored', async (tx, state) => {
      if (state.status !== ArticleStatus.Archived) throw new ConflictError('The article is not archived', { reason: 'NOT_ARCHIVED' });
      state.status = state.firstPublishedAt ? ArticleStatus.Unpublished : ArticleStatus.Draft;
      state.archivedAt = null;
      return tx.save(state);
    });
  }

  /** Publishes the content of an earlier revision as a new head revision. */
  async rollback(editor: AuthUser, command: RollbackCommand, now = new Date()): Promise<PublishResult> {
    const locale = this.locales.resolve(command.locale, 'input.locale');
    return this.dataSource.transaction(async (tx) => {
      await this.articles.lockArticle(tx, command.articleId);
      const state = await this.lockLocale(tx, { articleId: command.articleId, locale });
      if (state.headRevisionNumber !== command.baseRevisionNumber) throw staleBase(state.headRevisionNumber);
      this.refuseArchived(state);
      const earlier = await this.revisions.findByNumber(tx, command.articleId, locale, command.revisionNumber);
      if (!earlier) {
        throw new BadUserInputError('No such revision', [{ field: 'input.revisionNumber', messages: [`there is no revision ${command.revisionNumber}`] }]);
      }
      const revision = await this.revisions.append(tx, {
        articleId: command.articleId,
        locale,
        number: state.headRevisionNumber + 1,
        content: earlier,
        authorId: editor.id,
        changeNote: `Rolled back to revision ${earlier.number}`,
        translatedFromRevisionId: earlier.translatedFromRevisionId,
        restoredFromNumber: earlier.number,
      });
      state.headRevisionNumber = revision.number;
      state.reviewState = ReviewState.None;
      state.reviewRevisionNumber = null;
      return { locale: await this.makePublic(tx, state, revision, editor.id, now), revision };
    });
  }

  /** Records that an editor checked the article is still right, without changing it. */
  async verify(editor: AuthUser, ref: LocaleRef, now = new Date()): Promise<ArticleLocaleEntity> {
    return this.onLocale(ref, 'verified', async (tx, state) => {
      this.refuseArchived(state);
      state.lastReviewedAt = now;
      state.lastReviewedBy = editor.id;
      return tx.save(state);
    });
  }

  /**
   * Publishes every schedule that is due, including ones missed while no server ran. Rows are claimed with
   * SKIP LOCKED, so several API instances can run this at once. Returns how many were published.
   */
  async publishDue(now = new Date()): Promise<number> {
    let published = 0;
    for (;;) {
      const batch = await this.dataSource.transaction(async (tx) => {
        const due = await tx
          .getRepository(ArticleLocaleEntity)
          .createQueryBuilder('state')
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .where('state.scheduled_publish_at <= :now', { now })
          .orderBy('state.scheduled_publish_at', 'ASC')
          .limit(DUE_BATCH)
          .getMany();
        for (const state of due) {
          const revision = await tx.findOneOrFail(ArticleRevisionEntity, { where: { id: state.scheduledRevisionId! } });
          await this.makePublic(tx, state, revision, state.scheduledBy, now);
        }
        return due.length;
      });
      published += batch;
      if (batch < DUE_BATCH) break;
    }
    if (published > 0) this.logger.log(`Published ${published} scheduled article version(s)`);
    return published;
  }

  private async makePublic(
    tx: EntityManager,
    state: ArticleLocaleEntity,
    revision: ArticleRevisionEntity,
    publishedBy: string | null,
    now: Date,
  ): Promise<ArticleLocaleEntity> {
    state.status = ArticleStatus.Published;
    state.publishedRevisionId = revision.id;
    state.publishedAt = now;
    state.firstPublishedAt ??= now;
    state.lastReviewedAt = now;
    state.lastReviewedBy = publishedBy;
    state.archivedAt = null;
    if (state.reviewRevisionNumber !== null && state.reviewRevisionNumber <= revision.number) {
      state.reviewState = ReviewState.None;
      state.reviewRevisionNumber = null;
    }
    clearSchedule(state);
    await recordChange(tx, { kind: 'article', id: state.articleId, locale: state.locale, change: 'published' });
    return tx.save(state);
  }

  private async onHead(ref: RevisionRef, change: ChangeType, action: (tx: EntityManager, state: ArticleLocaleEntity) => Promise<ArticleLocaleEntity>): Promise<ArticleLocaleEntity> {
    return this.onLocale(ref, change, async (tx, state) => {
      if (state.headRevisionNumber !== ref.revisionNumber) throw staleBase(state.headRevisionNumber);
      this.refuseArchived(state);
      return action(tx, state);
    });
  }

  /** Runs a step on one locale and records it as `change` in the same transaction. */
  private async onLocale(ref: LocaleRef, change: ChangeType, action: (tx: EntityManager, state: ArticleLocaleEntity) => Promise<ArticleLocaleEntity>): Promise<ArticleLocaleEntity> {
    const locale = this.locales.resolve(ref.locale, 'input.locale');
    return this.dataSource.transaction(async (tx) => {
      const saved = await action(tx, await this.lockLocale(tx, { articleId: ref.articleId, locale }));
      await recordChange(tx, { kind: 'article', id: ref.articleId, locale, change });
      return saved;
    });
  }

  private async lockLocale(tx: EntityManager, ref: LocaleRef): Promise<ArticleLocaleEntity> {
    const state = await tx.findOne(ArticleLocaleEntity, { where: { articleId: ref.articleId, locale: ref.locale }, lock: { mode: 'pessimistic_write' } });
    if (!state) throw new NotFoundError('Article', `${ref.articleId} (${ref.locale})`);
    return state;
  }

  private refuseArchived(state: ArticleLocaleEntity): void {
    if (state.status === ArticleStatus.Archived) {
      throw new ConflictError('The article is archived; restore it first', { reason: 'ARTICLE_ARCHIVED' });
    }
  }

  private requireOpenReview(state: ArticleLocaleEntity, reviewer: AuthUser): void {
    if (state.reviewState !== ReviewState.InReview || state.reviewRevisionNumber !== state.headRevisionNumber) {
      throw new ConflictError('This revision is not waiting for review', { reason: 'NOT_IN_REVIEW', reviewState: state.reviewState });
    }
    if (state.reviewerId && state.reviewerId !== reviewer.id && reviewer.role !== Role.Admin) {
      throw new ConflictError('Another reviewer is assigned', { reason: 'ASSIGNED_TO_ANOTHER_REVIEWER', reviewerId: state.reviewerId });
    }
  }

  private async requireReviewer(tx: EntityManager, reviewerId: string): Promise<void> {
    const reviewer = await tx.findOne(UserEntity, { where: { id: reviewerId, role: In([Role.Editor, Role.Admin]) } });
    if (!reviewer || reviewer.deactivatedAt) {
      throw new BadUserInputError('The reviewer must be an active editor or admin', [{ field: 'input.reviewerId', messages: ['reviewerId must be an active editor or admin'] }]);
    }
  }
}

function clearSchedule(state: ArticleLocaleEntity): void {
  state.scheduledRevisionId = null;
  state.scheduledPublishAt = null;
  state.scheduledBy = null;
}
