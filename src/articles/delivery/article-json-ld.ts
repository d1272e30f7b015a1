export interface JsonLdArticle {
  title: string;
  description: string;
  url: string;
  locale: string;
  firstPublishedAt: Date;
  lastModified: Date;
  section: string | null;
  tags: string[];
}

/** Google limits `headline` to 110 characters. */
const MAX_HEADLINE = 110;

/** schema.org `Article` of a published help article, for `<script type="application/ld+json">`. */
export function articleJsonLd(article: JsonLdArticle): Record<string, unknown> {
  return {
    '@context': 'https://schema.org',
    '@type': 'Article',
    headline: article.title.length <= MAX_HEADLINE ? article.title : `${article.title.slice(0, MAX_HEADLINE - 1)}…`,
    name: article.title,
    description: article.description,
    url: article.url,
    mainEntityOfPage: { '@type': 'WebPage', '@id': article.url },
    inLanguage: article.locale,
    datePublished: article.firstPublishedAt.toISOString(),
    dateModified: article.lastModified.toISOString(),
    ...(article.section ? { articleSection: article.section } : {}),
    ...(article.tags.length > 0 ? { keywords: article.tags.join(', ') } : {}),
  };
}
