import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SearchHit } from '../../search/search-engine';
import { PUBLIC_ARTICLE_LOCALE_SQL } from './article-documents';
import { hitKey } from './search-labels';
import { PUBLIC_THREAD_SQL } from './thread-documents';

/**
 * The index trails the database by the outbox lag (and by as long as the engine is down): an article unpublished
 * or a thread hidden a moment ago can still be indexed as public. Public hits are checked against the database
 * when read, with the same definitions the documents are built with, in one statement per page.
 */
@Injectable()
export class SearchVisibility {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The hits that are public now, in their order. */
  async stillPublic(hits: SearchHit[]): Promise<SearchHit[]> {
    if (hits.length === 0) return hits;
    const rows: { kind: string; id: string; locale: string }[] = await this.dataSource.query(
      `SELECT h.kind, h.id, h.locale FROM unnest($1::text[], $2::uuid[], $3::text[]) AS h(kind, id, locale)
       WHERE CASE h.kind
               WHEN 'article' THEN EXISTS (SELECT 1 FROM articles a JOIN article_locales l ON l.article_id = a.id AND l.locale = h.locale
                                           WHERE a.id = h.id AND ${PUBLIC_ARTICLE_LOCALE_SQL})
               WHEN 'thread' THEN EXISTS (SELECT 1 FROM threads t WHERE t.id = h.id AND ${PUBLIC_THREAD_SQL})
               ELSE false END`,
      [hits.map((hit) => hit.kind), hits.map((hit) => hit.id), hits.map((hit) => hit.locale)],
    );
    const visible = new Set(rows.map((row) => hitKey(row)));
    return hits.filter((hit) => visible.has(hitKey(hit)));
  }
}
