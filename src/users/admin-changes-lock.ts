import { EntityManager } from 'typeorm';
import { lockForTransaction } from '../common/sql/transaction-lock';

/**
 * Changes that can remove an active admin (role changes, deactivations, account deletions), one at a time until the
 * transaction ends. Each locks its user and then the active admins, so two at once (A demoting B while B deactivates
 * A, or two admins deleting their accounts) took the same rows in opposite orders and deadlocked.
 */
export function lockAdminChanges(tx: EntityManager): Promise<void> {
  return lockForTransaction(tx, 'users:admin-changes');
}
