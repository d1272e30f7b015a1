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
  const { article } = resolved;
  // Every category on the path holds this published article, whatever counts the cached structure carries.
  const breadcrumbs = path.map((node) => toCategory(node, urls.category, true));
  return {
    id: article.id,
    locale: article.locale,
    requestedLocale: resolved.requestedLocale,
    isFallback: article.locale !== resolved.requestedLocale,
    isPreview: resolved.isPreview === true,
    slug: article.slug,
    redirectToSlug: resolved.redirectToSlug,
    title: article.title,
    bodyMarkdown: article.bodyMarkdown,
    bodyHtml: article.bodyHtml,
    excerpt: article.excerpt,
    revisionNumber: article.revisionNumber,
    headings: article.outline,
    readingTimeMinutes: article.readingTimeMinutes,
    authorName: article.authorName,
    seo: {
      title: article.seoTitle ?? article.title,
      description: article.seoDescription ?? article.excerpt,
      canonicalSlug: article.slug,
      canonicalUrl: urls.article(article.locale, article.slug),
      ogImage: article.ogImageUrl,
      // The delivery queries never return internal or deleted articles.
      robots: articleRobots({ robots: article.robots, isInternal: false, isDeleted: false }),
    },
    alternates: article.alternates.map((a) => ({ ...a, url: urls.article(a.locale, a.slug) })),
    publishedAt: article.publishedAt,
    firstPublishedAt: article.firstPublishedAt,
    lastModified: article.publishedAt,
    tags: article.tags,
    products: article.products.map((p) => ({ key: p.key, name: p.name })),
    categoryId: article.categoryId,
    category: breadcrumbs[breadcrumbs.length - 1],
    breadcrumbs,
    // Built only when a query selects it: most pages render their own head tags.
    get jsonLd(): string {
      return jsonLdString(
        articleJsonLd({
          title: article.title,
          description: article.seoDescription ?? article.excerpt,
          url: urls.article(article.locale, article.slug),
          locale: article.locale,
          firstPublishedAt: article.firstPublishedAt,
          lastModified: article.publishedAt,
          section: breadcrumbs[breadcrumbs.length - 1]?.name ?? null,
          tags: article.tags,
        }),
      );
    },
  };
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
  return {
    id: node.id,
    parentId: node.parentId,
    position: node.position,
    slug: node.slug,
    name: node.name,
    description: node.description,
    locale: node.locale,
    articleCount: node.articleCount,
    totalArticleCount: node.totalArticleCount,
    // Built only when a query asks for it (breadcrumbs and an article's category rarely do).
    get children(): Category[] {
      return node.children.map((child) => toCategory(child, urlOf));
    },
    get seo(): Category['seo'] {
      return {
        title: node.seoTitle ?? node.name,
        description: node.seoDescription ?? node.description,
        canonicalUrl: urlOf(node.locale, node.slug),
        ogImage: node.ogImageUrl,
        robots: categoryRobots({ robots: node.robots, publishedArticles: holdsPublished ? Math.max(1, node.totalArticleCount) : node.totalArticleCount }),
      };
    },
  };
}
