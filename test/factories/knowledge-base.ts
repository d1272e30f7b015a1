import { GraphqlClient, GraphqlResponse } from '../support/create-test-app';

export const ARTICLE_FIELDS = `
  id categoryId sourceLocale isInternal tags featureKeys reviewIntervalDays updatedAt metadataVersion deletedAt deletedBy
  products { id key name }
  locales {
    locale status reviewState reviewerId reviewComment slug previousSlugs headRevisionNumber
    headRevision { id number title bodyMarkdown bodyHtml excerpt changeNote restoredFromNumber translatedFromRevisionId }
    publishedRevision { id number title }
    scheduledRevision { id number }
    publishedAt firstPublishedAt scheduledPublishAt lastReviewedAt nextReviewAt reviewIntervalDays
    isTranslation translatedFromRevisionNumber sourceRevisionNumber isOutdated archivedAt
  }`;

export const CREATE_CATEGORY = `mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id parentId position reviewIntervalDays translations { locale name slug description } } }`;
export const UPDATE_CATEGORY = `mutation ($input: UpdateCategoryInput!) { updateCategory(input: $input) { id reviewIntervalDays translations { locale name slug description } } }`;
export const MOVE_CATEGORY = `mutation ($input: MoveCategoryInput!) { moveCategory(input: $input) { id parentId position } }`;
export const DELETE_CATEGORY = `mutation ($input: CategoryIdInput!) { deleteCategory(input: $input) { id } }`;
export const CATEGORIES = `{ categories { id parentId position translations { locale name slug } } }`;

export const CREATE_ARTICLE = `mutation ($input: CreateArticleInput!) { createArticle(input: $input) { ${ARTICLE_FIELDS} } }`;
export const UPDATE_ARTICLE = `mutation ($input: UpdateArticleInput!) { updateArticle(input: $input) { ${ARTICLE_FIELDS} } }`;
export const SAVE_DRAFT = `mutation ($input: SaveArticleDraftInput!) { saveArticleDraft(input: $input) { ${ARTICLE_FIELDS} } }`;
export const PUBLISH = `mutation ($input: PublishArticleInput!) { publishArticle(input: $input) { ${ARTICLE_FIELDS} } }`;
export const CHANGE_SLUG = `mutation ($input: ChangeArticleSlugInput!) { changeArticleSlug(input: $input) { ${ARTICLE_FIELDS} } }`;
export const REQUEST_REVIEW = `mutation ($input: RequestArticleReviewInput!) { requestArticleReview(input: $input) { ${ARTICLE_FIELDS} } }`;
export const APPROVE = `mutation ($input: ReviewArticleInput!) { approveArticleRevision(input: $input) { ${ARTICLE_FIELDS} } }`;
export const REQUEST_CHANGES = `mutation ($input: RequestArticleChangesInput!) { requestArticleChanges(input: $input) { ${ARTICLE_FIELDS} } }`;
export const ROLLBACK = `mutation ($input: RollbackArticleInput!) { rollbackArticle(input: $input) { ${ARTICLE_FIELDS} } }`;
export const VERIFY = `mutation ($input: ArticleLocaleInput!) { verifyArticle(input: $input) { ${ARTICLE_FIELDS} } }`;
export const UNPUBLISH = `mutation ($input: ArticleLocaleInput!) { unpublishArticle(input: $input) { ${ARTICLE_FIELDS} } }`;
export const ARCHIVE = `mutation ($input: ArticleLocaleInput!) { archiveArticle(input: $input) { ${ARTICLE_FIELDS} } }`;
export const RESTORE = `mutation ($input: ArticleLocaleInput!) { restoreArticle(input: $input) { ${ARTICLE_FIELDS} } }`;
export const CANCEL_SCHEDULE = `mutation ($input: ArticleLocaleInput!) { cancelScheduledPublish(input: $input) { ${ARTICLE_FIELDS} } }`;
export const RESTORE_REVISION = `mutation ($input: RestoreArticleRevisionInput!) { restoreArticleRevision(input: $input) { ${ARTICLE_FIELDS} } }`;
export const DELETE_ARTICLE = `mutation ($input: ArticleIdInput!) { deleteArticle(input: $input) { ${ARTICLE_FIELDS} } }`;
export const RESTORE_DELETED = `mutation ($input: ArticleIdInput!) { restoreDeletedArticle(input: $input) { ${ARTICLE_FIELDS} } }`;
export const PURGE = `mutation ($input: ArticleIdInput!) { purgeArticle(input: $input) { articleId } }`;
export const ARTICLE = `query ($id: ID!) { article(id: $id) { ${ARTICLE_FIELDS} } }`;

export interface AdminArticleResult {
  id: string;
  categoryId: string;
  sourceLocale: string;
  isInternal: boolean;
  metadataVersion: number;
  deletedAt: string | null;
  deletedBy: string | null;
  locales: {
    locale: string;
    status: string;
    reviewState: string;
    reviewComment: string | null;
    slug: string;
    previousSlugs: string[];
    headRevisionNumber: number;
    headRevision: { id: string; number: number; title: string; bodyHtml: string; excerpt: string; restoredFromNumber: number | null };
    publishedRevision: { id: string; number: number; title: string } | null;
    scheduledPublishAt: string | null;
    isOutdated: boolean;
    translatedFromRevisionNumber: number | null;
    sourceRevisionNumber: number | null;
    nextReviewAt: string | null;
    lastReviewedAt: string | null;
  }[];
}

export function expectData<T>(res: GraphqlResponse, field: string): T {
  if (res.errors || !res.data?.[field]) throw new Error(`${field} failed: ${JSON.stringify(res.errors)}`);
  return res.data[field] as T;
}

export function localeOf(article: AdminArticleResult, locale = 'en'): AdminArticleResult['locales'][number] {
  const found = article.locales.find((l) => l.locale === locale);
  if (!found) throw new Error(`article ${article.id} has no ${locale} locale`);
  return found;
}

/** Content editing through the real admin API, for tests that need articles in some state. */
export class KnowledgeBaseFactory {
  private counter = 0;

  constructor(private readonly admin: GraphqlClient) {}

  async category(name?: string, options: { parentId?: string; locale?: string; reviewIntervalDays?: number } = {}): Promise<{ id: string; slug: string }> {
    this.counter += 1;
    const res = await this.admin.send(CREATE_CATEGORY, {
      input: {
        parentId: options.parentId ?? null,
        reviewIntervalDays: options.reviewIntervalDays ?? null,
        translations: [{ locale: options.locale ?? 'en', name: name ?? `Category ${this.counter}` }],
      },
    });
    const category = expectData<{ id: string; translations: { slug: string }[] }>(res, 'createCategory');
    return { id: category.id, slug: category.translations[0].slug };
  }

  async draft(categoryId: string, input: Record<string, unknown> = {}): Promise<AdminArticleResult> {
    this.counter += 1;
    return expectData(
      await this.admin.send(CREATE_ARTICLE, {
        input: { categoryId, title: `Article ${this.counter}`, bodyMarkdown: `Body of article ${this.counter}.`, ...input },
      }),
      'createArticle',
    );
  }

  async save(article: AdminArticleResult, locale: string, input: Record<string, unknown>): Promise<AdminArticleResult> {
    const base = article.locales.find((l) => l.locale === locale)?.headRevisionNumber ?? 0;
    return expectData(
      await this.admin.send(SAVE_DRAFT, { input: { articleId: article.id, locale, baseRevisionNumber: base, title: 'Untitled', bodyMarkdown: '', ...input } }),
      'saveArticleDraft',
    );
  }

  async publish(article: AdminArticleResult, locale = 'en', publishAt?: Date): Promise<AdminArticleResult> {
    const head = localeOf(article, locale).headRevision;
    return expectData(
      await this.admin.send(PUBLISH, { input: { articleId: article.id, revisionId: head.id, publishAt: publishAt?.toISOString() ?? null } }),
      'publishArticle',
    );
  }

  async published(categoryId: string, input: Record<string, unknown> = {}): Promise<AdminArticleResult> {
    return this.publish(await this.draft(categoryId, input), (input.locale as string | undefined) ?? 'en');
  }

  /** Soft-deletes the article (deleteArticle). */
  async deleted(article: AdminArticleResult): Promise<AdminArticleResult> {
    return expectData(await this.admin.send(DELETE_ARTICLE, { input: { articleId: article.id } }), 'deleteArticle');
  }

  async locale(article: AdminArticleResult, mutation: string, locale = 'en'): Promise<AdminArticleResult> {
    const res = await this.admin.send(mutation, { input: { articleId: article.id, locale } });
    const field = /\{ (\w+)\(/.exec(mutation)![1];
    return expectData(res, field);
  }
}
