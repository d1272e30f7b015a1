import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, IsEnum, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { ConnectionType, PageArgs } from '../../common/graphql/connection';
import type { WebhookEventType as WebhookEventTypeName } from '../webhook-events';

/** The GraphQL names of the event types (docs/webhooks.md); the values are the `type` receivers get. */
export enum WebhookEventType {
  ArticlePublished = 'article.published',
  ArticleUnpublished = 'article.unpublished',
  ArticleSlugChanged = 'article.slug_changed',
  ArticleDeleted = 'article.deleted',
  CategoryChanged = 'category.changed',
  ReleaseRecorded = 'release.recorded',
  ThreadCreated = 'thread.created',
  ThreadSolved = 'thread.solved',
  ThreadChanged = 'thread.changed',
  PostChanged = 'post.changed',
  StaleFlagRaised = 'stale_flag.raised',
  StaleFlagUpdated = 'stale_flag.updated',
  StaleFlagResolved = 'stale_flag.resolved',
  ContentGapCreated = 'content_gap.created',
  AssetDeleted = 'asset.deleted',
}

/** Fails to compile when this enum and WEBHOOK_EVENT_TYPES differ. */
export const EVENT_TYPES_MATCH: [`${WebhookEventType}`] extends [WebhookEventTypeName] ? ([WebhookEventTypeName] extends [`${WebhookEventType}`] ? true : never) : never = true;

export enum WebhookDeliveryStatus {
  Pending = 'pending',
  Succeeded = 'succeeded',
  Failed = 'failed',
}

registerEnumType(WebhookEventType, { name: 'WebhookEventType', description: 'What an outgoing webhook announces (the payload `type` is the dotted value, e.g. article.published)' });
registerEnumType(WebhookDeliveryStatus, { name: 'WebhookDeliveryStatus', description: 'pending (waiting or retrying) → succeeded / failed (attempts exhausted)' });

@ObjectType({ description: 'A receiver of outgoing webhooks' })
export class AdminWebhookEndpoint {
  @Field(() => ID) id!: string;
  @Field() url!: string;
  @Field() description!: string;
  @Field(() => [WebhookEventType], { description: 'The events sent; empty: every event' }) eventTypes!: WebhookEventType[];
  @Field() isEnabled!: boolean;
  @Field(() => Date, { nullable: true }) disabledAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'Why it is disabled (by an admin, or automatically after repeated failures)' }) disabledReason!: string | null;
  @Field(() => Int, { description: 'Failed attempts since the last success' }) consecutiveFailures!: number;
  @Field(() => Date, { nullable: true, description: 'Until when deliveries are also signed with the secret the last rotation replaced; null: only the current secret' })
  previousSecretExpiresAt!: Date | null;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType({ description: 'An endpoint with its signing secret, shown only in this answer' })
export class WebhookEndpointSecret {
  @Field(() => AdminWebhookEndpoint) endpoint!: AdminWebhookEndpoint;
  @Field({ description: 'HMAC-SHA256 key of the Evergreen-Signature header; store it now, it is never shown again' }) secret!: string;
}

@ObjectType({ description: 'One attempt to deliver a webhook' })
export class AdminWebhookDeliveryAttempt {
  @Field(() => Int) attempt!: number;
  @Field() attemptedAt!: Date;
  @Field({ description: 'Asked for by an admin (redeliverWebhook)' }) isManual!: boolean;
  @Field() isSuccess!: boolean;
  @Field(() => Int, { nullable: true }) statusCode!: number | null;
  @Field(() => Int) durationMs!: number;
  @Field(() => String, { nullable: true, description: 'The start of the answer (2 KB at most)' }) responseBody!: string | null;
  @Field(() => String, { nullable: true }) error!: string | null;
}

@ObjectType({ description: 'One event for one endpoint, with its attempts' })
export class AdminWebhookDelivery {
  @Field(() => ID) id!: string;
  @Field(() => ID) endpointId!: string;
  @Field(() => ID, { description: 'The event id receivers de-duplicate on' }) eventId!: string;
  @Field() eventType!: string;
  @Field() occurredAt!: Date;
  @Field(() => WebhookDeliveryStatus) status!: WebhookDeliveryStatus;
  @Field(() => Int) attempts!: number;
  @Field(() => Date, { nullable: true }) nextAttemptAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastAttemptAt!: Date | null;
  @Field() createdAt!: Date;
  @Field({ description: 'The JSON body sent' }) payload!: string;
  @Field(() => [AdminWebhookDeliveryAttempt], { description: 'Newest first' }) log!: AdminWebhookDeliveryAttempt[];
}

@ObjectType()
export class AdminWebhookDeliveryConnection extends ConnectionType(AdminWebhookDelivery) {}

@InputType()
export class CreateWebhookEndpointInput {
  @Field({ description: 'http(s) URL, without credentials' }) @IsString() @MaxLength(2000) url!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(500) description?: string | null;
  @Field(() => [WebhookEventType], { nullable: true, description: 'Omitted or empty: every event' })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsEnum(WebhookEventType, { each: true })
  eventTypes?: WebhookEventType[] | null;
}

@InputType()
export class UpdateWebhookEndpointInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) url?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(500) description?: string | null;
  @Field(() => [WebhookEventType], { nullable: true, description: 'Empty: every event; omitted: unchanged' })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsEnum(WebhookEventType, { each: true })
  eventTypes?: WebhookEventType[] | null;
}

@InputType()
export class WebhookEndpointIdInput {
  @Field(() => ID) @IsUUID() id!: string;
}

@InputType()
export class RedeliverWebhookInput {
  @Field(() => ID) @IsUUID() deliveryId!: string;
}

@ArgsType()
export class WebhookEndpointArgs {
  @Field(() => ID) @IsUUID() id!: string;
}

@ArgsType()
export class WebhookDeliveriesArgs extends PageArgs {
  @Field(() => ID) @IsUUID() endpointId!: string;
  @Field(() => WebhookDeliveryStatus, { nullable: true }) @IsOptional() @IsEnum(WebhookDeliveryStatus) status?: WebhookDeliveryStatus | null;
}
