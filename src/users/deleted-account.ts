import { ConflictError } from '../common/errors/app-error';
import { UserEntity } from './entities/user.entity';

/**
 * The password hash of an account its member deleted (`deleteMyAccount`): not an argon2 string, so no password
 * verifies against it, and the mark that the row is only the anonymized author of content left behind.
 */
export const DELETED_ACCOUNT_PASSWORD_HASH = '!deleted';

/** A deleted account is never reopened, given a password or a role: the row still owns the member's posts. */
export function assertNotDeletedAccount(user: UserEntity): void {
  if (user.passwordHash === DELETED_ACCOUNT_PASSWORD_HASH) {
    throw new ConflictError('This account was deleted by its member; it cannot be reopened or changed', { reason: 'ACCOUNT_DELETED' });
  }
}
