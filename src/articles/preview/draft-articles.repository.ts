import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { publishedLocales, PublishedArticle, toPublishedArticle } from '../delivery/published-articles.repository';

/**
 * What a preview may show: any locale of an article that is not deleted, internal or archived — published or
 * not. Internal articles stay out of the public help site even in preview.
 */
const PREVIEWABLE = `a.deleted_at IS NULL AND NOT a.is_internal AND l.status <> 'archived'`;

/**
 * The head revision (the latest save) in the shape of a published article; a never-published draft reads its
 * revision's creation time as publishedAt and firstPublishedAt.
 */
const DRAFT_COLUMNS = `a.id, l.locale, l.slug, r.id AS revision_id, r.number, r.title, r.body_markdown, r.body_html, r.excerpt,
  r.seo_title, r.seo_description, coalesce(l.published_at, r.created_at) AS published_at,
  coalesce(l.first_published_at, r.created_at) AS first_published_at, a.category_id, a.tags,
  (SELECT coalesce(json_agg(json_build_object('id', p.id, 'key', p.key, 'name', p.name) ORDER BY p.key), '[]')
     FROM article_products ap JOIN products p ON p.id = ap.product_id WHERE ap.article_id = a.id) AS products,
  ${publishedLocales()} AS alternates`;

/**
 * Head drafts for draft preview, and nothing else: the delivery API reaches these queries only through
 * PreviewService, after a valid preview token. Never cached.
 */
@Injectable()
export class DraftArticlesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** By a current or earlier slug of the locale. */
  async findDraftBySlug(locale: string, slug: string): Promise<PublishedArticle | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${DRAFT_COLUMNS}
       FROM article_slugs s
       JOIN article_locales l ON l.article_id = s.article_id AND l.locale = s.locale
       JOIN articles a ON a.id = l.article_id
       JOIN article_revisions r ON r.article_id = l.article_id AND r.locale = l.locale AND r.number = l.head_revision_number
       WHERE s.locale = $1 AND s.slug = $2 AND ${PREVIEWABLE}`,
      [locale, slug],
    );
    return rows[0] ? toPublishedArticle(rows[0]) : null;
  }

  async findDraft(articleId: string, locale: string): Promise<PublishedArticle | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT ${DRAFT_COLUMNS}
       FROM article_locales l
       JOIN articles a ON a.id = l.article_id
       JOIN article_revisions r ON r.article_id = l.article_id AND r.locale = l.locale AND r.number = l.head_revision_number
       WHERE l.article_id = $1 AND l.locale = $2 AND ${PREVIEWABLE}`,
      [articleId, locale],
    );
    return rows[0] ? toPublishedArticle(rows[0]) : null;
  }
}
