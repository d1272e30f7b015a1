import { Controller, Get, Headers, Query, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { parseSitemapPage, sendBadSitemapPage, sendSitemapPageNotFound, sendSitemapXml, sitemapFileCount, SITEMAP_URLS_PER_FILE } from '../../articles/delivery/sitemap-http';
import { buildSitemap, buildSitemapIndex, SitemapUrl } from '../../articles/delivery/sitemap-xml';
import { TransientDatabaseErrorFilter } from '../../common/http/transient-database-error.filter';
import { ForumReadingService } from '../forum-reading.service';

const BATCH = 5_000;

/** Solved, visible threads: the forum pages worth a search engine's time. Next to /sitemap.xml (articles). */
@UseFilters(TransientDatabaseErrorFilter)
@Controller()
export class ThreadSitemapController {
  /** URLs per file: the protocol's 50,000 (tests lower it to page small sitemaps). */
  urlsPerFile = SITEMAP_URLS_PER_FILE;

  constructor(private readonly reading: ForumReadingService) {}

  /**
   * A `urlset` when every thread fits in one file, else a `sitemapindex` of `/sitemap-community.xml?page=N` listing
   * exactly the pages that exist; `?page=N` for the N-th file, most recently changed first. Bad page numbers are
   * 400, pages past the last one 404, as for /sitemap.xml.
   */
  @Get('sitemap-community.xml')
  async sitemap(@Query('page') pageParam: unknown, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const page = parseSitemapPage(pageParam);
    if (page === null) return sendBadSitemapPage(reply);
    const perFile = this.urlsPerFile;
    const files = sitemapFileCount(await this.reading.sitemapCount(), perFile);
    if (page === undefined && files > 1) {
      const index = buildSitemapIndex(Array.from({ length: files }, (_, i) => this.reading.siteUrl(`/sitemap-community.xml?page=${i + 1}`)));
      return sendSitemapXml(reply, ifNoneMatch, index);
    }
    const wanted = page ?? 1;
    if (wanted > files) return sendSitemapPageNotFound(reply, files);
    const skip = (wanted - 1) * perFile;
    const entries: SitemapUrl[] = [];
    let seen = 0;
    for (let after: string | null = null; entries.length < perFile; ) {
      const batch = await this.reading.sitemap({ direction: 'forward', size: Math.min(BATCH, skip - Math.min(seen, skip) + perFile - entries.length), cursor: after });
      for (const edge of batch.edges) {
        if (seen++ >= skip && entries.length < perFile) entries.push({ url: edge.node.url, lastModified: edge.node.lastModified, alternates: [] });
      }
      if (!batch.hasNextPage) break;
      after = batch.edges[batch.edges.length - 1].cursor;
    }
    // Threads gone since the count: the page is gone, not empty.
    if (wanted > 1 && entries.length === 0) return sendSitemapPageNotFound(reply, wanted - 1);
    return sendSitemapXml(reply, ifNoneMatch, buildSitemap(entries));
  }
}
