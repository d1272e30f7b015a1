import { QueuedItem, queueItemMoves } from './queue-item-moves';

const item = (itemKind: QueuedItem['itemKind'], itemId: string, boardId: string, threadId: string, reason: string): QueuedItem => ({ itemKind, itemId, boardId, threadId, reason });

describe('queueItemMoves', () => {
  it('says nothing when nothing in the queue moved', () => {
    const same = [item('flag', 'f1', 'b1', 't1', 'spam')];
    expect(queueItemMoves(same, same, 'merge')).toEqual([]);
    expect(queueItemMoves([], [], 'move')).toEqual([]);
  });

  it('a pending thread merged into another board: the thread leaves its board, its question arrives as a held reply', () => {
    const before = [item('thread', 't1', 'b1', 't1', 'board:hold_all'), item('flag', 'f0', 'b2', 't2', 'spam')];
    const after = [item('post', 'q1', 'b2', 't2', 'board:hold_all'), item('flag', 'f0', 'b2', 't2', 'spam')];
    expect(queueItemMoves(before, after, 'merge')).toEqual([
      { change: 'removed', itemKind: 'thread', itemId: 't1', boardId: 'b1', reason: 'merge' },
      { change: 'added', itemKind: 'post', itemId: 'q1', boardId: 'b2', reason: 'board:hold_all' },
    ]);
  });

  it('an item on another board leaves the old one and arrives on the new one (removals first); on the same board it is updated', () => {
    const before = [item('thread', 't1', 'b1', 't1', 'auto:links'), item('flag', 'f1', 'b1', 't1', 'offensive'), item('flag', 'f2', 'b1', 't3', 'spam')];
    const after = [item('thread', 't1', 'b2', 't1', 'auto:links'), item('flag', 'f1', 'b2', 't1', 'offensive'), item('flag', 'f2', 'b1', 't4', 'spam')];
    expect(queueItemMoves(before, after, 'move')).toEqual([
      { change: 'removed', itemKind: 'thread', itemId: 't1', boardId: 'b1', reason: 'move' },
      { change: 'removed', itemKind: 'flag', itemId: 'f1', boardId: 'b1', reason: 'move' },
      { change: 'added', itemKind: 'thread', itemId: 't1', boardId: 'b2', reason: 'auto:links' },
      { change: 'added', itemKind: 'flag', itemId: 'f1', boardId: 'b2', reason: 'offensive' },
      { change: 'updated', itemKind: 'flag', itemId: 'f2', boardId: 'b1', reason: 'spam' },
    ]);
  });

  it('an item that is gone (a flag dropped with its thread) is removed', () => {
    expect(queueItemMoves([item('flag', 'f1', 'b1', 't1', 'spam')], [], 'merge')).toEqual([{ change: 'removed', itemKind: 'flag', itemId: 'f1', boardId: 'b1', reason: 'merge' }]);
  });
});
