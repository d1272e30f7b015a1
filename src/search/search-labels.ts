import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { FacetCount, FacetName, SearchHit } from '../../search/search-engine';
import { SearchKind } from './search-enums';

/** A facet value as a client sends it back in a filter, with a name to show. */
export interface LabeledFacetCount {
  value: string;
  label: string;
  count: number;
}

export type PublicFacetName = 'kind' | 'category' | 'product' | 'tag' | 'locale';

/** What a result page shows beside a hit without a second round trip. */
export interface HitDetails {
  categoryId: string | null;
  categoryName: string | null;
  categorySlug: string | null;
  authorName: string | null;
}

export interface SearchPageLabels {
  facets: Record<PublicFacetName, LabeledFacetCount[] | null>;
  /** By `hitKey`. */
  hits: Map<string, HitDetails>;
}

/** Display names of the kinds (the GraphQL enum names are the values). */
const KIND_LABELS: Record<SearchKind, string> = { [SearchKind.Article]: 'Help article', [SearchKind.Thread]: 'Forum thread' };

const KIND_NAMES = new Map<string, string>(Object.entries(SearchKind).map(([name, value]) => [value, name]));

/** One row per named thing: a hit (`article`, `thread`), a `category` or a `product`. */
interface LabelRow {
  what: 'article' | 'thread' | 'category' | 'product';
  /** Hit, category id or product key. */
  ref: string;
  locale: string | null;
  category_id: string | null;
  name: string | null;
  slug: string | null;
}

/**
 * Articles: their category and the author of the published revision (none for an unpublished one); threads:
 * who asked; categories named in $6, else $7, else any locale; products by key. One statement per search.
 */
const LABELS_SQL = `
WITH hit_articles AS (
  SELECT h.id, h.locale, a.category_id, u.display_name AS author_name
  FROM unnest($1::uuid[], $2::text[]) AS h(id, locale)
  JOIN articles a ON a.id = h.id
  LEFT JOIN article_locales l ON l.article_id = h.id AND l.locale = h.locale
  LEFT JOIN article_revisions r ON r.id = l.published_revision_id
  LEFT JOIN users u ON u.id = r.author_id),
category_names AS (
  SELECT c.id, t.name, t.slug
  FROM (SELECT unnest($4::uuid[]) AS id UNION SELECT category_id FROM hit_articles) c
  JOIN LATERAL (
    SELECT ct.name, ct.slug FROM category_translations ct WHERE ct.category_id = c.id
    ORDER BY (ct.locale = $6) DESC, (ct.locale = $7::text) DESC, ct.locale LIMIT 1) t ON true)
SELECT 'article' AS what, id::text AS ref, locale, category_id::text AS category_id, author_name AS name, NULL AS slug FROM hit_articles
UNION ALL
SELECT 'thread', t.id::text, b.locale, NULL, u.display_name, NULL
FROM threads t JOIN boards b ON b.id = t.board_id LEFT JOIN users u ON u.id = t.author_id WHERE t.id = ANY($3::uuid[])
UNION ALL
SELECT 'category', id::text, NULL, NULL, name, slug FROM category_names
UNION ALL
SELECT 'product', key, NULL, NULL, name, NULL FROM products WHERE key = ANY($5::text[])`;

/**
 * Turns engine facets into values the search filters accept (kinds as SearchKind spells them, category ids,
 * product keys, tags, locale tags) with labels, and finds each hit's category and author: one statement per
 * search whatever the page size, none when there is nothing to name.
 */
@Injectable()
export class SearchLabels {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `locale`: the language of labels (category names, locale names); `fallback` when a category has no name in it. */
  async label(page: { hits: SearchHit[]; facets: Partial<Record<FacetName, FacetCount[]>> }, locale: string, fallback: string | null): Promise<SearchPageLabels> {
    const articles = page.hits.filter((h) => h.kind === 'article');
    const threadIds = page.hits.filter((h) => h.kind === 'thread').map((h) => h.id);
    const categoryIds = (page.facets.category ?? []).map((f) => f.value);
    const productKeys = (page.facets.product ?? []).map((f) => f.value);
    const rows: LabelRow[] =
      articles.length + threadIds.length + categoryIds.length + productKeys.length === 0
        ? []
        : await this.dataSource.query(LABELS_SQL, [articles.map((h) => h.id), articles.map((h) => h.locale), threadIds, categoryIds, productKeys, locale, fallback]);
    const categories = new Map(rows.filter((row) => row.what === 'category').map((row) => [row.ref, row]));
    const products = new Map(rows.filter((row) => row.what === 'product').map((row) => [row.ref, row.name ?? row.ref]));
    const hits = new Map<string, HitDetails>();
    for (const row of rows) {
      if (row.what !== 'article' && row.what !== 'thread') continue;
      const category = row.category_id ? categories.get(row.category_id) : undefined;
      hits.set(hitKey({ kind: row.what, id: row.ref, locale: row.locale ?? '' }), {
        categoryId: row.category_id,
        categoryName: category?.name ?? null,
        categorySlug: category?.slug ?? null,
        authorName: row.name,
      });
    }
    const labelled = (values: FacetCount[] | undefined, valueOf: (raw: string) => string, labelOf: (raw: string) => string): LabeledFacetCount[] | null =>
      values ? values.map((f) => ({ value: valueOf(f.value), label: labelOf(f.value), count: f.count })) : null;
    const same = (raw: string): string => raw;
    return {
      hits,
      facets: {
        kind: labelled(page.facets.kind, (raw) => KIND_NAMES.get(raw) ?? raw, (raw) => KIND_LABELS[raw as SearchKind] ?? raw),
        category: labelled(page.facets.category, same, (id) => categories.get(id)?.name ?? id),
        product: labelled(page.facets.product, same, (key) => products.get(key) ?? key),
        tag: labelled(page.facets.tag, same, same),
        locale: labelled(page.facets.locale, same, (tag) => localeName(tag, locale)),
      },
    };
  }
}

/** The key of a hit in `SearchPageLabels.hits`. */
export function hitKey(hit: { kind: string; id: string; locale: string }): string {
  return `${hit.kind}:${hit.id}:${hit.locale}`;
}

/** "English", "Chinese (China)": the locale's name in the language of the page (English when that is unknown). */
export function localeName(tag: string, inLocale: string): string {
  try {
    return new Intl.DisplayNames([inLocale, 'en'], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
