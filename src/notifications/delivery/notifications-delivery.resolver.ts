import { Args, Context, Mutation, Query, Resolver, Subscription } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { SubscriptionAccess, SubscriptionContext } from '../../auth/subscription-access';
import type { SubscriptionPubSub } from '../../common/live-events/live-events.service';
import { pageWindow } from '../../common/graphql/connection';
import { ALL_ROLES } from '../../users/role.enum';
import { toMemberNotificationView } from '../member-notification-view';
import { MemberNotificationsService, NotificationAddedEvent } from '../member-notifications.service';
import { NotificationSettingsService } from '../notification-settings.service';
import { MarkNotificationsReadInput, NotificationsArgs, UpdateNotificationSettingsInput } from './notifications-delivery.inputs';
import { MemberNotification, MemberNotificationConnection, NotificationSettings, NotificationsMarkedRead } from './notifications.models';
import { toMemberNotification } from './to-member-notification';
import { markReadTarget } from './mark-read-target';

@Resolver()
export class NotificationsDeliveryResolver {
  constructor(
    private readonly memberNotifications: MemberNotificationsService,
    private readonly settings: NotificationSettingsService,
    readonly access: SubscriptionAccess,
  ) {}

  @Roles(...ALL_ROLES)
  @Query(() => MemberNotificationConnection, { description: "The signed-in member's notifications, newest first; paged both ways" })
  async notifications(@CurrentUser() user: AuthUser, @Args() args: NotificationsArgs): Promise<MemberNotificationConnection> {
    const page = await this.memberNotifications.list(user.id, { window: pageWindow(args), unreadOnly: args.unreadOnly });
    return {
      edges: page.items.map(({ cursor, node }) => ({ cursor, node: toMemberNotification(node) })),
      pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: page.hasPreviousPage, startCursor: page.startCursor, endCursor: page.endCursor },
      totalCount: page.totalCount,
      unreadCount: page.unreadCount,
    };
  }

  @Roles(...ALL_ROLES)
  @Mutation(() => NotificationsMarkedRead, { description: "Marks the given notifications, or all, read; another member's notification is NOT_FOUND" })
  markNotificationsRead(@CurrentUser() user: AuthUser, @Args('input') input: MarkNotificationsReadInput): Promise<NotificationsMarkedRead> {
    return this.memberNotifications.markRead(user.id, markReadTarget(input));
  }

  @Roles(...ALL_ROLES)
  @Query(() => NotificationSettings)
  notificationSettings(@CurrentUser() user: AuthUser): Promise<NotificationSettings> {
    return this.settings.get(user.id);
  }

  @Roles(...ALL_ROLES)
  @Mutation(() => NotificationSettings)
  updateNotificationSettings(@CurrentUser() user: AuthUser, @Args('input') input: UpdateNotificationSettingsInput): Promise<NotificationSettings> {
    return this.settings.update(user.id, input);
  }

  @Roles(...ALL_ROLES)
  @Subscription(() => MemberNotification, {
    description: 'New notifications of the signed-in member, as they are raised (WebSocket, graphql-transport-ws)',
    // Nest calls filters with the resolver as `this`.
    async filter(this: NotificationsDeliveryResolver, event: NotificationAddedEvent, _variables: unknown, context: SubscriptionContext) {
      return event.recipientId === context.auth?.user?.id && this.access.allows(context, ALL_ROLES);
    },
    resolve: (event: NotificationAddedEvent) => toMemberNotification(toMemberNotificationView(event.notification)),
  })
  notificationAdded(@Context('pubsub') pubsub: SubscriptionPubSub): Promise<AsyncIterable<unknown>> {
    return pubsub.subscribe('member-notification-added');
  }
}
