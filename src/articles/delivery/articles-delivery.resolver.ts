import { Args, Context, Info, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { AuthService } from '../../auth/auth.service';
import { ClientIp } from '../../auth/current-user.decorator';
import type { GraphqlContext } from '../../auth/graphql-context';
import { Public } from '../../auth/roles.decorator';
import { UnauthenticatedError } from '../../common/errors/app-error';
import { pageWindow } from '../../common/graphql/connection';
import { markResponseUncacheable } from '../../common/graphql/uncacheable-response';
import { FeedbackService } from '../feedback.service';
import { ViewCounter } from '../view-counter';
import { Article, ArticleSummary, ArticleSummaryConnection, Category, FeedbackReceipt, SitemapEntryConnection } from './article.model';
import {
  ArticleFeedbackInput,
  ArticleLookupArgs,
  ArticleViewInput,
  CategoriesArgs,
  CategoryLookupArgs,
  PublishedArticlesArgs,
  RelatedArgs,
  SitemapArgs,
} from './articles.args';
import { PREVIEW_RESPONSE_HEADER, previewTokenOf } from '../preview/preview-http';
import { PreviewService } from '../preview/preview.service';
import { DeliveryService } from './delivery.service';
import { articlePartsOf, selectsField, selectsPath } from './field-selection';
import { SiteUrls, toArticle, toArticleSummary, toCategory } from './to-article';

/** Delivery queries that only read published content: their responses may be cached whole (response-cache.ts); with an X-Preview-Token `article` may read a draft, and such requests are never cached. */
export const PUBLISHED_CONTENT_QUERIES: ReadonlySet<string> = new Set(['article', 'articles', 'categories', 'category', 'sitemap', '__typename']);

/** An article list's author names need a join: made only when a query asks for them. */
const AUTHOR_NAME = ['edges', 'node', 'authorName'] as const;

@Public()
@Resolver(() => Article)
export class ArticlesDeliveryResolver {
  constructor(
    private readonly delivery: DeliveryService,
    private readonly feedback: FeedbackService,
    private readonly views: ViewCounter,
    private readonly auth: AuthService,
    private readonly preview: PreviewService,
  ) {}

  @Public()
  @Query(() => Article, {
    nullable: true,
    description:
      'A published article by slug (current or earlier) or id; falls back to the fallback locale. Null (no error) when no published article matches. With an X-Preview-Token header, the head draft of an article in the token’s scope (isPreview)',
  })
  async article(@Context() context: GraphqlContext, @Args() args: ArticleLookupArgs, @Info() info: GraphQLResolveInfo): Promise<Article | null> {
    const lookup = { slug: args.slug, id: args.id, locale: args.locale, parts: articlePartsOf(info) };
    const resolved = await this.preview.article(lookup, previewTokenOf(context));
    if (!resolved) {
      // Like the NOT_FOUND error it replaces: never cached, so made-up slugs cannot fill the caches.
      markResponseUncacheable(context.req);
      return null;
    }
    if (resolved.isPreview) void context.reply.header(PREVIEW_RESPONSE_HEADER, 'draft');
    // From the cached category structure; plain fields rather than field resolvers, which cost more per request than this.
    const path = await this.delivery.breadcrumbs(resolved.article.categoryId, resolved.article.locale);
    return toArticle(resolved, path, this.urls);
  }

  private readonly urls: SiteUrls = {
    article: (locale, slug) => this.delivery.articleUrl(locale, slug),
    category: (locale, slug) => this.delivery.categoryUrl(locale, slug),
  };

  @Public()
  @Query(() => ArticleSummaryConnection, { description: 'Published articles, newest first, by category, product or tag; paged both ways (first/after or last/before)' })
  async articles(@Args() args: PublishedArticlesArgs, @Info() info: GraphQLResolveInfo): Promise<ArticleSummaryConnection> {
    const categories = await this.delivery.categoryLabels(this.delivery.locale(args.locale));
    return this.delivery.list(
      { ...args, page: pageWindow(args), withTotal: selectsField(info, 'totalCount'), withAuthor: selectsPath(info, AUTHOR_NAME) },
      (summary) => toArticleSummary(summary, categories.get(summary.categoryId)),
    );
  }

  @Public()
  @Query(() => [Category], { description: 'The category tree (roots with nested children) with published article counts' })
  async categories(@Args() args: CategoriesArgs): Promise<Category[]> {
    return (await this.delivery.categoryTree(this.delivery.locale(args.locale))).roots.map((node) => toCategory(node, this.urls.category));
  }

  @Public()
  @Query(() => Category)
  async category(@Args() args: CategoryLookupArgs): Promise<Category> {
    return toCategory(await this.delivery.category(args), this.urls.category);
  }

  @Public()
  @Query(() => SitemapEntryConnection, { description: 'Every published article URL a search engine may index (robots not noindex) with lastModified and alternates; paged both ways' })
  async sitemap(@Args() args: SitemapArgs, @Info() info: GraphQLResolveInfo): Promise<SitemapEntryConnection> {
    const page = await this.delivery.sitemap(args.locale ?? null, pageWindow(args), selectsField(info, 'totalCount'));
    return {
      ...page,
      edges: page.edges.map((edge) => ({
        cursor: edge.cursor,
        node: { ...edge.node, alternates: edge.node.alternates.map((a) => ({ ...a, url: this.delivery.articleUrl(a.locale, a.slug) })) },
      })),
    };
  }

  @ResolveField(() => [ArticleSummary], { description: 'Published articles sharing the category, products or tags' })
  async related(@Parent() article: Article, @Args() args: RelatedArgs): Promise<ArticleSummary[]> {
    const published = await this.delivery.published(article.id, article.locale);
    if (!published) return [];
    const categories = await this.delivery.categoryLabels(published.locale);
    return (await this.delivery.related(published, args.limit)).map((summary) => toArticleSummary(summary, categories.get(summary.categoryId)));
  }

  @Public()
  @Mutation(() => FeedbackReceipt, { description: '"Was this helpful?" — anonymous or with a member token; one vote per reader, article and day' })
  async submitArticleFeedback(@Context() context: GraphqlContext, @Args('input') input: ArticleFeedbackInput): Promise<FeedbackReceipt> {
    const header = context.req.headers.authorization;
    const auth = header ? await this.auth.resolveAuthorization(header) : null;
    if (auth && !auth.user) throw new UnauthenticatedError(auth.failure ?? 'The token is not valid');
    const saved = await this.feedback.submit(
      { articleId: input.articleId, locale: input.locale, isHelpful: input.helpful, comment: input.comment },
      { memberId: auth?.user?.id ?? null, ip: context.req.ip, userAgent: String(context.req.headers['user-agent'] ?? '') },
    );
    const article = await this.delivery.published(saved.articleId, saved.locale);
    return { accepted: true, revisionNumber: article?.revisionNumber ?? 0 };
  }

  @Public()
  @Mutation(() => Boolean, {
    description:
      'Counts one view of a published article (aggregated per day), under the locale served: the fallback locale when the asked one fell back. At most 20 views per client address, article, locale and day are counted; true for the others too',
  })
  async recordArticleView(@Args('input') input: ArticleViewInput, @ClientIp() ip: string): Promise<boolean> {
    const article = await this.delivery.served(input.articleId, this.delivery.locale(input.locale));
    if (!article) return false;
    this.views.record(article.id, article.locale, new Date(), ip);
    return true;
  }
}
