import { Controller, Get, Header, Query, UseFilters } from '@nestjs/common';
import { TransientDatabaseErrorFilter } from '../../common/http/transient-database-error.filter';
import { DeliveryService } from './delivery.service';
import { buildSitemap, buildSitemapIndex } from './sitemap-xml';

/** The sitemap protocol's limit of URLs per file. */
const URLS_PER_FILE = 50_000;
const BATCH = 5_000;

@UseFilters(TransientDatabaseErrorFilter)
@Controller()
export class SitemapController {
  constructor(private readonly delivery: DeliveryService) {}

  /** A `urlset` when everything fits in one file, else a `sitemapindex` of `/sitemap.xml?page=N`. */
  @Get('sitemap.xml')
  @Header('content-type', 'application/xml; charset=utf-8')
  @Header('cache-control', 'public, max-age=300')
  async sitemap(@Query('page') pageParam?: string): Promise<string> {
    const first = await this.delivery.sitemap(null, { direction: 'forward', size: 1, cursor: null });
    const files = Math.max(1, Math.ceil(first.totalCount / URLS_PER_FILE));
    const page = pageParam === undefined ? null : Number(pageParam);
    if (page === null && files > 1) {
      return buildSitemapIndex(Array.from({ length: files }, (_, i) => this.delivery.siteUrl(`/sitemap.xml?page=${i + 1}`)));
    }
    const wanted = page ?? 1;
    if (!Number.isInteger(wanted) || wanted < 1 || wanted > files) return buildSitemap([]);
    const entries = [];
    let after: string | null = null;
    let skipped = 0;
    const skip = (wanted - 1) * URLS_PER_FILE;
    while (entries.length < URLS_PER_FILE) {
      const batch = await this.delivery.sitemap(null, { direction: 'forward', size: BATCH, cursor: after }, false);
      for (const edge of batch.edges) {
        if (skipped < skip) skipped += 1;
        else if (entries.length < URLS_PER_FILE) entries.push(edge.node);
      }
      if (!batch.pageInfo.hasNextPage) break;
      after = batch.pageInfo.endCursor;
    }
    return buildSitemap(entries.map((e) => ({ url: e.url, lastModified: e.lastModified, alternates: e.alternates.map((a) => ({ locale: a.locale, url: this.delivery.articleUrl(a.locale, a.slug) })) })));
  }
}
