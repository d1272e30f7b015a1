import { EntityManager } from 'typeorm';
import { UnauthenticatedError } from '../common/errors/app-error';

/**
 * Holds the caller's account row until the writing transaction ends and refuses a closed account: the first
 * statement of every member write that leaves a row linked to the member (posts, votes, follows, flags, settings,
 * feedback). `deleteMyAccount` locks the row FOR UPDATE, so a write that passed authentication before the deletion
 * either commits first (and the deletion then erases what it wrote) or waits for the deletion and is refused here.
 * FOR KEY SHARE: updates of other columns (last login, trust level) do not wait for it, nor it for them.
 */
export async function lockActiveAccount(tx: EntityManager, userId: string): Promise<void> {
  const rows: { deactivated_at: Date | null }[] = await tx.query('SELECT deactivated_at FROM users WHERE id = $1 FOR KEY SHARE', [userId]);
  if (rows.length === 0 || rows[0].deactivated_at !== null) {
    throw new UnauthenticatedError('This account was deleted or deactivated', { reason: 'ACCOUNT_CLOSED' });
  }
}
