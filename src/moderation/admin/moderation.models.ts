import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ConnectionType, PageInfo } from '../../common/graphql/connection';
import { FlagKind, FlagStatus } from '../../forum/entities/forum-enums';

export enum QueueItemKindEnum {
  Thread = 'thread',
  Post = 'post',
  Flag = 'flag',
}
registerEnumType(QueueItemKindEnum, { name: 'ModerationQueueItemKind', description: 'A pending thread, a pending reply, or an open flag' });
registerEnumType(FlagKind, { name: 'ModerationFlagKind' });
registerEnumType(FlagStatus, { name: 'ModerationFlagStatus' });

export enum FlagFollowUp {
  Hide = 'hide',
  Remove = 'remove',
}
registerEnumType(FlagFollowUp, { name: 'FlagFollowUp', description: 'What upholding a flag also does to the flagged content' });

@ObjectType({ description: "A flagger's record: how often moderators agreed with their flags" })
export class FlaggerAccuracy {
  @Field(() => Int) upheld!: number;
  @Field(() => Int) rejected!: number;
  @Field(() => Number, { nullable: true, description: 'upheld / (upheld + rejected); null before any flag was decided' }) accuracy!: number | null;
}

@ObjectType()
export class ModerationPerson {
  @Field(() => ID) id!: string;
  @Field() displayName!: string;
  @Field(() => Int, { nullable: true }) trustLevel!: number | null;
}

@ObjectType({ description: 'Who flagged it and why' })
export class ModerationQueueFlag {
  @Field(() => FlagKind) kind!: FlagKind;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => ID, { nullable: true }) duplicateOfThreadId!: string | null;
  @Field(() => ModerationPerson, { nullable: true, description: 'Null when the account is gone' }) flagger!: ModerationPerson | null;
  @Field(() => FlaggerAccuracy) flaggerAccuracy!: FlaggerAccuracy;
}

@ObjectType({ description: 'One item waiting for a moderator' })
export class ModerationQueueItem {
  @Field(() => QueueItemKindEnum) kind!: QueueItemKindEnum;
  @Field(() => ID, { description: 'The thread, post or flag id (by kind)' }) id!: string;
  @Field() createdAt!: Date;
  @Field({ description: 'Why it is here: the rule that held it (board:hold_all, auto:links, …) or flag:<kind>' }) reason!: string;
  @Field(() => ID) boardId!: string;
  @Field() boardName!: string;
  @Field(() => ID) threadId!: string;
  @Field() threadTitle!: string;
  @Field(() => ID, { nullable: true }) postId!: string | null;
  @Field({ description: 'The start of the text' }) excerpt!: string;
  @Field(() => ModerationPerson, { nullable: true, description: 'Author of the held or flagged content' }) author!: ModerationPerson | null;
  @Field(() => ModerationQueueFlag, { nullable: true }) flag!: ModerationQueueFlag | null;
}

@ObjectType('ModerationQueueItemEdge')
export class ModerationQueueEdge {
  @Field() cursor!: string;
  @Field(() => ModerationQueueItem) node!: ModerationQueueItem;
}

@ObjectType()
export class ModerationQueueCount {
  @Field() reason!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: 'The moderation queue, oldest first' })
export class ModerationQueue {
  @Field(() => [ModerationQueueEdge]) edges!: ModerationQueueEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  /** Resolved only when selected (ModerationQueueResolver). */
  boardId!: string | null;
  countsPromise?: Promise<ModerationQueueCount[]>;
}

@ObjectType({ description: 'One entry of the append-only audit log' })
export class AuditEntry {
  @Field(() => ID) id!: string;
  @Field() occurredAt!: Date;
  @Field(() => ModerationPerson, { nullable: true, description: 'The person who acted; null for a rule or the system' }) actor!: ModerationPerson | null;
  @Field(() => String, { nullable: true, description: 'The automatic rule that acted (auto:links, board:hold_all, …)' }) actorRule!: string | null;
  @Field({ description: 'Verb, e.g. post.reject, thread.merge, user.silence' }) action!: string;
  @Field() targetKind!: string;
  @Field(() => ID) targetId!: string;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => String, { nullable: true, description: 'The state before, as JSON text' }) beforeJson!: string | null;
  @Field(() => String, { nullable: true, description: 'The state after, as JSON text' }) afterJson!: string | null;
}

@ObjectType()
export class AuditEntryConnection extends ConnectionType(AuditEntry) {}

@ObjectType({ description: 'The audit log as CSV text (cells that a spreadsheet would run as formulas are prefixed with a quote)' })
export class AuditLogCsv {
  @Field() csv!: string;
  @Field(() => Int) rowCount!: number;
  @Field({ description: 'More entries matched than one export holds: narrow the time range' }) truncated!: boolean;
}

@ObjectType()
export class ModerationActionResult {
  @Field(() => ID) threadId!: string;
  @Field(() => ID, { nullable: true }) postId!: string | null;
}

@ObjectType()
export class ModerationFlag {
  @Field(() => ID) id!: string;
  @Field(() => FlagKind) kind!: FlagKind;
  @Field(() => FlagStatus) status!: FlagStatus;
  @Field(() => ID) threadId!: string;
  @Field(() => ID, { nullable: true }) postId!: string | null;
  @Field(() => ID, { nullable: true }) flaggerId!: string | null;
  @Field(() => Date, { nullable: true }) resolvedAt!: Date | null;
}

@ObjectType({ description: "A member's standing as moderators see it" })
export class ModeratedMember {
  @Field(() => ID) id!: string;
  @Field() displayName!: string;
  @Field(() => Int) trustLevel!: number;
  @Field() trustLevelLocked!: boolean;
  @Field(() => Date, { nullable: true }) silencedUntil!: Date | null;
  @Field(() => Date, { nullable: true }) suspendedUntil!: Date | null;
}

@ObjectType({ description: 'A thread promoted into a help article (knowledge capture)' })
export class ThreadPromotion {
  @Field(() => ID) threadId!: string;
  @Field(() => ID, { description: 'The draft article (edit and publish it in the articles API)' }) articleId!: string;
  @Field() createdAt!: Date;
}
