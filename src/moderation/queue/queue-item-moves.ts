import { EntityManager } from 'typeorm';
import { ModerationQueueChange } from '../../notifications/moderation-queue-change.enum';
import { ModerationQueueEvent } from '../../notifications/moderation-queue-events.service';

/** A moderation-queue item with where it stands: what a live queue event about it carries. */
export interface QueuedItem {
  itemKind: 'thread' | 'post' | 'flag';
  itemId: string;
  boardId: string;
  threadId: string;
  /** As the item entered the queue: the rule that held it, or the flag's kind (see AutoModerationService.recordHold/recordFlag). */
  reason: string;
}

/**
 * The queue items inside these threads — pending threads, pending replies, open flags: the same three sources as
 * ModerationQueueService.page — in a set order. Read under the threads' locks (every forum transaction locks the
 * thread before its posts and flags), so nothing else changes them meanwhile.
 */
export async function queuedItemsIn(tx: EntityManager, threadIds: readonly string[]): Promise<QueuedItem[]> {
  const rows: { item_kind: QueuedItem['itemKind']; item_id: string; board_id: string; thread_id: string; reason: string }[] = await tx.query(
    `SELECT 'thread' AS item_kind, t.id AS item_id, t.board_id, t.id AS thread_id, coalesce(t.held_reason, 'unknown') AS reason, 1 AS source, t.created_at
       FROM threads t WHERE t.id = ANY($1::uuid[]) AND t.status = 'pending'
     UNION ALL
     SELECT 'post', p.id, t.board_id, p.thread_id, coalesce(p.held_reason, 'unknown'), 2, p.created_at
       FROM posts p JOIN threads t ON t.id = p.thread_id WHERE p.thread_id = ANY($1::uuid[]) AND p.status = 'pending' AND NOT p.is_question
     UNION ALL
     SELECT 'flag', f.id, t.board_id, f.thread_id, f.kind::text, 3, f.created_at
       FROM flags f JOIN threads t ON t.id = f.thread_id WHERE f.thread_id = ANY($1::uuid[]) AND f.status = 'open'
     ORDER BY source, created_at, item_id`,
    [threadIds],
  );
  return rows.map((row) => ({ itemKind: row.item_kind, itemId: row.item_id, boardId: row.board_id, threadId: row.thread_id, reason: row.reason }));
}

/**
 * The live queue events that take a watcher from the items `before` an action (a move, a merge) to those `after` it:
 * an item gone is `Removed` (reason: the action); a new one is `Added` (its hold rule or flag kind); one on another
 * board leaves the old board's watchers (`Removed`) and reaches the new board's (`Added`), since subscriptions filter
 * by board; one that changed thread on the same board is `Updated`. Removals first, so a watcher of every board
 * ends with the item where it is now.
 */
export function queueItemMoves(before: readonly QueuedItem[], after: readonly QueuedItem[], action: string): ModerationQueueEvent[] {
  const key = (item: QueuedItem) => `${item.itemKind}:${item.itemId}`;
  const was = new Map(before.map((item) => [key(item), item]));
  const now = new Map(after.map((item) => [key(item), item]));
  const event = (change: ModerationQueueChange, item: QueuedItem, reason: string): ModerationQueueEvent => ({
    change,
    itemKind: item.itemKind,
    itemId: item.itemId,
    boardId: item.boardId,
    reason,
  });
  const removed: ModerationQueueEvent[] = [];
  const added: ModerationQueueEvent[] = [];
  const updated: ModerationQueueEvent[] = [];
  for (const item of before) {
    const moved = now.get(key(item));
    if (!moved || moved.boardId !== item.boardId) removed.push(event(ModerationQueueChange.Removed, item, action));
  }
  for (const item of after) {
    const earlier = was.get(key(item));
    if (!earlier || earlier.boardId !== item.boardId) added.push(event(ModerationQueueChange.Added, item, item.reason));
    else if (earlier.threadId !== item.threadId || earlier.reason !== item.reason) updated.push(event(ModerationQueueChange.Updated, item, item.reason));
  }
  return [...removed, ...added, ...updated];
}
