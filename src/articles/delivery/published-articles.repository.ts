import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Pool, QueryResultRow } from 'pg';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import type { OutlineHeading } from '../content/article-outline';
import { queryKnownShape } from '../../common/sql/known-shape-query';
import { keepRows, plannedLimit, plannedListSize } from '../../common/sql/planned-limit';

export interface PublishedCategory {
  id: string;
  parentId: string | null;
  position: number;
  slug: string;
  name: string;
  description: string;
  /** The locale the name is in (the asked one, else a fallback). */
  locale: string;
  seoTitle: string | null;
  seoDescription: string | null;
  ogImageUrl: string | null;
  /** The category's robots setting (null: the default). */
  robots: string | null;
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
  ogImageUrl: string | null;
  /** The article's robots setting (null: the default); internal articles never get here. */
  robots: string | null;
  outline: OutlineHeading[];
  readingTimeMinutes: number;
  /** Display name of the published revision's author; null when it has none. */
  authorName: string | null;
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
  /** Display name of the published revision's author; null when it has none. */
  authorName: string | null;
  publishedAt: Date;
}

export interface PublishedListFilter {
  locale: string;
  categoryIds?: string[] | null;
  productKey?: string | null;
  tag?: string | null;
}

/** A keyset page of `list`: forwards after the cursor, or (`backward`) just before it. */
export interface ListPage {
  first: number;
  after: [string, string] | null;
  backward?: boolean;
  /** False when nobody reads `authorName` (then it is null and users are not joined). Default true. */
  withAuthor?: boolean;
}

export interface SitemapEntry {
  locale: string;
  slug: string;
  lastModified: Date;
  alternates: { locale: string; slug: string }[];
}

/**
 * The only queries behind the delivery API: published, non-internal, non-archived content, by construction.
 * `l.is_internal` is the article's flag copied onto its locale rows by a trigger (migration
 * DeliveryCategoryListing), as is `l.category_id`; `category_published_counts` counts exactly these rows.
 */
const VISIBLE = `l.status = 'published' AND l.published_revision_id IS NOT NULL AND NOT l.is_internal`;
/** What sitemaps list of the visible rows: not the articles whose robots directive says noindex (`a`: the article). */
const INDEXABLE = `(a.robots IS NULL OR a.robots NOT LIKE 'noindex%')`;

/**
 * The published locales of an article (its alternates; `a.id` unless told), as `locale slug` texts in locale order: a text array costs
 * PostgreSQL and the driver less than the same pairs built and parsed as JSON. Read with toAlternates.
 */
export const publishedLocales = (articleId = 'a.id'): string => `ARRAY(SELECT o.locale || ' ' || o.slug FROM article_locales o
     WHERE o.article_id = ${articleId} AND o.status = 'published' AND o.published_revision_id IS NOT NULL ORDER BY o.locale)`;

/** publishedLocales as pairs (a locale holds no space, so the first one ends it). */
export function toAlternates(values: readonly string[]): { locale: string; slug: string }[] {
  return values.map((value) => {
    const space = value.indexOf(' ');
    return { locale: value.slice(0, space), slug: value.slice(space + 1) };
  });
}

/**
 * A list item, from the locale row alone: title, excerpt and author are the published revision's, copied onto
 * the row by a trigger (migration DeliveryListingCopies). `published_at` once, as text with microseconds (the
 * keyset cursor needs them; the Date is made from it). The author's name needs the users join (`u`), made only
 * when a query selects it.
 */
const summaryColumns = (withAuthor: boolean): string => `l.article_id, l.locale, l.slug, l.published_title AS title, l.published_excerpt AS excerpt, l.category_id,
  ${withAuthor ? 'u.display_name' : 'NULL::text'} AS author_name, to_char(l.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS published_key`;

/**
 * Columns of an article that feed only some fields: with the caches off, a query that does not select those fields
 * gets a statement without them (the Markdown source is as long as the HTML, products and the author need joins,
 * the outline is parsed JSON). Everything else, the cached path included, reads all of them.
 */
export interface ArticleParts {
  /** `bodyMarkdown` */
  markdown: boolean;
  /** `products` */
  products: boolean;
  /** `headings` */
  outline: boolean;
  /** `authorName` */
  author: boolean;
  /** `tags`, `seo.robots`, `jsonLd`: the only columns read from the `articles` row (the rest is on the locale row) */
  labels: boolean;
}

export const ALL_ARTICLE_PARTS: Readonly<ArticleParts> = Object.freeze({ markdown: true, products: true, outline: true, author: true, labels: true });

export const hasEveryPart = (parts: ArticleParts): boolean => parts.markdown && parts.products && parts.outline && parts.author && parts.labels;

const articleColumns = (parts: ArticleParts): string => `l.article_id AS id, l.locale, l.slug, r.id AS revision_id, r.number, r.title,
  ${parts.markdown ? 'r.body_markdown' : "''::text AS body_markdown"}, r.body_html, r.excerpt,
  r.seo_title, r.seo_description, r.og_image_url, ${parts.outline ? 'r.outline' : 'NULL::jsonb AS outline'}, r.reading_time_minutes,
  ${parts.labels ? 'a.robots, a.tags' : 'NULL::text AS robots, NULL::text[] AS tags'},
  ${parts.author ? 'u.display_name' : 'NULL::text'} AS author_name, l.published_at, l.first_published_at, l.category_id,
  ${
    parts.products
      ? `(SELECT coalesce(json_agg(json_build_object('id', p.id, 'key', p.key, 'name', p.name) ORDER BY p.key), '[]')
     FROM article_products ap JOIN products p ON p.id = ap.product_id WHERE ap.article_id = l.article_id)`
      : 'NULL::json'
  } AS products,
  ${publishedLocales('l.article_id')} AS alternates`;

const authorJoin = (parts: ArticleParts): string => (parts.author ? 'LEFT JOIN users u ON u.id = r.author_id' : '');

/** The article's category is copied onto its locale rows (article_locales_copy_article); labels live on `articles` alone. */
const labelsJoin = (parts: ArticleParts): string => (parts.labels ? 'JOIN articles a ON a.id = l.article_id' : '');

/** `delivery_article_by_slug` for every part, else a suffix naming the parts left out (at most 32 statements). */
function articleStatementName(base: string, parts: ArticleParts): string {
  const left =
    (parts.markdown ? '' : 'm') + (parts.products ? '' : 'p') + (parts.outline ? '' : 'o') + (parts.author ? '' : 'a') + (parts.labels ? '' : 'l');
  return left ? `${base}_no_${left}` : base;
}

@Injectable()
export class PublishedArticlesRepository {
  /** List statement texts by statement name (a few dozen combinations of filters at most). */
  private readonly listStatements = new Map<string, string>();
  /** Article statement texts by statement name (one per combination of ArticleParts). */
  private readonly articleStatements = new Map<string, string>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The hot delivery queries run as named prepared statements on the pool TypeORM manages: PostgreSQL parses
   * them once per connection and can reuse their plan (planning cost more than executing them), and describes
   * their result once per connection (`queryKnownShape`). The socket is corked while the driver writes
   * Bind/Execute/Sync, so each query costs one write instead of three.
   */
  private async prepared<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      const stream = (client as unknown as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection?.stream;
      stream?.cork?.();
      const pending = queryKnownShape<T & QueryResultRow>(client, name, text, values);
      stream?.uncork?.();
      return await pending;
    } catch (error) {
      // A failed query leaves the connection usable; a lost one must not go back to the pool.
      if (!(error instanceof Error && 'code' in error)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * A published article by a current or earlier slug, in one query; `slug` is its current slug. Fields whose
   * `parts` are left out read as empty (`''`, `[]`, null): only for callers that do not show them.
   */
  async findPublishedBySlug(locale: string, slug: string, parts: ArticleParts = ALL_ARTICLE_PARTS): Promise<PublishedArticle | null> {
    const name = articleStatementName('delivery_article_by_slug', parts);
    const rows = await this.prepared<Record<string, unknown>>(
      name,
      this.articleStatement(
        name,
        () => `SELECT ${articleColumns(parts)}
       FROM article_slugs s
       JOIN article_locales l ON l.article_id = s.article_id AND l.locale = s.locale
       ${labelsJoin(parts)}
       JOIN article_revisions r ON r.id = l.published_revision_id
       ${authorJoin(parts)}
       WHERE s.locale = $1 AND s.slug = $2 AND ${VISIBLE}`,
      ),
      [locale, slug],
    );
    return rows[0] ? toPublishedArticle(rows[0]) : null;
  }

  /** As findPublishedBySlug, by id. */
  async findPublished(articleId: string, locale: string, parts: ArticleParts = ALL_ARTICLE_PARTS): Promise<PublishedArticle | null> {
    const name = articleStatementName('delivery_article_by_id', parts);
    const rows = await this.prepared<Record<string, unknown>>(
      name,
      this.articleStatement(
        name,
        () => `SELECT ${articleColumns(parts)}
       FROM article_locales l
       ${labelsJoin(parts)}
       JOIN article_revisions r ON r.id = l.published_revision_id
       ${authorJoin(parts)}
       WHERE l.article_id = $1 AND l.locale = $2 AND ${VISIBLE}`,
      ),
      [articleId, locale],
    );
    return rows[0] ? toPublishedArticle(rows[0]) : null;
  }

  private articleStatement(name: string, build: () => string): string {
    let text = this.articleStatements.get(name);
    if (text === undefined) this.articleStatements.set(name, (text = build()));
    return text;
  }

  /**
   * Newest first; keyset on (published_at, article_id); `first + 1` rows (the extra one tells whether a next
   * page exists). Backwards (`backward`, the cursor in `after` being a `before`): the `first + 1` rows just
   * newer than the cursor, found by walking the same indexes the other way, returned newest first (the extra
   * one, the newest, tells whether a previous page exists). With categories, each category's newest rows come from article_locales_category_published_idx
   * (one index walk per category that stops after a page) and are merged; otherwise from
   * article_locales_published_idx. One named statement per combination of filters.
   */
  async list(filter: PublishedListFilter, page: ListPage): Promise<PublishedSummary[]> {
    return (await this.listPage(filter, page, false)).rows;
  }

  /**
   * A page and, when `withTotal`, how many rows `list` pages through. Without a product or tag filter the
   * total comes from the maintained per-category counts in the same statement (one round trip: the page is
   * LEFT JOINed to the one-row total, so an empty page still carries it); otherwise a second count statement.
   */
  async listPage(
    filter: PublishedListFilter,
    page: ListPage,
    withTotal: boolean,
  ): Promise<{ rows: PublishedSummary[]; total: number }> {
    const params: unknown[] = [filter.locale];
    const conditions = [`l.locale = $1`, VISIBLE];
    // Literal sizes (planned-limit.ts): the statement keeps one plan instead of being planned on every request.
    const limit = plannedLimit(page.first + 1);
    let name = `delivery_list_l${limit}`;
    const categoryIds = filter.categoryIds ?? [];
    const hasCategories = categoryIds.length > 0;
    let categoryRows = '';
    let categoryTotal = '';
    if (hasCategories) {
      const listSize = plannedListSize(categoryIds.length);
      if (listSize === null) {
        params.push(categoryIds);
        categoryRows = `unnest($${params.length}::uuid[]) AS c(id)`;
        categoryTotal = `category_id = ANY($${params.length}::uuid[])`;
        name += '_c';
      } else {
        const placeholders: string[] = [];
        for (let i = 0; i < listSize; i += 1) placeholders.push(`$${params.push(categoryIds[i] ?? null)}::uuid`);
        categoryRows = `(VALUES (${placeholders.join('), (')})) AS c(id)`;
        categoryTotal = `category_id IN (${placeholders.join(', ')})`;
        name += `_c${listSize}`;
      }
      conditions.push(`l.category_id = c.id`);
    }
    if (filter.productKey) {
      params.push(filter.productKey);
      conditions.push(`EXISTS (SELECT 1 FROM article_products ap JOIN products p ON p.id = ap.product_id WHERE ap.article_id = l.article_id AND p.key = $${params.length})`);
      name += '_p';
    }
    if (filter.tag) {
      params.push(filter.tag);
      conditions.push(`EXISTS (SELECT 1 FROM articles a WHERE a.id = l.article_id AND a.tags @> ARRAY[$${params.length}::text])`);
      name += '_t';
    }
    const backward = page.backward === true;
    if (page.after) {
      params.push(page.after[0], page.after[1]);
      conditions.push(`(l.published_at, l.article_id) ${backward ? '>' : '<'} ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
      name += backward ? '_b' : '_k';
    } else if (backward) {
      name += '_z';
    }
    const withAuthor = page.withAuthor !== false;
    if (!withAuthor) name += '_na';
    const totalInline = withTotal && !filter.productKey && !filter.tag;
    if (totalInline) name += '_n';
    // The statement text follows from the name (which encodes every choice above): built once per process.
    let text = this.listStatements.get(name);
    if (text === undefined) {
      const walk = backward ? 'ASC' : 'DESC';
      const newest = `SELECT l.article_id, l.locale, l.slug, l.category_id, l.published_at, l.published_title, l.published_excerpt, l.published_author_id
         FROM article_locales l WHERE ${conditions.join(' AND ')}
         ORDER BY l.published_at ${walk}, l.article_id ${walk} LIMIT ${limit}`;
      const authorJoin = withAuthor ? 'LEFT JOIN users u ON u.id = l.published_author_id' : '';
      const pageQuery = hasCategories
        ? `SELECT ${summaryColumns(withAuthor)}
           FROM (SELECT l.* FROM ${categoryRows} CROSS JOIN LATERAL (${newest}) l
                 ORDER BY l.published_at ${walk}, l.article_id ${walk} LIMIT ${limit}) l
           ${authorJoin}
           ORDER BY l.published_at DESC, l.article_id DESC`
        : `SELECT ${summaryColumns(withAuthor)} FROM (${newest}) l
           ${authorJoin}
           ORDER BY l.published_at DESC, l.article_id DESC`;
      // published_key is fixed-width ISO text, so its byte order is time order.
      text = totalInline
        ? `SELECT t.total, p.* FROM
            (SELECT coalesce(sum(count), 0)::int AS total FROM category_published_counts
              WHERE locale = $1${hasCategories ? ` AND ${categoryTotal}` : ''}) t
            LEFT JOIN LATERAL (${pageQuery}) p ON true
          ORDER BY p.published_key COLLATE "C" DESC, p.article_id DESC`
        : pageQuery;
      this.listStatements.set(name, text);
    }
    // `first + 1` rows, as documented, out of the rung's: the newest ones forwards, the oldest ones backwards.
    const wanted = (rows: Record<string, unknown>[]): PublishedSummary[] => keepRows(rows, page.first + 1, backward).map(toSummary);
    if (!totalInline) {
      const [rows, total] = await Promise.all([this.prepared<Record<string, unknown>>(name, text, params), withTotal ? this.count(filter) : 0]);
      return { rows: wanted(rows), total };
    }
    const rows = await this.prepared<Record<string, unknown>>(name, text, params);
    return { rows: rows[0].article_id === null ? [] : wanted(rows), total: rows[0].total as number };
  }

  /**
   * How many rows `list` pages through: from the maintained per-category counts unless a product or tag
   * narrows the list (then a count over the matching rows).
   */
  async count(filter: PublishedListFilter): Promise<number> {
    if (!filter.productKey && !filter.tag) {
      const [{ count }] = await this.prepared<{ count: number }>(
        'delivery_list_count',
        `SELECT coalesce(sum(count), 0)::int AS count FROM category_published_counts WHERE locale = $1 AND ($2::uuid[] IS NULL OR category_id = ANY($2))`,
        [filter.locale, filter.categoryIds?.length ? filter.categoryIds : null],
      );
      return count;
    }
    const [{ count }] = await this.prepared<{ count: number }>(
      'delivery_list_count_filtered',
      `SELECT count(*)::int AS count FROM article_locales l
       WHERE l.locale = $1 AND ${VISIBLE}
         AND ($2::uuid[] IS NULL OR l.category_id = ANY($2))
         AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM article_products ap JOIN products p ON p.id = ap.product_id WHERE ap.article_id = l.article_id AND p.key = $3))
         AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM articles a WHERE a.id = l.article_id AND a.tags @> ARRAY[$4::text]))`,
      [filter.locale, filter.categoryIds?.length ? filter.categoryIds : null, filter.productKey ?? null, filter.tag ?? null],
    );
    return count;
  }

  /** Articles sharing the category, products or tags, best overlap first. */
  async related(article: PublishedArticle, limit: number): Promise<PublishedSummary[]> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT l.article_id, l.locale, l.slug, r.title, r.excerpt, a.category_id, u.display_name AS author_name, l.published_at,
              (CASE WHEN a.category_id = $3 THEN 2 ELSE 0 END)
              + 3 * (SELECT count(*) FROM article_products ap WHERE ap.article_id = a.id AND ap.product_id = ANY($4::uuid[]))
              + cardinality(ARRAY(SELECT unnest(a.tags) INTERSECT SELECT unnest($5::text[]))) AS score
       FROM article_locales l
       JOIN articles a ON a.id = l.article_id
       JOIN article_revisions r ON r.id = l.published_revision_id
       LEFT JOIN users u ON u.id = r.author_id
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
      authorName: row.author_name as string | null,
      publishedAt: row.published_at as Date,
    }));
  }

  /** Every category with its name in `locale` (else `fallback`, else any). */
  async categories(locale: string, fallback: string | null): Promise<PublishedCategory[]> {
    const rows = await this.prepared<Record<string, unknown>>(
      'delivery_categories',
      `SELECT c.id, c.parent_id, c.position, c.robots, t.slug, t.name, t.description, t.locale, t.seo_title, t.seo_description, t.og_image_url
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
      seoTitle: row.seo_title as string | null,
      seoDescription: row.seo_description as string | null,
      ogImageUrl: row.og_image_url as string | null,
      robots: row.robots as string | null,
    }));
  }

  /** Published articles per category in a locale (maintained by a trigger: a read of a few rows). */
  async countsByCategory(locale: string): Promise<Map<string, number>> {
    const counts = await this.prepared<{ category_id: string; count: number }>(
      'delivery_category_counts',
      `SELECT category_id, count FROM category_published_counts WHERE locale = $1 AND count > 0`,
      [locale],
    );
    return new Map(counts.map((c) => [c.category_id, c.count]));
  }

  /**
   * Published URLs of a locale (or all), keyset on (locale, slug), `first + 1` rows in (locale, slug) order.
   * Backwards (`before` in `after`): the `first + 1` rows just before the cursor. Articles whose robots directive
   * says noindex are left out (their pages ask search engines not to index them); the total is the maintained
   * per-category counts less those (found through the partial index `articles_noindex_idx`).
   */
  async sitemap(
    locale: string | null,
    page: { first: number; after: [string, string] | null; backward?: boolean },
    withTotal = true,
  ): Promise<{ rows: SitemapEntry[]; total: number }> {
    const params: unknown[] = [locale];
    const where = `($1::text IS NULL OR l.locale = $1) AND ${VISIBLE} AND ${INDEXABLE}`;
    const [{ count }] = withTotal
      ? await this.prepared<{ count: number }>(
          'delivery_sitemap_count',
          `SELECT ((SELECT coalesce(sum(count), 0) FROM category_published_counts WHERE $1::text IS NULL OR locale = $1)
                 - (SELECT count(*) FROM articles a JOIN article_locales l ON l.article_id = a.id
                    WHERE a.robots LIKE 'noindex%' AND ($1::text IS NULL OR l.locale = $1) AND ${VISIBLE}))::int AS count`,
          [locale],
        )
      : [{ count: 0 }];
    let keyset = '';
    const backward = page.backward === true;
    if (page.after) {
      params.push(page.after[0], page.after[1]);
      keyset = `AND (l.locale, l.slug) ${backward ? '<' : '>'} ($2, $3)`;
    }
    const walk = backward ? 'DESC' : 'ASC';
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT l.locale, l.slug, l.published_at AS last_modified,
              ${publishedLocales()} AS alternates
       FROM article_locales l JOIN articles a ON a.id = l.article_id
       WHERE ${where} ${keyset}
       ORDER BY l.locale ${walk}, l.slug ${walk}
       LIMIT ${page.first + 1}`,
      params,
    );
    if (backward) rows.reverse();
    return {
      total: count,
      rows: rows.map((row) => ({
        locale: row.locale as string,
        slug: row.slug as string,
        lastModified: row.last_modified as Date,
        alternates: toAlternates(row.alternates as string[]),
      })),
    };
  }
}

export function toPublishedArticle(row: Record<string, unknown>): PublishedArticle {
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
    ogImageUrl: row.og_image_url as string | null,
    robots: row.robots as string | null,
    outline: (row.outline as OutlineHeading[] | null) ?? [],
    readingTimeMinutes: row.reading_time_minutes as number,
    authorName: row.author_name as string | null,
    publishedAt: row.published_at as Date,
    firstPublishedAt: row.first_published_at as Date,
    categoryId: row.category_id as string,
    tags: (row.tags as string[] | null) ?? [],
    products: (row.products as PublishedArticle['products'] | null) ?? [],
    alternates: toAlternates(row.alternates as string[]),
  };
}

function toSummary(row: Record<string, unknown>): PublishedSummary {
  return {
    id: row.article_id as string,
    locale: row.locale as string,
    slug: row.slug as string,
    title: row.title as string,
    excerpt: row.excerpt as string,
    categoryId: row.category_id as string,
    authorName: row.author_name as string | null,
    // An ISO date-time with microseconds: Date keeps milliseconds, as the driver's own parsing would.
    publishedAt: new Date(row.published_key as string),
    cursorKey: row.published_key as string,
  };
}
