import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SearchDocument, SearchDocumentRef } from '../../search/search-engine';

/**
 * Whether an article locale is public (`a`: articles, `l`: article_locales): published with a published revision,
 * the article neither internal nor deleted. The one definition: documents are built with it and public search
 * hits are checked with it when read (SearchVisibility).
 */
export const PUBLIC_ARTICLE_LOCALE_SQL = `(a.deleted_at IS NULL AND NOT a.is_internal AND l.status = 'published' AND l.published_revision_id IS NOT NULL)`;

interface ArticleRow {
  id: string;
  category_id: string;
  is_internal: boolean;
  tags: string[];
  locale: string;
  status: string;
  slug: string;
  published_revision_id: string | null;
  is_public: boolean;
  updated_at: Date;
  published_at: Date | null;
  title: string;
  headings: string[];
  body_text: string;
  product_keys: string[] | null;
}

/**
 * Search documents of articles, built from the database as it is now: one per article and locale. A
 * published, non-internal locale is public and shows its published revision; anything else is staff-only
 * and shows its latest revision. A deleted article has no documents (it is reported missing, so removed).
 */
@Injectable()
export class ArticleDocuments {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async build(articleIds: string[], version: number, manager: EntityManager = this.dataSource.manager): Promise<{ documents: SearchDocument[]; missing: string[] }> {
    if (articleIds.length === 0) return { documents: [], missing: [] };
    const rows: ArticleRow[] = await manager.query(
      `SELECT a.id, a.category_id, a.is_internal, a.tags, l.locale, l.status::text AS status, l.slug, l.published_revision_id, ${PUBLIC_ARTICLE_LOCALE_SQL} AS is_public,
              greatest(a.updated_at, l.updated_at) AS updated_at, l.published_at, r.title, r.headings, r.body_text,
              (SELECT array_agg(p.key ORDER BY p.key) FROM article_products ap JOIN products p ON p.id = ap.product_id WHERE ap.article_id = a.id) AS product_keys
       FROM articles a
       JOIN article_locales l ON l.article_id = a.id
       JOIN article_revisions r ON r.article_id = l.article_id AND r.locale = l.locale
         AND r.id = COALESCE(l.published_revision_id, (SELECT h.id FROM article_revisions h WHERE h.article_id = l.article_id AND h.locale = l.locale AND h.number = l.head_revision_number))
       WHERE a.id = ANY($1::uuid[]) AND a.deleted_at IS NULL`,
      [articleIds],
    );
    const ancestors = await this.categoryAncestors(manager);
    const documents = rows.map((row): SearchDocument => {
      const isPublic = row.is_public;
      return {
        kind: 'article',
        id: row.id,
        locale: row.locale,
        version,
        visibility: isPublic ? 'public' : 'staff',
        status: row.status,
        title: row.title,
        headings: row.headings,
        body: row.body_text,
        slug: row.slug,
        categoryIds: ancestors.get(row.category_id) ?? [row.category_id],
        productKeys: row.product_keys ?? [],
        tags: row.tags,
        solved: null,
        updatedAt: row.updated_at,
        publishedAt: isPublic ? row.published_at : null,
      };
    });
    const found = new Set(rows.map((row) => row.id));
    return { documents, missing: articleIds.filter((id) => !found.has(id)) };
  }

  /** Every article locale's document ref (for drift checks). */
  async refs(after: string | null, limit: number): Promise<{ refs: (SearchDocumentRef & { updatedAt: Date })[]; next: string | null }> {
    const rows: { article_id: string; locale: string; key: string }[] = await this.dataSource.query(
      `SELECT l.article_id, l.locale, l.article_id::text || ':' || l.locale AS key FROM article_locales l
       JOIN articles a ON a.id = l.article_id AND a.deleted_at IS NULL
       WHERE ($1::text IS NULL OR l.article_id::text || ':' || l.locale > $1) ORDER BY key LIMIT $2`,
      [after, limit],
    );
    return {
      refs: rows.map((row) => ({ kind: 'article', id: row.article_id, locale: row.locale, updatedAt: new Date(0) })),
      next: rows.length === limit ? rows[rows.length - 1].key : null,
    };
  }

  /** category id → itself and every ancestor. */
  private async categoryAncestors(manager: EntityManager): Promise<Map<string, string[]>> {
    const categories: { id: string; parent_id: string | null }[] = await manager.query('SELECT id, parent_id FROM categories');
    const parentOf = new Map(categories.map((c) => [c.id, c.parent_id]));
    const result = new Map<string, string[]>();
    for (const { id } of categories) {
      const chain: string[] = [];
      for (let current: string | null | undefined = id; current && !chain.includes(current); current = parentOf.get(current)) chain.push(current);
      result.set(id, chain);
    }
    return result;
  }
}
