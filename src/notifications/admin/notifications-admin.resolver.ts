import { Args, Context, Resolver, Subscription } from '@nestjs/graphql';
import { Roles } from '../../auth/roles.decorator';
import { SubscriptionAccess, SubscriptionContext } from '../../auth/subscription-access';
import type { SubscriptionPubSub } from '../../common/live-events/live-events.service';
import { Role } from '../../users/role.enum';
import { ModerationQueueEvent } from '../moderation-queue-events.service';
import { AdminModerationQueueEvent } from './admin-moderation-queue-event.model';
import { ModerationQueueChangedArgs } from './notifications-admin.inputs';

const QUEUE_ROLES = [Role.Moderator, Role.Admin];

@Resolver()
export class NotificationsAdminResolver {
  constructor(readonly access: SubscriptionAccess) {}

  @Roles(...QUEUE_ROLES)
  @Subscription(() => AdminModerationQueueEvent, {
    description: 'Items entering, changing in and leaving the moderation queue, live (WebSocket, graphql-transport-ws); moderators and admins',
    // Nest calls filters with the resolver as `this`.
    async filter(this: NotificationsAdminResolver, event: ModerationQueueEvent, variables: { boardId?: string | null }, context: SubscriptionContext) {
      if (variables.boardId && event.boardId !== variables.boardId) return false;
      return this.access.allows(context, QUEUE_ROLES);
    },
    resolve: (event: ModerationQueueEvent): AdminModerationQueueEvent => ({
      change: event.change,
      itemKind: event.itemKind,
      itemId: event.itemId,
      boardId: event.boardId,
      reason: event.reason,
      occurredAt: new Date(event.occurredAt ?? Date.now()),
    }),
  })
  moderationQueueChanged(@Context('pubsub') pubsub: SubscriptionPubSub, @Args() _args: ModerationQueueChangedArgs): Promise<AsyncIterable<unknown>> {
    return pubsub.subscribe('moderation-queue-changed');
  }
}
