import { AppConfig } from './app-config';

type UrlOf = (locale: string, slug: string) => string;

/**
 * `baseUrl + path` with `{locale}` and `{slug}` filled in, URI-encoded. The template is split once (per site
 * configuration and page kind), not searched and copied on every URL: a page of 20 threads builds 20 of them.
 */
function compile(baseUrl: string, path: string): UrlOf {
  const pieces = path.split(/(\{locale\}|\{slug\})/);
  return (locale, slug) => {
    let url = baseUrl;
    for (let i = 0; i < pieces.length; i += 1) {
      const piece = pieces[i];
      url += i % 2 === 0 ? piece : encodeURIComponent(piece === '{locale}' ? locale : slug);
    }
    return url;
  };
}

interface CompiledSite {
  article: UrlOf;
  thread: UrlOf;
  category: UrlOf;
}

const compiledSites = new WeakMap<AppConfig['site'], CompiledSite>();

function compiled(site: AppConfig['site']): CompiledSite {
  let urls = compiledSites.get(site);
  if (!urls) {
    urls = { article: compile(site.baseUrl, site.articlePath), thread: compile(site.baseUrl, site.threadPath), category: compile(site.baseUrl, site.categoryPath) };
    compiledSites.set(site, urls);
  }
  return urls;
}

/** The URL of an article on the public help site (`SITE_BASE_URL` + `SITE_ARTICLE_PATH`). */
export function articleUrl(site: AppConfig['site'], locale: string, slug: string): string {
  return compiled(site).article(locale, slug);
}

/** The URL of a forum thread on the public help site (`SITE_BASE_URL` + `SITE_THREAD_PATH`). */
export function threadUrl(site: AppConfig['site'], locale: string, slug: string): string {
  return compiled(site).thread(locale, slug);
}

/** The URL of a category page on the public help site (`SITE_BASE_URL` + `SITE_CATEGORY_PATH`). */
export function categoryUrl(site: AppConfig['site'], locale: string, slug: string): string {
  return compiled(site).category(locale, slug);
}
