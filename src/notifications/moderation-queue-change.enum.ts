import { registerEnumType } from '@nestjs/graphql';

export enum ModerationQueueChange {
  Added = 'added',
  Updated = 'updated',
  Removed = 'removed',
}

registerEnumType(ModerationQueueChange, {
  name: 'ModerationQueueChange',
  description: 'How the moderation queue changed',
  valuesMap: {
    Added: { description: 'An item entered the queue (a post held, a flag raised)' },
    Updated: { description: 'An item in the queue changed (another flag on the same post)' },
    Removed: { description: 'An item left the queue (approved, rejected, flag resolved)' },
  },
});
