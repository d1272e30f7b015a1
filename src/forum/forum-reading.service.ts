import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/errors/app-error';
import { requireIdOrSlug } from '../common/errors/lookup';
import type { QueryResultRow } from 'pg';
import { decodeCursor, encodeCursor, encodeCursorJson, invalidCursorError, PageWindow } from '../common/graphql/connection';
import { epochMs } from '../common/sql/epoch-ms';
import { plannedLimit } from '../common/sql/planned-limit';
import { preparedQuery } from '../common/sql/prepared-query';
import { jsonLdString } from '../common/json-ld';
import { AppConfig } from '../config/app-config';
import { threadUrl } from '../config/site-urls';
import { Role } from '../users/role.enum';
import { threadJsonLd } from './content/thread-json-ld';
import { ContentStatus, ModerationPolicy } from './entities/forum-enums';
import { PostRevisionEntity } from './entities/post-revision.entity';
import { postNotFound, threadNotFound } from './forum-errors';
import { Reader, readableSqlFor } from './status/content-status';

export type ThreadSort = 'latest' | 'top' | 'unanswered' | 'solved';

export interface ForumAuthorView {
  /** Null: the account is gone. */
  displayName: string | null;
  trustLevel: number;
  isStaff: boolean;
}

export interface BoardView {
  id: string;
  slug: string;
  name: string;
  description: string;
  locale: string;
  position: number;
  moderationPolicy: ModerationPolicy;
  threadCount: number;
}

export interface ThreadSummaryView {
  id: string;
  boardId: string;
  boardSlug: string;
  locale: string;
  slug: string;
  url: string;
  title: string;
  excerpt: string;
  status: ContentStatus;
  isLocked: boolean;
  isPinned: boolean;
  isSolved: boolean;
  tags: string[];
  replyCount: number;
  score: number;
  author: ForumAuthorView;
  createdAt: Date;
  lastActivityAt: Date;
  solvedAt: Date | null;
}

export interface ThreadView extends ThreadSummaryView {
  redirectToSlug: string | null;
  acceptedPostId: string | null;
  products: { key: string; name: string }[];
  duplicateOfId: string | null;
  isFollowing: boolean;
}

export interface PostView {
  id: string;
  threadId: string;
  isQuestion: boolean;
  isAccepted: boolean;
  status: ContentStatus;
  bodyMarkdown: string;
  bodyHtml: string;
  revisionNumber: number;
  score: number;
  upvoteCount: number;
  downvoteCount: number;
  myVote: number;
  author: ForumAuthorView;
  createdAt: Date;
  editedAt: Date | null;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: number | null;
}

export interface ThreadListFilter {
  boardSlug?: string | null;
  locale?: string | null;
  tag?: string | null;
  productKey?: string | null;
  sort: ThreadSort;
}

interface AuthorColumns {
  author_name: string | null;
  author_trust: number | null;
  author_role: Role | null;
}

interface ThreadRow extends AuthorColumns {
  id: string;
  board_id: string;
  board_slug: string;
  locale: string;
  slug: string;
  title: string;
  status: ContentStatus;
  is_locked: boolean;
  is_pinned: boolean;
  is_solved: boolean;
  tags: string[];
  reply_count: number;
  score: number;
  /** Instants as milliseconds since 1970 (epochMs). */
  created_ms: number;
  last_activity_ms: number;
  solved_ms: number | null;
  excerpt: string | null;
  sort_key?: string;
}

interface ThreadDetailRow extends ThreadRow {
  accepted_post_id: string | null;
  duplicate_of_id: string | null;
  is_following: boolean;
  products: { key: string; name: string }[] | null;
  /** Only when asked for (threadRow's head): the page's post rows as JSON. */
  head?: HeadRow[] | null;
}

/**
 * A post row of a thread row's `head` column (JSON: instants in milliseconds, the sort key an array; no `body_markdown`
 * when the page does not show it).
 */
interface HeadRow extends Omit<PostRow, 'created_at' | 'edited_at' | 'sort_key' | 'body_markdown'> {
  body_markdown?: string;
  part: 0 | 1 | 2;
  /** Milliseconds since 1970 (epochMs). */
  created_at: number;
  edited_at: number | null;
  sort_key: (string | number)[];
}

interface PostRow extends AuthorColumns {
  id: string;
  thread_id: string;
  is_question: boolean;
  is_accepted: boolean;
  status: ContentStatus;
  body_markdown: string;
  body_html: string;
  revision_number: number;
  score: number;
  upvote_count: number;
  downvote_count: number;
  my_vote: number | null;
  created_at: Date;
  edited_at: Date | null;
  sort_key: string;
}

/** A post row with its plain text (only the JSON-LD reads it). */
interface PostTextRow extends PostRow {
  body_text: string;
}

interface SortSpec {
  /** Extra condition of the list. */
  where: string;
  /** Sort key, every part descending, with the SQL type of each part (for the cursor). */
  keys: { expr: string; type: 'int' | 'timestamptz' | 'uuid' }[];
}

const SORTS: Record<ThreadSort, SortSpec> = {
  // Pinned threads first, then by latest activity.
  latest: { where: 'true', keys: [{ expr: 't.is_pinned::int', type: 'int' }, { expr: 't.last_activity_at', type: 'timestamptz' }, { expr: 't.id', type: 'uuid' }] },
  top: { where: 'true', keys: [{ expr: 't.score', type: 'int' }, { expr: 't.last_activity_at', type: 'timestamptz' }, { expr: 't.id', type: 'uuid' }] },
  unanswered: { where: 't.reply_count = 0 AND NOT t.is_solved', keys: [{ expr: 't.created_at', type: 'timestamptz' }, { expr: 't.id', type: 'uuid' }] },
  solved: { where: 't.is_solved', keys: [{ expr: 't.solved_at', type: 'timestamptz' }, { expr: 't.id', type: 'uuid' }] },
};

const EXCERPT_LENGTH = 200;
const AUTHOR_COLUMNS = 'u.display_name AS author_name, u.trust_level AS author_trust, u.role AS author_role';
/** Tags as JSON (parsed natively; the driver's text[] parser walks the text character by character). */
const THREAD_COLUMNS = `t.id, t.board_id, b.slug AS board_slug, b.locale, t.slug, t.title, t.status, t.is_locked, t.is_pinned, t.is_solved,
  array_to_json(t.tags) AS tags, t.reply_count, t.score, ${epochMs('t.created_at')} AS created_ms, ${epochMs('t.last_activity_at')} AS last_activity_ms,
  ${epochMs('t.solved_at')} AS solved_ms, t.excerpt, ${AUTHOR_COLUMNS}`;
/**
 * `t.excerpt`: the question's first EXCERPT_LENGTH + 1 characters, kept on the thread by a trigger on posts
 * (migration 1764920000000) so a list page does not join 20 question posts (wide rows) for 200 characters.
 */
const THREAD_FROM = `threads t JOIN boards b ON b.id = t.board_id
  LEFT JOIN users u ON u.id = t.author_id`;
/** Answers shown in a thread's JSON-LD besides the accepted one. */
const SUGGESTED_ANSWERS = 3;

/** What the delivery API reads of the forum: boards, thread lists, threads and their posts, for one reader. */
@Injectable()
export class ForumReadingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Boards with their visible threads, counted by a trigger (migration BoardThreadCounts). */
  async boards(locale: string | null): Promise<BoardView[]> {
    const rows: BoardRow[] = await this.dataSource.query(
      `SELECT b.*, coalesce(c.visible, 0) AS thread_count
       FROM boards b LEFT JOIN board_thread_counts c ON c.board_id = b.id
       WHERE ($1::text IS NULL OR b.locale = $1) ORDER BY b.position, b.name, b.id`,
      [locale],
    );
    return rows.map(toBoardView);
  }

  async board(slug: string): Promise<BoardView> {
    const [row]: BoardRow[] = await this.dataSource.query(
      `SELECT b.*, coalesce(c.visible, 0) AS thread_count FROM boards b LEFT JOIN board_thread_counts c ON c.board_id = b.id WHERE b.slug = $1`,
      [slug],
    );
    if (!row) throw new NotFoundError('Board', slug);
    return toBoardView(row);
  }

  /** Visible threads, paged both ways by the sort's key. An unknown board is NOT_FOUND. */
  async threads(filter: ThreadListFilter, window: PageWindow, withTotal: boolean): Promise<Page<ThreadSummaryView>> {
    const sort = SORTS[filter.sort];
    const params: unknown[] = [];
    const param = (value: unknown, type: string): string => {
      params.push(value);
      return `$${params.length}::${type}`;
    };
    // Only the filters given become conditions, so the planner sees plain equalities (and the partial indexes).
    const conditions = [`t.status = 'visible'`, sort.where];
    // The board by its slug inside the page's statement (an InitPlan: one round trip); an empty page then checks
    // whether the board exists (NOT_FOUND) or just has no such threads.
    if (filter.boardSlug) conditions.push(`t.board_id = (SELECT id FROM boards WHERE slug = ${param(filter.boardSlug, 'text')})`);
    if (filter.locale) conditions.push(`b.locale = ${param(filter.locale, 'text')}`);
    if (filter.tag) conditions.push(`t.tags @> ARRAY[${param(filter.tag.trim().toLowerCase(), 'text')}]`);
    if (filter.productKey) {
      conditions.push(`EXISTS (SELECT 1 FROM thread_products tp JOIN products p ON p.id = tp.product_id WHERE tp.thread_id = t.id AND p.key = ${param(filter.productKey, 'text')})`);
    }
    const filterConditions = conditions.join(' AND ');
    const filterParams = [...params];
    const keyList = sort.keys.map((key) => key.expr).join(', ');
    const pageConditions = [filterConditions];
    if (window.cursor !== null) {
      const parts = decodeCursor(window.cursor, sort.keys.length);
      const placeholders = sort.keys.map((key, i) => param(parts[i], key.type));
      pageConditions.push(`(${keyList}) ${window.direction === 'forward' ? '<' : '>'} (${placeholders.join(', ')})`);
    }
    const order = sort.keys.map((key) => `${key.expr} ${window.direction === 'forward' ? 'DESC' : 'ASC'}`).join(', ');
    // A literal limit (planned-limit.ts) so that PostgreSQL keeps one plan; rows past `size + 1` are cut below.
    const limit = plannedLimit(window.size + 1);
    let rows: ThreadRow[];
    try {
      rows = await preparedQuery<ThreadRow & QueryResultRow>(
        this.dataSource,
        `SELECT ${THREAD_COLUMNS}, json_build_array(${keyList})::text AS sort_key FROM ${THREAD_FROM}
         WHERE ${pageConditions.join(' AND ')} ORDER BY ${order} LIMIT ${limit}`,
        params,
      );
    } catch (error) {
      if (isInvalidInput(error)) throw invalidCursorError();
      throw error;
    }
    if (rows.length === 0 && filter.boardSlug) {
      const [board] = await preparedQuery<{ id: string }>(this.dataSource, 'SELECT id FROM boards WHERE slug = $1', [filter.boardSlug]);
      if (!board) throw new NotFoundError('Board', filter.boardSlug);
    }
    const more = rows.length > window.size;
    const page = rows.slice(0, window.size);
    if (window.direction === 'backward') page.reverse();
    const totalCount = withTotal ? await this.threadTotal(filter, sort, filterConditions, filterParams) : null;
    return {
      edges: page.map((row) => ({ cursor: encodeCursorJson(row.sort_key!), node: this.toThreadSummary(row) })),
      hasNextPage: window.direction === 'forward' ? more : window.cursor !== null,
      hasPreviousPage: window.direction === 'backward' ? more : window.cursor !== null,
      totalCount,
    };
  }

  /**
   * How many threads a list pages through. The visible threads of one board, or of all of them, are the counts the
   * threads trigger keeps (migration BoardThreadCounts); a tag, product, locale or narrower sort counts the rows.
   */
  private async threadTotal(filter: ThreadListFilter, sort: SortSpec, filterConditions: string, filterParams: unknown[]): Promise<number> {
    if (sort.where === 'true' && !filter.locale && !filter.tag && !filter.productKey) {
      // Two statements, not `$1 IS NULL OR …`: PostgreSQL would plan that one again on every call.
      const [{ count }] = filter.boardSlug
        ? await preparedQuery<{ count: number }>(
            this.dataSource,
            `SELECT coalesce(sum(visible), 0)::int AS count FROM board_thread_counts WHERE board_id = (SELECT id FROM boards WHERE slug = $1)`,
            [filter.boardSlug],
          )
        : await preparedQuery<{ count: number }>(this.dataSource, `SELECT coalesce(sum(visible), 0)::int AS count FROM board_thread_counts`, []);
      return count;
    }
    const [{ count }]: { count: number }[] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM threads t JOIN boards b ON b.id = t.board_id WHERE ${filterConditions}`,
      filterParams,
    );
    return count;
  }

  /** A thread by id or by slug (current or earlier: then `redirectToSlug` names the current one). */
  async thread(reader: Reader, lookup: { id?: string | null; slug?: string | null }): Promise<ThreadView> {
    return (await this.threadWithHead(reader, lookup, null)).thread;
  }

  /**
   * A thread page in one statement: the thread (as `thread`) with the head of its posts — the question, the
   * accepted answer and the first `repliesSize` replies forwards (none when null) — what `question`,
   * `acceptedAnswer` and `replies(first: repliesSize)` return, row for row. The posts come as one JSON column of
   * the thread's row (three index lookups or walks of `posts_thread_created_idx` that stop at the page size), so
   * the page is one round trip rather than two (bench/results/forum.md). `withMarkdown: false` (a page that does not
   * show the posts' Markdown): the posts are read without it, their `bodyMarkdown` is empty.
   */
  async threadPage(
    reader: Reader,
    lookup: { id?: string | null; slug?: string | null },
    repliesSize: number | null,
    withMarkdown = true,
  ): Promise<{ thread: ThreadView; head: ThreadHead }> {
    const { thread, head } = await this.threadWithHead(reader, lookup, { size: repliesSize ?? 0, withMarkdown });
    return { thread, head: head! };
  }

  private async threadWithHead(reader: Reader, lookup: { id?: string | null; slug?: string | null }, headSpec: HeadSpec | null): Promise<{ thread: ThreadView; head: ThreadHead | null }> {
    requireIdOrSlug(lookup);
    const key = lookup.id ?? lookup.slug ?? '';
    let row = await this.threadRow(reader, lookup.id ? 't.id = $1::uuid' : 't.slug = $1', key, headSpec);
    let redirectToSlug: string | null = null;
    if (!row && lookup.slug && !lookup.id) {
      const [redirect]: { thread_id: string }[] = await this.dataSource.query('SELECT thread_id FROM thread_slug_redirects WHERE slug = $1', [lookup.slug]);
      if (redirect) row = await this.threadRow(reader, 't.id = $1::uuid', redirect.thread_id, headSpec);
      if (row) redirectToSlug = row.slug;
    }
    if (!row) throw threadNotFound(key);
    const thread: ThreadView = {
      ...this.toThreadSummary(row),
      redirectToSlug,
      acceptedPostId: row.accepted_post_id,
      products: row.products ?? [],
      duplicateOfId: row.duplicate_of_id,
      isFollowing: row.is_following,
    };
    return { thread, head: headSpec === null ? null : toThreadHead(row.head ?? [], headSpec.size) };
  }

  /** The question post of a thread the reader can see. */
  async question(reader: Reader, threadId: string): Promise<PostView | null> {
    const rows = await this.postRows(reader, 'p.thread_id = $1 AND p.is_question', [threadId], 1);
    return rows[0] ? toPostView(rows[0]) : null;
  }

  async acceptedAnswer(reader: Reader, thread: { id: string; acceptedPostId: string | null }): Promise<PostView | null> {
    if (!thread.acceptedPostId) return null;
    const rows = await this.postRows(reader, 'p.thread_id = $1 AND p.id = $2::uuid', [thread.id, thread.acceptedPostId], 1);
    return rows[0] ? toPostView(rows[0]) : null;
  }

  /**
   * The replies the reader can see: the accepted answer first, then oldest first. Forwards, two index walks
   * rather than one sort: the accepted answer by its id (first page only), then the other replies along
   * `posts_thread_created_idx` (thread, created_at, id) up to the page size — a page of a thread with
   * thousands of replies reads ~20 rows, not all of them (measured in bench/results/forum.md).
   * Backwards (`last`/`before`): the (rank, created_at, id) keyset compared and walked the other way,
   * returned in list order. The cursor is (rank, createdAt, id), rank 0 for the accepted answer, 1 for the others.
   */
  async replies(reader: Reader, threadId: string, window: PageWindow): Promise<Page<PostView>> {
    const forward = window.direction === 'forward';
    let rows: PostRow[];
    try {
      rows = forward ? await this.repliesForward(reader, threadId, window) : await this.repliesBackward(reader, threadId, window);
    } catch (error) {
      if (isInvalidInput(error)) throw invalidCursorError();
      throw error;
    }
    const more = rows.length > window.size;
    const page = rows.slice(0, window.size);
    if (!forward) page.reverse();
    return {
      edges: page.map((row) => ({ cursor: encodeCursor(JSON.parse(row.sort_key) as (string | number)[]), node: toPostView(row) })),
      hasNextPage: forward ? more : window.cursor !== null,
      hasPreviousPage: forward ? window.cursor !== null : more,
      totalCount: null,
    };
  }

  private async repliesForward(reader: Reader, threadId: string, window: PageWindow): Promise<PostRow[]> {
    let afterOthers: [string, string] | null = null;
    if (window.cursor !== null) {
      const [rank, createdAt, id] = decodeCursor(window.cursor, 3);
      if (rank !== 0 && rank !== 1) throw invalidCursorError();
      if (rank === 1) afterOthers = [String(createdAt), String(id)];
    }
    const accepted = window.cursor === null ? await this.postRows(reader, 'p.thread_id = $1 AND p.id = t.accepted_post_id AND NOT p.is_question', [threadId], 1) : [];
    const params: unknown[] = [threadId];
    let condition = 'p.thread_id = $1 AND NOT p.is_question AND p.id IS DISTINCT FROM t.accepted_post_id';
    if (afterOthers) {
      params.push(...afterOthers);
      condition += ' AND (p.created_at, p.id) > ($2::timestamptz, $3::uuid)';
    }
    const others = await this.postRows(reader, condition, params, window.size + 1 - accepted.length, 'p.created_at, p.id');
    return [...accepted, ...others];
  }

  private async repliesBackward(reader: Reader, threadId: string, window: PageWindow): Promise<PostRow[]> {
    const params: unknown[] = [threadId];
    let condition = 'p.thread_id = $1 AND NOT p.is_question';
    if (window.cursor !== null) {
      const [rank, createdAt, id] = decodeCursor(window.cursor, 3);
      params.push(rank, createdAt, id);
      condition += ` AND (CASE WHEN p.id = t.accepted_post_id THEN 0 ELSE 1 END, p.created_at, p.id) < ($2::int, $3::timestamptz, $4::uuid)`;
    }
    return this.postRows(reader, condition, params, window.size + 1, 'CASE WHEN p.id = t.accepted_post_id THEN 0 ELSE 1 END DESC, p.created_at DESC, p.id DESC');
  }

  async post(reader: Reader, postId: string): Promise<PostView> {
    const [row] = await this.postRows(reader, 'p.id = $1::uuid', [postId], 1);
    if (!row) throw postNotFound(postId);
    return toPostView(row);
  }

  /** Every version of a post (staff): the edit history, whatever the post's status. */
  async revisions(postId: string): Promise<PostRevisionEntity[]> {
    const revisions = await this.dataSource.getRepository(PostRevisionEntity).find({ where: { postId }, order: { number: 'ASC' } });
    if (revisions.length === 0) throw postNotFound(postId);
    return revisions;
  }

  /** schema.org QAPage of a visible thread, from its visible posts only (whoever asks); null while it has no visible answer. */
  async jsonLd(threadId: string): Promise<string | null> {
    const anonymous: Reader = { userId: null, isStaff: false };
    const row = await this.threadRow(anonymous, 't.id = $1::uuid', threadId);
    if (!row || row.status !== ContentStatus.Visible) return null;
    const url = this.threadUrl(row.locale, row.slug);
    const [question] = await this.postRows<PostTextRow>(anonymous, 'p.thread_id = $1 AND p.is_question', [threadId], 1, undefined, true);
    if (!question) return null;
    const [accepted] = row.accepted_post_id
      ? await this.postRows<PostTextRow>(anonymous, 'p.thread_id = $1 AND p.id = $2::uuid', [threadId, row.accepted_post_id], 1, undefined, true)
      : [];
    const suggested = await this.postRows<PostTextRow>(
      anonymous,
      'p.thread_id = $1 AND NOT p.is_question AND p.id IS DISTINCT FROM t.accepted_post_id',
      [threadId],
      SUGGESTED_ANSWERS,
      'p.score DESC, p.created_at, p.id',
      true,
    );
    const asJsonLd = (postRow: PostTextRow) => {
      const post = toPostView(postRow);
      return {
        text: postRow.body_text,
        authorName: post.author.displayName ?? 'Deleted member',
        createdAt: post.createdAt,
        upvoteCount: post.upvoteCount,
        url: `${url}#post-${post.id}`,
      };
    };
    const jsonLd = threadJsonLd({
      title: row.title,
      url,
      question: asJsonLd(question),
      answerCount: row.reply_count,
      acceptedAnswer: accepted ? asJsonLd(accepted) : null,
      suggestedAnswers: suggested.map(asJsonLd),
    });
    return jsonLd ? jsonLdString(jsonLd) : null;
  }

  /** How many threads `sitemap` lists (/sitemap-community.xml's page count). */
  async sitemapCount(): Promise<number> {
    const [row]: { count: number }[] = await this.dataSource.query(`SELECT count(*)::int AS count FROM threads t WHERE t.status = 'visible' AND t.is_solved`);
    return row.count;
  }

  /** Solved, visible threads for sitemaps, most recently solved first; backwards like `replies`. */
  async sitemap(window: PageWindow): Promise<Page<{ locale: string; slug: string; url: string; lastModified: Date }>> {
    const first = window.size;
    const forward = window.direction === 'forward';
    const params: unknown[] = [first + 1];
    let condition = `t.status = 'visible' AND t.is_solved`;
    if (window.cursor !== null) {
      const [updatedAt, id] = decodeCursor(window.cursor, 2);
      params.push(updatedAt, id);
      condition += ` AND (t.updated_at, t.id) ${forward ? '<' : '>'} ($2::timestamptz, $3::uuid)`;
    }
    const walk = forward ? 'DESC' : 'ASC';
    let rows: { id: string; slug: string; locale: string; updated_at: Date; sort_key: string }[];
    try {
      rows = await this.dataSource.query(
        `SELECT t.id, t.slug, b.locale, t.updated_at, json_build_array(t.updated_at, t.id)::text AS sort_key
         FROM threads t JOIN boards b ON b.id = t.board_id WHERE ${condition} ORDER BY t.updated_at ${walk}, t.id ${walk} LIMIT $1`,
        params,
      );
    } catch (error) {
      if (isInvalidInput(error)) throw invalidCursorError();
      throw error;
    }
    const page = rows.slice(0, first);
    if (!forward) page.reverse();
    return {
      edges: page.map((row) => ({
        cursor: encodeCursorJson(row.sort_key),
        node: { locale: row.locale, slug: row.slug, url: this.threadUrl(row.locale, row.slug), lastModified: row.updated_at },
      })),
      hasNextPage: forward ? rows.length > first : window.cursor !== null,
      hasPreviousPage: forward ? window.cursor !== null : rows.length > first,
      totalCount: null,
    };
  }

  /** A URL on the public site (which is expected to proxy the sitemaps to this API). */
  siteUrl(path: string): string {
    return `${this.config.site.baseUrl}${path}`;
  }

  threadUrl(locale: string, slug: string): string {
    return threadUrl(this.config.site, locale, slug);
  }

  /**
   * The thread's row for the reader; with `head`, also its `head` column: the question (part 0), the accepted
   * answer (part 1) and the first `head.size` + 1 other replies (part 2, oldest first), as a JSON array of post rows.
   */
  private async threadRow(reader: Reader, condition: string, key: string, headSpec: HeadSpec | null = null): Promise<ThreadDetailRow | null> {
    const values: unknown[] = [key];
    const readable = readableSqlFor(['t'], reader, values);
    // Anonymous readers follow nothing: no lookup in thread_follows.
    const following = reader.userId === null ? 'false' : `EXISTS (SELECT 1 FROM thread_follows f WHERE f.thread_id = t.id AND f.user_id = $${values.push(reader.userId)}::uuid)`;
    let head = '';
    if (headSpec !== null) {
      // Correlated to the thread row (`t`, already readable); UNION ALL keeps the branches' order.
      const { columns, from, readable: postReadable } = postSelect(reader, values, 'outer', false, headSpec.withMarkdown);
      const limit = `$${values.push(headSpec.size + 1)}::int`;
      head = `, (SELECT json_agg(h) FROM (
          (SELECT 0 AS part, ${columns} FROM ${from} WHERE p.thread_id = t.id AND p.is_question AND ${postReadable} LIMIT 1)
          UNION ALL
          (SELECT 1 AS part, ${columns} FROM ${from} WHERE p.id = t.accepted_post_id AND p.thread_id = t.id AND ${postReadable} LIMIT 1)
          UNION ALL
          (SELECT 2 AS part, ${columns} FROM ${from}
           WHERE p.thread_id = t.id AND NOT p.is_question AND p.id IS DISTINCT FROM t.accepted_post_id AND ${postReadable}
           ORDER BY p.created_at, p.id LIMIT ${limit})) h) AS head`;
    }
    const [row] = await preparedQuery<ThreadDetailRow & QueryResultRow>(
      this.dataSource,
      `SELECT ${THREAD_COLUMNS}, t.accepted_post_id, (SELECT d.id FROM threads d WHERE d.id = t.duplicate_of_id AND d.status = 'visible') AS duplicate_of_id, ${following} AS is_following,
              (SELECT json_agg(json_build_object('key', p.key, 'name', p.name) ORDER BY p.key) FROM thread_products tp JOIN products p ON p.id = tp.product_id WHERE tp.thread_id = t.id) AS products${head}
       FROM ${THREAD_FROM} WHERE ${condition} AND ${readable}`,
      values,
    );
    return row ?? null;
  }

  /** Post rows the reader can see; `withText`: with their plain text (`body_text`). */
  private async postRows<Row extends PostRow = PostRow>(reader: Reader, condition: string, params: unknown[], limit: number, orderBy?: string, withText = false): Promise<Row[]> {
    const values = [...params];
    const { columns, from, readable } = postSelect(reader, values, 'join', withText);
    values.push(limit);
    return preparedQuery<Row & QueryResultRow>(
      this.dataSource,
      `SELECT ${columns} FROM ${from} WHERE ${condition} AND ${readable}
       ORDER BY ${orderBy ?? 'CASE WHEN p.id = t.accepted_post_id THEN 0 ELSE 1 END, p.created_at, p.id'} LIMIT $${values.length}`,
      values,
    );
  }

  private toThreadSummary(row: ThreadRow): ThreadSummaryView {
    return {
      id: row.id,
      boardId: row.board_id,
      boardSlug: row.board_slug,
      locale: row.locale,
      slug: row.slug,
      url: this.threadUrl(row.locale, row.slug),
      title: row.title,
      excerpt: excerpt(row.excerpt ?? ''),
      status: row.status,
      isLocked: row.is_locked,
      isPinned: row.is_pinned,
      isSolved: row.is_solved,
      tags: row.tags,
      replyCount: row.reply_count,
      score: row.score,
      author: toAuthor(row),
      createdAt: new Date(row.created_ms),
      lastActivityAt: new Date(row.last_activity_ms),
      solvedAt: row.solved_ms === null ? null : new Date(row.solved_ms),
    };
  }
}

/** What of the posts a thread row's `head` holds: the replies page size, and whether with their Markdown. */
interface HeadSpec {
  size: number;
  withMarkdown: boolean;
}

/** The head of a thread page (ForumReadingService.threadPage). */
export interface ThreadHead {
  question: PostView | null;
  accepted: PostView | null;
  replies: Page<PostView>;
}

/**
 * Select list, joins and readability rule of a post statement for one reader, appending the reader's parameters to
 * `values`. Anonymous readers get no `post_votes` join (`my_vote` is NULL) and the plain `status = 'visible'` rule.
 * `thread`: 'join' joins the post's thread as `t` (and requires it readable too); 'outer' leaves `t` to the enclosing
 * statement, whose thread row is already readable, and gives the sort key as JSON (the rows are aggregated as JSON).
 * `withText`: also the plain text, `body_text` (the delivery API shows only Markdown and HTML); `withMarkdown: false`:
 * without the Markdown, `body_markdown` (a page that shows only the HTML: half the text of a post row).
 */
function postSelect(
  reader: Reader,
  values: unknown[],
  thread: 'join' | 'outer' = 'join',
  withText = false,
  withMarkdown = true,
): { columns: string; from: string; readable: string } {
  const readable = readableSqlFor(thread === 'join' ? ['p', 't'] : ['p'], reader, values);
  // In JSON (outer), instants as milliseconds: a number becomes a Date without parsing text.
  const instants = thread === 'join' ? 'p.created_at, p.edited_at' : `${epochMs('p.created_at')} AS created_at, ${epochMs('p.edited_at')} AS edited_at`;
  let vote = 'NULL::int AS my_vote';
  let voteJoin = '';
  if (reader.userId !== null) {
    values.push(reader.userId);
    vote = 'v.value AS my_vote';
    voteJoin = `LEFT JOIN post_votes v ON v.post_id = p.id AND v.voter_id = $${values.length}::uuid`;
  }
  return {
    columns: `p.id, p.thread_id, p.is_question, (p.id IS NOT DISTINCT FROM t.accepted_post_id) AS is_accepted, p.status,${withMarkdown ? ' p.body_markdown,' : ''} p.body_html,${withText ? ' p.body_text,' : ''}
              p.revision_number, p.score, p.upvote_count, p.downvote_count, ${vote}, ${instants}, ${AUTHOR_COLUMNS},
              json_build_array(CASE WHEN p.id = t.accepted_post_id THEN 0 ELSE 1 END, p.created_at, p.id)${thread === 'join' ? '::text' : ''} AS sort_key`,
    from: `posts p ${thread === 'join' ? 'JOIN threads t ON t.id = p.thread_id ' : ''}LEFT JOIN users u ON u.id = p.author_id ${voteJoin}`,
    readable,
  };
}

/**
 * The head of a thread page from its rows (threadRow's `head`): as `question`, `acceptedAnswer` and the first
 * replies page (`size`) would answer — the accepted answer (unless it is the question) first, then the others.
 */
function toThreadHead(rows: HeadRow[], size: number): ThreadHead {
  const question = rows.find((row) => row.part === 0);
  const accepted = rows.find((row) => row.part === 1);
  const listed = [...(accepted && !accepted.is_question ? [accepted] : []), ...rows.filter((row) => row.part === 2)].slice(0, size + 1);
  const page = listed.slice(0, size);
  return {
    question: question ? headPostView(question) : null,
    accepted: accepted ? headPostView(accepted) : null,
    replies: {
      edges: page.map((row) => ({ cursor: encodeCursor(row.sort_key), node: headPostView(row) })),
      hasNextPage: listed.length > size,
      hasPreviousPage: false,
      totalCount: null,
    },
  };
}

interface BoardRow {
  id: string;
  slug: string;
  name: string;
  description: string;
  locale: string;
  position: number;
  moderation_policy: ModerationPolicy;
  thread_count: number;
}

function toBoardView(row: BoardRow): BoardView {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    locale: row.locale,
    position: row.position,
    moderationPolicy: row.moderation_policy,
    threadCount: row.thread_count,
  };
}

function toAuthor(row: AuthorColumns): ForumAuthorView {
  return {
    displayName: row.author_name,
    trustLevel: row.author_trust ?? 0,
    isStaff: row.author_role !== null && row.author_role !== Role.Member,
  };
}

function toPostView(row: PostRow): PostView {
  return postView(row, row.body_markdown, row.created_at, row.edited_at);
}

/** A post of a thread row's `head` (JSON): its timestamps parsed as `Date`s as the driver parses columns. */
function headPostView(row: HeadRow): PostView {
  return postView(row, row.body_markdown ?? '', new Date(row.created_at), row.edited_at === null ? null : new Date(row.edited_at));
}

function postView(row: Omit<PostRow, 'created_at' | 'edited_at' | 'sort_key' | 'body_markdown'>, bodyMarkdown: string, createdAt: Date, editedAt: Date | null): PostView {
  return {
    id: row.id,
    threadId: row.thread_id,
    isQuestion: row.is_question,
    isAccepted: row.is_accepted,
    status: row.status,
    bodyMarkdown,
    bodyHtml: row.body_html,
    revisionNumber: row.revision_number,
    score: row.score,
    upvoteCount: row.upvote_count,
    downvoteCount: row.downvote_count,
    myVote: row.my_vote ?? 0,
    author: toAuthor(row),
    createdAt,
    editedAt,
  };
}

function excerpt(text: string): string {
  return text.length <= EXCERPT_LENGTH ? text : `${text.slice(0, EXCERPT_LENGTH - 1).trimEnd()}…`;
}

/**
 * A cursor whose values PostgreSQL cannot read as the key's types (class 22: data exception). TypeORM wraps the
 * driver's error (`driverError`); a prepared statement (preparedQuery) throws the driver's own, with `code` on it.
 */
function isInvalidInput(error: unknown): boolean {
  const { code, driverError } = error as { code?: unknown; driverError?: { code?: unknown } };
  const sqlState = typeof driverError?.code === 'string' ? driverError.code : code;
  return typeof sqlState === 'string' && sqlState.startsWith('22');
}
