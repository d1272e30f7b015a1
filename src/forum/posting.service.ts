import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { slugify, withSuffix } from '../articles/slugs/slugify';
import type { AuthUser } from '../auth/auth-user';
import { lockActiveAccount } from '../users/active-account-lock';
import { recordChange } from '../changes/content-changes';
import { BadUserInputError, ForbiddenError, NotFoundError } from '../common/errors/app-error';
import { AppConfig } from '../config/app-config';
import { PostRenderer } from './content/post-renderer';
import type { RenderedPost } from './content/render-post';
import { BoardEntity } from './entities/board.entity';
import { ContentStatus } from './entities/forum-enums';
import { PostRevisionEntity } from './entities/post-revision.entity';
import { PostEntity } from './entities/post.entity';
import { ThreadSlugRedirectEntity } from './entities/thread-slug.entity';
import { ThreadEntity } from './entities/thread.entity';
import { bodyTooLong, editWouldBeHeld, postNotFound, refusedParticipation, staleRevision, threadLocked, threadNotFound } from './forum-errors';
import { lockPostWithThread } from './forum-locks';
import { POST_SCREENER } from './post-screening';
import type { PostScreener } from './post-screening';
import { normalizeTags, participationRefusal } from './posting-rules';
import { ForumNotifications } from './notifications/forum-notifications.service';
import { transitionStatus } from './status/content-status';
import { lastVisibleActivitySql } from './thread-activity';

export interface AskQuestion {
  boardId: string;
  title: string;
  bodyMarkdown: string;
  tags?: string[] | null;
  productKeys?: string[] | null;
}

export interface ReplyToThread {
  threadId: string;
  bodyMarkdown: string;
}

export interface EditOwnPost {
  postId: string;
  baseRevisionNumber: number;
  bodyMarkdown: string;
  /** Questions only: the thread's new title. */
  title?: string | null;
  reason?: string | null;
}

const UNIQUE_VIOLATION = '23505';
const SLUG_ATTEMPTS = 3;

/** Members writing: questions, replies, their edits and deletions. Each use case is one transaction. */
@Injectable()
export class PostingService {
  /** Each member's last post, reply or edit in this process (see inTurn). */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly renderer: PostRenderer,
    private readonly config: AppConfig,
    @Inject(POST_SCREENER) private readonly screener: PostScreener,
    private readonly notifications: ForumNotifications,
  ) {}

  /** Creates a thread and its question post; held as pending when the board's policy says so. Returns the thread id. */
  async ask(member: AuthUser, input: AskQuestion): Promise<{ threadId: string; postId: string }> {
    this.checkWriter(member);
    this.checkBody(input.bodyMarkdown);
    return this.inTurn(member, () => this.askInTurn(member, input));
  }

  private async askInTurn(member: AuthUser, input: AskQuestion): Promise<{ threadId: string; postId: string }> {
    const rendered = await this.renderAdmitted(member, input.bodyMarkdown);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dataSource.transaction(async (tx) => {
          await lockActiveAccount(tx, member.id);
          const board = await tx.findOne(BoardEntity, { where: { id: input.boardId } });
          if (!board) throw new NotFoundError('Board', input.boardId);
          const productIds = await this.productIds(tx, input.productKeys ?? []);
          const screening = await this.screener.screen(tx, { author: { id: member.id, role: member.account.role, trustLevel: member.account.trustLevel }, boardId: board.id, threadId: null, markdown: input.bodyMarkdown, plainText: `${input.title}\n${rendered.plainText}` });
          const heldReason = screening.heldReason;
          const status = heldReason ? ContentStatus.Pending : ContentStatus.Visible;
          const slug = await this.freeSlug(tx, slugify(input.title, board.locale));
          const thread = await tx.save(
            tx.create(ThreadEntity, {
              boardId: board.id,
              slug,
              title: input.title,
              status,
              heldReason,
              tags: normalizeTags(input.tags ?? []),
              authorId: member.id,
            }),
          );
          if (productIds.length > 0) {
            await tx.query('INSERT INTO thread_products (thread_id, product_id) SELECT $1, unnest($2::uuid[])', [thread.id, productIds]);
          }
          const post = await this.insertPost(tx, { threadId: thread.id, authorId: member.id, isQuestion: true, status, heldReason }, input.bodyMarkdown, rendered, input.title);
          await this.follow(tx, thread.id, member.id);
          await this.screener.recordHold(tx, 'thread', thread.id, screening, board.id);
          if (!heldReason) await this.notifications.postPublished(tx, post, thread);
          await recordChange(tx, { kind: 'thread', change: heldReason ? 'held' : 'created', id: thread.id, locale: board.locale });
          await recordChange(tx, { kind: 'post', change: heldReason ? 'held' : 'created', id: post.id });
          return { threadId: thread.id, postId: post.id };
        });
      } catch (error) {
        // Two questions with the same title at the same instant: the loser takes the next free slug.
        if (attempt < SLUG_ATTEMPTS && isUniqueViolation(error, 'threads_slug_key')) continue;
        throw error;
      }
    }
  }

  /** Adds a reply to a visible, unlocked thread; held as pending when the board's policy says so. Returns the post id. */
  async reply(member: AuthUser, input: ReplyToThread): Promise<{ threadId: string; postId: string }> {
    this.checkWriter(member);
    this.checkBody(input.bodyMarkdown);
    return this.inTurn(member, () => this.replyInTurn(member, input));
  }

  private async replyInTurn(member: AuthUser, input: ReplyToThread): Promise<{ threadId: string; postId: string }> {
    const rendered = await this.renderAdmitted(member, input.bodyMarkdown);
    return this.dataSource.transaction(async (tx) => {
      await lockActiveAccount(tx, member.id);
      const screening = await this.screener.screen(tx, { author: { id: member.id, role: member.account.role, trustLevel: member.account.trustLevel }, boardId: null, threadId: input.threadId, markdown: input.bodyMarkdown, plainText: rendered.plainText });
      // Replies to one thread take turns (their counters); a moderator locking or removing it waits, or this reply sees the change.
      const thread = await tx.findOne(ThreadEntity, { where: { id: input.threadId }, lock: { mode: 'for_no_key_update' } });
      if (!thread || thread.status !== ContentStatus.Visible) throw threadNotFound(input.threadId);
      if (thread.isLocked) throw threadLocked(thread.id);
      const board = await tx.findOneOrFail(BoardEntity, { where: { id: thread.boardId } });
      const heldReason = screening.heldReason;
      const status = heldReason ? ContentStatus.Pending : ContentStatus.Visible;
      const post = await this.insertPost(tx, { threadId: thread.id, authorId: member.id, isQuestion: false, status, heldReason }, input.bodyMarkdown, rendered, null);
      if (!heldReason) {
        await tx.query('UPDATE threads SET reply_count = reply_count + 1, last_activity_at = $2 WHERE id = $1', [thread.id, post.createdAt]);
      }
      await this.follow(tx, thread.id, member.id);
      await this.screener.recordHold(tx, 'post', post.id, screening, thread.boardId);
      // A held reply notifies nobody; moderation's approval calls ForumNotifications.postPublished.
      if (!heldReason) await this.notifications.postPublished(tx, post, thread);
      await recordChange(tx, { kind: 'post', change: heldReason ? 'held' : 'created', id: post.id });
      return { threadId: thread.id, postId: post.id };
    });
  }

  /** Edits one's own post as a new revision (the history is kept); a question's edit may retitle the thread. */
  async edit(member: AuthUser, input: EditOwnPost): Promise<{ threadId: string; postId: string }> {
    this.checkWriter(member);
    this.checkBody(input.bodyMarkdown);
    return this.inTurn(member, () => this.editInTurn(member, input));
  }

  private async editInTurn(member: AuthUser, input: EditOwnPost): Promise<{ threadId: string; postId: string }> {
    const rendered = await this.renderAdmitted(member, input.bodyMarkdown);
    return this.dataSource.transaction(async (tx) => {
      await lockActiveAccount(tx, member.id);
      // Edits count against the posting rate; the slot row first, as when posting (decision 0027's order).
      await this.screener.takeEditSlot(tx, { id: member.id, role: member.account.role });
      const locked = await lockPostWithThread(tx, input.postId, { thread: 'for_no_key_update', post: 'for_no_key_update' });
      if (!locked || !isEditable(locked.post.status)) throw postNotFound(input.postId);
      const { post, thread } = locked;
      if (post.authorId !== member.id) throw new ForbiddenError('Only the author can edit this post', { reason: 'NOT_AUTHOR' });
      if (!isEditable(thread.status)) throw postNotFound(input.postId);
      if (thread.isLocked) throw threadLocked(thread.id);
      if (post.revisionNumber !== input.baseRevisionNumber) throw staleRevision(post.revisionNumber);
      if (input.title != null && !post.isQuestion) {
        throw new BadUserInputError('Only a question has a title', [{ field: 'title', messages: ['title can only be given when editing a question'] }]);
      }
      const number = post.revisionNumber + 1;
      const title = post.isQuestion ? (input.title ?? thread.title) : null;
      if (post.status === ContentStatus.Visible) {
        const plainText = title === null ? rendered.plainText : `${title}\n${rendered.plainText}`;
        const rules = await this.screener.screenEdit(tx, { author: { id: member.id, role: member.account.role }, threadId: thread.id, markdown: input.bodyMarkdown, plainText });
        if (rules.length > 0) throw editWouldBeHeld(rules);
      }
      await tx.insert(PostRevisionEntity, {
        postId: post.id,
        number,
        title,
        bodyMarkdown: input.bodyMarkdown,
        bodyHtml: rendered.html,
        editorId: member.id,
        reason: input.reason ?? null,
      });
      await tx.update(PostEntity, { id: post.id }, {
        revisionNumber: number,
        bodyMarkdown: input.bodyMarkdown,
        bodyHtml: rendered.html,
        bodyText: rendered.plainText,
        editedAt: () => 'now()',
      });
      await recordChange(tx, { kind: 'post', change: 'updated', id: post.id });
      if (title !== null && title !== thread.title) await this.retitle(tx, thread, title);
      if (post.status === ContentStatus.Visible && thread.status === ContentStatus.Visible) {
        await this.notifications.postEdited(tx, { ...post, bodyText: rendered.plainText }, { ...thread, title: title ?? thread.title });
      }
      if (post.isQuestion || thread.acceptedPostId === post.id) await recordChange(tx, { kind: 'thread', change: 'updated', id: thread.id });
      return { threadId: thread.id, postId: post.id };
    });
  }

  /**
   * Soft-deletes one's own post. Deleting the question deletes the thread with it; deleting the accepted
   * answer unsolves the thread. The rows stay (moderators see them); the delivery API no longer does.
   */
  async delete(member: AuthUser, postId: string): Promise<{ threadId: string; postId: string; threadDeleted: boolean }> {
    this.checkParticipant(member);
    return this.dataSource.transaction(async (tx) => {
      await lockActiveAccount(tx, member.id);
      const locked = await lockPostWithThread(tx, postId, { thread: 'for_no_key_update', post: 'for_no_key_update' });
      if (!locked || !isEditable(locked.post.status)) throw postNotFound(postId);
      const { post, thread } = locked;
      if (post.authorId !== member.id) throw new ForbiddenError('Only the author can delete this post', { reason: 'NOT_AUTHOR' });
      const result = transitionStatus(post.status, 'delete', 'author');
      if (!result.ok) throw postNotFound(postId);
      await tx.update(PostEntity, { id: post.id }, { status: result.to, deletedAt: () => 'now()' });
      await recordChange(tx, { kind: 'post', change: 'deleted', id: post.id });
      if (post.isQuestion) {
        const threadResult = transitionStatus(thread.status, 'delete', 'author');
        if (threadResult.ok) {
          await tx.update(ThreadEntity, { id: thread.id }, { status: threadResult.to });
          await recordChange(tx, { kind: 'thread', change: 'deleted', id: thread.id });
        }
        return { threadId: thread.id, postId: post.id, threadDeleted: true };
      } else if (post.status === ContentStatus.Visible) {
        const unsolve = thread.acceptedPostId === post.id;
        await tx.query(
          `UPDATE threads SET reply_count = GREATEST(reply_count - 1, 0),
             last_activity_at = ${lastVisibleActivitySql('$1', 'last_activity_at')},
             accepted_post_id = CASE WHEN $2 THEN NULL ELSE accepted_post_id END,
             is_solved = CASE WHEN $2 THEN false ELSE is_solved END,
             solved_at = CASE WHEN $2 THEN NULL ELSE solved_at END
           WHERE id = $1`,
          [thread.id, unsolve],
        );
        if (unsolve) await recordChange(tx, { kind: 'thread', change: 'unsolved', id: thread.id });
      }
      return { threadId: thread.id, postId: post.id, threadDeleted: false };
    });
  }

  private checkWriter(member: AuthUser): void {
    const refusal = participationRefusal(member.account, new Date(), true);
    if (refusal) throw refusedParticipation(refusal);
  }

  private checkParticipant(member: AuthUser): void {
    const refusal = participationRefusal(member.account, new Date(), false);
    if (refusal) throw refusedParticipation(refusal);
  }

  /**
   * One post, reply or edit of a member at a time in this process: a burst of them renders one after another, and
   * each is rendered only once its member's post window is known not to be full, so refused requests cost no
   * rendering and the rate limit bounds what a member's posts cost the event loop.
   */
  private async inTurn<T>(member: AuthUser, work: () => Promise<T>): Promise<T> {
    const previous = this.turns.get(member.id) ?? Promise.resolve();
    const current = previous.then(work);
    const settled = current.then(
      () => undefined,
      () => undefined,
    );
    this.turns.set(member.id, settled);
    try {
      return await current;
    } finally {
      if (this.turns.get(member.id) === settled) this.turns.delete(member.id);
    }
  }

  private async renderAdmitted(member: AuthUser, markdown: string): Promise<RenderedPost> {
    await this.screener.checkPostSlot({ id: member.id, role: member.account.role });
    return await this.renderer.render(markdown);
  }

  private checkBody(markdown: string): void {
    if (markdown.trim() === '') throw new BadUserInputError('The post is empty', [{ field: 'bodyMarkdown', messages: ['bodyMarkdown must not be empty'] }]);
    if ([...markdown].length > this.config.forum.postMaxChars) throw bodyTooLong(this.config.forum.postMaxChars);
  }

  private async insertPost(
    tx: EntityManager,
    fields: Pick<PostEntity, 'threadId' | 'authorId' | 'isQuestion' | 'status' | 'heldReason'>,
    markdown: string,
    rendered: { html: string; plainText: string },
    title: string | null,
  ): Promise<PostEntity> {
    const post = await tx.save(
      tx.create(PostEntity, { ...fields, revisionNumber: 1, bodyMarkdown: markdown, bodyHtml: rendered.html, bodyText: rendered.plainText }),
    );
    await tx.insert(PostRevisionEntity, { postId: post.id, number: 1, title, bodyMarkdown: markdown, bodyHtml: rendered.html, editorId: fields.authorId, reason: null });
    return post;
  }

  private async follow(tx: EntityManager, threadId: string, userId: string): Promise<void> {
    await tx.query('INSERT INTO thread_follows (thread_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [threadId, userId]);
  }

  private async productIds(tx: EntityManager, keys: string[]): Promise<string[]> {
    const unique = [...new Set(keys)];
    if (unique.length === 0) return [];
    const rows: { id: string; key: string }[] = await tx.query('SELECT id, key FROM products WHERE key = ANY($1::text[])', [unique]);
    const unknown = unique.filter((key) => !rows.some((row) => row.key === key));
    if (unknown.length > 0) {
      throw new BadUserInputError(`Unknown product ${unknown.join(', ')}`, [{ field: 'productKeys', messages: unknown.map((key) => `no product has the key ${key}`) }]);
    }
    return rows.map((row) => row.id);
  }

  /** The slug, or the first `slug-N` that is neither a thread's slug nor an earlier slug of one. */
  private async freeSlug(tx: EntityManager, base: string, threadId: string | null = null): Promise<string> {
    const taken: { slug: string }[] = await tx.query(
      `SELECT slug FROM threads WHERE (slug = $1 OR slug LIKE $2) AND ($3::uuid IS NULL OR id <> $3)
       UNION SELECT slug FROM thread_slug_redirects WHERE (slug = $1 OR slug LIKE $2) AND ($3::uuid IS NULL OR thread_id <> $3)`,
      [base, `${base.replace(/[\\%_]/g, '\\$&')}-%`, threadId],
    );
    const used = new Set(taken.map((row) => row.slug));
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? base : withSuffix(base, n);
      if (!used.has(candidate)) return candidate;
    }
  }

  /** A new title gives a new slug; the old one keeps redirecting (and a slug this thread had before comes back to it). */
  private async retitle(tx: EntityManager, thread: ThreadEntity, title: string): Promise<void> {
    const board = await tx.findOneOrFail(BoardEntity, { where: { id: thread.boardId } });
    const slug = await this.freeSlug(tx, slugify(title, board.locale), thread.id);
    if (slug !== thread.slug) {
      await tx.delete(ThreadSlugRedirectEntity, { slug });
      await tx.insert(ThreadSlugRedirectEntity, { slug: thread.slug, threadId: thread.id });
    }
    await tx.update(ThreadEntity, { id: thread.id }, { title, slug });
    await recordChange(tx, { kind: 'thread', change: 'slug-changed', id: thread.id });
  }
}

/** Authors act on their content while it is visible or waiting for a moderator. */
function isEditable(status: ContentStatus): boolean {
  return status === ContentStatus.Visible || status === ContentStatus.Pending;
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === UNIQUE_VIOLATION && driverError.constraint === constraint;
}

