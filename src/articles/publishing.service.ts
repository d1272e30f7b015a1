import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { ChangeType, recordChange } from '../changes/content-changes';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors/app-error';
import { LocalesService } from '../common/locales/locales.service';
import { UserEntity } from '../users/entities/user.entity';
import { Role } from '../users/role.enum';
import { AppConfig } from '../config/app-config';
import { ARTICLE_PUBLICATION_LISTENER, ArticlePublicationListener } from './article-publication-listener';
import { ArticlesService, staleBase } from './articles.service';
import { ArticleLocaleEntity, ArticleStatus, ReviewState } from './entities/article-locale.entity';
import { ArticleRevisionEntity } from './entities/article-revision.entity';
import { ArticleEntity } from './entities/article.entity';
import { RevisionsService } from './revisions.service';
import { requireTransition, WorkflowAction } from './workflow/article-workflow';
import { ARTICLE_WRITERS } from './workflow/article-roles';
import { subjectOf, toActor } from './workflow/workflow-subject';

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

export interface RestoreRevisionCommand extends LocaleRef {
  /** The earlier revision whose content becomes a new head revision. */
  revisionNumber: number;
  baseRevisionNumber: number;
  /** Publish the new head at once (the old rollback); default: it stays a draft and nothing public changes. */
  publish?: boolean | null;
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
    private readonly config: AppConfig,
    @Optional() @Inject(ARTICLE_PUBLICATION_LISTENER) private readonly publicationListener: ArticlePublicationListener | null = null,
  ) {}

  async requestReview(editor: AuthUser, ref: RevisionRef, reviewerId: string | null): Promise<ArticleLocaleEntity> {
    return this.onHead(ref, 'review-requested', async (tx, state, article) => {
      const status = this.transition(WorkflowAction.RequestReview, article, state, editor);
      if (reviewerId) await this.requireReviewer(tx, reviewerId);
      state.reviewState = ReviewState.InReview;
      state.reviewerId = reviewerId;
      state.reviewRevisionNumber = state.headRevisionNumber;
      state.reviewComment = null;
      state.status = status;
      return tx.save(state);
    });
  }

  async approve(reviewer: AuthUser, ref: RevisionRef, comment: string | null): Promise<ArticleLocaleEntity> {
    return this.onHead(ref, 'review-approved', async (tx, state, article) => {
      const status = this.transition(WorkflowAction.Approve, article, state, reviewer, await this.headAuthor(tx, state));
      this.requireOpenReview(state, reviewer);
      state.reviewState = ReviewState.Approved;
      state.reviewComment = comment;
      state.reviewerId = reviewer.id;
      state.status = status;
      return tx.save(state);
    });
  }

  async requestChanges(reviewer: AuthUser, ref: RevisionRef, comment: string): Promise<ArticleLocaleEntity> {
    return this.onHead(ref, 'changes-requested', async (tx, state, article) => {
      const status = this.transition(WorkflowAction.RequestChanges, article, state, reviewer);
      this.requireOpenReview(state, reviewer);
      state.reviewState = ReviewState.ChangesRequested;
      state.reviewComment = comment;
      state.reviewerId = reviewer.id;
      state.status = status;
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
      const article = await this.articles.lockArticle(tx, command.articleId);
      const state = await this.lockLocale(tx, { articleId: command.articleId, locale: revision.locale });
      if (state.headRevisionNumber !== revision.number) throw staleBase(state.headRevisionNumber, 'Only the latest revision can be published; restore an earlier one to publish it');
      if (publishAt && publishAt.getTime() > now.getTime() + SCHEDULE_TOLERANCE_MS) {
        state.status = this.transition(WorkflowAction.Schedule, article, state, editor, revision.authorId);
        state.scheduledRevisionId = revision.id;
        state.scheduledPublishAt = publishAt;
        state.scheduledBy = editor.id;
        await recordChange(tx, { kind: 'article', id: state.articleId, locale: state.locale, change: 'scheduled' });
        return { locale: await tx.save(state), revision };
      }
      const status = this.transition(WorkflowAction.Publish, article, state, editor, revision.authorId);
      return { locale: await this.makePublic(tx, state, revision, status, editor.id, now), revision };
    });
  }

  async cancelSchedule(editor: AuthUser, ref: LocaleRef): Promise<ArticleLocaleEntity> {
    return this.onLocale(ref, 'schedule-cancelled', async (tx, state, article) => {
      const status = this.transition(WorkflowAction.CancelSchedule, article, state, editor);
      if (!state.scheduledRevisionId) throw new ConflictError('Nothing is scheduled', { reason: 'NOTHING_SCHEDULED' });
      clearSchedule(state);
      state.status = status;
      return tx.save(state);
    });
  }

  async unpublish(editor: AuthUser, ref: LocaleRef): Promise<ArticleLocaleEntity> {
    return this.onLocale(
      ref,
      'unpublished',
      async (tx, state, article) => {
        state.status = this.transition(WorkflowAction.Unpublish, article, state, editor);
        state.publishedRevisionId = null;
        state.publishedAt = null;
        clearSchedule(state);
        return tx.save(state);
      },
      editor.id,
    );
  }

  async archive(editor: AuthUser, ref: LocaleRef): Promise<ArticleLocaleEntity> {
    return this.onLocale(
      ref,
      'archived',
      async (tx, state, article) => {
        state.status = this.transition(WorkflowAction.Archive, article, state, editor);
        state.archivedAt = new Date();
        state.publishedRevisionId = null;
        state.publishedAt = null;
        clearSchedule(state);
        return tx.save(state);
      },
      editor.id,
    );
  }

  /** Back from the archive as an unpublished (or never published) draft. */
  async restore(editor: AuthUser, ref: LocaleRef): Promise<ArticleLocaleEntity> {
    return this.onLocale(ref, 'restored', async (tx, state, article) => {
      state.status = this.transition(WorkflowAction.Unarchive, article, state, editor);
      state.archivedAt = null;
      return tx.save(state);
    });
  }

  /**
   * Makes an earlier revision's content the new head revision (`restoredFromNumber`). By default it is a
   * draft and nothing public changes; with `publish` it is published at once (the former rollback).
   */
  async restoreRevision(editor: AuthUser, command: RestoreRevisionCommand, now = new Date()): Promise<PublishResult> {
    const locale = this.locales.resolve(command.locale, 'input.locale');
    return this.dataSource.transaction(async (tx) => {
      const article = await this.articles.lockArticle(tx, command.articleId);
      const state = await this.lockLocale(tx, { articleId: command.articleId, locale });
      if (state.headRevisionNumber !== command.baseRevisionNumber) throw staleBase(state.headRevisionNumber);
      const status = this.transition(WorkflowAction.RestoreRevision, article, state, editor);
      // The restorer becomes the author of the new head: with separation of duties, someone else publishes it.
      if (command.publish) this.transition(WorkflowAction.Publish, article, state, editor, editor.id);
      const earlier = await this.revisions.findByNumber(tx, command.articleId, locale, command.revisionNumber);
      if (!earlier) {
        throw new BadUserInputError('No such revision', [{ field: 'input.revisionNumber', messages: [`there is no revision ${command.revisionNumber}`] }]);
      }
      const revision = await this.revisions.appendHead(
        tx,
        state,
        {
          content: earlier,
          authorId: editor.id,
          changeNote: `Restored revision ${earlier.number}`,
          translatedFromRevisionId: earlier.translatedFromRevisionId,
          restoredFromNumber: earlier.number,
        },
        status,
      );
      if (!command.publish) {
        await recordChange(tx, { kind: 'article', id: state.articleId, locale, change: 'draft-saved' });
        return { locale: state, revision };
      }
      const published = this.transition(WorkflowAction.Publish, article, state, editor, revision.authorId);
      return { locale: await this.makePublic(tx, state, revision, published, editor.id, now), revision };
    });
  }

  /** Records that an editor checked the article is still right, without changing it. */
  async verify(editor: AuthUser, ref: LocaleRef, now = new Date()): Promise<ArticleLocaleEntity> {
    return this.onLocale(ref, 'verified', async (tx, state, article) => {
      state.status = this.transition(WorkflowAction.Verify, article, state, editor);
      state.lastReviewedAt = now;
      state.lastReviewedBy = editor.id;
      return tx.save(state);
    });
  }

  /**
   * Publishes every schedule that is due, including ones missed while no server ran. Rows are claimed with
   * SKIP LOCKED, so several API instances can run this at once. Returns how many were published.
   * (Deleting or archiving an article clears its schedules, so every due row belongs to a live article.)
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
          const status = requireTransition(WorkflowAction.PublishScheduled, subjectOf(state, false, null), null, this.policy());
          await this.makePublic(tx, state, revision, status, state.scheduledBy, now);
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
    status: ArticleStatus,
    publishedBy: string | null,
    now: Date,
  ): Promise<ArticleLocaleEntity> {
    state.status = status;
    state.publishedRevisionId = revision.id;
    state.publishedAt = now;
    const isFirstPublication = state.firstPublishedAt === null;
    state.firstPublishedAt ??= now;
    state.lastReviewedAt = now;
    state.lastReviewedBy = publishedBy;
    state.archivedAt = null;
    if (state.reviewRevisionNumber !== null && state.reviewRevisionNumber <= revision.number) {
      state.reviewState = ReviewState.None;
      state.reviewRevisionNumber = null;
    }
    clearSchedule(state);
    // The columns set above, in one statement (save() would first read the row back to find what changed).
    // Every caller has saved its other changes of the row already (appendHead saves the state it changes).
    await tx.update(ArticleLocaleEntity, { id: state.id }, {
      status: state.status,
      publishedRevisionId: state.publishedRevisionId,
      publishedAt: state.publishedAt,
      firstPublishedAt: state.firstPublishedAt,
      lastReviewedAt: state.lastReviewedAt,
      lastReviewedBy: state.lastReviewedBy,
      archivedAt: state.archivedAt,
      reviewState: state.reviewState,
      reviewRevisionNumber: state.reviewRevisionNumber,
      scheduledRevisionId: state.scheduledRevisionId,
      scheduledPublishAt: state.scheduledPublishAt,
      scheduledBy: state.scheduledBy,
    });
    // After the update: stale-flag resolution reads the published state.
    await recordChange(tx, { kind: 'article', id: state.articleId, locale: state.locale, change: 'published' });
    await this.publicationListener?.articlePublished(tx, { articleId: state.articleId, locale: state.locale, isFirstPublication, publishedBy });
    return state;
  }

  /** The workflow table's verdict for this caller and locale (throws CONFLICT or FORBIDDEN); the status it leads to. */
  private transition(action: WorkflowAction, article: ArticleEntity, state: ArticleLocaleEntity, actor: AuthUser, headAuthorId: string | null = null): ArticleStatus {
    return requireTransition(action, subjectOf(state, article.deletedAt !== null, headAuthorId), toActor(actor), this.policy());
  }

  private policy(): { requireSeparateApprover: boolean } {
    return { requireSeparateApprover: this.config.articles.requireSeparateApprover };
  }

  private async headAuthor(tx: EntityManager, state: ArticleLocaleEntity): Promise<string | null> {
    return (await this.revisions.findByNumber(tx, state.articleId, state.locale, state.headRevisionNumber))?.authorId ?? null;
  }

  private async onHead(
    ref: RevisionRef,
    change: ChangeType,
    action: (tx: EntityManager, state: ArticleLocaleEntity, article: ArticleEntity) => Promise<ArticleLocaleEntity>,
  ): Promise<ArticleLocaleEntity> {
    return this.onLocale(ref, change, async (tx, state, article) => {
      if (state.headRevisionNumber !== ref.revisionNumber) throw staleBase(state.headRevisionNumber);
      return action(tx, state, article);
    });
  }

  /**
   * Locks the article, then the locale (always in this order), runs the action on them and records it as
   * `change` (by `actorId`, when the change pipeline needs to know who), all in one transaction.
   */
  private async onLocale(
    ref: LocaleRef,
    change: ChangeType,
    action: (tx: EntityManager, state: ArticleLocaleEntity, article: ArticleEntity) => Promise<ArticleLocaleEntity>,
    actorId: string | null = null,
  ): Promise<ArticleLocaleEntity> {
    const locale = this.locales.resolve(ref.locale, 'input.locale');
    return this.dataSource.transaction(async (tx) => {
      const article = await this.articles.lockArticle(tx, ref.articleId);
      const saved = await action(tx, await this.lockLocale(tx, { articleId: ref.articleId, locale }), article);
      await recordChange(tx, { kind: 'article', id: ref.articleId, locale, change, actorId });
      return saved;
    });
  }

  private async lockLocale(tx: EntityManager, ref: LocaleRef): Promise<ArticleLocaleEntity> {
    const state = await tx.findOne(ArticleLocaleEntity, { where: { articleId: ref.articleId, locale: ref.locale }, lock: { mode: 'pessimistic_write' } });
    if (!state) throw new NotFoundError('Article', `${ref.articleId} (${ref.locale})`);
    return state;
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
    const reviewer = await tx.findOne(UserEntity, { where: { id: reviewerId, role: In([...ARTICLE_WRITERS]) } });
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
