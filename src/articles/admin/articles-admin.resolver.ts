import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { AdminArticlesService } from '../admin-articles.service';
import { ARTICLE_READERS } from '../workflow/article-roles';
import { rolesFor, WorkflowAction } from '../workflow/article-workflow';
import { AdminDailyViews, AdminFeedbackCommentConnection, AdminFeedbackSummary } from './admin-article-stats.model';
import {
  AdminArticle,
  AdminArticleConnection,
  AdminArticleLocaleEntryConnection,
  AdminArticleRevisionConnection,
  AdminPurgedArticle,
} from './admin-article.model';
import { AdminRevisionDiff } from './admin-revision-diff.model';
import {
  ArticleArgs,
  ArticleFeedbackCommentsArgs,
  ArticleIdInput,
  ArticleLocaleInput,
  ArticleRevisionDiffArgs,
  ArticleRevisionsArgs,
  ArticlesArgs,
  ArticlesDueForReviewArgs,
  ArticleStatsArgs,
  ArticleViewsArgs,
  ChangeArticleSlugInput,
  CreateArticleInput,
  OutdatedTranslationsArgs,
  PublishArticleInput,
  RequestArticleChangesInput,
  RequestArticleReviewInput,
  RestoreArticleRevisionInput,
  ReviewArticleInput,
  RollbackArticleInput,
  SaveArticleDraftInput,
  UpdateArticleInput,
} from './articles-admin.inputs';
import { toAdminArticle, toAdminRevision } from './to-admin-article';
import { toAdminFeedbackComment, toAdminRevisionDiff } from './to-admin-stats';

/** Translation only: one AdminArticlesService call per field, roles from the workflow table. */
@Resolver(() => AdminArticle)
export class ArticlesAdminResolver {
  constructor(private readonly admin: AdminArticlesService) {}

  @Roles(...ARTICLE_READERS)
  @Query(() => AdminArticleConnection, { description: 'Articles including drafts, internal and archived ones (deleted ones with deleted: true); most recently updated first' })
  async articles(@Args() args: ArticlesArgs): Promise<AdminArticleConnection> {
    const page = await this.admin.list(args, args);
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toAdminArticle(edge.node) })) };
  }

  @Roles(...ARTICLE_READERS)
  @Query(() => AdminArticle, { description: 'Any article, deleted ones included (deletedAt)' })
  async article(@Args() args: ArticleArgs): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.get(args.id));
  }

  @Roles(...ARTICLE_READERS)
  @Query(() => AdminArticleRevisionConnection, { description: 'Revisions of one locale, newest first' })
  async articleRevisions(@Args() args: ArticleRevisionsArgs): Promise<AdminArticleRevisionConnection> {
    const page = await this.admin.revisionHistory(args.articleId, args.locale, args);
    return { ...page, edges: page.edges.map((edge) => ({ cursor: edge.cursor, node: toAdminRevision(edge.node) })) };
  }

  @Roles(...ARTICLE_READERS)
  @Query(() => AdminRevisionDiff)
  async articleRevisionDiff(@Args() args: ArticleRevisionDiffArgs): Promise<AdminRevisionDiff> {
    return toAdminRevisionDiff(await this.admin.diff(args));
  }

  @Roles(...ARTICLE_READERS)
  @Query(() => AdminArticleLocaleEntryConnection, { description: 'Published article locales whose review date has passed, most overdue first' })
  async articlesDueForReview(@Args() args: ArticlesDueForReviewArgs): Promise<AdminArticleLocaleEntryConnection> {
    const page = await this.admin.dueForReview(args, args);
    return { ...page, edges: page.edges.map(({ cursor, node }) => ({ cursor, node: { ...node, article: toAdminArticle(node.view) } })) };
  }

  @Roles(...ARTICLE_READERS)
  @Query(() => AdminArticleLocaleEntryConnection, { description: 'Translations whose source locale has moved on since they were translated' })
  async outdatedTranslations(@Args() args: OutdatedTranslationsArgs): Promise<AdminArticleLocaleEntryConnection> {
    const page = await this.admin.outdatedTranslations(args, args);
    return { ...page, edges: page.edges.map(({ cursor, node }) => ({ cursor, node: { ...node, article: toAdminArticle(node.view) } })) };
  }

  @Roles(...ARTICLE_READERS)
  @Query(() => AdminFeedbackSummary)
  async articleFeedbackSummary(@Args() args: ArticleStatsArgs): Promise<AdminFeedbackSummary> {
    return this.admin.feedbackSummary(args);
  }

  @Roles(...ARTICLE_READERS)
  @Query(() => AdminFeedbackCommentConnection, { description: 'Feedback that came with a comment, newest first' })
  async articleFeedbackComments(@Args() args: ArticleFeedbackCommentsArgs): Promise<AdminFeedbackCommentConnection> {
    const page = await this.admin.feedbackComments(args, args);
    return { ...page, edges: page.edges.map(({ cursor, node }) => ({ cursor, node: toAdminFeedbackComment(node) })) };
  }

  @Roles(...ARTICLE_READERS)
  @Query(() => [AdminDailyViews], { description: 'Views per day (UTC); days without views are omitted' })
  async articleViews(@Args() args: ArticleViewsArgs): Promise<AdminDailyViews[]> {
    return this.admin.dailyViews(args);
  }

  @Roles(...rolesFor(WorkflowAction.SaveDraft))
  @Mutation(() => AdminArticle, { description: 'Creates an article with its first draft revision in its source locale' })
  async createArticle(@CurrentUser() editor: AuthUser, @Args('input') input: CreateArticleInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.create(editor, input));
  }

  @Roles(...rolesFor(WorkflowAction.UpdateMetadata))
  @Mutation(() => AdminArticle, {
    description: 'Category, products, feature keys, tags, visibility, review interval (not revisioned); CONFLICT when the metadata changed since baseMetadataVersion',
  })
  async updateArticle(@CurrentUser() editor: AuthUser, @Args('input') input: UpdateArticleInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.updateMetadata(editor, input));
  }

  @Roles(...rolesFor(WorkflowAction.SaveDraft))
  @Mutation(() => AdminArticle, { description: 'Saves a new revision; CONFLICT when someone saved since baseRevisionNumber' })
  async saveArticleDraft(@CurrentUser() editor: AuthUser, @Args('input') input: SaveArticleDraftInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.saveDraft(editor, input));
  }

  @Roles(...rolesFor(WorkflowAction.ChangeSlug))
  @Mutation(() => AdminArticle, { description: 'Sets the current slug of a locale; old slugs keep resolving with a redirect hint. CONFLICT when the metadata changed since baseMetadataVersion' })
  async changeArticleSlug(@CurrentUser() editor: AuthUser, @Args('input') input: ChangeArticleSlugInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.changeSlug(editor, input));
  }

  @Roles(...rolesFor(WorkflowAction.RequestReview))
  @Mutation(() => AdminArticle)
  async requestArticleReview(@CurrentUser() editor: AuthUser, @Args('input') input: RequestArticleReviewInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.requestReview(editor, input));
  }

  @Roles(...rolesFor(WorkflowAction.Approve))
  @Mutation(() => AdminArticle, { description: 'With REQUIRE_SEPARATE_APPROVER, FORBIDDEN (SEPARATE_APPROVER_REQUIRED) for the author of the revision unless an admin' })
  async approveArticleRevision(@CurrentUser() reviewer: AuthUser, @Args('input') input: ReviewArticleInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.approve(reviewer, input));
  }

  @Roles(...rolesFor(WorkflowAction.RequestChanges))
  @Mutation(() => AdminArticle)
  async requestArticleChanges(@CurrentUser() reviewer: AuthUser, @Args('input') input: RequestArticleChangesInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.requestChanges(reviewer, input));
  }

  @Roles(...rolesFor(WorkflowAction.Publish))
  @Mutation(() => AdminArticle, {
    description: 'Publishes the latest revision of a locale now, or schedules it (publishAt). With REQUIRE_SEPARATE_APPROVER, FORBIDDEN for its author unless an admin',
  })
  async publishArticle(@CurrentUser() editor: AuthUser, @Args('input') input: PublishArticleInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.publish(editor, input));
  }

  @Roles(...rolesFor(WorkflowAction.CancelSchedule))
  @Mutation(() => AdminArticle)
  async cancelScheduledPublish(@CurrentUser() editor: AuthUser, @Args('input') input: ArticleLocaleInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.cancelSchedule(editor, input));
  }

  @Roles(...rolesFor(WorkflowAction.Unpublish))
  @Mutation(() => AdminArticle)
  async unpublishArticle(@CurrentUser() editor: AuthUser, @Args('input') input: ArticleLocaleInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.unpublish(editor, input));
  }

  @Roles(...rolesFor(WorkflowAction.Archive))
  @Mutation(() => AdminArticle)
  async archiveArticle(@CurrentUser() editor: AuthUser, @Args('input') input: ArticleLocaleInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.archive(editor, input));
  }

  @Roles(...rolesFor(WorkflowAction.Unarchive))
  @Mutation(() => AdminArticle, { description: 'Brings an archived locale back as a draft (or unpublished when it was ever published)' })
  async restoreArticle(@CurrentUser() editor: AuthUser, @Args('input') input: ArticleLocaleInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.unarchive(editor, input));
  }

  @Roles(...rolesFor(WorkflowAction.RestoreRevision))
  @Mutation(() => AdminArticle, {
    description: "Makes an earlier revision's content the new head revision (restoredFromNumber): a draft by default, nothing public changes; publish: true publishes it at once",
  })
  async restoreArticleRevision(@CurrentUser() editor: AuthUser, @Args('input') input: RestoreArticleRevisionInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.restoreRevision(editor, input));
  }

  @Roles(...rolesFor(WorkflowAction.RestoreRevision))
  @Mutation(() => AdminArticle, {
    description: 'Publishes the content of an earlier revision as a new revision',
    deprecationReason: 'Use restoreArticleRevision (publish: true to publish at once)',
  })
  async rollbackArticle(@CurrentUser() editor: AuthUser, @Args('input') input: RollbackArticleInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.restoreRevision(editor, { ...input, publish: true }));
  }

  @Roles(...rolesFor(WorkflowAction.Verify))
  @Mutation(() => AdminArticle, { description: 'Records a review (the article is still right) without changing its content' })
  async verifyArticle(@CurrentUser() editor: AuthUser, @Args('input') input: ArticleLocaleInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.verify(editor, input));
  }

  @Roles(...rolesFor(WorkflowAction.Delete))
  @Mutation(() => AdminArticle, {
    description: 'Soft delete: every locale is unpublished and the article leaves delivery, search and lists; restoreDeletedArticle undoes it. Audited',
  })
  async deleteArticle(@CurrentUser() editor: AuthUser, @Args('input') input: ArticleIdInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.softDelete(editor, input.articleId));
  }

  @Roles(...rolesFor(WorkflowAction.Undelete))
  @Mutation(() => AdminArticle, { description: 'Undoes deleteArticle; the locales come back unpublished (publish them again). Audited' })
  async restoreDeletedArticle(@CurrentUser() editor: AuthUser, @Args('input') input: ArticleIdInput): Promise<AdminArticle> {
    return toAdminArticle(await this.admin.undelete(editor, input.articleId));
  }

  @Roles(...rolesFor(WorkflowAction.Purge))
  @Mutation(() => AdminPurgedArticle, { description: 'Admins: deletes a deleted article for good, with every revision; the audit log keeps who, when and what' })
  async purgeArticle(@CurrentUser() admin: AuthUser, @Args('input') input: ArticleIdInput): Promise<AdminPurgedArticle> {
    return this.admin.purge(admin, input.articleId);
  }
}
