import { BadUserInputError, ConflictError } from '../../common/errors/app-error';

/** The target is not in a status this action applies to (already removed, not pending, …). */
export function wrongStatus(kind: string, id: string, status: string, action: string): ConflictError {
  return new ConflictError(`The ${kind} is ${status}: it cannot be ${pastTense(action)}`, { reason: 'INVALID_STATUS', status, action, id });
}

export function alreadyInState(kind: string, id: string, state: string): ConflictError {
  return new ConflictError(`The ${kind} is already ${state}`, { reason: 'ALREADY_DONE', state, id });
}

export function sameThread(field: string): BadUserInputError {
  return new BadUserInputError('A thread cannot be merged into or marked a duplicate of itself', [{ field, messages: [`${field} must be another thread`] }]);
}

/** The action as the message's participle ("it cannot be merged"); the `action` detail keeps the action's name. */
function pastTense(action: string): string {
  const irregular: Record<string, string> = {
    hide: 'hidden',
    pin: 'pinned',
    unpin: 'unpinned',
    'mark as duplicate': 'marked as a duplicate',
    'used as the original of a duplicate': 'used as the original of a duplicate',
  };
  return irregular[action] ?? (action.endsWith('e') ? `${action}d` : `${action}ed`);
}
