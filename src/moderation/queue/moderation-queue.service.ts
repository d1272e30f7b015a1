import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { QueryResultRow } from 'pg';
import { Connection, decodeTimeIdCursor, encodeCursor } from '../../common/graphql/connection';
import { preparedQuery } from '../../common/sql/prepared-query';

export type QueueItemKind = 'thread' | 'post' | 'flag';

export interface QueueFilter {
  boardId?: string | null;
  /** A hold rule (`board:hold_all`, `auto:links`, …) or a flag reason (`flag:spam`, …). */
  reason?: string | null;
  kinds?: QueueItemKind[] | null;
}

export interface QueueItemRow {
  kind: QueueItemKind;
  /** The thread, post or flag id. */
  id: string;
  createdAt: Date;
  /** Why it is in the queue: the rule that held it, or `flag:<kind>`. */
  reason: string;
  boardId: string;
  boardName: string;
  threadId: string;
  threadTitle: string;
  postId: string | null;
  excerpt: string;
  authorId: string | null;
  authorName: string | null;
  authorTrustLevel: number | null;
  flag: {
    kind: string;
    note: string | null;
    duplicateOfThreadId: string | null;
    flaggerId: string | null;
    flaggerName: string | null;
    flaggerUpheld: number;
    flaggerRejected: number;
  } | null;
}

export interface QueueCount {
  reason: string;
  count: number;
}

interface RawItem {
  kind: QueueItemKind;
  item_id: string;
  created_at: Date;
  created_key: string;
  reason: string;
  board_id: string;
  board_name: string;
  thread_id: string;
  thread_title: string;
  post_id: string | null;
  excerpt: string;
  author_id: string | null;
  author_name: string | null;
  author_trust_level: number | null;
  flag_kind: string | null;
  flag_note: string | null;
  flag_duplicate_of: string | null;
  flagger_id: string | null;
  flagger_name: string | null;
  flagger_upheld: number | null;
  flagger_rejected: number | null;
}

const EXCERPT_CHARS = 280;

/**
 * The moderation queue: pending threads, pending replies and open flags, oldest first, one list. Each
 * source is read in its own partial index's order up to the page size, then merged: the first page costs
 * three short index scans however long the queue is.
 */
@Injectable()
export class ModerationQueueService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async page(filter: QueueFilter, first: number, after: string | null): Promise<Connection<QueueItemRow>> {
    // The page size is written into the statement (a checked integer): with a parameter, PostgreSQL's generic
    // plan for repeated executions does not know the limit is small and may scan whole indexes.
    const limit = Math.trunc(first) + 1;
    if (!Number.isSafeInteger(limit) || limit < 2) throw new Error('page size must be a positive integer');
    const params: unknown[] = [];
    let cursorSql = 'true';
    const cursorFor = (alias: string) => cursorSql.replaceAll('X.', `${alias}.`);
    if (after) {
      const [createdAt, id] = decodeTimeIdCursor(after);
      params.push(createdAt, id);
      cursorSql = `(X.created_at, X.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    const boardSql = (alias: string) => {
      if (!filter.boardId) return 'true';
      params.push(filter.boardId);
      return `${alias}.board_id = $${params.length}::uuid`;
    };
    const reasonSql = (expression: string) => {
      if (!filter.reason) return 'true';
      params.push(filter.reason);
      return `${expression} = $${params.length}`;
    };
    const kinds = new Set<QueueItemKind>(filter.kinds && filter.kinds.length > 0 ? filter.kinds : ['thread', 'post', 'flag']);
    // Every branch names its columns: the first branch of the union names them for all, and any may come first.
    const parts: string[] = [];
    if (kinds.has('thread')) {
      parts.push(`(SELECT 'thread' AS kind, t.id AS item_id, t.created_at, t.id AS thread_id, NULL::uuid AS post_id, coalesce(t.held_reason, 'unknown') AS reason
          FROM threads t WHERE t.status = 'pending' AND ${cursorFor('t')} AND ${boardSql('t')} AND ${reasonSql("coalesce(t.held_reason, 'unknown')")}
          ORDER BY t.created_at, t.id LIMIT ${limit})`);
    }
    if (kinds.has('post')) {
      parts.push(`(SELECT 'post' AS kind, p.id AS item_id, p.created_at, p.thread_id, p.id AS post_id, coalesce(p.held_reason, 'unknown') AS reason
          FROM posts p${filter.boardId ? ' JOIN threads t ON t.id = p.thread_id' : ''}
         WHERE p.status = 'pending' AND NOT p.is_question AND ${cursorFor('p')} AND ${boardSql('t')} AND ${reasonSql("coalesce(p.held_reason, 'unknown')")}
         ORDER BY p.created_at, p.id LIMIT ${limit})`);
    }
    if (kinds.has('flag')) {
      parts.push(`(SELECT 'flag' AS kind, f.id AS item_id, f.created_at, f.thread_id, f.post_id, 'flag:' || f.kind AS reason
          FROM flags f${filter.boardId ? ' JOIN threads t ON t.id = f.thread_id' : ''}
         WHERE f.status = 'open' AND ${cursorFor('f')} AND ${boardSql('t')} AND ${reasonSql("'flag:' || f.kind")}
         ORDER BY f.created_at, f.id LIMIT ${limit})`);
    }
    // A named prepared statement per shape: planning this statement costs as much as running it.
    const rows = await preparedQuery<RawItem & QueryResultRow>(
      this.dataSource,
      `WITH page AS (SELECT * FROM (${parts.join(' UNION ALL ')}) items ORDER BY created_at, item_id LIMIT ${limit})
       SELECT i.kind, i.item_id, i.created_at, i.created_at::text AS created_key, i.reason,
              t.board_id, b.name AS board_name, i.thread_id, t.title AS thread_title, i.post_id,
              left(coalesce(p.body_text, q.body_text, ''), ${EXCERPT_CHARS}) AS excerpt,
              a.id AS author_id, a.display_name AS author_name, a.trust_level AS author_trust_level,
              f.kind AS flag_kind, f.note AS flag_note, f.duplicate_of_thread_id AS flag_duplicate_of,
              fu.id AS flagger_id, fu.display_name AS flagger_name, acc.upheld AS flagger_upheld, acc.rejected AS flagger_rejected
         FROM page i
         JOIN threads t ON t.id = i.thread_id
         JOIN boards b ON b.id = t.board_id
         LEFT JOIN posts p ON p.id = i.post_id
         LEFT JOIN posts q ON i.post_id IS NULL AND q.thread_id = i.thread_id AND q.is_question
         LEFT JOIN users a ON a.id = coalesce(p.author_id, CASE WHEN i.post_id IS NULL THEN t.author_id END)
         LEFT JOIN flags f ON i.kind = 'flag' AND f.id = i.item_id
         LEFT JOIN users fu ON fu.id = f.flagger_id
         LEFT JOIN LATERAL (
           SELECT count(*) FILTER (WHERE r.status = 'upheld')::int AS upheld, count(*) FILTER (WHERE r.status = 'rejected')::int AS rejected
             FROM flags r WHERE f.flagger_id IS NOT NULL AND r.flagger_id = f.flagger_id AND r.status <> 'open') acc ON true
        ORDER BY i.created_at, i.item_id`,
      params,
    );
    const page = rows.slice(0, first);
    const edges = page.map((row) => ({ cursor: encodeCursor([row.created_key, row.item_id]), node: toItem(row) }));
    return { edges, totalCount: -1, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /** How many items wait, per reason (hold rule or `flag:<kind>`), most first. */
  async counts(boardId: string | null): Promise<QueueCount[]> {
    // Threads are joined only to filter by board.
    const board = boardId ? 't.board_id = $1::uuid' : 'true';
    const join = (alias: string) => (boardId ? ` JOIN threads t ON t.id = ${alias}.thread_id` : '');
    const rows: { reason: string; count: number }[] = await this.dataSource.query(
      `SELECT reason, count(*)::int AS count FROM (
         SELECT coalesce(t.held_reason, 'unknown') AS reason FROM threads t WHERE t.status = 'pending' AND ${board}
         UNION ALL
         SELECT coalesce(p.held_reason, 'unknown') FROM posts p${join('p')} WHERE p.status = 'pending' AND NOT p.is_question AND ${board}
         UNION ALL
         SELECT 'flag:' || f.kind FROM flags f${join('f')} WHERE f.status = 'open' AND ${board}
       ) items GROUP BY reason ORDER BY count DESC, reason`,
      boardId ? [boardId] : [],
    );
    return rows;
  }
}

function toItem(row: RawItem): QueueItemRow {
  return {
    kind: row.kind,
    id: row.item_id,
    createdAt: row.created_at,
    reason: row.reason,
    boardId: row.board_id,
    boardName: row.board_name,
    threadId: row.thread_id,
    threadTitle: row.thread_title,
    postId: row.post_id,
    excerpt: row.excerpt,
    authorId: row.author_id,
    authorName: row.author_name,
    authorTrustLevel: row.author_trust_level,
    flag:
      row.kind === 'flag'
        ? {
            kind: row.flag_kind!,
            note: row.flag_note,
            duplicateOfThreadId: row.flag_duplicate_of,
            flaggerId: row.flagger_id,
            flaggerName: row.flagger_name,
            flaggerUpheld: row.flagger_upheld ?? 0,
            flaggerRejected: row.flagger_rejected ?? 0,
          }
        : null,
  };
}
