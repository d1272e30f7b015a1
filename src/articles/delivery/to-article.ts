import { jsonLdString } from '../../common/json-ld';
import { articleRobots, categoryRobots } from '../content/robots';
import { articleJsonLd } from './article-json-ld';
import { CategoryNode, ResolvedArticle } from './delivery.service';
import { PublishedSummary } from './published-articles.repository';
import { Article, ArticleSummary, Category } from './article.model';

export type UrlOf = (locale: string, slug: string) => string;

/** Public URLs of the help site's pages. */
export interface SiteUrls {
  article: UrlOf;
  category: UrlOf;
}

/** `path`: the article's category and its ancestors, root first (DeliveryService.breadcrumbs). */
export function toArticle(resolved: ResolvedArticle, path: CategoryNode[], urls: SiteUrls): Article {
  return new ArticleView(resolved, path, urls);
}

/**
 * An article as the delivery API shows it. `jsonLd` is built only when a query selects it: most pages render
 * their own head tags. A class for the same reason as CategoryView (a getter in an object literal is built in
 * V8's runtime, on every cold article request).
 */
class ArticleView implements Article {
  readonly id: string;
  readonly locale: string;
  readonly requestedLocale: string;
  readonly isFallback: boolean;
  readonly isPreview: boolean;
  readonly slug: string;
  readonly redirectToSlug: string | null;
  readonly title: string;
  readonly bodyMarkdown: string;
  readonly bodyHtml: string;
  readonly excerpt: string;
  readonly revisionNumber: number;
  readonly headings: Article['headings'];
  readonly readingTimeMinutes: number;
  readonly authorName: string | null;
  readonly seo: Article['seo'];
  readonly alternates: Article['alternates'];
  readonly publishedAt: Date;
  readonly firstPublishedAt: Date;
  readonly lastModified: Date;
  readonly tags: string[];
  readonly products: Article['products'];
  readonly categoryId: string;
  readonly category: Category;
  readonly breadcrumbs: Category[];

  constructor(
    resolved: ResolvedArticle,
    path: CategoryNode[],
    urls: SiteUrls,
  ) {
    const { article } = resolved;
    // Every category on the path holds this published article, whatever counts the cached structure carries.
    const breadcrumbs = path.map((node) => toCategory(node, urls.category, true));
    this.id = article.id;
    this.locale = article.locale;
    this.requestedLocale = resolved.requestedLocale;
    this.isFallback = article.locale !== resolved.requestedLocale;
    this.isPreview = resolved.isPreview === true;
    this.slug = article.slug;
    this.redirectToSlug = resolved.redirectToSlug;
    this.title = article.title;
    this.bodyMarkdown = article.bodyMarkdown;
    this.bodyHtml = article.bodyHtml;
    this.excerpt = article.excerpt;
    this.revisionNumber = article.revisionNumber;
    this.headings = article.outline;
    this.readingTimeMinutes = article.readingTimeMinutes;
    this.authorName = article.authorName;
    this.seo = {
      title: article.seoTitle ?? article.title,
      description: article.seoDescription ?? article.excerpt,
      canonicalSlug: article.slug,
      canonicalUrl: urls.article(article.locale, article.slug),
      ogImage: article.ogImageUrl,
      // The delivery queries never return internal or deleted articles.
      robots: articleRobots({ robots: article.robots, isInternal: false, isDeleted: false }),
    };
    this.alternates = article.alternates.map((a) => ({ ...a, url: urls.article(a.locale, a.slug) }));
    this.publishedAt = article.publishedAt;
    this.firstPublishedAt = article.firstPublishedAt;
    this.lastModified = article.publishedAt;
    this.tags = article.tags;
    this.products = article.products.map((p) => ({ key: p.key, name: p.name }));
    this.categoryId = article.categoryId;
    this.category = breadcrumbs[breadcrumbs.length - 1];
    this.breadcrumbs = breadcrumbs;
  }

  get jsonLd(): string {
    return jsonLdString(
      articleJsonLd({
        title: this.title,
        description: this.seo.description,
        url: this.seo.canonicalUrl,
        locale: this.locale,
        firstPublishedAt: this.firstPublishedAt,
        lastModified: this.lastModified,
        section: this.category?.name ?? null,
        tags: this.tags,
      }),
    );
  }
}

/** `category`: the summary's category from the cached structure of the list's locale. */
export function toArticleSummary(summary: PublishedSummary, category: { name: string; slug: string } | undefined): ArticleSummary {
  return {
    id: summary.id,
    locale: summary.locale,
    slug: summary.slug,
    title: summary.title,
    excerpt: summary.excerpt,
    categoryId: summary.categoryId,
    categoryName: category?.name ?? '',
    categorySlug: category?.slug ?? '',
    authorName: summary.authorName,
    publishedAt: summary.publishedAt,
  };
}

/** `holdsPublished`: the caller knows a published article is in it (its counts may read 0, as in breadcrumbs). */
export function toCategory(node: CategoryNode, urlOf: UrlOf, holdsPublished = false): Category {
  return new CategoryView(node, urlOf, holdsPublished);
}

/**
 * A category as the delivery API shows it. `children` and `seo` are built only when a query asks for them
 * (breadcrumbs and an article's category rarely do). A class rather than an object literal with getters,
 * which V8 builds in its runtime (an accessor pair and a closure per getter and object): these are made on
 * every cold article and category request (issue 10).
 */
class CategoryView implements Category {
  readonly id: string;
  readonly parentId: string | null;
  readonly position: number;
  readonly slug: string;
  readonly name: string;
  readonly description: string;
  readonly locale: string;
  readonly articleCount: number;
  readonly totalArticleCount: number;

  constructor(
    private readonly node: CategoryNode,
    private readonly urlOf: UrlOf,
    private readonly holdsPublished: boolean,
  ) {
    this.id = node.id;
    this.parentId = node.parentId;
    this.position = node.position;
    this.slug = node.slug;
    this.name = node.name;
    this.description = node.description;
    this.locale = node.locale;
    this.articleCount = node.articleCount;
    this.totalArticleCount = node.totalArticleCount;
  }

  get children(): Category[] {
    return this.node.children.map((child) => toCategory(child, this.urlOf));
  }

  get seo(): Category['seo'] {
    const node = this.node;
    return {
      title: node.seoTitle ?? node.name,
      description: node.seoDescription ?? node.description,
      canonicalUrl: this.urlOf(node.locale, node.slug),
      ogImage: node.ogImageUrl,
      robots: categoryRobots({ robots: node.robots, publishedArticles: this.holdsPublished ? Math.max(1, node.totalArticleCount) : node.totalArticleCount }),
    };
  }
}
