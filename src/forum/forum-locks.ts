import { EntityManager } from 'typeorm';
import { ConflictError } from '../common/errors/app-error';
import { PostEntity } from './entities/post.entity';
import { ThreadEntity } from './entities/thread.entity';

/**
 * Forum rows are locked in one order: a thread first, then its posts, then flags on them. Every transaction that
 * locks a post locks its thread before it, so two transactions on one thread wait for each other at the thread
 * instead of each holding what the other wants (a deadlock: both rolled back).
 *
 * Row lock strengths, weakest first: `for_key_share` (the row must not go away: flags, staff edits),
 * `pessimistic_read` (FOR SHARE), `for_no_key_update` (counters and fields of the row: replies, votes, edits),
 * `pessimistic_write` (FOR UPDATE: moderation, merges, which may delete the thread).
 */
export type ForumRowLock = 'for_key_share' | 'pessimistic_read' | 'for_no_key_update' | 'pessimistic_write';

/** How often a post that moved to another thread (a merge) between reading and locking is followed. */
const MOVES_FOLLOWED = 3;

/**
 * Locks a post and its thread, thread first. Null when the post does not exist. A merge may move the post to another
 * thread between reading its thread and locking the post: the new thread is locked then.
 */
export async function lockPostWithThread(
  tx: EntityManager,
  postId: string,
  modes: { thread: ForumRowLock; post: ForumRowLock },
): Promise<{ post: PostEntity; thread: ThreadEntity } | null> {
  for (let attempt = 0; attempt < MOVES_FOLLOWED; attempt += 1) {
    const [row]: { thread_id: string }[] = await tx.query('SELECT thread_id FROM posts WHERE id = $1', [postId]);
    if (!row) return null;
    const thread = await tx.findOne(ThreadEntity, { where: { id: row.thread_id }, lock: { mode: modes.thread } });
    if (!thread) continue;
    const post = await tx.findOne(PostEntity, { where: { id: postId }, lock: { mode: modes.post } });
    if (!post) return null;
    if (post.threadId === thread.id) return { post, thread };
  }
  throw new ConflictError('The post moved to another thread while this change was made; send it again', { reason: 'CONCURRENT_CHANGE' });
}

/** Locks threads in id order (two transactions locking the same pair cannot deadlock); missing ones are left out. */
export async function lockThreads(tx: EntityManager, threadIds: string[], mode: ForumRowLock): Promise<Map<string, ThreadEntity>> {
  const locked = new Map<string, ThreadEntity>();
  for (const id of [...new Set(threadIds)].sort()) {
    const thread = await tx.findOne(ThreadEntity, { where: { id }, lock: { mode } });
    if (thread) locked.set(id, thread);
  }
  return locked;
}
