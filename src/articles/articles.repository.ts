import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { Brackets, DataSource, In, SelectQueryBuilder } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { Connection, decodeCursor, decodeTimeIdCursor, encodeCursor, invalidCursorError } from '../common/graphql/connection';
import { CategoriesService } from './categories.service';
import { ArticleLocaleEntity, ArticleStatus } from './entities/article-locale.entity';
import { ArticleRevisionEntity } from './entities/article-revision.entity';
import { ArticleSlugEntity } from './entities/article-slug.entity';
import { ArticleEntity } from './entities/article.entity';

export interface ArticleFilter {
  categoryId?: string | null;
  includeSubcategories?: boolean;
  productId?: string | null;
  tag?: string | null;
  locale?: string | null;
  status?: ArticleStatus | null;
  authorId?: string | null;
  updatedSince?: Date | null;
  isInternal?: boolean | null;
  /** True: only soft-deleted articles; otherwise only live ones. */
  deleted?: boolean | null;
}

export interface LocaleView {
  state: ArticleLocaleEntity;
  head: ArticleRevisionEntity;
  published: ArticleRevisionEntity | null;
  scheduled: ArticleRevisionEntity | null;
  previousSlugs: string[];
  reviewIntervalDays: number;
  nextReviewAt: Date | null;
  /** Translations: the source revision number the latest revision was translated from. */
  translatedFromRevisionNumber: number | null;
  /** Translations: the source locale's current (published, else latest) revision number. */
  sourceRevisionNumber: number | null;
  isOutdated: boolean;
}

export interface ArticleView {
  article: ArticleEntity;
  locales: LocaleView[];
}

export interface ReviewDueFilter {
  locale?: string | null;
  dueBefore: Date;
}

/** One row per locale from `article_review_schedule($1)`: the one definition of the next review date (SQL, in a migration). */
interface ReviewScheduleRow {
  locale_id: string;
  review_interval_days: number;
  next_review_at: Date | null;
}

/** One row per translation from the `article_translation_states` view: the one definition of "outdated". */
interface TranslationStateRow {
  locale_id: string;
  translated_from_revision_number: number | null;
  source_revision_number: number | null;
  is_outdated: boolean;
}

/** Named reads of the admin side; every list loads its page in a fixed number of queries. */
@Injectable()
export class ArticlesRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly categories: CategoriesService,
    private readonly config: AppConfig,
  ) {}

  async list(filter: ArticleFilter, page: { first: number; after?: string | null }): Promise<Connection<ArticleView>> {
    const query = this.dataSource.getRepository(ArticleEntity).createQueryBuilder('a').select(['a.id', 'a.updatedAt']);
    await this.applyFilter(query, filter);
    const total = await query.clone().getCount();
    if (page.after) {
      const [updatedAt, id] = decodeTimeIdCursor(page.after);
      query.andWhere(`(date_trunc('milliseconds', a.updated_at), a.id) < (:updatedAt::timestamptz, :id::uuid)`, { updatedAt, id });
    }
    const rows = await query.orderBy(`date_trunc('milliseconds', a.updated_at)`, 'DESC').addOrderBy('a.id', 'DESC').take(page.first + 1).getMany();
    const pageRows = rows.slice(0, page.first);
    const views = await this.views(pageRows.map((row) => row.id));
    return {
      edges: pageRows.map((row, index) => ({ node: views[index], cursor: encodeCursor([row.updatedAt.toISOString(), row.id]) })),
      pageInfo: { hasNextPage: rows.length > page.first, endCursor: pageRows.length > 0 ? encodeCursor([pageRows.at(-1)!.updatedAt.toISOString(), pageRows.at(-1)!.id]) : null },
      totalCount: total,
    };
  }

  async view(articleId: string): Promise<ArticleView | null> {
    const [view] = await this.views([articleId]);
    return view ?? null;
  }

  /**
   * Full views of several articles, in the order of `ids`, in six queries whatever their number, all read in one
   * snapshot (REPEATABLE READ): read on separate connections, as they once were, they could disagree when an article
   * changed meanwhile (a locale whose head revision or review schedule was not there yet), and the view fell apart.
   */
  async views(ids: string[]): Promise<ArticleView[]> {
    if (ids.length === 0) return [];
    const [articles, states, revisions, schedules, translations, slugs] = await this.dataSource.transaction('REPEATABLE READ', async (manager) => [
      await manager.find(ArticleEntity, { where: { id: In(ids) }, relations: { products: true } }),
      await manager.find(ArticleLocaleEntity, { where: { articleId: In(ids) }, order: { locale: 'ASC' } }),
      await manager
        .createQueryBuilder(ArticleRevisionEntity, 'r')
        .innerJoin(
          ArticleLocaleEntity,
          'l',
          'l.article_id = r.article_id AND l.locale = r.locale AND (r.number = l.head_revision_number OR r.id = l.published_revision_id OR r.id = l.scheduled_revision_id)',
        )
        .where('l.article_id IN (:...ids)', { ids })
        .getMany(),
      (await manager.query(
        'SELECT locale_id, review_interval_days, next_review_at FROM article_review_schedule($1) WHERE article_id = ANY($2::uuid[])',
        [this.config.articles.defaultReviewIntervalDays, ids],
      )) as ReviewScheduleRow[],
      (await manager.query(
        'SELECT locale_id, translated_from_revision_number, source_revision_number, is_outdated FROM article_translation_states WHERE article_id = ANY($1::uuid[])',
        [ids],
      )) as TranslationStateRow[],
      await manager.find(ArticleSlugEntity, { where: { articleId: In(ids) }, order: { createdAt: 'ASC' } }),
    ] as const);

    const revisionById = new Map(revisions.map((r) => [r.id, r]));
    const headOf = (state: ArticleLocaleEntity): ArticleRevisionEntity =>
      revisions.find((r) => r.articleId === state.articleId && r.locale === state.locale && r.number === state.headRevisionNumber)!;
    const scheduleOf = new Map(schedules.map((row) => [row.locale_id, row]));
    const translationOf = new Map(translations.map((row) => [row.locale_id, row]));

    const byId = new Map(
      articles.map((article) => {
        const locales = states
          .filter((s) => s.articleId === article.id)
          .map((state): LocaleView => {
            const schedule = scheduleOf.get(state.id)!;
            const translation = translationOf.get(state.id);
            return {
              state,
              head: headOf(state),
              published: state.publishedRevisionId ? (revisionById.get(state.publishedRevisionId) ?? null) : null,
              scheduled: state.scheduledRevisionId ? (revisionById.get(state.scheduledRevisionId) ?? null) : null,
              previousSlugs: slugs.filter((s) => s.articleId === article.id && s.locale === state.locale && s.slug !== state.slug).map((s) => s.slug),
              reviewIntervalDays: schedule.review_interval_days,
              nextReviewAt: schedule.next_review_at,
              translatedFromRevisionNumber: translation?.translated_from_revision_number ?? null,
              sourceRevisionNumber: translation?.source_revision_number ?? null,
              isOutdated: translation?.is_outdated ?? false,
            };
          });
        return [article.id, { article, locales }];
      }),
    );
    return ids.map((id) => byId.get(id)).filter((view): view is ArticleView => view !== undefined);
  }

  /** Published locales whose next review date has passed (or passes before `dueBefore`), most overdue first. */
  async dueForReview(filter: ReviewDueFilter, page: { first: number; after?: string | null }): Promise<Connection<{ view: ArticleView; locale: string; nextReviewAt: Date }>> {
    const params: unknown[] = [this.config.articles.defaultReviewIntervalDays, filter.dueBefore, filter.locale ?? null];
    let cursorClause = '';
    if (page.after) {
      const [dueAt, id] = decodeTimeIdCursor(page.after);
      params.push(dueAt, id);
      cursorClause = `AND (date_trunc('milliseconds', due.next_review_at), due.locale_id) > ($4::timestamptz, $5::uuid)`;
    }
    const base = `
      WITH due AS (
        SELECT r.locale_id, r.article_id, r.locale, r.next_review_at
        FROM article_review_schedule($1) r
        JOIN articles a ON a.id = r.article_id AND a.deleted_at IS NULL
        WHERE r.status = 'published' AND ($3::text IS NULL OR r.locale = $3))
      SELECT * FROM due WHERE next_review_at <= $2`;
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM (${base}) counted`, params.slice(0, 3));
    const rows: { locale_id: string; article_id: string; locale: string; next_review_at: Date }[] = await this.dataSource.query(
      `${base} ${cursorClause} ORDER BY date_trunc('milliseconds', next_review_at), locale_id LIMIT ${page.first + 1}`,
      params,
    );
    const pageRows = rows.slice(0, page.first);
    const views = await this.views([...new Set(pageRows.map((row) => row.article_id))]);
    const edges = pageRows.map((row) => ({
      node: { view: views.find((v) => v.article.id === row.article_id)!, locale: row.locale, nextReviewAt: row.next_review_at },
      cursor: encodeCursor([row.next_review_at.toISOString(), row.locale_id]),
    }));
    return { edges, pageInfo: { hasNextPage: rows.length > page.first, endCursor: edges.at(-1)?.cursor ?? null }, totalCount: count };
  }

  /** Translations whose source locale has a newer current revision than the one they were translated from. */
  async outdatedTranslations(locale: string | null, page: { first: number; after?: string | null }): Promise<Connection<{ view: ArticleView; locale: string }>> {
    const params: unknown[] = [locale];
    let cursorClause = '';
    if (page.after) {
      const [id] = decodeCursor(page.after, 1);
      if (typeof id !== 'string' || !isUUID(id)) throw invalidCursorError();
      params.push(id);
      cursorClause = 'AND t.id > $2::uuid';
    }
    const base = `
      FROM article_translation_states ts
      JOIN article_locales t ON t.id = ts.locale_id
      JOIN articles a ON a.id = t.article_id AND a.deleted_at IS NULL
      WHERE ts.is_outdated AND t.status <> 'archived' AND ($1::text IS NULL OR t.locale = $1)`;
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count ${base}`, params.slice(0, 1));
    const rows: { id: string; article_id: string; locale: string }[] = await this.dataSource.query(
      `SELECT t.id, t.article_id, t.locale ${base} ${cursorClause} ORDER BY t.id LIMIT ${page.first + 1}`,
      params,
    );
    const pageRows = rows.slice(0, page.first);
    const views = await this.views([...new Set(pageRows.map((row) => row.article_id))]);
    const edges = pageRows.map((row) => ({ node: { view: views.find((v) => v.article.id === row.article_id)!, locale: row.locale }, cursor: encodeCursor([row.id]) }));
    return { edges, pageInfo: { hasNextPage: rows.length > page.first, endCursor: edges.at(-1)?.cursor ?? null }, totalCount: count };
  }

  async revisions(articleId: string, locale: string, page: { first: number; after?: string | null }): Promise<Connection<ArticleRevisionEntity>> {
    const query = this.dataSource.getRepository(ArticleRevisionEntity).createQueryBuilder('r').where('r.article_id = :articleId AND r.locale = :locale', { articleId, locale });
    const total = await query.clone().getCount();
    if (page.after) {
      const [number] = decodeCursor(page.after, 1);
      if (!Number.isSafeInteger(number)) throw invalidCursorError();
      query.andWhere('r.number < :number', { number });
    }
    const rows = await query.orderBy('r.number', 'DESC').take(page.first + 1).getMany();
    const pageRows = rows.slice(0, page.first);
    const edges = pageRows.map((node) => ({ node, cursor: encodeCursor([node.number]) }));
    return { edges, pageInfo: { hasNextPage: rows.length > page.first, endCursor: edges.at(-1)?.cursor ?? null }, totalCount: total };
  }

  /** Views per UTC day in [from, to], summed over locales unless one is given; days without views are omitted. */
  async dailyViews(articleId: string, locale: string | null, from: Date, to: Date): Promise<{ day: string; views: number }[]> {
    const rows: { day: string; views: number }[] = await this.dataSource.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(views)::int AS views FROM article_daily_views
       WHERE article_id = $1 AND ($2::text IS NULL OR locale = $2) AND day BETWEEN $3::date AND $4::date
       GROUP BY day ORDER BY day`,
      [articleId, locale, from.toISOString().slice(0, 10), to.toISOString().slice(0, 10)],
    );
    return rows;
  }

  private async applyFilter(query: SelectQueryBuilder<ArticleEntity>, filter: ArticleFilter): Promise<void> {
    if (filter.categoryId) {
      const ids = filter.includeSubcategories === false ? [filter.categoryId] : await this.categories.subtreeIds(filter.categoryId);
      // An unknown category has no subtree: an array (not `IN (…)`, which cannot be empty) matches nothing then.
      query.andWhere('a.category_id = ANY(CAST(:categoryIds AS uuid[]))', { categoryIds: ids });
    }
    if (filter.productId) {
      query.andWhere('EXISTS (SELECT 1 FROM article_products ap WHERE ap.article_id = a.id AND ap.product_id = :productId)', { productId: filter.productId });
    }
    if (filter.tag) query.andWhere('a.tags @> ARRAY[:tag]::text[]', { tag: filter.tag.trim().toLowerCase() });
    if (filter.isInternal != null) query.andWhere('a.is_internal = :isInternal', { isInternal: filter.isInternal });
    if (filter.locale || filter.status) {
      query.andWhere(
        new Brackets((q) =>
          q.where(
            `EXISTS (SELECT 1 FROM article_locales fl WHERE fl.article_id = a.id
               AND (CAST(:locale AS text) IS NULL OR fl.locale = :locale)
               AND (CAST(:status AS text) IS NULL OR fl.status::text = :status))`,
            { locale: filter.locale ?? null, status: filter.status ?? null },
          ),
        ),
      );
    }
    if (filter.authorId) {
      query.andWhere(
        `EXISTS (SELECT 1 FROM article_revisions ar WHERE ar.article_id = a.id AND ar.author_id = :authorId AND (CAST(:authorLocale AS text) IS NULL OR ar.locale = :authorLocale))`,
        { authorId: filter.authorId, authorLocale: filter.locale ?? null },
      );
    }
    if (filter.updatedSince) query.andWhere('a.updated_at >= :updatedSince', { updatedSince: filter.updatedSince });
    query.andWhere(filter.deleted ? 'a.deleted_at IS NOT NULL' : 'a.deleted_at IS NULL');
  }
}
