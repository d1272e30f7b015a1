export interface SitemapUrl {
  url: string;
  lastModified: Date;
  /** Every locale of the page, itself included, for hreflang. */
  alternates: { locale: string; url: string }[];
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A sitemaps.org `urlset` with `xhtml:link` hreflang alternates. */
export function buildSitemap(urls: SitemapUrl[]): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
  ];
  for (const entry of urls) {
    lines.push('  <url>', `    <loc>${escapeXml(entry.url)}</loc>`, `    <lastmod>${entry.lastModified.toISOString()}</lastmod>`);
    if (entry.alternates.length > 1) {
      for (const alternate of entry.alternates) {
        lines.push(`    <xhtml:link rel="alternate" hreflang="${escapeXml(alternate.locale)}" href="${escapeXml(alternate.url)}"/>`);
      }
    }
    lines.push('  </url>');
  }
  lines.push('</urlset>');
  return `${lines.join('\n')}\n`;
}

export function buildSitemapIndex(sitemapUrls: string[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'];
  for (const url of sitemapUrls) lines.push(`  <sitemap><loc>${escapeXml(url)}</loc></sitemap>`);
  lines.push('</sitemapindex>');
  return `${lines.join('\n')}\n`;
}
