import { BadUserInputError } from '../../common/errors/app-error';
import { MarkReadTarget } from '../member-notifications.service';
import { MarkNotificationsReadInput } from './notifications-delivery.inputs';

/** `ids` or `all: true`, exactly one of them. */
export function markReadTarget(input: MarkNotificationsReadInput): MarkReadTarget {
  const hasIds = input.ids !== undefined && input.ids !== null;
  if (hasIds && input.all) throw new BadUserInputError('Give either ids or all, not both', [{ field: 'all', messages: ['leave all out when giving ids'] }]);
  if (hasIds) return { ids: input.ids! };
  if (input.all === true) return { all: true };
  throw new BadUserInputError('Give the ids to mark read, or all: true', [{ field: 'ids', messages: ['ids or all: true is required'] }]);
}
