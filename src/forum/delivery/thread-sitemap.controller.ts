import { Controller, Get, Header, Query, UseFilters } from '@nestjs/common';
import { buildSitemap, SitemapUrl } from '../../articles/delivery/sitemap-xml';
import { TransientDatabaseErrorFilter } from '../../common/http/transient-database-error.filter';
import { ForumReadingService } from '../forum-reading.service';

/** The sitemap protocol's limit of URLs per file. */
const URLS_PER_FILE = 50_000;
const BATCH = 5_000;

/** Solved, visible threads: the forum pages worth a search engine's time. Next to /sitemap.xml (articles). */
@UseFilters(TransientDatabaseErrorFilter)
@Controller()
export class ThreadSitemapController {
  constructor(private readonly reading: ForumReadingService) {}

  /** `?page=N` for the N-th 50,000 threads, most recently changed first. */
  @Get('sitemap-community.xml')
  @Header('content-type', 'application/xml; charset=utf-8')
  @Header('cache-control', 'public, max-age=300')
  async sitemap(@Query('page') pageParam?: string): Promise<string> {
    const page = pageParam === undefined ? 1 : Number(pageParam);
    if (!Number.isInteger(page) || page < 1 || page > 1000) return buildSitemap([]);
    const skip = (page - 1) * URLS_PER_FILE;
    const entries: SitemapUrl[] = [];
    let seen = 0;
    for (let after: string | null = null; entries.length < URLS_PER_FILE; ) {
      const batch = await this.reading.sitemap({ direction: 'forward', size: BATCH, cursor: after });
      for (const edge of batch.edges) {
        if (seen++ >= skip && entries.length < URLS_PER_FILE) entries.push({ url: edge.node.url, lastModified: edge.node.lastModified, alternates: [] });
      }
      if (!batch.hasNextPage) break;
      after = batch.edges[batch.edges.length - 1].cursor;
    }
    return buildSitemap(entries);
  }
}
