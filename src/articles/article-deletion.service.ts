import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { recordAudit } from '../common/audit/record-audit';
import { AppConfig } from '../config/app-config';
import { recordChange } from '../changes/content-changes';
import { ArticlesService } from './articles.service';
import { ArticleLocaleEntity } from './entities/article-locale.entity';
import { ArticleRevisionEntity } from './entities/article-revision.entity';
import { ArticleEntity } from './entities/article.entity';
import { requireTransition, WorkflowAction, WorkflowPolicy } from './workflow/article-workflow';
import { articleSubject, subjectOf, toActor } from './workflow/workflow-subject';

/** The audit subject kind of articles. */
export const ARTICLE_SUBJECT = 'article';

/**
 * Soft delete (reversible: the article leaves delivery, search and lists), its undo, and the irreversible
 * purge for admins. Each writes an audit entry in the same transaction.
 */
@Injectable()
export class ArticleDeletionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly articles: ArticlesService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Takes every locale off the public side (published → unpublished, schedules cancelled) and marks the
   * article deleted. Restoring brings it back unpublished; it is published again like any draft.
   */
  async softDelete(editor: AuthUser, articleId: string, now = new Date()): Promise<ArticleEntity> {
    return this.dataSource.transaction(async (tx) => {
      const article = await this.articles.lockArticle(tx, articleId);
      requireTransition(WorkflowAction.Delete, articleSubject(article), toActor(editor), this.policy());
      const states = await tx.find(ArticleLocaleEntity, { where: { articleId }, order: { locale: 'ASC' }, lock: { mode: 'pessimistic_write' } });
      const before = snapshot(article, states);
      for (const state of states) {
        state.status = requireTransition(WorkflowAction.Withdraw, subjectOf(state, false), toActor(editor), this.policy());
        state.publishedRevisionId = null;
        state.publishedAt = null;
        state.scheduledRevisionId = null;
        state.scheduledPublishAt = null;
        state.scheduledBy = null;
        await tx.save(state);
      }
      article.deletedAt = now;
      article.deletedBy = editor.id;
      await tx.update(ArticleEntity, { id: articleId }, { deletedAt: now, deletedBy: editor.id });
      await recordChange(tx, { kind: 'article', id: articleId, change: 'deleted', actorId: editor.id });
      await recordAudit(tx, { actorId: editor.id, action: 'article.delete', subjectKind: ARTICLE_SUBJECT, subjectId: articleId, before, after: snapshot(article, states) });
      return article;
    });
  }

  /** Undoes a soft delete; the locales stay as the delete left them (unpublished or draft). */
  async restore(editor: AuthUser, articleId: string): Promise<ArticleEntity> {
    return this.dataSource.transaction(async (tx) => {
      const article = await this.articles.lockArticle(tx, articleId);
      requireTransition(WorkflowAction.Undelete, articleSubject(article), toActor(editor), this.policy());
      const states = await tx.find(ArticleLocaleEntity, { where: { articleId }, order: { locale: 'ASC' } });
      const before = snapshot(article, states);
      article.deletedAt = null;
      article.deletedBy = null;
      await tx.update(ArticleEntity, { id: articleId }, { deletedAt: null, deletedBy: null });
      await recordChange(tx, { kind: 'article', id: articleId, change: 'undeleted' });
      await recordAudit(tx, { actorId: editor.id, action: 'article.restore', subjectKind: ARTICLE_SUBJECT, subjectId: articleId, before, after: snapshot(article, states) });
      return article;
    });
  }

  /**
   * Deletes a soft-deleted article for good: every locale, revision, slug, vote and view count. The audit
   * entry keeps who, when, and what it was (metadata, locales with slugs and titles, revision counts).
   */
  async purge(admin: AuthUser, articleId: string): Promise<{ articleId: string }> {
    return this.dataSource.transaction(async (tx) => {
      const article = await this.articles.lockArticle(tx, articleId);
      requireTransition(WorkflowAction.Purge, articleSubject(article), toActor(admin), this.policy());
      const states = await tx.find(ArticleLocaleEntity, { where: { articleId }, order: { locale: 'ASC' }, lock: { mode: 'pessimistic_write' } });
      const before = { ...snapshot(article, states), locales: await this.describeLocales(tx, states) };
      // Locales first: they point at revisions, which the article's cascade removes.
      await tx.delete(ArticleLocaleEntity, { articleId });
      await tx.delete(ArticleEntity, { id: articleId });
      // The outbox row makes the indexing worker find the article gone and remove it from the index.
      await recordChange(tx, { kind: 'article', id: articleId, change: 'purged' });
      await recordAudit(tx, { actorId: admin.id, action: 'article.purge', subjectKind: ARTICLE_SUBJECT, subjectId: articleId, before, after: null });
      return { articleId };
    });
  }

  private async describeLocales(tx: EntityManager, states: ArticleLocaleEntity[]): Promise<Record<string, unknown>[]> {
    const heads = await Promise.all(
      states.map((state) => tx.findOne(ArticleRevisionEntity, { select: { title: true }, where: { articleId: state.articleId, locale: state.locale, number: state.headRevisionNumber } })),
    );
    return states.map((state, index) => ({
      locale: state.locale,
      slug: state.slug,
      status: state.status,
      revisions: state.headRevisionNumber,
      title: heads[index]?.title ?? null,
    }));
  }

  private policy(): WorkflowPolicy {
    return { requireSeparateApprover: this.config.articles.requireSeparateApprover };
  }
}

function snapshot(article: ArticleEntity, states: ArticleLocaleEntity[]): Record<string, unknown> {
  return {
    categoryId: article.categoryId,
    sourceLocale: article.sourceLocale,
    isInternal: article.isInternal,
    tags: article.tags,
    deletedAt: article.deletedAt?.toISOString() ?? null,
    locales: states.map((state) => ({ locale: state.locale, slug: state.slug, status: state.status, publishedRevisionId: state.publishedRevisionId })),
  };
}
