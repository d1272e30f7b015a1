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

/** Display names of the kinds (the GraphQL enum names are the values). */
const KIND_LABELS: Record<SearchKind, string> = { [SearchKind.Article]: 'Help article', [SearchKind.Thread]: 'Forum thread' };

const KIND_NAMES = new Map<string, string>(Object.entries(SearchKind).map(([name, value]) => [value, name]));

interface CategoryLabelRow {
  id: string;
  name: string;
  slug: string;
}

interface HitRow {
  kind: string;
  id: string;
  locale: string;
  category_id: string | null;
  author_name: string | null;
}

/**
 * Turns engine facets into values the search filters accept (kinds as SearchKind spells them, category ids,
 * product keys, tags, locale tags) with labels, and finds each hit's category and author: one or two queries
 * per search, whatever the page size.
 */
@Injectable()
export class SearchLabels {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `locale`: the language of labels (category names, locale names); `fallback` when a category has no name in it. */
  async facets(
    facets: Partial<Record<FacetName, FacetCount[]>>,
    locale: string,
    fallback: string | null,
  ): Promise<Record<PublicFacetName, LabeledFacetCount[] | null>> {
    const categoryIds = (facets.category ?? []).map((f) => f.value);
    const productKeys = (facets.product ?? []).map((f) => f.value);
    const [categories, products] = await Promise.all([this.categoryNames(categoryIds, locale, fallback), this.productNames(productKeys)]);
    const label = (values: FacetCount[] | undefined, valueOf: (raw: string) => string, labelOf: (raw: string) => string): LabeledFacetCount[] | null =>
      values ? values.map((f) => ({ value: valueOf(f.value), label: labelOf(f.value), count: f.count })) : null;
    const same = (raw: string): string => raw;
    return {
      kind: label(facets.kind, (raw) => KIND_NAMES.get(raw) ?? raw, (raw) => KIND_LABELS[raw as SearchKind] ?? raw),
      category: label(facets.category, same, (id) => categories.get(id)?.name ?? id),
      product: label(facets.product, same, (key) => products.get(key) ?? key),
      tag: label(facets.tag, same, same),
      locale: label(facets.locale, same, (tag) => localeName(tag, locale)),
    };
  }

  /**
   * Keyed by `kind:id:locale`. Articles: their category (named in `locale`, else `fallback`) and the author of the
   * published revision (none for an unpublished one); threads: their author.
   */
  async hits(hits: SearchHit[], locale: string, fallback: string | null): Promise<Map<string, HitDetails>> {
    const details = new Map<string, HitDetails>();
    if (hits.length === 0) return details;
    const rows: HitRow[] = await this.dataSource.query(
      `SELECT 'article' AS kind, h.id, h.locale, a.category_id, u.display_name AS author_name
       FROM unnest($1::uuid[], $2::text[]) AS h(id, locale)
       JOIN articles a ON a.id = h.id
       LEFT JOIN article_locales l ON l.article_id = h.id AND l.locale = h.locale
       LEFT JOIN article_revisions r ON r.id = l.published_revision_id
       LEFT JOIN users u ON u.id = r.author_id
       UNION ALL
       SELECT 'thread', t.id, b.locale, NULL, u.display_name
       FROM threads t JOIN boards b ON b.id = t.board_id LEFT JOIN users u ON u.id = t.author_id
       WHERE t.id = ANY($3::uuid[])`,
      [
        hits.filter((h) => h.kind === 'article').map((h) => h.id),
        hits.filter((h) => h.kind === 'article').map((h) => h.locale),
        hits.filter((h) => h.kind === 'thread').map((h) => h.id),
      ],
    );
    const categoryIds = [...new Set(rows.map((row) => row.category_id).filter((id): id is string => id !== null))];
    const categories = await this.categoryNames(categoryIds, locale, fallback);
    for (const row of rows) {
      const category = row.category_id ? categories.get(row.category_id) : undefined;
      details.set(hitKey(row), {
        categoryId: row.category_id,
        categoryName: category?.name ?? null,
        categorySlug: category?.slug ?? null,
        authorName: row.author_name,
      });
    }
    return details;
  }

  private async categoryNames(ids: string[], locale: string, fallback: string | null): Promise<Map<string, CategoryLabelRow>> {
    if (ids.length === 0) return new Map();
    const rows: CategoryLabelRow[] = await this.dataSource.query(
      `SELECT c.id, t.name, t.slug FROM unnest($1::uuid[]) AS c(id)
       JOIN LATERAL (
         SELECT ct.name, ct.slug FROM category_translations ct WHERE ct.category_id = c.id
         ORDER BY (ct.locale = $2) DESC, (ct.locale = $3::text) DESC, ct.locale LIMIT 1) t ON true`,
      [ids, locale, fallback],
    );
    return new Map(rows.map((row) => [row.id, row]));
  }

  private async productNames(keys: string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows: { key: string; name: string }[] = await this.dataSource.query(`SELECT key, name FROM products WHERE key = ANY($1::text[])`, [keys]);
    return new Map(rows.map((row) => [row.key, row.name]));
  }
}

/** The key of a hit in `hits()`'s map. */
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
