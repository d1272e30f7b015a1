import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export interface PublishedCategory {
  id: string;
  parentId: string | null;
  position: number;
  slug: string;
  name: string;
  description: string;
  /** The locale the name is in (the asked one, else a fallback). */
  locale: string;
}

export interface PublishedArticle {
  id: string;
  locale: string;
  slug: string;
  revisionId: string;
  revisionNumber: number;
  title: string;
  bodyMarkdown: string;
  bodyHtml: string;
  excerpt: string;
  seoTitle: string | null;
  seoDescription: string | null;
  publishedAt: Date;
  firstPublishedAt: Date;
  categoryId: string;
  tags: string[];
  products: { id: string; key: string; name: string }[];
  alternates: { locale: string; slug: string }[];
}

export interface PublishedSummary {
  /** Full-precision publish time, for keyset cursors (JavaScript dates keep only milliseconds). */
  cursorKey?: string;
  id: string;
  locale: string;
  slug: string;
  title: string;
  excerpt: string;
  categoryId: string;
  publishedAt: Date;
}

export interface PublishedListFilter {
  locale: string;
  categoryIds?: string[] | null;
  productKey?: string | null;
  tag?: string | null;
}

export interface SitemapEntry {
  locale: string;
  slug: string;
  lastModified: Date;
  alternates: { locale: string; slug: string }[];
}

/** The only queries behind the delivery API: published, non-internal, non-archived content, by construction. */
const VISIBLE = `l.status = 'published' AND l.published_revision_id IS NOT NULL AND NOT a.is_internal`;

const ARTICLE_COLUMNS = `a.id, l.locale, l.slug, r.id AS revision_id, r.number, r.title, r.body_markdown, r.body_html, r.excerpt,
  r.seo_title, r.seo_description, l.published_at, l.first_published_at, a.category_id, a.tags,
  (SELECT coalesce(json_agg(json_build_object('id', p.id, 'key', p.key, 'name', p.name) ORDER BY p.key), '[]')
     FROM article_products ap JOIN products p ON p.id = ap.product_id WHERE ap.article_id = a.id) AS products,
  (SELECT coalesce(json_agg(json_build_object('locale', o.locale, 'slug', o.slug) ORDER BY o.locale), '[]')
     FROM article_locales o WHERE o.article_id = a.id AND o.status = 'published' AND o.published_revision_id IS NOT NULL) AS alternates`;

@Injectable()
export class PublishedArticlesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The hot delivery queries run as named prepared statements on the pool TypeORM manages: PostgreSQL parses
   * them once per connection and can reuse their plan (planning cost more than executing them).
   */
  private async prepared<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    const pool = (this.dataSource.driver as PostgresDriver).master as { query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: T[] }> };
    return (await pool.query({ name, text, values })).rows;
  }

  /** A published article by a current or earlier slug, in one query; `slug` is its current slug. */
  async findPublishedBySlug(locale: string, slug: string): Promise<PublishedArticle | null> {
    const rows = await this.prepared<Record<string, unknown>>(
      'delivery_article_by_slug',
      `SELECT ${ARTICLE_COLUMNS}
       FROM article_slugs s
       JOIN article_locales l ON l.article_id = s.article_id AND l.locale = s.locale
       JOIN articles a ON a.id = l.article_id
       JOIN article_revisions r ON r.id = l.published_revision_id
       WHERE s.locale = $1 AND s.slug = $2 AND ${VISIBLE}`,
      [locale, slug],
    );
    return rows[0] ? toPublishedArticle(rows[0]) : null;
  }

  async findPublished(articleId: string, locale: string): Promise<PublishedArticle | null> {
    const rows = await this.prepared<Record<string, unknown>>(
      'delivery_article_by_id',
      `SELECT ${ARTICLE_COLUMNS}
       FROM article_locales l
       JOIN articles a ON a.id = l.article_id
       JOIN article_revisions r ON r.id = l.published_revision_id
       WHERE l.article_id = $1 AND l.locale = $2 AND ${VISIBLE}`,
      [articleId, locale],
    );
    return rows[0] ? toPublishedArticle(rows[0]) : null;
  }

  /** Newest first; keyset on (published_at, id). */
  async list(filter: PublishedListFilter, page: { first: number; after: [string, string] | null }, withTotal = true): Promise<{ rows: PublishedSummary[]; total: number }> {
    const params: unknown[] = [filter.locale, filter.categoryIds ?? null, filter.productKey ?? null, filter.tag ?? null];
    const where = `l.locale = $1 AND ${VISIBLE}
      AND ($2::uuid[] IS NULL OR a.category_id = ANY($2))
      AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM article_products ap JOIN products p ON p.id = ap.product_id WHERE ap.article_id = a.id AND p.key = $3))
      AND ($4::text IS NULL OR a.tags @> ARRAY[$4::text])`;
    const [{ count }] = withTotal
      ? await this.dataSource.query(`SELECT count(*)::int AS count FROM article_locales l JOIN articles a ON a.id = l.article_id WHERE ${where}`, params)
      : [{ count: 0 }];
    let keyset = '';
    if (page.after) {
      params.push(page.after[0], page.after[1]);
      keyset = 'AND (l.published_at, l.article_id) < ($5::timestamptz, $6::uuid)';
    }
    // Walks article_locales_published_idx newest first and stops after one page.
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT l.article_id, l.locale, l.slug, r.title, r.excerpt, a.category_id, l.published_at,
              to_char(l.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS published_key
       FROM article_locales l
       JOIN articles a ON a.id = l.article_id
       JOIN article_revisions r ON r.id = l.published_revision_id
       WHERE ${where} ${keyset}
       ORDER BY l.published_at DESC, l.article_id DESC
       LIMIT ${page.first + 1}`,
      params,
    );
    return {
      total: count,
      rows: rows.map((row) => ({
        id: row.article_id as string,
        locale: row.locale as string,
        slug: row.slug as string,
        title: row.title as string,
        excerpt: row.excerpt as string,
        categoryId: row.category_id as string,
        publishedAt: row.published_at as Date,
        cursorKey: row.published_key as string,
      })),
    };
  }

  /** Articles sharing the category, products or tags, best overlap first. */
  async related(article: PublishedArticle, limit: number): Promise<PublishedSummary[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT l.article_id, l.locale, l.slug, r.title, r.excerpt, a.category_id, l.published_at,
              (CASE WHEN a.category_id = $3 THEN 2 ELSE 0 END)
              + 3 * (SELECT count(*) FROM article_products ap WHERE ap.article_id = a.id AND ap.product_id = ANY($4::uuid[]))
              + cardinality(ARRAY(SELECT unnest(a.tags) INTERSECT SELECT unnest($5::text[]))) AS score
       FROM article_locales l
       JOIN articles a ON a.id = l.article_id
       JOIN article_revisions r ON r.id = l.published_revision_id
       WHERE l.locale = $1 AND ${VISIBLE} AND a.id <> $2
         AND (a.category_id = $3 OR a.tags && $5::text[]
              OR EXISTS (SELECT 1 FROM article_products ap WHERE ap.article_id = a.id AND ap.product_id = ANY($4::uuid[])))
       ORDER BY score DESC, l.published_at DESC, l.article_id
       LIMIT $6`,
      [article.locale, article.id, article.categoryId, article.products.map((p) => p.id), article.tags, limit],
    );
    return rows.map((row) => ({
      id: row.article_id as string,
      locale: row.locale as string,
      slug: row.slug as string,
      title: row.title as string,
      excerpt: row.excerpt as string,
      categoryId: row.category_id as string,
      publishedAt: row.published_at as Date,
    }));
  }

  /** Every category with its name in `locale` (else `fallback`, else any). */
  async categories(locale: string, fallback: string | null): Promise<PublishedCategory[]> {
    const rows = await this.prepared<Record<string, unknown>>(
      'delivery_categories',
      `SELECT c.id, c.parent_id, c.position, t.slug, t.name, t.description, t.locale
       FROM categories c
       JOIN LATERAL (
         SELECT * FROM category_translations ct WHERE ct.category_id = c.id
         ORDER BY (ct.locale = $1) DESC, (ct.locale = $2::text) DESC, ct.locale LIMIT 1) t ON true
       ORDER BY c.parent_id NULLS FIRST, c.position`,
      [locale, fallback],
    );
    return rows.map((row) => ({
      id: row.id as string,
      parentId: row.parent_id as string | null,
      position: row.position as number,
      slug: row.slug as string,
      name: row.name as string,
      description: row.description as string,
      locale: row.locale as string,
    }));
  }

  /** Published articles per category in a locale (a scan of the locale: cache it). */
  async countsByCategory(locale: string): Promise<Map<string, number>> {
    const counts = await this.prepared<{ category_id: string; count: number }>(
      'delivery_category_counts',
      `SELECT a.category_id, count(*)::int AS count FROM article_locales l JOIN articles a ON a.id = l.article_id
       WHERE l.locale = $1 AND ${VISIBLE} GROUP BY a.category_id`,
      [locale],
    );
    return new Map(counts.map((c) => [c.category_id, c.count]));
  }

  /** Published URLs of a locale (or all), keyset on (locale, slug). */
  async sitemap(locale: string | null, page: { first: number; after: [string, string] | null }): Promise<{ rows: SitemapEntry[]; total: number }> {
    const params: unknown[] = [locale];
    const where = `($1::text IS NULL OR l.locale = $1) AND ${VISIBLE}`;
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM article_locales l JOIN articles a ON a.id = l.article_id WHERE ${where}`, params);
    let keyset = '';
    if (page.after) {
      params.push(page.after[0], page.after[1]);
      keyset = 'AND (l.locale, l.slug) > ($2, $3)';
    }
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT l.locale, l.slug, l.published_at AS last_modified,
              (SELECT coalesce(json_agg(json_build_object('locale', o.locale, 'slug', o.slug) ORDER BY o.locale), '[]')
                 FROM article_locales o WHERE o.article_id = a.id AND o.status = 'published' AND o.published_revision_id IS NOT NULL) AS alternates
       FROM article_locales l JOIN articles a ON a.id = l.article_id
       WHERE ${where} ${keyset}
       ORDER BY l.locale, l.slug
       LIMIT ${page.first + 1}`,
      params,
    );
    return {
      total: count,
      rows: rows.map((row) => ({
        locale: row.locale as string,
        slug: row.slug as string,
        lastModified: row.last_modified as Date,
        alternates: row.alternates as SitemapEntry['alternates'],
      })),
    };
  }
}

function toPublishedArticle(row: Record<string, unknown>): PublishedArticle {
  return {
    id: row.id as string,
    locale: row.locale as string,
    slug: row.slug as string,
    revisionId: row.revision_id as string,
    revisionNumber: row.number as number,
    title: row.title as string,
    bodyMarkdown: row.body_markdown as string,
    bodyHtml: row.body_html as string,
    excerpt: row.excerpt as string,
    seoTitle: row.seo_title as string | null,
    seoDescription: row.seo_description as string | null,
    publishedAt: row.published_at as Date,
    firstPublishedAt: row.first_published_at as Date,
    categoryId: row.category_id as string,
    tags: row.tags as string[],
    products: row.products as PublishedArticle['products'],
    alternates: row.alternates as PublishedArticle['alternates'],
  };
}
