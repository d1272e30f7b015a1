import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { BidirectionalPageInfo } from '../../common/graphql/connection';
import { MemberNotificationKind } from '../member-notification-kind.enum';

@ObjectType({ description: 'One extra field of a notification, e.g. a thread slug or a moderation reason' })
export class MemberNotificationDetail {
  @Field() key!: string;
  @Field(() => String, { nullable: true, description: 'The value as text; null when it is null' }) value!: string | null;
}

@ObjectType({ description: 'Something the signed-in member is told about; visible only to them' })
export class MemberNotification {
  @Field(() => ID) id!: string;
  @Field(() => MemberNotificationKind) kind!: MemberNotificationKind;
  @Field({ description: 'One line, e.g. the thread title' }) summary!: string;
  @Field({ description: 'What it is about, e.g. thread or post' }) subjectKind!: string;
  @Field(() => ID) subjectId!: string;
  @Field(() => String, { nullable: true, description: 'Display name of who caused it ("Deleted member" for a deleted account); null: the system' })
  actorName!: string | null;
  @Field(() => [MemberNotificationDetail]) details!: MemberNotificationDetail[];
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) readAt!: Date | null;
  @Field() isRead!: boolean;
}

@ObjectType()
export class MemberNotificationEdge {
  @Field() cursor!: string;
  @Field(() => MemberNotification) node!: MemberNotification;
}

@ObjectType({ description: 'Paged both ways: first/after forwards, last/before backwards' })
export class MemberNotificationConnection {
  @Field(() => [MemberNotificationEdge]) edges!: MemberNotificationEdge[];
  @Field(() => BidirectionalPageInfo) pageInfo!: BidirectionalPageInfo;
  @Field(() => Int) totalCount!: number;
  @Field(() => Int, { description: "All of the member's unread notifications, whatever the filter" }) unreadCount!: number;
}

@ObjectType()
export class NotificationsMarkedRead {
  @Field(() => Int, { description: 'Notifications that were unread and are read now' }) markedCount!: number;
  @Field(() => Int) unreadCount!: number;
}

@ObjectType({ description: "The signed-in member's notification preferences" })
export class NotificationSettings {
  @Field({ description: 'Mail a digest of unread notifications every few minutes' }) emailDigest!: boolean;
  @Field({ description: 'Whether this server sends email at all (SMTP configured)' }) emailAvailable!: boolean;
}
