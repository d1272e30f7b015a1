import { Args, Context, Resolver, Subscription } from '@nestjs/graphql';
import { Roles } from '../../auth/roles.decorator';
import { SubscriptionAccess, SubscriptionContext } from '../../auth/subscription-access';
import type { SubscriptionPubSub } from '../../common/live-events/live-events.service';
import { EDITORIAL_ROLES } from '../../users/role.enum';
import { ContentGapSource } from '../entities/content-gap.entity';
import { StaleSeverity, StaleSignal } from '../entities/stale-flag.entity';
import { FreshnessQueueEvent, matchesFreshnessFilter } from '../live/freshness-event';
import { AdminFreshnessQueueEvent, FreshnessChange, FreshnessQueueChangedArgs } from './freshness-live.models';

export function toFreshnessQueueEvent(event: FreshnessQueueEvent): AdminFreshnessQueueEvent {
  const occurredAt = new Date(event.occurredAt);
  if (event.kind === 'flag') {
    return {
      change: event.change as FreshnessChange,
      flagId: event.flagId,
      gapId: null,
      articleId: event.articleId,
      locale: event.locale,
      signal: event.signal as StaleSignal,
      severity: event.severity as StaleSeverity,
      gapSource: null,
      gapTitle: null,
      categoryId: event.categoryId,
      productIds: event.productIds,
      occurredAt,
    };
  }
  return {
    change: event.change as FreshnessChange,
    flagId: null,
    gapId: event.gapId,
    articleId: event.articleId,
    locale: event.locale,
    signal: null,
    severity: null,
    gapSource: event.source as ContentGapSource,
    gapTitle: event.title,
    categoryId: null,
    productIds: [],
    occurredAt,
  };
}

@Resolver()
export class FreshnessLiveResolver {
  constructor(readonly access: SubscriptionAccess) {}

  @Roles(...EDITORIAL_ROLES)
  @Subscription(() => AdminFreshnessQueueEvent, {
    description:
      'Stale flags raised, updated with newer evidence, acknowledged, resolved or dismissed and content gaps created, drafted or dismissed, live (WebSocket, graphql-transport-ws); editors and admins',
    // Nest calls filters with the resolver as `this`.
    async filter(this: FreshnessLiveResolver, event: FreshnessQueueEvent, variables: FreshnessQueueChangedArgs, context: SubscriptionContext) {
      if (!matchesFreshnessFilter(event, variables.filter ?? {})) return false;
      return this.access.allows(context, EDITORIAL_ROLES);
    },
    resolve: toFreshnessQueueEvent,
  })
  freshnessQueueChanged(@Context('pubsub') pubsub: SubscriptionPubSub, @Args() _args: FreshnessQueueChangedArgs): Promise<AsyncIterable<unknown>> {
    return pubsub.subscribe('freshness-queue-changed');
  }
}
