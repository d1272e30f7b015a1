import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SearchDocument, SearchDocumentRef } from '../../search/search-engine';

/** Whether a thread is public (`t`: threads): visible. Documents are built with it and public hits checked with it when read. */
export const PUBLIC_THREAD_SQL = `(t.status = 'visible')`;

interface ThreadRow {
  id: string;
  locale: string;
  status: string;
  is_public: boolean;
  slug: string;
  title: string;
  tags: string[];
  is_solved: boolean;
  created_at: Date;
  updated_at: Date;
  question_text: string | null;
  answer_text: string | null;
  product_keys: string[] | null;
}

/**
 * Search documents of forum threads, one per thread in its board's locale: the title, the question and the
 * accepted answer, tags, products and whether it is solved. A visible thread is public; a pending, hidden,
 * removed or deleted one is staff-only (moderators' search sees everything). Only visible posts count: a
 * pending or removed accepted answer is left out of the public text.
 */
@Injectable()
export class ThreadDocuments {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async build(threadIds: string[], version: number, manager: EntityManager = this.dataSource.manager): Promise<{ documents: SearchDocument[]; missing: string[] }> {
    if (threadIds.length === 0) return { documents: [], missing: [] };
    const rows: ThreadRow[] = await manager.query(
      `SELECT t.id, b.locale, t.status::text AS status, ${PUBLIC_THREAD_SQL} AS is_public, t.slug, t.title, t.tags, t.is_solved, t.created_at, t.updated_at,
              q.body_text AS question_text, a.body_text AS answer_text,
              (SELECT array_agg(p.key ORDER BY p.key) FROM thread_products tp JOIN products p ON p.id = tp.product_id WHERE tp.thread_id = t.id) AS product_keys
       FROM threads t
       JOIN boards b ON b.id = t.board_id
       LEFT JOIN posts q ON q.thread_id = t.id AND q.is_question
       LEFT JOIN posts a ON a.id = t.accepted_post_id AND a.status = 'visible'
       WHERE t.id = ANY($1::uuid[])`,
      [threadIds],
    );
    const documents = rows.map((row): SearchDocument => {
      const isPublic = row.is_public;
      return {
        kind: 'thread',
        id: row.id,
        locale: row.locale,
        version,
        visibility: isPublic ? 'public' : 'staff',
        status: row.status,
        title: row.title,
        headings: [],
        body: [row.question_text ?? '', row.answer_text ?? ''].filter((text) => text !== '').join('\n\n'),
        slug: row.slug,
        categoryIds: [],
        productKeys: row.product_keys ?? [],
        tags: row.tags,
        solved: row.is_solved,
        updatedAt: row.updated_at,
        publishedAt: isPublic ? row.created_at : null,
      };
    });
    const found = new Set(rows.map((row) => row.id));
    return { documents, missing: threadIds.filter((id) => !found.has(id)) };
  }

  /** Every thread id, in pages (reindex and drift checks). */
  async ids(after: string | null, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(`SELECT id FROM threads WHERE ($1::uuid IS NULL OR id > $1) ORDER BY id LIMIT $2`, [after, limit]);
    return rows.map((row) => row.id);
  }

  async count(): Promise<number> {
    const [{ total }]: { total: number }[] = await this.dataSource.query('SELECT count(*)::int AS total FROM threads');
    return total;
  }
}

/** A thread's document lives in its board's locale; refs in every other locale (a board moved to another locale) are stale. */
export function otherLocaleRefs(documents: SearchDocument[], locales: readonly string[]): SearchDocumentRef[] {
  return documents.flatMap((document) => locales.filter((locale) => locale !== document.locale).map((locale) => ({ kind: 'thread' as const, id: document.id, locale })));
}
