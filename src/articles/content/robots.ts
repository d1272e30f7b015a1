/** What a page without a robots setting says. */
export const DEFAULT_ROBOTS = 'index,follow';
/** Content that must stay out of search engines whatever its setting. */
export const HIDDEN_ROBOTS = 'noindex,nofollow';
/** A page worth following but not indexing (an empty category). */
export const EMPTY_ROBOTS = 'noindex,follow';

/** The robots directive of an article's pages: internal or deleted content is never indexed, else the editor's choice. */
export function articleRobots(article: { robots: string | null; isInternal: boolean; isDeleted: boolean }): string {
  if (article.isInternal || article.isDeleted) return HIDDEN_ROBOTS;
  return article.robots ?? DEFAULT_ROBOTS;
}

/**
 * The robots directive of a category page: a category with no published article in it or below is thin
 * content (noindex, links still followed) unless the editor chose something stricter; else the editor's choice.
 */
export function categoryRobots(category: { robots: string | null; publishedArticles: number }): string {
  const chosen = category.robots ?? DEFAULT_ROBOTS;
  if (category.publishedArticles > 0 || chosen.startsWith('noindex')) return chosen;
  return chosen.endsWith('nofollow') ? HIDDEN_ROBOTS : EMPTY_ROBOTS;
}
