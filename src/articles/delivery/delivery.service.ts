import { Injectable } from '@nestjs/common';
import { BadUserInputError, NotFoundError } from '../../common/errors/app-error';
import { requireIdOrSlug } from '../../common/errors/lookup';
import { BidirectionalPageInfo, decodeCursor, Edge, encodeCursor, PageWindow } from '../../common/graphql/connection';
import { LocalesService } from '../../common/locales/locales.service';
import { AppConfig } from '../../config/app-config';
import { articleUrl, categoryUrl } from '../../config/site-urls';
import { CategoryTreeCache } from './category-tree-cache';
import { DeliveryCache } from './delivery-cache';
import {
  ALL_ARTICLE_PARTS,
  hasEveryPart,
  ArticleParts,
  PublishedArticle,
  PublishedArticlesRepository,
  PublishedCategory,
  PublishedSummary,
  SitemapEntry,
} from './published-articles.repository';

export interface ArticleLookup {
  slug?: string | null;
  id?: string | null;
  locale?: string | null;
  /** What the caller shows; with the caches off the rest is not read. Default: everything. */
  parts?: ArticleParts;
}

export interface ResolvedArticle {
  article: PublishedArticle;
  requestedLocale: string;
  /** Set when the slug asked for is an earlier one: clients should redirect to the current slug. */
  redirectToSlug: string | null;
  /** True when `article` is a head draft served to a preview token (PreviewService), not the published revision. */
  isPreview?: boolean;
}

export interface CategoryNode extends PublishedCategory {
  /** Published articles directly in this category. */
  articleCount: number;
  /** Published articles in it and every category below. */
  totalArticleCount: number;
  children: CategoryNode[];
}

export interface CategoryTree {
  roots: CategoryNode[];
  byId: Map<string, CategoryNode>;
  bySlug: Map<string, CategoryNode>;
}

export interface ArticleListArgs {
  locale?: string | null;
  categoryId?: string | null;
  categorySlug?: string | null;
  includeSubcategories: boolean;
  productKey?: string | null;
  tag?: string | null;
  /** `first`/`after` or `last`/`before` (pageWindow). */
  page: PageWindow;
  /** False when the caller does not read totalCount (then it is not computed and reads 0). Default true. */
  withTotal?: boolean;
  /** False when the caller does not read authorName (then it is null). Default true. */
  withAuthor?: boolean;
}

/** A delivery connection page: Relay paging both ways, `totalCount` 0 when not asked for. */
export interface DeliveryPage<T> {
  edges: Edge<T>[];
  pageInfo: BidirectionalPageInfo;
  totalCount: number;
}

/**
 * Which rows of `rows` (the repository's `size + 1`, in list order) make the page, and where it sits: the
 * extra row is past the page's end going forwards, before its start going backwards.
 */
function pageOf<T>(rows: T[], page: PageWindow): { nodes: T[]; hasNextPage: boolean; hasPreviousPage: boolean } {
  const more = rows.length > page.size;
  if (page.direction === 'forward') return { nodes: rows.slice(0, page.size), hasNextPage: more, hasPreviousPage: page.cursor !== null };
  return { nodes: more ? rows.slice(rows.length - page.size) : rows, hasNextPage: page.cursor !== null, hasPreviousPage: more };
}

/**
 * The keyset of a page's cursor; `BAD_USER_INPUT` naming `after` or `before` for anything this list did not
 * return. `check` vets the decoded parts, so a forged cursor is refused here rather than by a SQL cast.
 */
function keyset(page: PageWindow, check: (parts: [string, string]) => boolean = () => true): [string, string] | null {
  if (!page.cursor) return null;
  const field = page.direction === 'forward' ? 'after' : 'before';
  const refuse = (): BadUserInputError =>
    new BadUserInputError('The cursor is not valid', [{ field, messages: [`${field} must be a cursor returned by this list`] }]);
  let parts: [string, string];
  try {
    parts = decodeCursor(page.cursor, 2) as [string, string];
  } catch {
    throw refuse();
  }
  if (typeof parts[0] !== 'string' || typeof parts[1] !== 'string' || !check(parts)) throw refuse();
  return parts;
}

const CURSOR_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const CURSOR_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A list cursor: (published_at with microseconds, article id). */
function isListKeyset([publishedAt, id]: [string, string]): boolean {
  return CURSOR_INSTANT.test(publishedAt) && !Number.isNaN(Date.parse(publishedAt)) && CURSOR_UUID.test(id);
}

/** A list cursor: the summary's full-precision publish time and id. */
function listCursor(summary: PublishedSummary): string {
  return encodeCursor([summary.cursorKey ?? summary.publishedAt.toISOString(), summary.id]);
}

/**
 * An edge of a list page. Its cursor is encoded when read: a page usually asks for `pageInfo.endCursor`, not
 * every edge's cursor. A class rather than an object literal with a getter, which V8 builds in its runtime
 * (an accessor pair and a closure per edge).
 */
class ListEdge<N> implements Edge<N> {
  constructor(
    readonly node: N,
    private readonly summary: PublishedSummary,
  ) {}

  get cursor(): string {
    return listCursor(this.summary);
  }
}

/** A list page's paging; its cursors are encoded when read. */
class ListPageInfo implements BidirectionalPageInfo {
  constructor(
    private readonly nodes: PublishedSummary[],
    readonly hasNextPage: boolean,
    readonly hasPreviousPage: boolean,
  ) {}

  get startCursor(): string | null {
    return this.nodes.length ? listCursor(this.nodes[0]) : null;
  }

  get endCursor(): string | null {
    return this.nodes.length ? listCursor(this.nodes[this.nodes.length - 1]) : null;
  }
}

/** Distinct locale tags whose resolution is remembered (valid ones only; reset when full). */
const RESOLVED_LOCALES = 256;

/** Reads of published content for the public API, cached per process and invalidated on change. */
@Injectable()
export class DeliveryService {
  private readonly resolvedLocales = new Map<string, string>();

  constructor(
    private readonly repository: PublishedArticlesRepository,
    private readonly cache: DeliveryCache,
    private readonly trees: CategoryTreeCache,
    private readonly locales: LocalesService,
    private readonly config: AppConfig,
  ) {}

  locale(locale: string | null | undefined): string {
    if (!locale) return this.locales.defaultLocale;
    // Canonicalizing a tag (Intl) costs more than the rest of a cached article lookup: remember the few tags clients send.
    let resolved = this.resolvedLocales.get(locale);
    if (resolved === undefined) {
      resolved = this.locales.resolve(locale);
      if (this.resolvedLocales.size >= RESOLVED_LOCALES) this.resolvedLocales.clear();
      this.resolvedLocales.set(locale, resolved);
    }
    return resolved;
  }

  /** By slug (current or earlier) or id, in the asked locale, else the fallback locale; null when nothing public matches. */
  async article(lookup: ArticleLookup): Promise<ResolvedArticle | null> {
    if (!lookup.slug === !lookup.id) {
      throw new BadUserInputError('Give either a slug or an id', [{ field: 'slug', messages: ['exactly one of slug and id is required'] }]);
    }
    const requestedLocale = this.locale(lookup.locale);
    const fallback = this.locales.fallback;
    const parts = lookup.parts ?? ALL_ARTICLE_PARTS;
    if (lookup.slug) {
      const slug = lookup.slug.trim().normalize('NFKC').toLowerCase();
      const found = await this.bySlug(requestedLocale, slug, parts);
      if (found) return { article: found, requestedLocale, redirectToSlug: found.slug === slug ? null : found.slug };
      // A slug of the fallback locale: the asked locale's version when there is one, else the fallback's.
      const inFallback = fallback && fallback !== requestedLocale ? await this.bySlug(fallback, slug, parts) : null;
      if (inFallback) {
        const translated = await this.published(inFallback.id, requestedLocale, parts);
        if (translated) return { article: translated, requestedLocale, redirectToSlug: translated.slug };
        return { article: inFallback, requestedLocale, redirectToSlug: inFallback.slug === slug ? null : inFallback.slug };
      }
      return null;
    }
    const id = lookup.id!;
    const article = await this.served(id, requestedLocale, parts);
    return article ? { article, requestedLocale, redirectToSlug: null } : null;
  }

  /** By current or earlier slug: one query on a miss, which also fills the article's own cache entry. */
  private async bySlug(locale: string, slug: string, parts: ArticleParts): Promise<PublishedArticle | null> {
    if (!this.cache.isActive) return this.repository.findPublishedBySlug(locale, slug, parts);
    let loaded: PublishedArticle | null = null;
    const articleId = await this.cache.get(
      `slug:${locale}:${slug}`,
      (id: string | null) => id,
      async () => {
        loaded = await this.repository.findPublishedBySlug(locale, slug, parts);
        return loaded?.id ?? null;
      },
      'pointer',
    );
    if (!articleId) return null;
    const fresh = loaded as PublishedArticle | null;
    // A stored article has every part: the slug's statement supplies it only when the caller asked for every part.
    return this.cache.get(`article:${articleId}:${locale}`, articleId, async (stored) =>
      fresh && (!stored || hasEveryPart(parts)) ? fresh : this.repository.findPublished(articleId, locale, stored ? ALL_ARTICLE_PARTS : parts),
    );
  }

  /**
   * The published article a reader of `requestedLocale` is served by id: that locale's version, else the
   * fallback locale's (what `article(id:, locale:)` answers). Feedback and views are recorded against it.
   */
  async served(articleId: string, requestedLocale: string, parts: ArticleParts = ALL_ARTICLE_PARTS): Promise<PublishedArticle | null> {
    const fallback = this.locales.fallback;
    return (
      (await this.published(articleId, requestedLocale, parts)) ??
      (fallback && fallback !== requestedLocale ? this.published(articleId, fallback, parts) : null)
    );
  }

  /** `parts`: see ArticleLookup; the cached article always has every part. */
  async published(articleId: string, locale: string, parts: ArticleParts = ALL_ARTICLE_PARTS): Promise<PublishedArticle | null> {
    if (!this.cache.isActive) return this.repository.findPublished(articleId, locale, parts);
    return this.cache.get(`article:${articleId}:${locale}`, articleId, (stored) =>
      this.repository.findPublished(articleId, locale, stored ? ALL_ARTICLE_PARTS : parts),
    );
  }

  /** The category tree with published article counts (the cached structure and the maintained counts). */
  async categoryTree(locale: string): Promise<CategoryTree> {
    return this.cache.get(`counted-tree:${locale}`, null, async () => {
      const [structure, counts] = await Promise.all([this.categoryStructure(locale), this.repository.countsByCategory(locale)]);
      return buildTree([...structure.byId.values()], counts);
    });
  }

  /**
   * Names, slugs and nesting only (counts read 0), for breadcrumbs and category filters: cached by
   * CategoryTreeCache, also when the delivery cache is off. Shared: never mutate what it returns.
   */
  private async categoryStructure(locale: string): Promise<CategoryTree> {
    return this.trees.get(locale, async () => buildTree(await this.repository.categories(locale, this.locales.fallback), new Map()));
  }

  /** Root first, ending with the article's own category. */
  async breadcrumbs(categoryId: string, locale: string): Promise<CategoryNode[]> {
    const tree = await this.categoryStructure(locale);
    const path: CategoryNode[] = [];
    for (let node = tree.byId.get(categoryId); node; node = node.parentId ? tree.byId.get(node.parentId) : undefined) path.unshift(node);
    return path;
  }

  /** Name and slug of every category in a locale (else a fallback), from the cached structure: list items carry them. */
  async categoryLabels(locale: string): Promise<ReadonlyMap<string, { name: string; slug: string }>> {
    return (await this.categoryStructure(locale)).byId;
  }

  async category(lookup: { id?: string | null; slug?: string | null; locale?: string | null }): Promise<CategoryNode> {
    requireIdOrSlug(lookup);
    return findCategory(await this.categoryTree(this.locale(lookup.locale)), lookup);
  }

  /**
   * `toNode` makes each edge's node from its summary: the page's items are mapped once, straight into what the
   * caller returns (issue 10: a category page is cold-path CPU, and each extra copy of its 21 rows showed).
   */
  async list<N>(args: ArticleListArgs, toNode: (summary: PublishedSummary) => N): Promise<DeliveryPage<N>> {
    const locale = this.locale(args.locale);
    let categoryIds: string[] | null = null;
    if (args.categoryId || args.categorySlug) {
      const category = findCategory(await this.categoryStructure(locale), { id: args.categoryId, slug: args.categorySlug });
      categoryIds = args.includeSubcategories ? collectIds(category) : [category.id];
    }
    const cursor = keyset(args.page, isListKeyset);
    const backward = args.page.direction === 'backward';
    const filter = { locale, categoryIds, productKey: args.productKey?.trim().toLowerCase() || null, tag: args.tag?.trim().toLowerCase() || null };
    const withTotal = args.withTotal !== false;
    const withAuthor = args.withAuthor !== false;
    const load = (): Promise<{ rows: PublishedSummary[]; total: number }> =>
      this.repository.listPage(filter, { first: args.page.size, after: cursor, backward, withAuthor }, withTotal);
    const { rows, total } = this.cache.isActive
      ? await this.cache.get(`list:${JSON.stringify([filter, args.page.size, cursor, backward, withTotal, withAuthor])}`, null, load)
      : await load();
    const { nodes, hasNextPage, hasPreviousPage } = pageOf(rows, args.page);
    const edges = new Array<ListEdge<N>>(nodes.length);
    for (let i = 0; i < nodes.length; i += 1) edges[i] = new ListEdge(toNode(nodes[i]), nodes[i]);
    return { edges, totalCount: total, pageInfo: new ListPageInfo(nodes, hasNextPage, hasPreviousPage) };
  }

  async related(article: PublishedArticle, limit: number): Promise<PublishedSummary[]> {
    return this.cache.get(`related:${article.id}:${article.locale}:${limit}`, null, () => this.repository.related(article, limit));
  }

  async sitemap(locale: string | null, page: PageWindow, withTotal = true): Promise<DeliveryPage<SitemapEntry & { url: string }>> {
    const resolved = locale ? this.locales.resolve(locale) : null;
    const { rows, total } = await this.repository.sitemap(resolved, { first: page.size, after: keyset(page), backward: page.direction === 'backward' }, withTotal);
    const { nodes, hasNextPage, hasPreviousPage } = pageOf(rows, page);
    const edges = nodes.map((entry) => ({ node: { ...entry, url: this.articleUrl(entry.locale, entry.slug) }, cursor: encodeCursor([entry.locale, entry.slug]) }));
    return {
      edges,
      totalCount: total,
      pageInfo: { hasNextPage, hasPreviousPage, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
    };
  }

  /** A URL on the public help site, which is expected to proxy /sitemap.xml to this API. */
  siteUrl(path: string): string {
    return `${this.config.site.baseUrl}${path}`;
  }

  articleUrl(locale: string, slug: string): string {
    return articleUrl(this.config.site, locale, slug);
  }

  categoryUrl(locale: string, slug: string): string {
    return categoryUrl(this.config.site, locale, slug);
  }
}

function buildTree(categories: PublishedCategory[], directCounts: Map<string, number>): CategoryTree {
  const byId = new Map<string, CategoryNode>(
    categories.map((c) => [c.id, { ...c, articleCount: directCounts.get(c.id) ?? 0, totalArticleCount: 0, children: [] }]),
  );
  const roots: CategoryNode[] = [];
  const bySlug = new Map<string, CategoryNode>();
  for (const node of byId.values()) {
    if (!bySlug.has(node.slug)) bySlug.set(node.slug, node);
    const parent = node.parentId ? byId.get(node.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const total = (node: CategoryNode): number =>
    (node.totalArticleCount = node.articleCount + node.children.reduce((sum, child) => sum + total(child), 0));
  roots.forEach(total);
  return { roots, byId, bySlug };
}

function findCategory(tree: CategoryTree, lookup: { id?: string | null; slug?: string | null }): CategoryNode {
  const node = lookup.id ? tree.byId.get(lookup.id) : lookup.slug ? tree.bySlug.get(lookup.slug) : undefined;
  if (!node) throw new NotFoundError('Category', lookup.id ?? lookup.slug ?? '');
  return node;
}

function collectIds(node: CategoryNode): string[] {
  return [node.id, ...node.children.flatMap(collectIds)];
}
