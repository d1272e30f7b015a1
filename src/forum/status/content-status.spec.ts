import { ContentStatus } from '../entities/forum-enums';
import { STATUS_TRANSITIONS, StatusAction, transitionStatus } from './content-status';

describe('transitionStatus', () => {
  it.each<[ContentStatus, StatusAction, 'author' | 'moderator' | 'system', ContentStatus | string]>([
    [ContentStatus.Pending, 'approve', 'moderator', ContentStatus.Visible],
    [ContentStatus.Pending, 'reject', 'system', ContentStatus.Removed],
    [ContentStatus.Visible, 'hide', 'moderator', ContentStatus.Hidden],
    [ContentStatus.Hidden, 'restore', 'moderator', ContentStatus.Visible],
    [ContentStatus.Visible, 'delete', 'author', ContentStatus.Deleted],
    [ContentStatus.Pending, 'delete', 'author', ContentStatus.Deleted],
    [ContentStatus.Deleted, 'delete', 'author', 'NOT_ALLOWED_FROM_STATUS'],
    [ContentStatus.Removed, 'delete', 'author', 'NOT_ALLOWED_FROM_STATUS'],
    [ContentStatus.Visible, 'approve', 'moderator', 'NOT_ALLOWED_FROM_STATUS'],
    [ContentStatus.Pending, 'approve', 'author', 'NOT_ALLOWED_FOR_ACTOR'],
    [ContentStatus.Hidden, 'restore', 'author', 'NOT_ALLOWED_FOR_ACTOR'],
  ])('%s --%s by %s--> %s', (from, action, actor, expected) => {
    const result = transitionStatus(from, action, actor);
    expect(result.ok ? result.to : result.reason).toBe(expected);
  });

  it('never leaves deleted content (an author deletion is final on the delivery side)', () => {
    for (const transition of Object.values(STATUS_TRANSITIONS)) expect(transition.from).not.toContain(ContentStatus.Deleted);
  });
});
