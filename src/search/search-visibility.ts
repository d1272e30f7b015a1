import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SearchHit } from '../../search/search-engine';
import { escapeHtml } from '../../search/text/words';
import { PUBLIC_ARTICLE_LOCALE_SQL } from './article-documents';
import { hitKey } from './search-labels';
import { PUBLIC_THREAD_SQL } from './thread-documents';

/** The length of a snippet taken from the database instead of the index (the engine's snippets are about as long). */
const SNIPPET_CHARS = 240;

/**
 * The index trails the database by the outbox lag (and by as long as the engine is down): an article unpublished
 * or a thread hidden a moment ago can still be indexed as public. Public hits are checked against the database
 * when read, with the same definitions the documents are built with, in one statement per page.
 */
@Injectable()
export class SearchVisibility {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The hits that are public now, in their order. A thread whose document is being rebuilt (an outbox row is
   * pending: a post was hidden, edited or accepted) gets the start of its question as its snippet, so no text of a
   * post hidden a moment ago is shown.
   */
  async stillPublic(hits: SearchHit[]): Promise<SearchHit[]> {
    if (hits.length === 0) return hits;
    const rows: { kind: string; id: string; locale: string; fresh_snippet: string | null }[] = await this.dataSource.query(
      `SELECT h.kind, h.id, h.locale,
              CASE WHEN h.kind = 'thread' AND EXISTS (SELECT 1 FROM search_outbox o WHERE o.kind = 'thread' AND o.source_id = h.id)
                   THEN (SELECT left(q.body_text, ${SNIPPET_CHARS}) FROM posts q WHERE q.thread_id = h.id AND q.is_question AND q.status = 'visible' LIMIT 1) END AS fresh_snippet
       FROM unnest($1::text[], $2::uuid[], $3::text[]) AS h(kind, id, locale)
       WHERE CASE h.kind
               WHEN 'article' THEN EXISTS (SELECT 1 FROM articles a JOIN article_locales l ON l.article_id = a.id AND l.locale = h.locale
                                           WHERE a.id = h.id AND ${PUBLIC_ARTICLE_LOCALE_SQL})
               WHEN 'thread' THEN EXISTS (SELECT 1 FROM threads t WHERE t.id = h.id AND ${PUBLIC_THREAD_SQL})
               ELSE false END`,
      [hits.map((hit) => hit.kind), hits.map((hit) => hit.id), hits.map((hit) => hit.locale)],
    );
    const visible = new Map(rows.map((row) => [hitKey(row), row.fresh_snippet]));
    return hits
      .filter((hit) => visible.has(hitKey(hit)))
      .map((hit) => {
        const fresh = visible.get(hitKey(hit));
        return fresh === null || fresh === undefined ? hit : { ...hit, snippet: escapeHtml(fresh) };
      });
  }
}
