import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { enqueueChangeWebhooks } from '../../changes/change-webhooks';
import { recordChange } from '../../changes/content-changes';
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../../common/errors/app-error';
import { AppConfig } from '../../config/app-config';
import { renderPost } from '../../forum/content/render-post';
import { BoardEntity } from '../../forum/entities/board.entity';
import { FlagEntity } from '../../forum/entities/flag.entity';
import { ContentStatus, FlagStatus, FlagTarget } from '../../forum/entities/forum-enums';
import { PostRevisionEntity } from '../../forum/entities/post-revision.entity';
import { PostEntity } from '../../forum/entities/post.entity';
import { ThreadEntity } from '../../forum/entities/thread.entity';
import { ForumRowLock, lockPostWithThread, lockThreads } from '../../forum/forum-locks';
import { StatusAction, transitionStatus } from '../../forum/status/content-status';
import { lastVisibleActivitySql } from '../../forum/thread-activity';
import { assertNotDeletedAccount, DELETED_ACCOUNT_PASSWORD_HASH } from '../../users/deleted-account';
import { UserEntity } from '../../users/entities/user.entity';
import { Role } from '../../users/role.enum';
import { AutoModerationSettingsEntity } from '../entities/auto-moderation-settings.entity';
import { auditModeration, ModerationActor } from '../moderation-actor';
import { alreadyInState, sameThread, wrongStatus } from './moderation-errors';
import { ModerationNotices } from './moderation-notices.service';
import { QueuedItem, queuedItemsIn, queueItemMoves } from '../queue/queue-item-moves';
import { lockForTransaction } from '../../common/sql/transaction-lock';

/** The status actions of the shared transition table that moderators (and rules) take. */
export type ModerationStatusAction = Extract<StatusAction, 'approve' | 'reject' | 'hide' | 'restore' | 'remove'>;

export interface ContentTarget {
  threadId?: string | null;
  postId?: string | null;
}

export interface ActionResult {
  /** The thread acted on (or the thread of the post). */
  threadId: string;
  postId: string | null;
}

/** Statuses in which a thread can still be worked on (locked, pinned, moved, merged, edited). */
const WORKABLE: readonly ContentStatus[] = [ContentStatus.Pending, ContentStatus.Visible, ContentStatus.Hidden];

/** The rule that silences members whose posts keep being rejected. */
export const REPEATED_REJECTIONS_RULE = 'auto:repeated-rejections';

/**
 * Moderators' actions on threads, posts, flags and members. Each is one transaction: the rows, one audit
 * entry (with before/after and the reason), and the change record (search outbox, caches).
 */
@Injectable()
export class ModerationActionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly notices: ModerationNotices,
  ) {}

  /** approve / reject / hide / restore / remove a thread (with its question) or a reply. */
  async changeStatus(actor: ModerationActor, target: ContentTarget, action: ModerationStatusAction, reason: string | null): Promise<ActionResult> {
    const { threadId, postId } = requireOneTarget(target);
    return this.dataSource.transaction(async (tx) => {
      if (postId) {
        const post = await tx.findOne(PostEntity, { where: { id: postId } });
        if (!post) throw new NotFoundError('Post', postId);
        // The question stands for its thread: acting on it acts on the thread.
        if (post.isQuestion) return this.changeThreadStatus(tx, actor, post.threadId, action, reason);
        return this.changePostStatus(tx, actor, postId, action, reason);
      }
      return this.changeThreadStatus(tx, actor, threadId!, action, reason);
    });
  }

  /** In the caller's transaction (auto-moderation, flag resolution). */
  async changeThreadStatus(tx: EntityManager, actor: ModerationActor, threadId: string, action: ModerationStatusAction, reason: string | null): Promise<ActionResult> {
    const thread = await this.lockThread(tx, threadId);
    const result = transitionStatus(thread.status, action, actor.rule ? 'system' : 'moderator');
    if (!result.ok) throw wrongStatus('thread', thread.id, thread.status, action);
    await tx.update(ThreadEntity, { id: thread.id }, { status: result.to, heldReason: result.to === ContentStatus.Pending ? thread.heldReason : null });
    await tx.query(`UPDATE posts SET status = $2, held_reason = NULL WHERE thread_id = $1 AND is_question AND status <> 'deleted'`, [thread.id, result.to]);
    const flagsUpheld = await this.upholdFlagsOnRemoval(tx, actor, result.to, { threadId: thread.id });
    await auditModeration(tx, actor, {
      action: `thread.${action}`,
      subjectKind: 'thread',
      subjectId: thread.id,
      reason,
      before: { status: thread.status, heldReason: thread.heldReason },
      after: { status: result.to, authorId: thread.authorId, boardId: thread.boardId, ...(flagsUpheld.length > 0 ? { flagsUpheld: flagsUpheld.length } : {}) },
    });
    await recordChange(tx, { kind: 'thread', change: 'updated', id: thread.id });
    if (thread.status === ContentStatus.Pending && result.to === ContentStatus.Visible) {
      // Held at first, public now: receivers hear of the new thread as if it had been posted visible.
      const [{ locale }] = (await tx.query(`SELECT locale FROM boards WHERE id = $1`, [thread.boardId])) as { locale: string }[];
      await enqueueChangeWebhooks(tx, { kind: 'thread', change: 'created', ids: [thread.id], locale });
    }
    const question = await tx.findOne(PostEntity, { where: { threadId: thread.id, isQuestion: true } });
    if (action === 'approve' && question) await this.notices.postApproved(tx, question, thread);
    if (thread.status === ContentStatus.Pending && result.to !== ContentStatus.Pending) {
      await this.notices.queueRemoved(tx, 'thread', [thread.id], thread.boardId, action);
    }
    await this.notices.queueRemoved(tx, 'flag', flagsUpheld, thread.boardId, 'upheld');
    await this.notices.contentDecision(tx, actor, {
      action,
      reason,
      authorId: thread.authorId,
      target: { kind: 'thread', id: thread.id, threadId: thread.id, threadSlug: thread.slug, threadTitle: thread.title },
    });
    if (action === 'reject' && thread.authorId) await this.silenceOnRepeatedRejections(tx, thread.authorId);
    return { threadId: thread.id, postId: null };
  }

  async changePostStatus(tx: EntityManager, actor: ModerationActor, postId: string, action: ModerationStatusAction, reason: string | null): Promise<ActionResult> {
    const locked = await lockPostWithThread(tx, postId, { thread: 'pessimistic_write', post: 'pessimistic_write' });
    if (!locked) throw new NotFoundError('Post', postId);
    const { post, thread } = locked;
    const result = transitionStatus(post.status, action, actor.rule ? 'system' : 'moderator');
    if (!result.ok) throw wrongStatus('post', post.id, post.status, action);
    // Approving publishes the reply and tells the thread's followers: only into a thread readers can see.
    if (action === 'approve' && thread.status !== ContentStatus.Visible) {
      throw new ConflictError(`The reply's thread is ${thread.status}: restore the thread first, or reject the reply`, {
        reason: 'INVALID_STATUS',
        status: thread.status,
        action,
        id: thread.id,
        postId: post.id,
      });
    }
    await tx.update(PostEntity, { id: post.id }, { status: result.to, heldReason: result.to === ContentStatus.Pending ? post.heldReason : null });
    const wasVisible = post.status === ContentStatus.Visible;
    const isVisible = result.to === ContentStatus.Visible;
    const unsolve = wasVisible && !isVisible && thread.acceptedPostId === post.id;
    if (wasVisible !== isVisible) {
      await tx.query(
        `UPDATE threads SET reply_count = GREATEST(reply_count + $2, 0),
           last_activity_at = CASE WHEN $2 > 0 THEN GREATEST(last_activity_at, $3) ELSE ${lastVisibleActivitySql('$1', 'last_activity_at')} END,
           accepted_post_id = CASE WHEN $4 THEN NULL ELSE accepted_post_id END,
           is_solved = CASE WHEN $4 THEN false ELSE is_solved END,
           solved_at = CASE WHEN $4 THEN NULL ELSE solved_at END
         WHERE id = $1`,
        [thread.id, isVisible ? 1 : -1, post.createdAt, unsolve],
      );
    }
    const flagsUpheld = await this.upholdFlagsOnRemoval(tx, actor, result.to, { postId: post.id });
    await auditModeration(tx, actor, {
      action: `post.${action}`,
      subjectKind: 'post',
      subjectId: post.id,
      reason,
      before: { status: post.status, heldReason: post.heldReason },
      after: { status: result.to, authorId: post.authorId, threadId: thread.id, ...(unsolve ? { unsolved: true } : {}), ...(flagsUpheld.length > 0 ? { flagsUpheld: flagsUpheld.length } : {}) },
    });
    await recordChange(tx, { kind: 'post', change: 'updated', id: post.id });
    await recordChange(tx, { kind: 'thread', change: unsolve ? 'unsolved' : 'updated', id: thread.id });
    if (action === 'approve') await this.notices.postApproved(tx, post, thread);
    if (post.status === ContentStatus.Pending && result.to !== ContentStatus.Pending) {
      await this.notices.queueRemoved(tx, 'post', [post.id], thread.boardId, action);
    }
    await this.notices.queueRemoved(tx, 'flag', flagsUpheld, thread.boardId, 'upheld');
    await this.notices.contentDecision(tx, actor, {
      action,
      reason,
      authorId: post.authorId,
      target: { kind: 'post', id: post.id, threadId: thread.id, threadSlug: thread.slug, threadTitle: thread.title },
    });
    if (action === 'reject' && post.authorId) await this.silenceOnRepeatedRejections(tx, post.authorId);
    return { threadId: thread.id, postId: post.id };
  }

  /** lock / unlock (no more replies) or pin / unpin a thread. */
  async setThreadState(actor: ModerationActor, threadId: string, state: 'locked' | 'pinned', value: boolean, reason: string | null): Promise<ActionResult> {
    return this.dataSource.transaction(async (tx) => {
      const thread = await this.lockWorkableThread(tx, threadId, state === 'locked' ? (value ? 'lock' : 'unlock') : value ? 'pin' : 'unpin');
      const field = state === 'locked' ? 'isLocked' : 'isPinned';
      if (thread[field] === value) throw alreadyInState('thread', thread.id, value ? state : `un${state}`);
      await tx.update(ThreadEntity, { id: thread.id }, { [field]: value });
      const verb = state === 'locked' ? (value ? 'lock' : 'unlock') : value ? 'pin' : 'unpin';
      await auditModeration(tx, actor, { action: `thread.${verb}`, subjectKind: 'thread', subjectId: thread.id, reason, before: { [field]: !value }, after: { [field]: value } });
      await recordChange(tx, { kind: 'thread', change: 'updated', id: thread.id });
      return { threadId: thread.id, postId: null };
    });
  }

  async moveThread(actor: ModerationActor, threadId: string, boardId: string, reason: string | null): Promise<ActionResult> {
    return this.dataSource.transaction(async (tx) => {
      const thread = await this.lockWorkableThread(tx, threadId, 'move');
      const board = await tx.findOne(BoardEntity, { where: { id: boardId } });
      if (!board) throw new NotFoundError('Board', boardId);
      if (board.id === thread.boardId) {
        throw new BadUserInputError('The thread is already on this board', [{ field: 'boardId', messages: ['boardId must be another board'] }]);
      }
      const queuedBefore = await queuedItemsIn(tx, [thread.id]);
      await tx.update(ThreadEntity, { id: thread.id }, { boardId: board.id });
      await auditModeration(tx, actor, { action: 'thread.move', subjectKind: 'thread', subjectId: thread.id, reason, before: { boardId: thread.boardId }, after: { boardId: board.id } });
      await recordChange(tx, { kind: 'thread', change: 'updated', id: thread.id, locale: board.locale });
      // The held thread, its held replies and open flags change board in the queue.
      await this.publishQueueMoves(tx, queuedBefore, await queuedItemsIn(tx, [thread.id]), 'move');
      return { threadId: thread.id, postId: null };
    });
  }

  /**
   * Merges `sourceId` into `targetId`: every post moves (the source's question becomes a reply), followers,
   * products, flags and redirects move, the source's slug (and its old slugs) redirect to the target, and
   * the source thread row is gone. The audit entry keeps the source as it was.
   *
   * What readers could not see stays so: the visible posts of a hidden or pending source take its status. The
   * source's accepted answer stays accepted when the target has none (and the answer is visible). Threads of boards
   * in different locales are not merged (CONFLICT LOCALE_MISMATCH, as for marking a duplicate). Watchers of the live queue see the source's
   * queue items leave, move or change thread. docs/moderation.md, "Merging and moving threads".
   */
  async mergeThreads(actor: ModerationActor, sourceId: string, targetId: string, reason: string | null): Promise<ActionResult> {
    if (sourceId === targetId) throw sameThread('targetThreadId');
    return this.dataSource.transaction(async (tx) => {
      await lockDuplicateLinks(tx);
      // Locked in id order: two merges of the same pair in opposite directions cannot deadlock.
      const [first, second] = [sourceId, targetId].sort();
      const locked = new Map<string, ThreadEntity>();
      for (const id of [first, second]) locked.set(id, await this.lockWorkableThread(tx, id, 'merge'));
      const source = locked.get(sourceId)!;
      const target = locked.get(targetId)!;
      const targetLocale = await refuseMixedLocales(tx, source, target, 'targetThreadId', 'a merge would mix languages in one thread');
      const queuedBefore = await queuedItemsIn(tx, [source.id, target.id]);
      const moved: { id: string }[] = await tx.query(`SELECT id FROM posts WHERE thread_id = $1`, [source.id]);
      // Readers could not see the source, so the move must not publish its posts: its visible ones take its status
      // (hidden: a moderator restores them one by one; pending: they wait in the queue under the thread's hold).
      const unpublished: { id: string }[] =
        source.status === ContentStatus.Visible
          ? []
          : await tx.query(
              `WITH changed AS (UPDATE posts SET status = $2, held_reason = $3 WHERE thread_id = $1 AND status = 'visible' RETURNING id, created_at)
               SELECT id FROM changed ORDER BY created_at, id`,
              [source.id, source.status, source.status === ContentStatus.Pending ? source.heldReason : null],
            );
      await this.notices.threadClosedInto(tx, actor, 'merge', source, target, reason);
      // A flag on the source thread becomes a flag on its question post (unless the flagger already flagged that post).
      await tx.query(
        `UPDATE flags f SET target_kind = 'post', post_id = q.id
           FROM posts q
          WHERE f.thread_id = $1 AND f.target_kind = 'thread' AND q.thread_id = $1 AND q.is_question
            AND NOT EXISTS (SELECT 1 FROM flags o WHERE o.flagger_id = f.flagger_id AND o.post_id = q.id AND o.status = 'open' AND f.status = 'open')`,
        [source.id],
      );
      await tx.query(`UPDATE posts SET thread_id = $2, is_question = false WHERE thread_id = $1`, [source.id, target.id]);
      await tx.query(`UPDATE flags SET thread_id = $2 WHERE thread_id = $1 AND target_kind = 'post'`, [source.id, target.id]);
      await tx.query(`UPDATE flags SET duplicate_of_thread_id = $2 WHERE duplicate_of_thread_id = $1`, [source.id, target.id]);
      // The discussion continues in the target: a duplicate link of its own that led to the source would now come back to it.
      const clearedDuplicateOf = (await duplicateChain(tx, target.id)).includes(source.id) ? target.duplicateOfId : null;
      if (clearedDuplicateOf !== null) await tx.query(`UPDATE threads SET duplicate_of_id = NULL WHERE id = $1`, [target.id]);
      await tx.query(`UPDATE threads SET duplicate_of_id = $2 WHERE duplicate_of_id = $1 AND id <> $2`, [source.id, target.id]);
      await tx.query(`INSERT INTO thread_follows (thread_id, user_id) SELECT $2, user_id FROM thread_follows WHERE thread_id = $1 ON CONFLICT DO NOTHING`, [source.id, target.id]);
      await tx.query(`INSERT INTO thread_products (thread_id, product_id) SELECT $2, product_id FROM thread_products WHERE thread_id = $1 ON CONFLICT DO NOTHING`, [source.id, target.id]);
      await tx.query(
        `UPDATE thread_promotions SET thread_id = $2 WHERE thread_id = $1 AND NOT EXISTS (SELECT 1 FROM thread_promotions WHERE thread_id = $2)`,
        [source.id, target.id],
      );
      await tx.query(`UPDATE thread_slug_redirects SET thread_id = $2 WHERE thread_id = $1`, [source.id, target.id]);
      await tx.query(`DELETE FROM threads WHERE id = $1`, [source.id]);
      await tx.query(`INSERT INTO thread_slug_redirects (slug, thread_id) VALUES ($1, $2) ON CONFLICT (slug) DO UPDATE SET thread_id = EXCLUDED.thread_id`, [source.slug, target.id]);
      const acceptedAnswer = await this.carryAcceptedAnswer(tx, source, target);
      const [targetAfter]: { accepted_post_id: string | null; is_solved: boolean; reply_count: number }[] = await tx.query(
        `WITH counted AS (
           UPDATE threads t SET
             reply_count = (SELECT count(*) FROM posts p WHERE p.thread_id = t.id AND NOT p.is_question AND p.status = 'visible'),
             last_activity_at = GREATEST(t.last_activity_at, (SELECT max(created_at) FROM posts p WHERE p.thread_id = t.id AND p.status = 'visible'))
           WHERE t.id = $1
           RETURNING t.accepted_post_id, t.is_solved, t.reply_count)
         SELECT * FROM counted`,
        [target.id],
      );
      await auditModeration(tx, actor, {
        action: 'thread.merge',
        subjectKind: 'thread',
        subjectId: source.id,
        reason,
        before: { ...threadSnapshot(source), target: { acceptedPostId: target.acceptedPostId, isSolved: target.isSolved, replyCount: target.replyCount } },
        after: {
          mergedIntoThreadId: target.id,
          postsMoved: moved.length,
          redirectSlug: source.slug,
          ...(clearedDuplicateOf ? { targetNoLongerDuplicateOf: clearedDuplicateOf } : {}),
          ...(unpublished.length > 0 ? { [source.status === ContentStatus.Pending ? 'postsHeld' : 'postsHidden']: unpublished.map((row) => row.id) } : {}),
          target: { acceptedPostId: targetAfter.accepted_post_id, isSolved: targetAfter.is_solved, replyCount: targetAfter.reply_count },
          ...(acceptedAnswer ? { acceptedAnswer: acceptedAnswer.outcome } : {}),
          ...(acceptedAnswer && acceptedAnswer.outcome !== 'moved' ? { unacceptedPostId: acceptedAnswer.postId } : {}),
        },
      });
      await recordChange(tx, { kind: 'thread', change: 'purged', id: source.id });
      const solvedByMerge = acceptedAnswer?.outcome === 'moved' && !target.isSolved;
      await recordChange(tx, { kind: 'thread', change: solvedByMerge ? 'solved' : 'updated', id: target.id, locale: targetLocale });
      if (moved.length > 0) await recordChange(tx, { kind: 'post', change: 'updated', ids: moved.map((row) => row.id) });
      await this.publishQueueMoves(tx, queuedBefore, await queuedItemsIn(tx, [target.id]), 'merge');
      return { threadId: target.id, postId: null };
    });
  }

  /**
   * Closes `threadId` as a duplicate of `duplicateOfId` (a thread of a board of the same locale): linked, locked; open
   * duplicate flags on it are upheld.
   */
  async markDuplicate(actor: ModerationActor, threadId: string, duplicateOfId: string, reason: string | null): Promise<ActionResult> {
    if (threadId === duplicateOfId) throw sameThread('duplicateOfThreadId');
    return this.dataSource.transaction(async (tx) => {
      await lockDuplicateLinks(tx);
      const thread = await this.lockWorkableThread(tx, threadId, 'mark as duplicate');
      const original = await tx.findOne(ThreadEntity, { where: { id: duplicateOfId } });
      if (!original) throw new NotFoundError('Thread', duplicateOfId);
      if (original.status !== ContentStatus.Visible) throw wrongStatus('thread', original.id, original.status, 'used as the original of a duplicate');
      if (thread.duplicateOfId === original.id) throw alreadyInState('thread', thread.id, 'a duplicate of this thread');
      await refuseMixedLocales(tx, thread, original, 'duplicateOfThreadId', 'its readers would be sent to a discussion in another language');
      if ((await duplicateChain(tx, original.id)).includes(thread.id)) {
        throw new ConflictError('The original is itself marked a duplicate of this thread (directly or along a chain of duplicates)', {
          reason: 'DUPLICATE_CYCLE',
          id: thread.id,
          duplicateOfThreadId: original.id,
        });
      }
      await tx.update(ThreadEntity, { id: thread.id }, { duplicateOfId: original.id, isLocked: true });
      await this.notices.threadClosedInto(tx, actor, 'mark_duplicate', thread, original, reason);
      const upheld: { id: string }[] = await tx.query(
        `UPDATE flags SET status = 'upheld', resolved_by = $2, resolved_at = now()
          WHERE thread_id = $1 AND target_kind = 'thread' AND kind = 'duplicate' AND status = 'open' RETURNING id`,
        [thread.id, actor.userId ?? null],
      );
      await auditModeration(tx, actor, {
        action: 'thread.mark_duplicate',
        subjectKind: 'thread',
        subjectId: thread.id,
        reason,
        before: { duplicateOfId: thread.duplicateOfId, isLocked: thread.isLocked },
        after: { duplicateOfId: original.id, isLocked: true, ...(upheld.length > 0 ? { flagsUpheld: upheld.length } : {}) },
      });
      await recordChange(tx, { kind: 'thread', change: 'updated', id: thread.id });
      return { threadId: thread.id, postId: null };
    });
  }

  /**
   * Upholds or rejects an open flag (the flagger's accuracy counts it). Upholding may act on the flagged
   * content in the same transaction (`hide` or `remove`).
   */
  async resolveFlag(actor: ModerationActor, flagId: string, decision: 'uphold' | 'reject', reason: string | null, then: 'hide' | 'remove' | null = null): Promise<FlagEntity> {
    if (decision === 'reject' && then) {
      throw new BadUserInputError('Only an upheld flag can act on its content', [{ field: 'then', messages: ['then is only allowed when upholding'] }]);
    }
    return this.dataSource.transaction(async (tx) => {
      const flag = await this.lockFlag(tx, flagId, then !== null);
      if (flag.status !== FlagStatus.Open) throw alreadyInState('flag', flag.id, flag.status);
      const status = decision === 'uphold' ? FlagStatus.Upheld : FlagStatus.Rejected;
      await tx.update(FlagEntity, { id: flag.id }, { status, resolvedBy: actor.userId ?? null, resolvedAt: () => 'now()' });
      await auditModeration(tx, actor, {
        action: `flag.${decision}`,
        subjectKind: 'flag',
        subjectId: flag.id,
        reason,
        before: { status: flag.status },
        after: { status, flaggerId: flag.flaggerId, kind: flag.kind, targetKind: flag.targetKind, threadId: flag.threadId, postId: flag.postId },
      });
      const [board]: { board_id: string }[] = await tx.query('SELECT board_id FROM threads WHERE id = $1', [flag.threadId]);
      await this.notices.queueRemoved(tx, 'flag', [flag.id], board?.board_id ?? null, status);
      if (then) {
        if (flag.targetKind === FlagTarget.Post && flag.postId) await this.changePostStatusOrThread(tx, actor, flag.postId, then, reason);
        else await this.changeThreadStatus(tx, actor, flag.threadId, then, reason);
      }
      return tx.findOneOrFail(FlagEntity, { where: { id: flag.id } });
    });
  }

  /** Edits a post as staff: a new revision whose editor is the staff member, with the reason; the author's text stays in the history. */
  async editPost(actor: { userId: string }, postId: string, bodyMarkdown: string, reason: string, baseRevisionNumber: number | null): Promise<ActionResult> {
    if (bodyMarkdown.trim() === '') throw new BadUserInputError('The post is empty', [{ field: 'bodyMarkdown', messages: ['bodyMarkdown must not be empty'] }]);
    if ([...bodyMarkdown].length > this.config.forum.postMaxChars) {
      throw new BadUserInputError(`The post is longer than ${this.config.forum.postMaxChars} characters`, [
        { field: 'bodyMarkdown', messages: [`bodyMarkdown must be at most ${this.config.forum.postMaxChars} characters`] },
      ]);
    }
    const rendered = renderPost(bodyMarkdown, { imageHosts: this.config.forum.imageHosts });
    return this.dataSource.transaction(async (tx) => {
      const locked = await lockPostWithThread(tx, postId, { thread: 'for_key_share', post: 'pessimistic_write' });
      if (!locked) throw new NotFoundError('Post', postId);
      const { post, thread } = locked;
      if (!WORKABLE.includes(post.status)) throw wrongStatus('post', post.id, post.status, 'edit');
      if (baseRevisionNumber !== null && baseRevisionNumber !== post.revisionNumber) {
        throw new ConflictError('The post was edited since this edit began', {
          reason: 'STALE_BASE_REVISION',
          headRevisionNumber: post.revisionNumber,
        });
      }
      const number = post.revisionNumber + 1;
      await tx.insert(PostRevisionEntity, {
        postId: post.id,
        number,
        title: post.isQuestion ? thread.title : null,
        bodyMarkdown,
        bodyHtml: rendered.html,
        editorId: actor.userId,
        reason,
      });
      await tx.update(PostEntity, { id: post.id }, { revisionNumber: number, bodyMarkdown, bodyHtml: rendered.html, bodyText: rendered.plainText, editedAt: () => 'now()' });
      await auditModeration(tx, actor, {
        action: 'post.staff_edit',
        subjectKind: 'post',
        subjectId: post.id,
        reason,
        before: { revisionNumber: post.revisionNumber, bodyMarkdown: post.bodyMarkdown },
        after: { revisionNumber: number, bodyMarkdown, authorId: post.authorId },
      });
      await recordChange(tx, { kind: 'post', change: 'updated', id: post.id });
      if (post.isQuestion || thread.acceptedPostId === post.id) await recordChange(tx, { kind: 'thread', change: 'updated', id: thread.id });
      await this.notices.contentDecision(tx, actor, {
        action: 'staff_edit',
        reason,
        authorId: post.authorId,
        target: { kind: 'post', id: post.id, threadId: thread.id, threadSlug: thread.slug, threadTitle: thread.title },
      });
      return { threadId: thread.id, postId: post.id };
    });
  }

  /**
   * Silences (can read, cannot write) or suspends (cannot sign in) a member until a time, with a reason. Suspending
   * also ends every session of the member: the session version every session token carries moves on (as a password
   * change does), so the tokens from before stay refused after the suspension is lifted or runs out (decision 0033).
   */
  async restrictMember(actor: ModerationActor, userId: string, restriction: 'silence' | 'suspend', until: Date, reason: string): Promise<UserEntity> {
    if (until.getTime() <= Date.now()) throw new BadUserInputError('The end of the restriction is in the past', [{ field: 'until', messages: ['until must be in the future'] }]);
    return this.dataSource.transaction(async (tx) => {
      const user = await this.lockMember(tx, userId);
      if (restriction === 'silence') {
        await tx.update(UserEntity, { id: user.id }, { silencedUntil: until });
        await auditModeration(tx, actor, { action: 'user.silence', subjectKind: 'user', subjectId: user.id, reason, before: { silencedUntil: user.silencedUntil }, after: { silencedUntil: until } });
      } else {
        const sessionVersion = user.sessionVersion + 1;
        await tx.update(UserEntity, { id: user.id }, { suspendedUntil: until, sessionVersion });
        await auditModeration(tx, actor, {
          action: 'user.suspend',
          subjectKind: 'user',
          subjectId: user.id,
          reason,
          before: { suspendedUntil: user.suspendedUntil, sessionVersion: user.sessionVersion },
          after: { suspendedUntil: until, sessionVersion },
        });
      }
      await this.notices.memberRestriction(tx, actor, user.id, restriction, until, reason);
      return tx.findOneOrFail(UserEntity, { where: { id: user.id } });
    });
  }

  async liftRestriction(actor: ModerationActor, userId: string, restriction: 'silence' | 'suspend', reason: string | null): Promise<UserEntity> {
    return this.dataSource.transaction(async (tx) => {
      const user = await this.lockMember(tx, userId);
      const field = restriction === 'silence' ? 'silencedUntil' : 'suspendedUntil';
      const current = user[field];
      if (!current || current.getTime() <= Date.now()) throw alreadyInState('member', user.id, restriction === 'silence' ? 'not silenced' : 'not suspended');
      await tx.update(UserEntity, { id: user.id }, { [field]: null });
      await auditModeration(tx, actor, { action: `user.un${restriction}`, subjectKind: 'user', subjectId: user.id, reason, before: { [field]: current }, after: { [field]: null } });
      await this.notices.memberRestriction(tx, actor, user.id, restriction === 'silence' ? 'unsilence' : 'unsuspend', null, reason);
      return tx.findOneOrFail(UserEntity, { where: { id: user.id } });
    });
  }

  /** Counts the author's rejected posts in the window; at the configured number, silences them under the rule's name. */
  private async silenceOnRepeatedRejections(tx: EntityManager, authorId: string): Promise<void> {
    const settings = await tx.findOneOrFail(AutoModerationSettingsEntity, { where: { id: 1 } });
    if (settings.autoSilenceRejections === null) return;
    const [{ rejections }]: { rejections: number }[] = await tx.query(
      `SELECT count(*)::int AS rejections FROM audit_entries
        WHERE action IN ('thread.reject', 'post.reject') AND occurred_at > now() - make_interval(days => $2) AND after->>'authorId' = $1`,
      [authorId, settings.autoSilenceWindowDays],
    );
    if (rejections < settings.autoSilenceRejections) return;
    const user = await tx.findOne(UserEntity, { where: { id: authorId }, lock: { mode: 'pessimistic_write' } });
    if (!user || user.role !== Role.Member || user.passwordHash === DELETED_ACCOUNT_PASSWORD_HASH) return;
    const until = new Date(Date.now() + settings.autoSilenceHours * 3600_000);
    if (user.silencedUntil && user.silencedUntil >= until) return;
    await tx.update(UserEntity, { id: user.id }, { silencedUntil: until });
    await auditModeration(tx, { rule: REPEATED_REJECTIONS_RULE }, {
      action: 'user.silence',
      subjectKind: 'user',
      subjectId: user.id,
      reason: `${rejections} posts rejected within ${settings.autoSilenceWindowDays} days`,
      before: { silencedUntil: user.silencedUntil },
      after: { silencedUntil: until },
    });
    await this.notices.memberRestriction(tx, { rule: REPEATED_REJECTIONS_RULE }, user.id, 'silence', until, `${rejections} posts rejected within ${settings.autoSilenceWindowDays} days`);
  }

  /**
   * Removing, hiding or rejecting content upholds the open flags on it: the flaggers were right. For a thread that is
   * the thread and its question, not its replies: a flag on a reply is about that reply (upheld, it counts against the
   * reply's author and for the flagger), so it stays open for a moderator's decision.
   */
  private async upholdFlagsOnRemoval(tx: EntityManager, actor: ModerationActor, to: ContentStatus, target: { threadId?: string; postId?: string }): Promise<string[]> {
    if (to !== ContentStatus.Removed && to !== ContentStatus.Hidden) return [];
    const rows: { id: string }[] = target.postId
      ? await tx.query(`UPDATE flags SET status = 'upheld', resolved_by = $2, resolved_at = now() WHERE post_id = $1 AND status = 'open' RETURNING id`, [target.postId, actor.userId ?? null])
      : await tx.query(
          `UPDATE flags f SET status = 'upheld', resolved_by = $2, resolved_at = now()
            WHERE f.thread_id = $1 AND f.status = 'open'
              AND (f.target_kind = 'thread' OR EXISTS (SELECT 1 FROM posts q WHERE q.id = f.post_id AND q.is_question))
            RETURNING f.id`,
          [target.threadId, actor.userId ?? null],
        );
    return rows.map((row) => row.id);
  }

  /**
   * Locks a flag after what it flags (thread, then post: the forum's lock order, see forum-locks.ts), strongly enough
   * to change their status when `forStatusChange`. A merge that moved the flag meanwhile is followed.
   */
  private async lockFlag(tx: EntityManager, flagId: string, forStatusChange: boolean): Promise<FlagEntity> {
    const mode: ForumRowLock = forStatusChange ? 'pessimistic_write' : 'for_key_share';
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const [row]: { thread_id: string; post_id: string | null }[] = await tx.query('SELECT thread_id, post_id FROM flags WHERE id = $1', [flagId]);
      if (!row) throw new NotFoundError('Flag', flagId);
      if (row.post_id) await lockPostWithThread(tx, row.post_id, { thread: mode, post: mode });
      else await lockThreads(tx, [row.thread_id], mode);
      const flag = await tx.findOne(FlagEntity, { where: { id: flagId }, lock: { mode: 'pessimistic_write' } });
      if (!flag) throw new NotFoundError('Flag', flagId);
      if (flag.threadId === row.thread_id && flag.postId === row.post_id) return flag;
    }
    throw new ConflictError('The flagged content moved while this change was made; send it again', { reason: 'CONCURRENT_CHANGE' });
  }

  /**
   * The source's accepted answer (its post already moved into the target): accepted in the target when the target has
   * none and readers can see the answer, keeping the source's solved time; otherwise an ordinary reply.
   */
  private async carryAcceptedAnswer(tx: EntityManager, source: ThreadEntity, target: ThreadEntity): Promise<{ postId: string; outcome: 'moved' | 'target kept its own' | 'not visible' } | null> {
    if (!source.acceptedPostId) return null;
    const postId = source.acceptedPostId;
    if (target.acceptedPostId) return { postId, outcome: 'target kept its own' };
    const [answer]: { status: ContentStatus }[] = await tx.query(`SELECT status FROM posts WHERE id = $1 AND thread_id = $2`, [postId, target.id]);
    if (answer?.status !== ContentStatus.Visible) return { postId, outcome: 'not visible' };
    await tx.query(`UPDATE threads SET accepted_post_id = $2, is_solved = true, solved_at = coalesce($3, now()) WHERE id = $1`, [target.id, postId, source.solvedAt]);
    return { postId, outcome: 'moved' };
  }

  /** Tells watchers of the live queue how a move or a merge changed it (items that left, changed board or thread). */
  private async publishQueueMoves(tx: EntityManager, before: QueuedItem[], after: QueuedItem[], action: 'move' | 'merge'): Promise<void> {
    for (const event of queueItemMoves(before, after, action)) await this.notices.queueChanged(tx, event);
  }

  private async changePostStatusOrThread(tx: EntityManager, actor: ModerationActor, postId: string, action: ModerationStatusAction, reason: string | null): Promise<ActionResult> {
    const post = await tx.findOne(PostEntity, { where: { id: postId } });
    if (!post) throw new NotFoundError('Post', postId);
    if (post.isQuestion) return this.changeThreadStatus(tx, actor, post.threadId, action, reason);
    return this.changePostStatus(tx, actor, postId, action, reason);
  }

  private async lockThread(tx: EntityManager, threadId: string): Promise<ThreadEntity> {
    const thread = await tx.findOne(ThreadEntity, { where: { id: threadId }, lock: { mode: 'pessimistic_write' } });
    if (!thread) throw new NotFoundError('Thread', threadId);
    return thread;
  }

  private async lockWorkableThread(tx: EntityManager, threadId: string, action: string): Promise<ThreadEntity> {
    const thread = await this.lockThread(tx, threadId);
    if (!WORKABLE.includes(thread.status)) throw wrongStatus('thread', thread.id, thread.status, action);
    return thread;
  }

  /**
   * FOR UPDATE, as `deleteMyAccount` takes the row: a restriction queued behind the deletion reads the erased row
   * and is refused (CONFLICT `ACCOUNT_DELETED`), so nothing is set on it.
   */
  private async lockMember(tx: EntityManager, userId: string): Promise<UserEntity> {
    const user = await tx.findOne(UserEntity, { where: { id: userId }, lock: { mode: 'pessimistic_write' } });
    if (!user) throw new NotFoundError('User', userId);
    assertNotDeletedAccount(user);
    if (user.role !== Role.Member) throw new ForbiddenError('Only members can be silenced or suspended', { reason: 'STAFF_TARGET' });
    return user;
  }
}

/**
 * Duplicate links change one transaction at a time (moderator actions, rare), so two marks or merges at the
 * same moment cannot each pass the cycle check and close a ring together.
 */
function lockDuplicateLinks(tx: EntityManager): Promise<void> {
  return lockForTransaction(tx, 'forum:duplicate-links');
}

/** The threads a thread's duplicate links lead to, in order (the thread itself excluded; stops at a repeat). */
async function duplicateChain(tx: EntityManager, threadId: string): Promise<string[]> {
  const rows: { id: string }[] = await tx.query(
    `WITH RECURSIVE chain(id, depth) AS (
       SELECT duplicate_of_id, 1 FROM threads WHERE id = $1 AND duplicate_of_id IS NOT NULL
       UNION
       SELECT t.duplicate_of_id, c.depth + 1 FROM threads t JOIN chain c ON t.id = c.id WHERE t.duplicate_of_id IS NOT NULL AND c.depth < 1000
     ) CYCLE id SET is_cycle USING path
     SELECT id FROM chain WHERE NOT is_cycle ORDER BY depth`,
    [threadId],
  );
  return rows.map((row) => row.id);
}

function requireOneTarget(target: ContentTarget): { threadId: string | null; postId: string | null } {
  const threadId = target.threadId ?? null;
  const postId = target.postId ?? null;
  if ((threadId === null) === (postId === null)) {
    throw new BadUserInputError('Name either a thread or a post', [{ field: 'threadId', messages: ['give exactly one of threadId and postId'] }]);
  }
  return { threadId, postId };
}

function threadSnapshot(thread: ThreadEntity): Record<string, unknown> {
  return {
    boardId: thread.boardId,
    slug: thread.slug,
    title: thread.title,
    status: thread.status,
    authorId: thread.authorId,
    isLocked: thread.isLocked,
    isSolved: thread.isSolved,
    acceptedPostId: thread.acceptedPostId,
    replyCount: thread.replyCount,
    createdAt: thread.createdAt,
  };
}

/**
 * The locale both threads' boards share; CONFLICT LOCALE_MISMATCH when they differ (`field` names the other thread
 * in the error, `why` says what mixing would do).
 */
async function refuseMixedLocales(tx: EntityManager, thread: ThreadEntity, other: ThreadEntity, field: string, why: string): Promise<string> {
  const boards: { id: string; locale: string }[] = await tx.query(`SELECT id, locale FROM boards WHERE id = ANY($1::uuid[])`, [[thread.boardId, other.boardId]]);
  const threadLocale = boards.find((board) => board.id === thread.boardId)!.locale;
  const otherLocale = boards.find((board) => board.id === other.boardId)!.locale;
  if (threadLocale !== otherLocale) {
    throw new ConflictError(`The threads are on boards of different locales (${threadLocale}, ${otherLocale}): ${why}`, {
      reason: 'LOCALE_MISMATCH',
      id: thread.id,
      [field]: other.id,
      sourceLocale: threadLocale,
      targetLocale: otherLocale,
    });
  }
  return otherLocale;
}
