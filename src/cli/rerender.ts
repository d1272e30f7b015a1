import { DataSource, EntityManager } from 'typeorm';
import { outlineOfHtml, readingTimeMinutes } from '../articles/content/article-outline';
import { assetReferencesOf, MarkdownAsset, renderMarkdown } from '../articles/content/render-markdown';
import { recordChange } from '../changes/content-changes';
import { isConcurrencyAbort } from '../common/errors/database-unavailable';
import { renderPost } from '../forum/content/render-post';
import { CliOptions, CliUsageError, parseOptions } from './cli-options';

/**
 * `npm run cli -- rerender [--dry-run]`: renders every stored revision's Markdown again with today's renderer and
 * sanitizer (articles: content/render-markdown.ts; forum posts: content/render-post.ts) and writes back only the rows
 * whose HTML (or the text and headings derived with it) came out different. Revisions are rendered once, when written:
 * without this, a sanitizer fix never reaches the HTML of what was written before it (docs/operations.md).
 *
 * - Keyset pagination by id, one batch at a time: memory stays bounded whatever the table sizes.
 * - Each batch is its own short transaction, and every UPDATE is guarded by the values it read (`body_html`, and
 *   for a post its revision number and Markdown): a row edited meanwhile is left as the edit wrote it (with the same
 *   renderer), so the command can run while the API serves.
 * - Changed published content goes through the change pipeline (recordChange, change `rerendered`): search
 *   reindexing (outbox), the API instances' caches (NOTIFY) and the outgoing webhooks with their surrogate keys
 *   (CDN purge), in the same transaction as the new HTML.
 * - Idempotent: a second run finds nothing to change. `--dry-run` counts without writing.
 */

export type RerenderKind = 'articleRevisions' | 'postRevisions' | 'posts';

export interface RerenderCount {
  scanned: number;
  changed: number;
}

export type RerenderCounts = Record<RerenderKind, RerenderCount>;

export interface RerenderOptions {
  dryRun: boolean;
  /** Rows read per batch (and per transaction). */
  batchSize?: number;
  /** Article assets that exist, for `asset:<id>` references (ArticleAssetsService.renderable). */
  renderableAssets: (manager: EntityManager, ids: readonly string[]) => Promise<ReadonlyMap<string, MarkdownAsset>>;
  /** The forum's allowed image hosts (FORUM_IMAGE_HOSTS), as the API renders posts with. */
  imageHosts: readonly string[];
  /** Called before each kind with its row count, and after each batch. */
  onProgress?: (kind: RerenderKind, scanned: number, total: number) => void;
}

export const RERENDER_KINDS: readonly RerenderKind[] = ['articleRevisions', 'postRevisions', 'posts'];

export const RERENDER_LABELS: Record<RerenderKind, string> = {
  articleRevisions: 'article revisions',
  postRevisions: 'post revisions',
  posts: 'posts (current text)',
};

const DEFAULT_BATCH = 200;
const NO_ID = '00000000-0000-0000-0000-000000000000';

/** `rerender`'s options: only `--dry-run`. */
export function parseRerender(args: string[]): { dryRun: boolean } {
  const options: CliOptions = parseOptions(args, [], ['--dry-run']);
  if (args.length !== options.size) throw new CliUsageError('An option is given twice');
  return { dryRun: options.has('--dry-run') };
}

export async function rerenderStoredHtml(dataSource: DataSource, options: RerenderOptions): Promise<RerenderCounts> {
  const counts: RerenderCounts = {
    articleRevisions: await rerenderArticleRevisions(dataSource, options),
    postRevisions: await rerenderPostRevisions(dataSource, options),
    posts: await rerenderPosts(dataSource, options),
  };
  return counts;
}

async function countRows(dataSource: DataSource, table: string): Promise<number> {
  const [{ count }]: { count: number }[] = await dataSource.query(`SELECT count(*)::int AS count FROM ${table}`);
  return count;
}

/** Reads `table` by id in batches; `handle` gets each batch and answers how many rows it changed. */
async function walk<Row extends { id: string }>(
  dataSource: DataSource,
  kind: RerenderKind,
  table: string,
  columns: string,
  options: RerenderOptions,
  handle: (rows: Row[]) => Promise<number>,
): Promise<RerenderCount> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const total = await countRows(dataSource, table);
  options.onProgress?.(kind, 0, total);
  const count: RerenderCount = { scanned: 0, changed: 0 };
  for (let after = NO_ID; ; ) {
    const rows: Row[] = await dataSource.query(`SELECT ${columns} FROM ${table} WHERE id > $1 ORDER BY id LIMIT $2`, [after, batchSize]);
    if (rows.length === 0) break;
    count.changed += await handle(rows);
    count.scanned += rows.length;
    after = rows[rows.length - 1].id;
    options.onProgress?.(kind, count.scanned, Math.max(total, count.scanned));
    if (rows.length < batchSize) break;
  }
  return count;
}

/**
 * A batch's transaction, tried again when PostgreSQL aborts it for a concurrent transaction on the same rows (a member
 * editing a post of the batch, the thread excerpt trigger): its guarded UPDATEs then skip what the other wrote.
 */
async function inTransaction<T>(dataSource: DataSource, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction(work);
    } catch (error) {
      if (attempt >= 5 || !isConcurrencyAbort(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

interface ArticleRevisionRow {
  id: string;
  article_id: string;
  locale: string;
  body_markdown: string;
  body_html: string;
  body_text: string;
  headings: string[];
}

function rerenderArticleRevisions(dataSource: DataSource, options: RerenderOptions): Promise<RerenderCount> {
  return walk<ArticleRevisionRow>(dataSource, 'articleRevisions', 'article_revisions', 'id, article_id, locale, body_markdown, body_html, body_text, headings', options, async (rows) => {
    const assets = await options.renderableAssets(dataSource.manager, [...new Set(rows.flatMap((row) => assetReferencesOf(row.body_markdown)))]);
    const changed = rows.flatMap((row) => {
      const rendered = renderMarkdown(row.body_markdown, { assets });
      const same = rendered.html === row.body_html && rendered.plainText === row.body_text && sameList(rendered.headings, row.headings ?? []);
      return same ? [] : [{ row, rendered }];
    });
    if (changed.length === 0 || options.dryRun) return changed.length;
    return inTransaction(dataSource, async (tx) => {
      const written: string[] = [];
      for (const { row, rendered } of changed) {
        // Revisions are immutable; the guard only keeps a concurrent run of this command from writing twice.
        const [, affected]: [unknown, number] = await tx.query(
          `UPDATE article_revisions SET body_html = $2, body_text = $3, headings = $4, outline = $5, reading_time_minutes = $6
           WHERE id = $1 AND body_html = $7 AND body_markdown = $8`,
          [row.id, rendered.html, rendered.plainText, rendered.headings, JSON.stringify(outlineOfHtml(rendered.html)), readingTimeMinutes(rendered.plainText), row.body_html, row.body_markdown],
        );
        if (affected > 0) written.push(row.id);
      }
      // Published revisions are public pages: reindex, drop cached answers, tell webhooks (CDN purge), per locale.
      const published: { article_id: string; locale: string }[] = await tx.query(
        `SELECT article_id, locale FROM article_locales WHERE published_revision_id = ANY($1::uuid[]) ORDER BY locale, article_id`,
        [written],
      );
      const byLocale = new Map<string, string[]>();
      for (const { article_id, locale } of published) byLocale.set(locale, [...(byLocale.get(locale) ?? []), article_id]);
      for (const [locale, ids] of byLocale) await recordChange(tx, { kind: 'article', change: 'rerendered', ids, locale });
      return written.length;
    });
  });
}

interface PostRevisionRow {
  id: string;
  body_markdown: string;
  body_html: string;
}

function rerenderPostRevisions(dataSource: DataSource, options: RerenderOptions): Promise<RerenderCount> {
  const policy = { imageHosts: options.imageHosts };
  return walk<PostRevisionRow>(dataSource, 'postRevisions', 'post_revisions', 'id, body_markdown, body_html', options, async (rows) => {
    const changed = rows.flatMap((row) => {
      const html = renderPost(row.body_markdown, policy).html;
      return html === row.body_html ? [] : [{ row, html }];
    });
    if (changed.length === 0 || options.dryRun) return changed.length;
    // The edit history: nothing public is cached or indexed from it (the post's current text is, below).
    return inTransaction(dataSource, async (tx) => {
      let written = 0;
      for (const { row, html } of changed) {
        const [, affected]: [unknown, number] = await tx.query(`UPDATE post_revisions SET body_html = $2 WHERE id = $1 AND body_html = $3 AND body_markdown = $4`, [
          row.id,
          html,
          row.body_html,
          row.body_markdown,
        ]);
        written += affected;
      }
      return written;
    });
  });
}

interface PostRow {
  id: string;
  thread_id: string;
  revision_number: number;
  body_markdown: string;
  body_html: string;
  body_text: string;
}

function rerenderPosts(dataSource: DataSource, options: RerenderOptions): Promise<RerenderCount> {
  const policy = { imageHosts: options.imageHosts };
  return walk<PostRow>(dataSource, 'posts', 'posts', 'id, thread_id, revision_number, body_markdown, body_html, body_text', options, async (rows) => {
    const changed = rows.flatMap((row) => {
      const rendered = renderPost(row.body_markdown, policy);
      return rendered.html === row.body_html && rendered.plainText === row.body_text ? [] : [{ row, rendered }];
    });
    if (changed.length === 0 || options.dryRun) return changed.length;
    return inTransaction(dataSource, async (tx) => {
      // Threads first, in id order, as an edit locks its thread before its post: a post's new body_text updates its
      // thread's excerpt (trigger), and taking the locks the other way round could deadlock with an edit.
      await tx.query(`SELECT id FROM threads WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE`, [[...new Set(changed.map(({ row }) => row.thread_id))]]);
      const written: string[] = [];
      for (const { row, rendered } of changed) {
        // An edit since the read moved the revision number and rendered its own text: left as it is.
        const [, affected]: [unknown, number] = await tx.query(
          `UPDATE posts SET body_html = $2, body_text = $3 WHERE id = $1 AND revision_number = $4 AND body_markdown = $5 AND body_html = $6`,
          [row.id, rendered.html, rendered.plainText, row.revision_number, row.body_markdown, row.body_html],
        );
        if (affected > 0) written.push(row.id);
      }
      // Public posts only (visible, in a visible thread): their thread pages and, for a question or an accepted
      // answer, the thread's search document.
      const visible: { id: string; thread_id: string; shapes_thread: boolean }[] = await tx.query(
        `SELECT p.id, p.thread_id, (p.is_question OR t.accepted_post_id = p.id) AS shapes_thread
         FROM posts p JOIN threads t ON t.id = p.thread_id
         WHERE p.id = ANY($1::uuid[]) AND p.status = 'visible' AND t.status = 'visible' ORDER BY p.id`,
        [written],
      );
      if (visible.length > 0) await recordChange(tx, { kind: 'post', change: 'rerendered', ids: visible.map((post) => post.id) });
      const threads = [...new Set(visible.filter((post) => post.shapes_thread).map((post) => post.thread_id))];
      if (threads.length > 0) await recordChange(tx, { kind: 'thread', change: 'rerendered', ids: threads });
      return written.length;
    });
  });
}
