import { Controller, Get, Headers, Query, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { TransientDatabaseErrorFilter } from '../../common/http/transient-database-error.filter';
import { DeliveryService } from './delivery.service';
import { parseSitemapPage, sendBadSitemapPage, sendSitemapPageNotFound, sendSitemapXml, sitemapFileCount, SITEMAP_URLS_PER_FILE } from './sitemap-http';
import { buildSitemap, buildSitemapIndex } from './sitemap-xml';

const BATCH = 5_000;

@UseFilters(TransientDatabaseErrorFilter)
@Controller()
export class SitemapController {
  /** URLs per file: the protocol's 50,000 (tests lower it to page small sitemaps). */
  urlsPerFile = SITEMAP_URLS_PER_FILE;

  constructor(private readonly delivery: DeliveryService) {}

  /**
   * A `urlset` when everything fits in one file, else a `sitemapindex` of `/sitemap.xml?page=N` listing exactly the
   * pages that exist. `?page=N` is 400 unless a whole number from 1 to 50,000, 404 past the last page (page 1 of an
   * empty sitemap is an empty urlset). ETag and If-None-Match like every cacheable answer.
   */
  @Get('sitemap.xml')
  async sitemap(@Query('page') pageParam: unknown, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const page = parseSitemapPage(pageParam);
    if (page === null) return sendBadSitemapPage(reply);
    const perFile = this.urlsPerFile;
    const first = await this.delivery.sitemap(null, { direction: 'forward', size: 1, cursor: null });
    const files = sitemapFileCount(first.totalCount, perFile);
    if (page === undefined && files > 1) {
      const index = buildSitemapIndex(Array.from({ length: files }, (_, i) => this.delivery.siteUrl(`/sitemap.xml?page=${i + 1}`)));
      return sendSitemapXml(reply, ifNoneMatch, index);
    }
    const wanted = page ?? 1;
    if (wanted > files) return sendSitemapPageNotFound(reply, files);
    const entries = [];
    let after: string | null = null;
    let skipped = 0;
    const skip = (wanted - 1) * perFile;
    while (entries.length < perFile) {
      const batch = await this.delivery.sitemap(null, { direction: 'forward', size: Math.min(BATCH, skip - skipped + perFile - entries.length), cursor: after }, false);
      for (const edge of batch.edges) {
        if (skipped < skip) skipped += 1;
        else if (entries.length < perFile) entries.push(edge.node);
      }
      if (!batch.pageInfo.hasNextPage) break;
      after = batch.pageInfo.endCursor;
    }
    // Articles unpublished since the count: the page is gone, not empty.
    if (wanted > 1 && entries.length === 0) return sendSitemapPageNotFound(reply, wanted - 1);
    const xml = buildSitemap(entries.map((e) => ({ url: e.url, lastModified: e.lastModified, alternates: e.alternates.map((a) => ({ locale: a.locale, url: this.delivery.articleUrl(a.locale, a.slug) })) })));
    return sendSitemapXml(reply, ifNoneMatch, xml);
  }
}
