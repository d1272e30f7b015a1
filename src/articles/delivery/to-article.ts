import { jsonLdString } from '../../common/json-ld';
import { articleJsonLd } from './article-json-ld';
import { CategoryNode, ResolvedArticle } from './delivery.service';
import { PublishedSummary } from './published-articles.repository';
import { Article, ArticleSummary, Category } from './article.model';

/** `path`: the article's category and its ancestors, root first (DeliveryService.breadcrumbs). */
export function toArticle(resolved: ResolvedArticle, path: CategoryNode[], urlOf: (locale: string, slug: string) => string): Article {
  const { article } = resolved;
  const breadcrumbs = path.map(toCategory);
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
    seo: {
      title: article.seoTitle ?? article.title,
      description: article.seoDescription ?? article.excerpt,
      canonicalSlug: article.slug,
      canonicalUrl: urlOf(article.locale, article.slug),
    },
    alternates: article.alternates.map((a) => ({ ...a, url: urlOf(a.locale, a.slug) })),
    publishedAt: article.publishedAt,
    firstPublishedAt: article.firstPublishedAt,
    lastModified: article.publishedAt,
    tags: article.tags,
    products: article.products.map((p) => ({ key: p.key, name: p.name })),
    categoryId: article.categoryId,
    category: breadcrumbs[breadcrumbs.length - 1],
    breadcrumbs,
    jsonLd: jsonLdString(
      articleJsonLd({
        title: article.title,
        description: article.seoDescription ?? article.excerpt,
        url: urlOf(article.locale, article.slug),
        locale: article.locale,
        firstPublishedAt: article.firstPublishedAt,
        lastModified: article.publishedAt,
        section: breadcrumbs[breadcrumbs.length - 1]?.name ?? null,
        tags: article.tags,
      }),
    ),
  };
}

export function toArticleSummary(summary: PublishedSummary): ArticleSummary {
  return {
    id: summary.id,
    locale: summary.locale,
    slug: summary.slug,
    title: summary.title,
    excerpt: summary.excerpt,
    categoryId: summary.categoryId,
    publishedAt: summary.publishedAt,
  };
}

export function toCategory(node: CategoryNode): Category {
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
      return node.children.map(toCategory);
    },
  };
}
