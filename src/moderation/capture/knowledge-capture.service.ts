import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { ArticlePublication, ArticlePublicationListener } from '../../articles/article-publication-listener';
import { ArticlesService } from '../../articles/articles.service';
import type { AuthUser } from '../../auth/auth-user';
import { BadUserInputError, ConflictError, NotFoundError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { articleUrl, threadUrl } from '../../config/site-urls';
import { ForumNotifications } from '../../forum/notifications/forum-notifications.service';
import { auditModeration } from '../moderation-actor';
import { draftFromThread } from './promote-thread';

export interface Promotion {
  threadId: string;
  articleId: string;
  createdAt: Date;
}

export interface PublishedArticleLink {
  articleId: string;
  locale: string;
  slug: string;
  title: string;
  url: string;
}

/** Knowledge capture: a solved thread becomes a draft article, linked both ways (docs/moderation.md). */
@Injectable()
export class KnowledgeCaptureService implements ArticlePublicationListener {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly articles: ArticlesService,
    private readonly config: AppConfig,
    private readonly forumNotifications: ForumNotifications,
  ) {}

  /**
   * Drafts an article from a visible, solved thread in its board's locale (category: the one given, or the
   * first top-level category). One transaction: the thread row is locked (FOR UPDATE) so concurrent promotions
   * queue behind it and find the promotion made (CONFLICT `ALREADY_PROMOTED`); the article (its revision, outbox
   * and audit, by the articles service), the link, the promotion's audit entry and the answer author's
   * `answer_promoted` notification commit together or not at all.
   */
  async promote(editor: AuthUser, threadId: string, categoryId: string | null): Promise<Promotion> {
    return this.dataSource.transaction(async (tx) => {
      const locked: { id: string }[] = await tx.query(`SELECT id FROM threads WHERE id = $1 FOR UPDATE`, [threadId]);
      if (locked.length === 0) throw new NotFoundError('Thread', threadId);
      const [thread]: {
        id: string; title: string; slug: string; status: string; accepted_post_id: string | null; locale: string;
        question: string; answer: string | null; answer_author: string | null; answer_author_id: string | null;
      }[] = await tx.query(
        `SELECT t.id, t.title, t.slug, t.status, t.accepted_post_id, b.locale, q.body_markdown AS question,
                a.body_markdown AS answer, u.display_name AS answer_author, a.author_id AS answer_author_id
           FROM threads t JOIN boards b ON b.id = t.board_id
           JOIN posts q ON q.thread_id = t.id AND q.is_question
           LEFT JOIN posts a ON a.id = t.accepted_post_id AND a.status = 'visible'
           LEFT JOIN users u ON u.id = a.author_id
          WHERE t.id = $1`,
        [threadId],
      );
      if (!thread || thread.status !== 'visible') throw new NotFoundError('Thread', threadId);
      if (!thread.accepted_post_id || thread.answer === null) throw new ConflictError('Only a solved thread can become an article', { reason: 'NOT_SOLVED' });
      const existing = await this.promotionOf(threadId, tx);
      if (existing) throw new ConflictError('This thread was already promoted', { reason: 'ALREADY_PROMOTED', articleId: existing.articleId });
      const category = categoryId ?? (await this.defaultCategory(tx));
      const url = threadUrl(this.config.site, thread.locale, thread.slug);
      const draft = draftFromThread({ title: thread.title, questionMarkdown: thread.question, answerMarkdown: thread.answer, answerAuthorName: thread.answer_author, threadUrl: url });
      const saved = await this.articles.createIn(tx, editor, { categoryId: category, locale: thread.locale, title: draft.title, bodyMarkdown: draft.bodyMarkdown, changeNote: draft.changeNote });
      const [row]: { created_at: Date }[] = await tx.query(
        `INSERT INTO thread_promotions (thread_id, article_id, answer_post_id, promoted_by) VALUES ($1, $2, $3, $4) RETURNING created_at`,
        [thread.id, saved.article.id, thread.accepted_post_id, editor.id],
      );
      await auditModeration(tx, { userId: editor.id }, {
        action: 'thread.promote',
        subjectKind: 'thread',
        subjectId: thread.id,
        after: { articleId: saved.article.id, categoryId: category, locale: thread.locale, answerPostId: thread.accepted_post_id, answerAuthorId: thread.answer_author_id },
      });
      await this.forumNotifications.answerPromoted(tx, editor.id, { id: thread.accepted_post_id, authorId: thread.answer_author_id }, thread, saved.article.id);
      return { threadId: thread.id, articleId: saved.article.id, createdAt: row.created_at };
    });
  }

  /**
   * Publishing's port (ARTICLE_PUBLICATION_LISTENER): when an article drafted from a thread is first published in
   * the thread's locale, the credited answer's author is told, in the publishing transaction.
   */
  async articlePublished(tx: EntityManager, publication: ArticlePublication): Promise<void> {
    if (!publication.isFirstPublication) return;
    const [row]: { thread_id: string; thread_slug: string; thread_title: string; answer_post_id: string; answer_author_id: string | null; slug: string; title: string }[] = await tx.query(
      `SELECT p.thread_id, t.slug AS thread_slug, t.title AS thread_title, p.answer_post_id, a.author_id AS answer_author_id, al.slug, r.title
         FROM thread_promotions p
         JOIN threads t ON t.id = p.thread_id JOIN boards b ON b.id = t.board_id AND b.locale = $2
         JOIN posts a ON a.id = p.answer_post_id
         JOIN article_locales al ON al.article_id = p.article_id AND al.locale = $2
         JOIN article_revisions r ON r.id = al.published_revision_id
        WHERE p.article_id = $1`,
      [publication.articleId, publication.locale],
    );
    if (!row) return;
    await this.forumNotifications.promotedArticlePublished(
      tx,
      publication.publishedBy,
      { id: row.answer_post_id, authorId: row.answer_author_id },
      { id: row.thread_id, slug: row.thread_slug, title: row.thread_title },
      { id: publication.articleId, locale: publication.locale, slug: row.slug, title: row.title, url: articleUrl(this.config.site, publication.locale, row.slug) },
    );
  }

  async promotionOf(threadId: string, manager: EntityManager = this.dataSource.manager): Promise<Promotion | null> {
    const [row]: { thread_id: string; article_id: string; created_at: Date }[] = await manager.query(
      `SELECT thread_id, article_id, created_at FROM thread_promotions WHERE thread_id = $1`,
      [threadId],
    );
    return row ? { threadId: row.thread_id, articleId: row.article_id, createdAt: row.created_at } : null;
  }

  /** The article a thread was promoted into, once it is published and public in the thread's locale (else null): for the thread page. */
  async publishedArticleFor(threadId: string): Promise<PublishedArticleLink | null> {
    const [row]: { article_id: string; locale: string; slug: string; title: string }[] = await this.dataSource.query(
      `SELECT al.article_id, al.locale, al.slug, r.title
         FROM thread_promotions p
         JOIN threads t ON t.id = p.thread_id JOIN boards b ON b.id = t.board_id
         JOIN articles a ON a.id = p.article_id AND a.deleted_at IS NULL AND NOT a.is_internal
         JOIN article_locales al ON al.article_id = a.id AND al.locale = b.locale AND al.published_revision_id IS NOT NULL
         JOIN article_revisions r ON r.id = al.published_revision_id
        WHERE p.thread_id = $1`,
      [threadId],
    );
    if (!row) return null;
    return { articleId: row.article_id, locale: row.locale, slug: row.slug, title: row.title, url: articleUrl(this.config.site, row.locale, row.slug) };
  }

  private async defaultCategory(tx: EntityManager): Promise<string> {
    const [row]: { id: string }[] = await tx.query(`SELECT id FROM categories WHERE parent_id IS NULL ORDER BY position, id LIMIT 1`);
    if (!row) throw new BadUserInputError('There is no category yet', [{ field: 'categoryId', messages: ['categoryId is required while no category exists'] }]);
    return row.id;
  }
}
