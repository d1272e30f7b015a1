import { wrongStatus } from './moderation-errors';

describe('wrongStatus', () => {
  it.each([
    ['merge', 'The thread is removed: it cannot be merged'],
    ['move', 'The thread is removed: it cannot be moved'],
    ['pin', 'The thread is removed: it cannot be pinned'],
    ['lock', 'The thread is removed: it cannot be locked'],
    ['hide', 'The thread is removed: it cannot be hidden'],
    ['approve', 'The thread is removed: it cannot be approved'],
    ['mark as duplicate', 'The thread is removed: it cannot be marked as a duplicate'],
    ['used as the original of a duplicate', 'The thread is removed: it cannot be used as the original of a duplicate'],
  ])('words the %s refusal as a sentence, keeping the action name in the details', (action, message) => {
    const error = wrongStatus('thread', 'id-1', 'removed', action);
    expect(error.message).toBe(message);
    expect(error.details).toEqual({ reason: 'INVALID_STATUS', status: 'removed', action, id: 'id-1' });
  });
});
