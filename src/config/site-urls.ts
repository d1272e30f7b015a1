import { AppConfig } from './app-config';

/** The URL of an article on the public help site (`SITE_BASE_URL` + `SITE_ARTICLE_PATH`). */
export function articleUrl(site: AppConfig['site'], locale: string, slug: string): string {
  const path = site.articlePath.replace('{locale}', encodeURIComponent(locale)).replace('{slug}', encodeURIComponent(slug));
  return `${site.baseUrl}${path}`;
}

/** The URL of a forum thread on the public help site (`SITE_BASE_URL` + `SITE_THREAD_PATH`). */
export function threadUrl(site: AppConfig['site'], locale: string, slug: string): string {
  const path = site.threadPath.replace('{locale}', encodeURIComponent(locale)).replace('{slug}', encodeURIComponent(slug));
  return `${site.baseUrl}${path}`;
}

/** The URL of a category page on the public help site (`SITE_BASE_URL` + `SITE_CATEGORY_PATH`). */
export function categoryUrl(site: AppConfig['site'], locale: string, slug: string): string {
  const path = site.categoryPath.replace('{locale}', encodeURIComponent(locale)).replace('{slug}', encodeURIComponent(slug));
  return `${site.baseUrl}${path}`;
}
