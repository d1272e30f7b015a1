import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user';
import { NotFoundError } from '../common/errors/app-error';
import { Connection } from '../common/graphql/connection';
import { LocalesService } from '../common/locales/locales.service';
import { ArticleDeletionService } from './article-deletion.service';
import { ArticleFilter, ArticlesRepository, ArticleView } from './articles.repository';
import { ArticlesService, ChangeSlugCommand, CreateArticleCommand, SaveDraftCommand, UpdateArticleCommand } from './articles.service';
import { ArticleFeedbackEntity } from './entities/article-feedback.entity';
import { ArticleRevisionEntity } from './entities/article-revision.entity';
import { FeedbackService, FeedbackSummary } from './feedback.service';
import { LocaleRef, PublishCommand, PublishingService, RestoreRevisionCommand, RevisionRef } from './publishing.service';
import { RevisionDiff } from './revisions/diff-revisions';
import { RevisionsService } from './revisions.service';
import { ViewCounter } from './view-counter';

export interface Page {
  first: number;
  after?: string | null;
}

export interface LocaleEntry {
  view: ArticleView;
  locale: string;
  nextReviewAt: Date | null;
}

/**
 * The admin API's use cases, one method per GraphQL field: resolves locales, calls the service with the
 * rules, and reads the article back as editors see it. Keeps the resolver a translation layer.
 */
@Injectable()
export class AdminArticlesService {
  constructor(
    private readonly repository: ArticlesRepository,
    private readonly articles: ArticlesService,
    private readonly publishing: PublishingService,
    private readonly deletion: ArticleDeletionService,
    private readonly revisions: RevisionsService,
    private readonly feedback: FeedbackService,
    private readonly viewCounter: ViewCounter,
    private readonly locales: LocalesService,
  ) {}

  async list(filter: ArticleFilter, page: Page): Promise<Connection<ArticleView>> {
    return this.repository.list({ ...filter, locale: this.optionalLocale(filter.locale) }, page);
  }

  async get(articleId: string): Promise<ArticleView> {
    const view = await this.repository.view(articleId);
    if (!view) throw new NotFoundError('Article', articleId);
    return view;
  }

  async revisionHistory(articleId: string, locale: string, page: Page): Promise<Connection<ArticleRevisionEntity>> {
    return this.repository.revisions(articleId, this.locales.resolve(locale), page);
  }

  async diff(query: { articleId: string; locale: string; fromNumber: number; toNumber: number; context?: number | null }): Promise<RevisionDiff> {
    return this.revisions.diff(query.articleId, this.locales.resolve(query.locale), query.fromNumber, query.toNumber, query.context);
  }

  async dueForReview(query: { locale?: string | null; dueBefore?: Date | null }, page: Page): Promise<Connection<LocaleEntry>> {
    return this.repository.dueForReview({ locale: this.optionalLocale(query.locale), dueBefore: query.dueBefore ?? new Date() }, page);
  }

  async outdatedTranslations(query: { locale?: string | null }, page: Page): Promise<Connection<LocaleEntry>> {
    const found = await this.repository.outdatedTranslations(this.optionalLocale(query.locale), page);
    return {
      ...found,
      edges: found.edges.map(({ cursor, node }) => ({
        cursor,
        node: { ...node, nextReviewAt: node.view.locales.find((l) => l.state.locale === node.locale)?.nextReviewAt ?? null },
      })),
    };
  }

  async feedbackSummary(query: { articleId: string; locale?: string | null }): Promise<FeedbackSummary> {
    return this.feedback.summary(query.articleId, this.optionalLocale(query.locale));
  }

  async feedbackComments(query: { articleId: string; locale?: string | null }, page: Page): Promise<Connection<ArticleFeedbackEntity>> {
    return this.feedback.comments(query.articleId, this.optionalLocale(query.locale), page);
  }

  async dailyViews(query: { articleId: string; locale?: string | null; from: Date; to: Date }): Promise<{ day: string; views: number }[]> {
    await this.viewCounter.flush();
    return this.repository.dailyViews(query.articleId, this.optionalLocale(query.locale), query.from, query.to);
  }

  async create(editor: AuthUser, command: CreateArticleCommand): Promise<ArticleView> {
    return this.get((await this.articles.create(editor, command)).article.id);
  }

  async updateMetadata(editor: AuthUser, command: UpdateArticleCommand): Promise<ArticleView> {
    return this.get((await this.articles.updateMetadata(editor, command)).id);
  }

  async saveDraft(editor: AuthUser, command: SaveDraftCommand): Promise<ArticleView> {
    return this.get((await this.articles.saveDraft(editor, command)).article.id);
  }

  async changeSlug(editor: AuthUser, command: ChangeSlugCommand): Promise<ArticleView> {
    await this.articles.changeSlug(editor, command);
    return this.get(command.articleId);
  }

  async requestReview(editor: AuthUser, command: RevisionRef & { reviewerId?: string | null }): Promise<ArticleView> {
    await this.publishing.requestReview(editor, command, command.reviewerId ?? null);
    return this.get(command.articleId);
  }

  async approve(reviewer: AuthUser, command: RevisionRef & { comment?: string | null }): Promise<ArticleView> {
    await this.publishing.approve(reviewer, command, command.comment ?? null);
    return this.get(command.articleId);
  }

  async requestChanges(reviewer: AuthUser, command: RevisionRef & { comment: string }): Promise<ArticleView> {
    await this.publishing.requestChanges(reviewer, command, command.comment);
    return this.get(command.articleId);
  }

  async publish(editor: AuthUser, command: PublishCommand): Promise<ArticleView> {
    await this.publishing.publish(editor, command);
    return this.get(command.articleId);
  }

  async cancelSchedule(editor: AuthUser, ref: LocaleRef): Promise<ArticleView> {
    await this.publishing.cancelSchedule(editor, ref);
    return this.get(ref.articleId);
  }

  async unpublish(editor: AuthUser, ref: LocaleRef): Promise<ArticleView> {
    await this.publishing.unpublish(editor, ref);
    return this.get(ref.articleId);
  }

  async archive(editor: AuthUser, ref: LocaleRef): Promise<ArticleView> {
    await this.publishing.archive(editor, ref);
    return this.get(ref.articleId);
  }

  async unarchive(editor: AuthUser, ref: LocaleRef): Promise<ArticleView> {
    await this.publishing.restore(editor, ref);
    return this.get(ref.articleId);
  }

  async restoreRevision(editor: AuthUser, command: RestoreRevisionCommand): Promise<ArticleView> {
    await this.publishing.restoreRevision(editor, command);
    return this.get(command.articleId);
  }

  async verify(editor: AuthUser, ref: LocaleRef): Promise<ArticleView> {
    await this.publishing.verify(editor, ref);
    return this.get(ref.articleId);
  }

  async softDelete(editor: AuthUser, articleId: string): Promise<ArticleView> {
    await this.deletion.softDelete(editor, articleId);
    return this.get(articleId);
  }

  async undelete(editor: AuthUser, articleId: string): Promise<ArticleView> {
    await this.deletion.restore(editor, articleId);
    return this.get(articleId);
  }

  async purge(admin: AuthUser, articleId: string): Promise<{ articleId: string }> {
    return this.deletion.purge(admin, articleId);
  }

  private optionalLocale(locale: string | null | undefined): string | null {
    return locale ? this.locales.resolve(locale) : null;
  }
}
