import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { Roles } from '../../auth/roles.decorator';
import { encodeCursor } from '../../common/graphql/connection';
import { ADMIN_ROLES } from '../../users/role.enum';
import { WebhookDeliveryRecord, WebhookEndpointRecord } from '../webhook-rows';
import { EndpointWithSecret, WebhooksService } from '../webhooks.service';
import {
  AdminWebhookDelivery,
  AdminWebhookDeliveryConnection,
  AdminWebhookEndpoint,
  CreateWebhookEndpointInput,
  RedeliverWebhookInput,
  UpdateWebhookEndpointInput,
  WebhookDeliveriesArgs,
  WebhookDeliveryStatus,
  WebhookEndpointArgs,
  WebhookEndpointIdInput,
  WebhookEndpointSecret,
  WebhookEventType,
} from './webhooks-admin.models';

function toAdminWebhookEndpoint(endpoint: WebhookEndpointRecord): AdminWebhookEndpoint {
  return { ...endpoint, eventTypes: endpoint.eventTypes as WebhookEventType[] };
}

function toWebhookEndpointSecret(created: EndpointWithSecret): WebhookEndpointSecret {
  return { endpoint: toAdminWebhookEndpoint(created.endpoint), secret: created.secret };
}

function toAdminWebhookDelivery(delivery: WebhookDeliveryRecord): AdminWebhookDelivery {
  return { ...delivery, status: delivery.status as WebhookDeliveryStatus };
}

@Resolver()
export class WebhooksAdminResolver {
  constructor(private readonly webhooks: WebhooksService) {}

  @Roles(...ADMIN_ROLES)
  @Query(() => [AdminWebhookEndpoint], { description: 'Outgoing webhook endpoints, oldest first' })
  async webhookEndpoints(): Promise<AdminWebhookEndpoint[]> {
    return (await this.webhooks.list()).map(toAdminWebhookEndpoint);
  }

  @Roles(...ADMIN_ROLES)
  @Query(() => AdminWebhookEndpoint)
  async webhookEndpoint(@Args() args: WebhookEndpointArgs): Promise<AdminWebhookEndpoint> {
    return toAdminWebhookEndpoint(await this.webhooks.get(args.id));
  }

  @Roles(...ADMIN_ROLES)
  @Query(() => AdminWebhookDeliveryConnection, { description: "An endpoint's delivery log, newest first" })
  async webhookDeliveries(@Args() args: WebhookDeliveriesArgs): Promise<AdminWebhookDeliveryConnection> {
    const page = await this.webhooks.deliveries(args.endpointId, { status: args.status }, args.first, args.after);
    return {
      edges: page.deliveries.map((delivery) => ({ cursor: encodeCursor([delivery.seq]), node: toAdminWebhookDelivery(delivery) })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      totalCount: page.totalCount,
    };
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => WebhookEndpointSecret, { description: 'Registers an endpoint; the answer holds its signing secret, shown only once' })
  async createWebhookEndpoint(@CurrentUser() admin: AuthUser, @Args('input') input: CreateWebhookEndpointInput): Promise<WebhookEndpointSecret> {
    return toWebhookEndpointSecret(await this.webhooks.create(admin.id, input));
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminWebhookEndpoint)
  async updateWebhookEndpoint(@CurrentUser() admin: AuthUser, @Args('input') input: UpdateWebhookEndpointInput): Promise<AdminWebhookEndpoint> {
    return toAdminWebhookEndpoint(await this.webhooks.update(admin.id, input.id, input));
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminWebhookEndpoint, { description: 'Stops deliveries (they wait, and resume when enabled again)' })
  async disableWebhookEndpoint(@CurrentUser() admin: AuthUser, @Args('input') input: WebhookEndpointIdInput): Promise<AdminWebhookEndpoint> {
    return toAdminWebhookEndpoint(await this.webhooks.setEnabled(admin.id, input.id, false));
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminWebhookEndpoint, { description: 'Resumes deliveries and clears the failure count and the disabled reason' })
  async enableWebhookEndpoint(@CurrentUser() admin: AuthUser, @Args('input') input: WebhookEndpointIdInput): Promise<AdminWebhookEndpoint> {
    return toAdminWebhookEndpoint(await this.webhooks.setEnabled(admin.id, input.id, true));
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminWebhookEndpoint, { description: 'Deletes the endpoint with its delivery log' })
  async deleteWebhookEndpoint(@CurrentUser() admin: AuthUser, @Args('input') input: WebhookEndpointIdInput): Promise<AdminWebhookEndpoint> {
    return toAdminWebhookEndpoint(await this.webhooks.delete(admin.id, input.id));
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => WebhookEndpointSecret, {
    description: 'A new signing secret, used from the next attempt on; shown only once. keepPreviousForSeconds (0 to 604800, default 0): how long deliveries are also signed with the secret it replaces',
  })
  async rotateWebhookEndpointSecret(
    @CurrentUser() admin: AuthUser,
    @Args('input') input: WebhookEndpointIdInput,
    @Args('keepPreviousForSeconds', { type: () => Int, nullable: true }) keepPreviousForSeconds?: number | null,
  ): Promise<WebhookEndpointSecret> {
    return toWebhookEndpointSecret(await this.webhooks.rotateSecret(admin.id, input.id, keepPreviousForSeconds ?? 0));
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminWebhookDelivery, {
    description: 'Queues a webhook.test event for this endpoint (whatever events it subscribes to); the answer is its delivery, whose log shows the outcome',
  })
  async sendTestWebhook(@CurrentUser() admin: AuthUser, @Args('input') input: WebhookEndpointIdInput): Promise<AdminWebhookDelivery> {
    return toAdminWebhookDelivery(await this.webhooks.sendTest(admin.id, input.id));
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminWebhookDelivery, { description: 'Sends a delivery again (same event id) through the delivery worker' })
  async redeliverWebhook(@CurrentUser() admin: AuthUser, @Args('input') input: RedeliverWebhookInput): Promise<AdminWebhookDelivery> {
    return toAdminWebhookDelivery(await this.webhooks.redeliver(admin.id, input.deliveryId));
  }
}
