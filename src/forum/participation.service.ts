import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { lockActiveAccount } from '../users/active-account-lock';
import { recordChange } from '../changes/content-changes';
import { recordAudit } from '../common/audit/record-audit';
import { tryLockForTransaction } from '../common/sql/transaction-lock';
import { BadUserInputError, ConflictError, ForbiddenError } from '../common/errors/app-error';
import { ContentStatus, FlagKind, FlagTarget } from './entities/forum-enums';
import { PostEntity } from './entities/post.entity';
import { ThreadEntity } from './entities/thread.entity';
import { postNotFound, refusedParticipation, threadNotFound } from './forum-errors';
import { ForumRowLock, lockPostWithThread, lockThreads } from './forum-locks';
import { POST_SCREENER } from './post-screening';
import type { PostScreener } from './post-screening';
import { ForumNotifications } from './notifications/forum-notifications.service';
import { isStaffRole, participationRefusal } from './posting-rules';

export type VoteChoice = 'up' | 'down' | 'none';

export interface FlagContent {
  threadId?: string | null;
  postId?: string | null;
  kind: FlagKind;
  note?: string | null;
  duplicateOfThreadId?: string | null;
}

/** Members taking part without writing: votes, accepted answers, follows, flags. */
@Injectable()
export class ParticipationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(POST_SCREENER) private readonly screener: PostScreener,
    private readonly notifications: ForumNotifications,
  ) {}

  /**
   * Up, down, or withdraw (`none`). One vote per member and post, enforced by a unique index and by
   * locking the post: any number of concurrent votes by one member leave exactly one row, and the
   * post's counts are recomputed from the votes under that lock. A member's second vote on a post while
   * the first is still being written is refused at once (VOTE_IN_PROGRESS) instead of queueing for the
   * post's lock, so a burst of parallel votes cannot hold the connection pool.
   */
  async vote(member: AuthUser, postId: string, choice: VoteChoice): Promise<{ threadId: string; postId: string }> {
    this.check(member, false);
    return this.dataSource.transaction(async (tx) => {
      await lockActiveAccount(tx, member.id);
      if (!(await tryLockForTransaction(tx, `vote:${postId}:${member.id}`))) {
        throw new ConflictError('Another vote of yours on this post is being recorded', { reason: 'VOTE_IN_PROGRESS' });
      }
      const { post } = await this.visiblePost(tx, postId, { thread: 'for_no_key_update', post: 'for_no_key_update' });
      if (post.authorId === member.id) throw new ForbiddenError('You cannot vote on your own post', { reason: 'OWN_POST' });
      const [current]: { value: number }[] = await tx.query('SELECT value FROM post_votes WHERE post_id = $1 AND voter_id = $2', [post.id, member.id]);
      const wanted = choice === 'up' ? 1 : choice === 'down' ? -1 : 0;
      if ((current?.value ?? 0) === wanted) {
        throw new ConflictError(wanted === 0 ? 'You have no vote on this post to withdraw' : 'You already voted this way on this post', {
          reason: wanted === 0 ? 'NOT_VOTED' : 'ALREADY_VOTED',
        });
      }
      if (wanted === 0) {
        await tx.query('DELETE FROM post_votes WHERE post_id = $1 AND voter_id = $2', [post.id, member.id]);
      } else {
        await tx.query(
          `INSERT INTO post_votes (post_id, voter_id, value) VALUES ($1, $2, $3)
           ON CONFLICT (post_id, voter_id) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
          [post.id, member.id, wanted],
        );
      }
      await tx.query(
        `UPDATE posts p SET upvote_count = v.up, downvote_count = v.down, score = v.up - v.down
         FROM (SELECT count(*) FILTER (WHERE value = 1)::int AS up, count(*) FILTER (WHERE value = -1)::int AS down FROM post_votes WHERE post_id = $1) v
         WHERE p.id = $1`,
        [post.id],
      );
      if (post.isQuestion) await tx.query('UPDATE threads SET score = (SELECT score FROM posts WHERE id = $2) WHERE id = $1', [post.threadId, post.id]);
      return { threadId: post.threadId, postId: post.id };
    });
  }

  /** Marks a visible reply as the thread's answer: by the thread's author, or by staff (audited). */
  async acceptAnswer(caller: AuthUser, postId: string): Promise<{ threadId: string }> {
    this.check(caller, false);
    return this.dataSource.transaction(async (tx) => {
      await lockActiveAccount(tx, caller.id);
      const { post, thread } = await this.visiblePost(tx, postId, { thread: 'for_no_key_update', post: 'pessimistic_read' });
      this.checkMayAccept(caller, thread);
      if (post.isQuestion) throw new BadUserInputError('A question cannot be its own answer', [{ field: 'postId', messages: ['postId must be a reply'] }]);
      if (thread.acceptedPostId === post.id) return { threadId: thread.id };
      const before = { acceptedPostId: thread.acceptedPostId, isSolved: thread.isSolved };
      await tx.query('UPDATE threads SET accepted_post_id = $2, is_solved = true, solved_at = now() WHERE id = $1', [thread.id, post.id]);
      if (caller.id !== thread.authorId) {
        await recordAudit(tx, { actorId: caller.id, action: 'thread.accept-answer', subjectKind: 'thread', subjectId: thread.id, before, after: { acceptedPostId: post.id, isSolved: true } });
      }
      await recordChange(tx, { kind: 'thread', change: 'solved', id: thread.id });
      await this.notifications.answerAccepted(tx, caller.id, post, thread);
      return { threadId: thread.id };
    });
  }

  async unacceptAnswer(caller: AuthUser, threadId: string): Promise<{ threadId: string }> {
    this.check(caller, false);
    return this.dataSource.transaction(async (tx) => {
      await lockActiveAccount(tx, caller.id);
      const thread = await tx.findOne(ThreadEntity, { where: { id: threadId }, lock: { mode: 'for_no_key_update' } });
      if (!thread || thread.status !== ContentStatus.Visible) throw threadNotFound(threadId);
      this.checkMayAccept(caller, thread);
      if (thread.acceptedPostId === null) throw new ConflictError('The thread has no accepted answer', { reason: 'NOT_SOLVED' });
      await tx.query('UPDATE threads SET accepted_post_id = NULL, is_solved = false, solved_at = NULL WHERE id = $1', [thread.id]);
      if (caller.id !== thread.authorId) {
        await recordAudit(tx, {
          actorId: caller.id,
          action: 'thread.unaccept-answer',
          subjectKind: 'thread',
          subjectId: thread.id,
          before: { acceptedPostId: thread.acceptedPostId, isSolved: true },
          after: { acceptedPostId: null, isSolved: false },
        });
      }
      await recordChange(tx, { kind: 'thread', change: 'unsolved', id: thread.id });
      return { threadId: thread.id };
    });
  }

  async follow(member: AuthUser, threadId: string, following: boolean): Promise<{ threadId: string }> {
    this.check(member, false);
    return this.dataSource.transaction(async (tx) => {
      await lockActiveAccount(tx, member.id);
      // Locked so that a merge cannot delete the thread between this check and the insert.
      const thread = await tx.findOne(ThreadEntity, { where: { id: threadId }, lock: { mode: 'for_key_share' } });
      if (!thread || !(thread.status === ContentStatus.Visible || (thread.status === ContentStatus.Pending && thread.authorId === member.id))) throw threadNotFound(threadId);
      if (following) await tx.query('INSERT INTO thread_follows (thread_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [thread.id, member.id]);
      else await tx.query('DELETE FROM thread_follows WHERE thread_id = $1 AND user_id = $2', [thread.id, member.id]);
      return { threadId: thread.id };
    });
  }

  /**
   * Flags a visible thread or post for moderators. Not one's own; a duplicate names the thread it
   * duplicates; `other` needs a note. A second open flag by the same member on the same target is a
   * CONFLICT (a partial unique index decides, however many arrive at once).
   */
  async flag(member: AuthUser, input: FlagContent): Promise<{ id: string; kind: FlagKind; createdAt: Date }> {
    this.check(member, true);
    if ((input.threadId == null) === (input.postId == null)) {
      throw new BadUserInputError('Flag either a thread or a post', [{ field: 'postId', messages: ['give exactly one of threadId and postId'] }]);
    }
    if (input.kind === FlagKind.Duplicate && !input.duplicateOfThreadId) {
      throw new BadUserInputError('Say which thread this duplicates', [{ field: 'duplicateOfThreadId', messages: ['duplicateOfThreadId is required for a duplicate flag'] }]);
    }
    if (input.kind !== FlagKind.Duplicate && input.duplicateOfThreadId) {
      throw new BadUserInputError('Only a duplicate flag names a thread', [{ field: 'duplicateOfThreadId', messages: ['duplicateOfThreadId is only for duplicate flags'] }]);
    }
    if (input.kind === FlagKind.Other && !input.note?.trim()) {
      throw new BadUserInputError('Say what is wrong', [{ field: 'note', messages: ['note is required for a flag of kind other'] }]);
    }
    return this.dataSource.transaction(async (tx) => {
      await lockActiveAccount(tx, member.id);
      let threadId: string;
      let authorId: string | null;
      // The rows the flag refers to stay while it is written (the original of a duplicate too, locked in id order).
      if (input.postId) {
        const { post } = await this.visiblePost(tx, input.postId, { thread: 'for_key_share', post: 'for_key_share' }, input.duplicateOfThreadId);
        threadId = post.threadId;
        authorId = post.authorId;
      } else {
        const thread = (await lockThreads(tx, [input.threadId!, ...(input.duplicateOfThreadId ? [input.duplicateOfThreadId] : [])], 'for_key_share')).get(input.threadId!);
        if (!thread || thread.status !== ContentStatus.Visible) throw threadNotFound(input.threadId!);
        threadId = thread.id;
        authorId = thread.authorId;
      }
      if (authorId === member.id) throw new ForbiddenError('You cannot flag your own content', { reason: 'OWN_CONTENT' });
      await this.screener.takeFlagSlot(tx, { id: member.id, role: member.account.role });
      if (input.duplicateOfThreadId) {
        const original = await tx.findOne(ThreadEntity, { where: { id: input.duplicateOfThreadId } });
        if (!original || original.status !== ContentStatus.Visible || original.id === threadId) {
          throw new BadUserInputError('The original thread is not another visible thread', [
            { field: 'duplicateOfThreadId', messages: ['duplicateOfThreadId must be another visible thread'] },
          ]);
        }
        const [flagged]: { locale: string }[] = await tx.query(
          `SELECT b.locale FROM threads t JOIN boards b ON b.id = t.board_id WHERE t.id = $1 AND b.locale <> (SELECT locale FROM boards WHERE id = $2)`,
          [threadId, original.boardId],
        );
        if (flagged) {
          throw new BadUserInputError('The original thread is in another language', [
            { field: 'duplicateOfThreadId', messages: ['duplicateOfThreadId must be a thread of a board in the same locale'] },
          ]);
        }
      }
      const rows: { id: string; created_at: Date }[] = await tx.query(
        `INSERT INTO flags (target_kind, thread_id, post_id, flagger_id, kind, note, duplicate_of_thread_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (flagger_id, target_kind, COALESCE(post_id, thread_id)) WHERE status = 'open' DO NOTHING
         RETURNING id, created_at`,
        [input.postId ? FlagTarget.Post : FlagTarget.Thread, threadId, input.postId ?? null, member.id, input.kind, input.note?.trim() || null, input.duplicateOfThreadId ?? null],
      );
      if (rows.length === 0) throw new ConflictError('You already flagged this; a moderator will look at it', { reason: 'ALREADY_FLAGGED' });
      await this.screener.recordFlag(tx, { id: rows[0].id, threadId, kind: input.kind });
      return { id: rows[0].id, kind: input.kind, createdAt: rows[0].created_at };
    });
  }

  private check(member: AuthUser, writes: boolean): void {
    const refusal = participationRefusal(member.account, new Date(), writes);
    if (refusal) throw refusedParticipation(refusal);
  }

  private checkMayAccept(caller: AuthUser, thread: ThreadEntity): void {
    if (caller.id !== thread.authorId && !isStaffRole(caller.role)) {
      throw new ForbiddenError('Only the thread’s author or staff can accept an answer', { reason: 'NOT_THREAD_AUTHOR' });
    }
  }

  /**
   * A visible post in a visible thread, locked with its thread (thread first). `alsoThreadId` (the original a
   * duplicate flag names) is locked with the post's thread, in id order.
   */
  private async visiblePost(
    tx: EntityManager,
    postId: string,
    modes: { thread: ForumRowLock; post: ForumRowLock },
    alsoThreadId?: string | null,
  ): Promise<{ post: PostEntity; thread: ThreadEntity }> {
    if (alsoThreadId) {
      const [row]: { thread_id: string }[] = await tx.query('SELECT thread_id FROM posts WHERE id = $1', [postId]);
      if (row) await lockThreads(tx, [row.thread_id, alsoThreadId], modes.thread);
    }
    const locked = await lockPostWithThread(tx, postId, modes);
    if (!locked || locked.post.status !== ContentStatus.Visible || locked.thread.status !== ContentStatus.Visible) throw postNotFound(postId);
    return locked;
  }
}
