import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { NotFoundError } from '../../common/errors/app-error';
import { LocalesService } from '../../common/locales/locales.service';
import { EDITORIAL_ROLES, STAFF_ROLES } from '../../users/role.enum';
import { ArticlesRepository } from '../articles.repository';
import { ArticlesService } from '../articles.service';
import { PublishingService } from '../publishing.service';
import { RevisionsService } from '../revisions.service';
import { FeedbackService } from '../feedback.service';
import { ViewCounter } from '../view-counter';
import { AdminDailyViews, AdminFeedbackCommentConnection, AdminFeedbackSummary } from './admin-article-stats.model';
import {
  AdminArticle,
  AdminArticleConnection,
  AdminArticleLocaleEntryConnection,
  AdminArticleRevisionConnection,
} from './admin-article.model';
import { AdminRevisionDiff } from './admin-revision-diff.model';
import {
  ArticleArgs,
  ArticleFeedbackCommentsArgs,
  ArticleStatsArgs,
  ArticleViewsArgs,
  ArticleLocaleInput,
  ArticleRevisionDiffArgs,
  ArticleRevisionsArgs,
  ArticlesArgs,
  ArticlesDueForReviewArgs,
  ChangeArticleSlugInput,
  CreateArticleInput,
  OutdatedTranslationsArgs,
  PublishArticleInput,
  RequestArticleChangesInput,
  RequestArticleReviewInput,
  ReviewArticleInput,
  RollbackArticleInput,
  SaveArticleDraftInput,
  UpdateArticleInput,
} from './articles-admin.inputs';
import { toAdminArticle, toAdminRevision } from './to-admin-article';
import { AdminDiffSegmentKind, AdminLineChangeKind } from './admin-revision-diff.model';

const READERS = STAFF_ROLES;
const WRITERS = EDITORIAL_ROLES;

@Resolver(() => AdminArticle)
export class ArticlesAdminResolver {
  constructor(
    private readonly articlesService: ArticlesService,
    private readonly publishing: PublishingService,
    private readonly revisions: RevisionsService,
    private readonly repository: ArticlesRepository,
    private readonly locales: LocalesService,
    private readonly feedback: FeedbackService,
    private readonly views: ViewCounter,
  ) {}

  @Roles(...READERS)
  @Query(() => AdminArticleConnection, { description: 'Articles including drafts, internal and archived ones; most recently updated first' })
  async articles(@Args() args: ArticlesArgs): Promise<AdminArticleConnection> {
    const locale = args.locale ? this.locales.resolve(args.locale) : null;
    const page = await this.repository.list({ ...args, locale }, args);
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toAdminArticle(edge.node) })) };
  }

  @Roles(...READERS)
  @Query(() => AdminArticle)
  async article(@Args() args: ArticleArgs): Promise<AdminArticle> {
    return this.load(args.id);
  }

  @Roles(...READERS)
  @Query(() => AdminArticleRevisionConnection, { description: 'Revisions of one locale, newest first' })
  async articleRevisions(@Args() args: ArticleRevisionsArgs): Promise<AdminArticleRevisionConnection> {
    const page = await this.repository.revisions(args.articleId, this.locales.resolve(args.locale), args);
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toAdminRevision(edge.node) })) };
  }

  @Roles(...READERS)
  @Query(() => AdminRevisionDiff)
  async articleRevisionDiff(@Args() args: ArticleRevisionDiffArgs): Promise<AdminRevisionDiff> {
    const diff = await this.revisions.diff(args.articleId, this.locales.resolve(args.locale), args.fromNumber, args.toNumber, args.context);
    return {
      ...diff,
      title: diff.title.map((s) => ({ kind: s.kind as AdminDiffSegmentKind, text: s.text })),
      body: diff.body.map((line) => ({
        ...line,
        kind: line.kind as AdminLineChangeKind,
        segments: line.segments.map((s) => ({ kind: s.kind as AdminDiffSegmentKind, text: s.text })),
      })),
    };
  }

  @Roles(...READERS)
  @Query(() => AdminArticleLocaleEntryConnection, { description: 'Published article locales whose review date has passed, most overdue first' })
  async articlesDueForReview(@Args() args: ArticlesDueForReviewArgs): Promise<AdminArticleLocaleEntryConnection> {
    const locale = args.locale ? this.locales.resolve(args.locale) : null;
    const page = await this.repository.dueForReview({ locale, dueBefore: args.dueBefore ?? new Date() }, args);
    return {
      ...page,
      edges: page.edges.map((edge) => ({
        cursor: edge.cursor,
        node: { article: toAdminArticle(edge.node.view), locale: edge.node.locale, nextReviewAt: edge.node.nextReviewAt },
      })),
    };
  }

  @Roles(...READERS)
  @Query(() => AdminArticleLocaleEntryConnection, { description: 'Translations whose source locale has moved on since they were translated' })
  async outdatedTranslations(@Args() args: OutdatedTranslationsArgs): Promise<AdminArticleLocaleEntryConnection> {
    const locale = args.locale ? this.locales.resolve(args.locale) : null;
    const page = await this.repository.outdatedTranslations(locale, args);
    return {
      ...page,
      edges: page.edges.map((edge) => {
        const article = toAdminArticle(edge.node.view);
        const state = article.locales.find((l) => l.locale === edge.node.locale);
        return { cursor: edge.cursor, node: { article, locale: edge.node.locale, nextReviewAt: state?.nextReviewAt ?? null } };
      }),
    };
  }

  @Roles(...READERS)
  @Query(() => AdminFeedbackSummary)
  async articleFeedbackSummary(@Args() args: ArticleStatsArgs): Promise<AdminFeedbackSummary> {
    return this.feedback.summary(args.articleId, args.locale ? this.locales.resolve(args.locale) : null);
  }

  @Roles(...READERS)
  @Query(() => AdminFeedbackCommentConnection, { description: 'Feedback that came with a comment, newest first' })
  async articleFeedbackComments(@Args() args: ArticleFeedbackCommentsArgs): Promise<AdminFeedbackCommentConnection> {
    const page = await this.feedback.comments(args.articleId, args.locale ? this.locales.resolve(args.locale) : null, args);
    return {
      ...page,
      edges: page.edges.map(({ cursor, node }) => ({
        cursor,
        node: { id: node.id, locale: node.locale, helpful: node.isHelpful, comment: node.comment ?? '', fromMember: node.memberId !== null, createdAt: node.createdAt },
      })),
    };
  }

  @Roles(...READERS)
  @Query(() => [AdminDailyViews], { description: 'Views per day (UTC); days without views are omitted' })
  async articleViews(@Args() args: ArticleViewsArgs): Promise<AdminDailyViews[]> {
    await this.views.flush();
    return this.repository.dailyViews(args.articleId, args.locale ? this.locales.resolve(args.locale) : null, args.from, args.to);
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminArticle, { description: 'Creates an article with its first draft revision in its source locale' })
  async createArticle(@CurrentUser() editor: AuthUser, @Args('input') input: CreateArticleInput): Promise<AdminArticle> {
    const { article } = await this.articlesService.create(editor, input);
    return this.load(article.id);
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminArticle, { description: 'Category, products, feature keys, tags, visibility, review interval (not revisioned)' })
  async updateArticle(@Args('input') input: UpdateArticleInput): Promise<AdminArticle> {
    const article = await this.articlesService.updateMetadata(input);
    return this.load(article.id);
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminArticle, { description: 'Saves a new revision; CONFLICT when someone saved since baseRevisionNumber' })
  async saveArticleDraft(@CurrentUser() editor: AuthUser, @Args('input') input: SaveArticleDraftInput): Promise<AdminArticle> {
    const { article } = await this.articlesService.saveDraft(editor, input);
    return this.load(article.id);
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminArticle, { description: 'Sets the current slug of a locale; old slugs keep resolving with a redirect hint' })
  async changeArticleSlug(@Args('input') input: ChangeArticleSlugInput): Promise<AdminArticle> {
    await this.articlesService.changeSlug(input);
    return this.load(input.articleId);
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminArticle)
  async requestArticleReview(@Args('input') input: RequestArticleReviewInput): Promise<AdminArticle> {
    await this.publishing.requestReview(input, input.reviewerId ?? null);
    return this.load(input.articleId);
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminArticle)
  async approveArticleRevision(@CurrentUser() reviewer: AuthUser, @Args('input') input: ReviewArticleInput): Promise<AdminArticle> {
    await this.publishing.approve(reviewer, input, input.comment ?? null);
    return this.load(input.articleId);
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminArticle)
  async requestArticleChanges(@CurrentUser() reviewer: AuthUser, @Args('input') input: RequestArticleChangesInput): Promise<AdminArticle> {
    await this.publishing.requestChanges(reviewer, input, input.comment);
    return this.load(input.articleId);
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminArticle, { description: 'Publishes the latest revision of a locale now, or schedules it (publishAt)' })
  async publishArticle(@CurrentUser() editor: AuthUser, @Args('input') input: PublishArticleInput): Promise<AdminArticle> {
    await this.publishing.publish(editor, input);
    return this.load(input.articleId);
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminArticle)
  async cancelScheduledPublish(@Args('input') input: ArticleLocaleInput): Promise<AdminArticle> {
    await this.publishing.cancelSchedule(input);
    return this.load(input.articleId);
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminArticle)
  async unpublishArticle(@Args('input') input: ArticleLocaleInput): Promise<AdminArticle> {
    await this.publishing.unpublish(input);
    return this.load(input.articleId);
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminArticle)
  async archiveArticle(@Args('input') input: ArticleLocaleInput): Promise<AdminArticle> {
    await this.publishing.archive(input);
    return this.load(input.articleId);
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminArticle)
  async restoreArticle(@Args('input') input: ArticleLocaleInput): Promise<AdminArticle> {
    await this.publishing.restore(input);
    return this.load(input.articleId);
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminArticle, { description: 'Publishes the content of an earlier revision as a new revision' })
  async rollbackArticle(@CurrentUser() editor: AuthUser, @Args('input') input: RollbackArticleInput): Promise<AdminArticle> {
    await this.publishing.rollback(editor, input);
    return this.load(input.articleId);
  }

  @Roles(...WRITERS)
  @Mutation(() => AdminArticle, { description: 'Records a review (the article is still right) without changing its content' })
  async verifyArticle(@CurrentUser() editor: AuthUser, @Args('input') input: ArticleLocaleInput): Promise<AdminArticle> {
    await this.publishing.verify(editor, input);
    return this.load(input.articleId);
  }

  private async load(articleId: string): Promise<AdminArticle> {
    const view = await this.repository.view(articleId);
    if (!view) throw new NotFoundError('Article', articleId);
    return toAdminArticle(view);
  }
}
