import { ArticleView, LocaleView } from '../articles.repository';
import { articleRobots } from '../content/robots';
import { ArticleRevisionEntity } from '../entities/article-revision.entity';
import { AdminArticle, AdminArticleLocale, AdminArticleRevision } from './admin-article.model';

export function toAdminRevision(revision: ArticleRevisionEntity): AdminArticleRevision {
  return {
    id: revision.id,
    number: revision.number,
    locale: revision.locale,
    title: revision.title,
    bodyMarkdown: revision.bodyMarkdown,
    bodyHtml: revision.bodyHtml,
    excerpt: revision.excerpt,
    seoTitle: revision.seoTitle,
    seoDescription: revision.seoDescription,
    ogImageUrl: revision.ogImageUrl,
    readingTimeMinutes: revision.readingTimeMinutes,
    authorId: revision.authorId,
    changeNote: revision.changeNote,
    translatedFromRevisionId: revision.translatedFromRevisionId,
    restoredFromNumber: revision.restoredFromNumber,
    createdAt: revision.createdAt,
  };
}

function toAdminLocale(view: LocaleView): AdminArticleLocale {
  const { state } = view;
  return {
    locale: state.locale,
    status: state.status,
    reviewState: state.reviewState,
    reviewerId: state.reviewerId,
    reviewComment: state.reviewComment,
    slug: state.slug,
    previousSlugs: view.previousSlugs,
    headRevisionNumber: state.headRevisionNumber,
    headRevision: toAdminRevision(view.head),
    publishedRevision: view.published ? toAdminRevision(view.published) : null,
    publishedAt: state.publishedAt,
    firstPublishedAt: state.firstPublishedAt,
    scheduledRevision: view.scheduled ? toAdminRevision(view.scheduled) : null,
    scheduledPublishAt: state.scheduledPublishAt,
    lastReviewedAt: state.lastReviewedAt,
    nextReviewAt: view.nextReviewAt,
    reviewIntervalDays: view.reviewIntervalDays,
    isTranslation: view.sourceRevisionNumber !== null || view.translatedFromRevisionNumber !== null,
    translatedFromRevisionNumber: view.translatedFromRevisionNumber,
    sourceRevisionNumber: view.sourceRevisionNumber,
    isOutdated: view.isOutdated,
    archivedAt: state.archivedAt,
    updatedAt: state.updatedAt,
  };
}

export function toAdminArticle(view: ArticleView): AdminArticle {
  const { article } = view;
  return {
    id: article.id,
    categoryId: article.categoryId,
    sourceLocale: article.sourceLocale,
    isInternal: article.isInternal,
    robots: article.robots,
    effectiveRobots: articleRobots({ robots: article.robots, isInternal: article.isInternal, isDeleted: article.deletedAt !== null }),
    reviewIntervalDays: article.reviewIntervalDays,
    tags: article.tags,
    featureKeys: article.featureKeys,
    products: (article.products ?? []).map((p) => ({ id: p.id, key: p.key, name: p.name })).sort((a, b) => a.key.localeCompare(b.key)),
    locales: view.locales.map(toAdminLocale),
    metadataVersion: article.metadataVersion,
    deletedAt: article.deletedAt,
    deletedBy: article.deletedBy,
    createdBy: article.createdBy,
    createdAt: article.createdAt,
    updatedAt: article.updatedAt,
  };
}
