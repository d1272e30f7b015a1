import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError } from '../common/errors/app-error';
import { Refusal } from './posting-rules';

export function refusedParticipation(refusal: Refusal): ForbiddenError {
  const what = refusal.reason === 'SUSPENDED' ? 'Your account is suspended' : 'Your account is silenced';
  return new ForbiddenError(`${what} until ${refusal.until.toISOString()}`, { reason: refusal.reason, until: refusal.until.toISOString() });
}

export function threadLocked(threadId: string): ForbiddenError {
  return new ForbiddenError('The thread is locked', { reason: 'THREAD_LOCKED', threadId });
}

export function bodyTooLong(maxChars: number): BadUserInputError {
  return new BadUserInputError(`The post is longer than ${maxChars} characters`, [
    { field: 'bodyMarkdown', messages: [`bodyMarkdown must be at most ${maxChars} characters`] },
  ]);
}

export function threadNotFound(id: string): NotFoundError {
  return new NotFoundError('Thread', id);
}

export function postNotFound(id: string): NotFoundError {
  return new NotFoundError('Post', id);
}

export function staleRevision(headRevisionNumber: number): ConflictError {
  return new ConflictError('The post was edited since this edit began', { reason: 'STALE_BASE_REVISION', headRevisionNumber });
}

/** A member's edit of a visible post whose new text a new post would be held for (blocked words, links). */
export function editWouldBeHeld(rules: string[]): ForbiddenError {
  return new ForbiddenError(`This edit would be held for a moderator (${rules.join(', ')}), and an edit is published at once; change the text`, {
    reason: 'EDIT_WOULD_BE_HELD',
    rules,
  });
}
