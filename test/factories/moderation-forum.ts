import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

/**
 * Forum rows for moderation tests, written straight into the tables (the forum's own posting API is
 * another module's; these tests exercise what moderators do with what is there).
 */
export class ForumRows {
  constructor(private readonly dataSource: DataSource) {}

  async board(options: { policy?: string; locale?: string; name?: string } = {}): Promise<string> {
    const slug = `board-${randomBytes(4).toString('hex')}`;
    const [row] = await this.dataSource.query(
      `INSERT INTO boards (slug, name, locale, moderation_policy) VALUES ($1, $2, $3, $4) RETURNING id`,
      [slug, options.name ?? slug, options.locale ?? 'en', options.policy ?? 'open'],
    );
    return row.id;
  }

  /** A thread with its question post; both take `status`. */
  async thread(options: { boardId: string; authorId: string | null; status?: string; heldReason?: string | null; title?: string; body?: string; createdAt?: Date }): Promise<{ threadId: string; questionId: string; slug: string }> {
    const slug = `thread-${randomBytes(5).toString('hex')}`;
    const status = options.status ?? 'visible';
    const createdAt = options.createdAt ?? new Date();
    const [thread] = await this.dataSource.query(
      `INSERT INTO threads (board_id, slug, title, status, held_reason, author_id, created_at, last_activity_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
      [options.boardId, slug, options.title ?? `Question ${slug}`, status, options.heldReason ?? null, options.authorId, createdAt],
    );
    const questionId = await this.insertPost(thread.id, options.authorId, true, status, options.heldReason ?? null, options.body ?? `How do I do ${slug}?`, createdAt);
    return { threadId: thread.id, questionId, slug };
  }

  async reply(options: { threadId: string; authorId: string | null; status?: string; heldReason?: string | null; body?: string; createdAt?: Date }): Promise<string> {
    const status = options.status ?? 'visible';
    const id = await this.insertPost(options.threadId, options.authorId, false, status, options.heldReason ?? null, options.body ?? 'A reply', options.createdAt ?? new Date());
    if (status === 'visible') await this.dataSource.query(`UPDATE threads SET reply_count = reply_count + 1 WHERE id = $1`, [options.threadId]);
    return id;
  }

  async flag(options: { threadId: string; postId?: string | null; flaggerId: string; kind?: string; note?: string | null; duplicateOfThreadId?: string | null; status?: string; createdAt?: Date }): Promise<string> {
    const [row] = await this.dataSource.query(
      `INSERT INTO flags (target_kind, thread_id, post_id, flagger_id, kind, note, duplicate_of_thread_id, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        options.postId ? 'post' : 'thread',
        options.threadId,
        options.postId ?? null,
        options.flaggerId,
        options.kind ?? 'spam',
        options.note ?? null,
        options.duplicateOfThreadId ?? null,
        options.status ?? 'open',
        options.createdAt ?? new Date(),
      ],
    );
    return row.id;
  }

  private async insertPost(threadId: string, authorId: string | null, isQuestion: boolean, status: string, heldReason: string | null, body: string, createdAt: Date): Promise<string> {
    const [post] = await this.dataSource.query(
      `INSERT INTO posts (thread_id, author_id, is_question, status, held_reason, body_markdown, body_html, body_text, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $8) RETURNING id`,
      [threadId, authorId, isQuestion, status, heldReason, body, `<p>${body}</p>`, createdAt],
    );
    await this.dataSource.query(
      `INSERT INTO post_revisions (post_id, number, body_markdown, body_html, editor_id) VALUES ($1, 1, $2, $3, $4)`,
      [post.id, body, `<p>${body}</p>`, authorId],
    );
    return post.id;
  }
}
