import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Not, QueryFailedError } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors/app-error';
import { LocalesService } from '../common/locales/locales.service';
import { ProductEntity } from '../products/entities/product.entity';
import { recordChange } from '../changes/content-changes';
import { ArticleLocaleEntity, ArticleStatus, ReviewState } from './entities/article-locale.entity';
import { ArticleRevisionEntity } from './entities/article-revision.entity';
import { ArticleSlugEntity } from './entities/article-slug.entity';
import { ArticleEntity } from './entities/article.entity';
import { RevisionContent, RevisionsService } from './revisions.service';
import { isValidSlug, slugify, withSuffix } from './slugs/slugify';
import { AppConfig } from '../config/app-config';
import { lockForTransaction } from '../common/sql/transaction-lock';
import { requireTransition, WorkflowAction, WorkflowPolicy } from './workflow/article-workflow';
import { articleSubject, subjectOf, toActor } from './workflow/workflow-subject';

export interface ArticleMetadata {
  productIds?: string[];
  featureKeys?: string[];
  tags?: string[];
  isInternal?: boolean;
  /** One of ROBOTS_DIRECTIVES (validated at the edge); null: index,follow. */
  robots?: string | null;
  reviewIntervalDays?: number | null;
}

export interface CreateArticleCommand extends ArticleMetadata, RevisionContent {
  categoryId: string;
  locale?: string | null;
  slug?: string | null;
  changeNote?: string | null;
}

export interface UpdateArticleCommand extends ArticleMetadata {
  articleId: string;
  /** The metadata version the edit started from (optimistic concurrency, like drafts). */
  baseMetadataVersion: number;
  categoryId?: string;
  sourceLocale?: string;
}

export interface SaveDraftCommand extends RevisionContent {
  articleId: string;
  locale: string;
  /** The head revision the edit started from; 0 starts a new locale (a translation). */
  baseRevisionNumber: number;
  changeNote?: string | null;
  /** Translations: the source-locale revision translated; default its published (else latest) revision. */
  translatedFromRevisionNumber?: number | null;
  /** Only when the locale is new; otherwise use changeArticleSlug. */
  slug?: string | null;
}

export interface ChangeSlugCommand {
  articleId: string;
  locale: string;
  slug: string;
  /** The metadata version the edit started from (slugs count as metadata). */
  baseMetadataVersion: number;
}

export interface SavedDraft {
  article: ArticleEntity;
  locale: ArticleLocaleEntity;
  revision: ArticleRevisionEntity;
}

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class ArticlesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly locales: LocalesService,
    private readonly revisions: RevisionsService,
    private readonly config: AppConfig,
  ) {}

  private policy(): WorkflowPolicy {
    return { requireSeparateApprover: this.config.articles.requireSeparateApprover };
  }

  async create(author: AuthUser, command: CreateArticleCommand): Promise<SavedDraft> {
    return this.dataSource.transaction((tx) => this.createIn(tx, author, command));
  }

  /** Creates the article inside the caller's transaction (e.g. a content gap turned into a draft). */
  async createIn(tx: EntityManager, author: AuthUser, command: CreateArticleCommand): Promise<SavedDraft> {
    const locale = this.locales.resolve(command.locale ?? this.locales.defaultLocale, 'input.locale');
    const slug = this.checkSlug(command.slug, 'input.slug');
    await this.requireCategory(tx, command.categoryId, 'input.categoryId');
    const products = await this.requireProducts(tx, command.productIds ?? [], 'input.productIds');
    const article = await tx.save(
      tx.create(ArticleEntity, {
        categoryId: command.categoryId,
        sourceLocale: locale,
        isInternal: command.isInternal ?? false,
        robots: command.robots ?? null,
        reviewIntervalDays: command.reviewIntervalDays ?? null,
        tags: normalizeTags(command.tags ?? []),
        featureKeys: unique(command.featureKeys ?? []),
        products,
        createdBy: author.id,
      }),
    );
    const saved = await this.startLocale(tx, article, locale, command, author, { slug, changeNote: command.changeNote, translatedFromRevisionId: null });
    await recordChange(tx, { kind: 'article', id: article.id, locale, change: 'created' });
    return { article, ...saved };
  }

  async updateMetadata(editor: AuthUser, command: UpdateArticleCommand): Promise<ArticleEntity> {
    const sourceLocale = command.sourceLocale ? this.locales.resolve(command.sourceLocale, 'input.sourceLocale') : undefined;
    return this.dataSource.transaction(async (tx) => {
      const article = await this.lockArticle(tx, command.articleId);
      requireTransition(WorkflowAction.UpdateMetadata, articleSubject(article), toActor(editor), this.policy());
      requireMetadataVersion(article, command.baseMetadataVersion);
      if (command.categoryId !== undefined) {
        await this.requireCategory(tx, command.categoryId, 'input.categoryId');
        article.categoryId = command.categoryId;
      }
      if (sourceLocale !== undefined) {
        const exists = await tx.exists(ArticleLocaleEntity, { where: { articleId: article.id, locale: sourceLocale } });
        if (!exists) {
          throw new BadUserInputError('The source locale must be one the article is written in', [
            { field: 'input.sourceLocale', messages: ['sourceLocale must be an existing locale of the article'] },
          ]);
        }
        article.sourceLocale = sourceLocale;
      }
      if (command.productIds !== undefined) article.products = await this.requireProducts(tx, command.productIds, 'input.productIds');
      if (command.featureKeys !== undefined) article.featureKeys = unique(command.featureKeys);
      if (command.tags !== undefined) article.tags = normalizeTags(command.tags);
      if (command.isInternal !== undefined) article.isInternal = command.isInternal;
      if (command.robots !== undefined) article.robots = command.robots;
      if (command.reviewIntervalDays !== undefined) article.reviewIntervalDays = command.reviewIntervalDays;
      article.updatedAt = new Date();
      article.metadataVersion += 1;
      const saved = await tx.save(article);
      await recordChange(tx, { kind: 'article', id: article.id, change: 'metadata-changed' });
      return saved;
    });
  }

  /** Appends a revision to a locale (creating the locale for a first translation), refusing a stale base. */
  async saveDraft(author: AuthUser, command: SaveDraftCommand): Promise<SavedDraft> {
    const locale = this.locales.resolve(command.locale, 'input.locale');
    const slug = this.checkSlug(command.slug, 'input.slug');
    try {
      return await this.dataSource.transaction(async (tx) => {
        const article = await this.lockArticle(tx, command.articleId);
        if (article.deletedAt) requireTransition(WorkflowAction.SaveDraft, articleSubject(article), toActor(author), this.policy());
        const current = await tx.findOne(ArticleLocaleEntity, {
          where: { articleId: article.id, locale },
          lock: { mode: 'pessimistic_write' },
        });
        const translatedFromRevisionId = await this.translatedFrom(tx, article, locale, command.translatedFromRevisionNumber);
        if (!current) {
          if (command.baseRevisionNumber !== 0) {
            throw staleBase(0, `The article has no ${locale} version yet; start it from base revision 0`);
          }
          const saved = await this.startLocale(tx, article, locale, command, author, {
            slug,
            changeNote: command.changeNote,
            translatedFromRevisionId,
          });
          await recordChange(tx, { kind: 'article', id: article.id, locale, change: 'draft-saved' });
          return { article, ...saved };
        }
        if (current.headRevisionNumber !== command.baseRevisionNumber) throw staleBase(current.headRevisionNumber);
        const status = requireTransition(WorkflowAction.SaveDraft, subjectOf(current, article.deletedAt !== null), toActor(author), this.policy());
        if (slug && slug !== current.slug) {
          throw new BadUserInputError('Change the slug of an existing locale with changeArticleSlug', [
            { field: 'input.slug', messages: ['slug can only be set when the locale is created'] },
          ]);
        }
        const revision = await this.revisions.appendHead(
          tx,
          current,
          { content: command, authorId: author.id, changeNote: command.changeNote, translatedFromRevisionId },
          status,
        );
        await recordChange(tx, { kind: 'article', id: article.id, locale, change: 'draft-saved' });
        return { article, locale: current, revision };
      });
    } catch (error) {
      // Two first saves of the same new locale at once: the unique key lets one through.
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === UNIQUE_VIOLATION) {
        const head = await this.dataSource.getRepository(ArticleLocaleEntity).findOne({ where: { articleId: command.articleId, locale } });
        if (head) throw staleBase(head.headRevisionNumber);
      }
      throw error;
    }
  }

  /** Sets a new current slug; the old one keeps resolving, with a redirect hint. */
  async changeSlug(editor: AuthUser, command: ChangeSlugCommand): Promise<ArticleLocaleEntity> {
    const locale = this.locales.resolve(command.locale, 'input.locale');
    const slug = this.checkSlug(command.slug, 'input.slug');
    if (!slug) throw new BadUserInputError('A slug is required', [{ field: 'input.slug', messages: ['slug must not be empty'] }]);
    return this.dataSource.transaction(async (tx) => {
      const article = await this.lockArticle(tx, command.articleId);
      const current = await tx.findOne(ArticleLocaleEntity, { where: { articleId: command.articleId, locale }, lock: { mode: 'pessimistic_write' } });
      if (!current) throw new NotFoundError('Article locale', `${command.articleId}/${locale}`);
      requireTransition(WorkflowAction.ChangeSlug, subjectOf(current, article.deletedAt !== null), toActor(editor), this.policy());
      requireMetadataVersion(article, command.baseMetadataVersion);
      if (current.slug === slug) return current;
      await this.claimSlug(tx, command.articleId, locale, slug);
      current.slug = slug;
      const saved = await tx.save(current);
      await tx.update(ArticleEntity, { id: article.id }, { metadataVersion: article.metadataVersion + 1 });
      await recordChange(tx, { kind: 'article', id: command.articleId, locale, change: 'slug-changed' });
      return saved;
    });
  }

  private async startLocale(
    tx: EntityManager,
    article: ArticleEntity,
    locale: string,
    content: RevisionContent,
    author: AuthUser,
    options: { slug: string | null; changeNote?: string | null; translatedFromRevisionId: string | null },
  ): Promise<{ locale: ArticleLocaleEntity; revision: ArticleRevisionEntity }> {
    let slug: string;
    if (options.slug) {
      slug = options.slug;
      await this.claimSlug(tx, article.id, locale, slug);
    } else {
      slug = await this.claimGeneratedSlug(tx, article.id, locale, slugify(content.title, locale));
    }
    const revision = await this.revisions.append(tx, {
      articleId: article.id,
      locale,
      number: 1,
      content,
      authorId: author.id,
      changeNote: options.changeNote,
      translatedFromRevisionId: options.translatedFromRevisionId,
    });
    const state = await tx.save(
      tx.create(ArticleLocaleEntity, {
        articleId: article.id,
        locale,
        slug,
        status: ArticleStatus.Draft,
        headRevisionNumber: 1,
        reviewState: ReviewState.None,
      }),
    );
    return { locale: state, revision };
  }

  /**
   * A generated slug, claimed: the base, else base-2, base-3… whichever no article has used in this locale. Each
   * candidate is looked at under its slug lock (lockSlug), so articles created at once with one title get base,
   * base-2… rather than a unique violation.
   */
  private async claimGeneratedSlug(tx: EntityManager, articleId: string, locale: string, base: string): Promise<string> {
    for (let n = 1; ; n += 1) {
      const candidate = n === 1 ? base : withSuffix(base, n);
      await lockSlug(tx, locale, candidate);
      if (await tx.exists(ArticleSlugEntity, { where: { locale, slug: candidate } })) continue;
      await tx.insert(ArticleSlugEntity, { locale, slug: candidate, articleId });
      return candidate;
    }
  }

  /**
   * An explicit slug is refused when it is another article's current slug. Another article's old slug
   * is taken over (its redirect ends); the article's own old slug simply becomes current again.
   */
  private async claimSlug(tx: EntityManager, articleId: string, locale: string, slug: string): Promise<void> {
    await lockSlug(tx, locale, slug);
    const holder = await tx.findOne(ArticleLocaleEntity, { where: { locale, slug, articleId: Not(articleId) } });
    if (holder) {
      throw new ConflictError(`Another article already uses the slug ${slug} in ${locale}`, { reason: 'SLUG_TAKEN', slug, locale });
    }
    const previous = await tx.findOne(ArticleSlugEntity, { where: { locale, slug } });
    await tx.query(
      `INSERT INTO article_slugs (locale, slug, article_id) VALUES ($1, $2, $3)
       ON CONFLICT (locale, slug) DO UPDATE SET article_id = EXCLUDED.article_id, created_at = now()`,
      [locale, slug, articleId],
    );
    // The old slug no longer leads to its former article: drop what delivery caches cached for it.
    if (previous && previous.articleId !== articleId) await recordChange(tx, { kind: 'article', id: previous.articleId, locale, change: 'slug-released' });
  }

  private async translatedFrom(
    tx: EntityManager,
    article: ArticleEntity,
    locale: string,
    requestedNumber: number | null | undefined,
  ): Promise<string | null> {
    if (locale === article.sourceLocale) {
      if (requestedNumber != null) {
        throw new BadUserInputError('The source locale is not a translation', [
          { field: 'input.translatedFromRevisionNumber', messages: ['only translations name a source revision'] },
        ]);
      }
      return null;
    }
    const source = await tx.findOne(ArticleLocaleEntity, { where: { articleId: article.id, locale: article.sourceLocale } });
    if (!source) return null;
    if (requestedNumber != null) {
      const revision = await this.revisions.findByNumber(tx, article.id, article.sourceLocale, requestedNumber);
      if (!revision) {
        throw new BadUserInputError('No such source revision', [
          { field: 'input.translatedFromRevisionNumber', messages: [`the ${article.sourceLocale} version has no revision ${requestedNumber}`] },
        ]);
      }
      return revision.id;
    }
    if (source.publishedRevisionId) return source.publishedRevisionId;
    return (await this.revisions.findByNumber(tx, article.id, article.sourceLocale, source.headRevisionNumber))?.id ?? null;
  }

  private checkSlug(slug: string | null | undefined, field: string): string | null {
    if (slug == null || slug === '') return null;
    const normalized = slug.trim().normalize('NFKC').toLowerCase();
    if (!isValidSlug(normalized)) {
      throw new BadUserInputError('The slug is not valid', [
        { field, messages: ['slug must be lower-case letters, digits and single dashes, up to 80 characters'] },
      ]);
    }
    return normalized;
  }

  async lockArticle(tx: EntityManager, articleId: string): Promise<ArticleEntity> {
    const locked: unknown[] = await tx.query('SELECT 1 FROM articles WHERE id = $1 FOR UPDATE', [articleId]);
    // find, not findOne: with a relation, findOne's LIMIT makes TypeORM run a second query for the ids.
    const [article] = locked.length > 0 ? await tx.find(ArticleEntity, { where: { id: articleId }, relations: { products: true } }) : [];
    if (!article) throw new NotFoundError('Article', articleId);
    return article;
  }

  /**
   * The category must exist, and stays until the transaction ends (`FOR KEY SHARE`): deleting it at the same moment
   * either waits for this article and then finds the category not empty, or goes first and this is refused here.
   */
  private async requireCategory(tx: EntityManager, categoryId: string, field: string): Promise<void> {
    const found: unknown[] = await tx.query('SELECT 1 FROM categories WHERE id = $1 FOR KEY SHARE', [categoryId]);
    if (found.length === 0) {
      throw new BadUserInputError('No such category', [{ field, messages: [`category ${categoryId} does not exist`] }]);
    }
  }

  private async requireProducts(tx: EntityManager, productIds: string[], field: string): Promise<ProductEntity[]> {
    const ids = unique(productIds);
    if (ids.length === 0) return [];
    const products = await tx.findBy(ProductEntity, { id: In(ids) });
    const missing = ids.filter((id) => !products.some((p) => p.id === id));
    if (missing.length > 0) {
      throw new BadUserInputError('No such product', [{ field, messages: [`unknown product ids: ${missing.join(', ')}`] }]);
    }
    return products;
  }
}

function requireMetadataVersion(article: ArticleEntity, base: number): void {
  if (article.metadataVersion !== base) {
    throw new ConflictError("The article's metadata or slugs were changed since this edit began", {
      reason: 'STALE_METADATA_VERSION',
      metadataVersion: article.metadataVersion,
    });
  }
}

export function staleBase(headRevisionNumber: number, message = 'The article was saved since this edit began'): ConflictError {
  return new ConflictError(message, { reason: 'STALE_BASE_REVISION', headRevisionNumber });
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function normalizeTags(tags: string[]): string[] {
  return unique(tags.map((tag) => tag.trim().toLowerCase()).filter((tag) => tag.length > 0));
}

/**
 * Serialises claims of one slug in one locale until the transaction ends: the check that no other article holds it
 * and the claim are then one step, also for two articles claiming it at once (article_locales has no unique slug).
 */
function lockSlug(tx: EntityManager, locale: string, slug: string): Promise<void> {
  return lockForTransaction(tx, `article-slug:${locale}:${slug}`);
}
