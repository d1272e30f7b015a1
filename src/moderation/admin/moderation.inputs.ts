import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDate, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { PageArgs } from '../../common/graphql/connection';
import { IsMarkdownBody } from '../../common/validation/content-fields';
import { FlagFollowUp, QueueItemKindEnum } from './moderation.models';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export const REASON_MAX = 2000;

@ArgsType()
export class ModerationQueueArgs extends PageArgs {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() boardId?: string | null;
  @Field(() => String, { nullable: true, description: 'A hold rule or flag:<kind>, as in ModerationQueueItem.reason' })
  @IsOptional() @IsString() @MaxLength(200) reason?: string | null;
  @Field(() => [QueueItemKindEnum], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(10) @IsEnum(QueueItemKindEnum, { each: true }) kinds?: QueueItemKindEnum[] | null;
}

@InputType()
export class AuditLogFilterInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() actorId?: string | null;
  @Field(() => String, { nullable: true, description: 'An automatic rule, e.g. auto:links' }) @IsOptional() @IsString() @MaxLength(200) actorRule?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() targetId?: string | null;
  @Field(() => String, { nullable: true, description: 'thread, post, flag, user, article, …' }) @IsOptional() @IsString() @MaxLength(50) targetKind?: string | null;
  @Field(() => String, { nullable: true, description: 'An action (post.reject), or a prefix ending with a dot (post.)' })
  @IsOptional() @IsString() @MaxLength(100) action?: string | null;
  @Field(() => Date, { nullable: true, description: 'From this time (inclusive)' }) @IsOptional() @IsDate() from?: Date | null;
  @Field(() => Date, { nullable: true, description: 'Until this time (exclusive)' }) @IsOptional() @IsDate() to?: Date | null;
}

@ArgsType()
export class AuditLogArgs extends PageArgs {
  @Field(() => AuditLogFilterInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => AuditLogFilterInput) filter?: AuditLogFilterInput | null;
}

@ArgsType()
export class AuditLogCsvArgs {
  @Field(() => AuditLogFilterInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => AuditLogFilterInput) filter?: AuditLogFilterInput | null;
}

@InputType({ description: 'A thread (with its question) or a reply: give exactly one id' })
export class ContentActionInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() threadId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() postId?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @Transform(trim) @IsString() @MaxLength(REASON_MAX) reason?: string | null;
}

@InputType()
export class RejectContentInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() threadId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() postId?: string | null;
  @Field({ description: 'Shown to the author' }) @Transform(trim) @IsString() @Length(1, REASON_MAX) reason!: string;
}

@InputType()
export class ThreadActionInput {
  @Field(() => ID) @IsUUID() threadId!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Transform(trim) @IsString() @MaxLength(REASON_MAX) reason?: string | null;
}

@InputType()
export class MoveThreadInput extends ThreadActionInput {
  @Field(() => ID) @IsUUID() boardId!: string;
}

@InputType()
export class MergeThreadsInput {
  @Field(() => ID, { description: 'The thread that goes away' }) @IsUUID() sourceThreadId!: string;
  @Field(() => ID, { description: 'The thread that receives its posts' }) @IsUUID() targetThreadId!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Transform(trim) @IsString() @MaxLength(REASON_MAX) reason?: string | null;
}

@InputType()
export class MarkDuplicateInput extends ThreadActionInput {
  @Field(() => ID) @IsUUID() duplicateOfThreadId!: string;
}

@InputType()
export class ResolveFlagInput {
  @Field(() => ID) @IsUUID() flagId!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Transform(trim) @IsString() @MaxLength(REASON_MAX) reason?: string | null;
}

@InputType()
export class UpholdFlagInput extends ResolveFlagInput {
  @Field(() => FlagFollowUp, { nullable: true, description: 'Also hide or remove the flagged content' }) @IsOptional() @IsEnum(FlagFollowUp) then?: FlagFollowUp | null;
}

@InputType()
export class StaffEditPostInput {
  @Field(() => ID) @IsUUID() postId!: string;
  @Field() @IsMarkdownBody() bodyMarkdown!: string;
  @Field({ description: 'Why staff edited it (kept with the revision)' }) @Transform(trim) @IsString() @Length(1, REASON_MAX) reason!: string;
  @Field(() => Int, { nullable: true, description: 'The revision the edit started from; a newer one gives CONFLICT' })
  @IsOptional() @IsInt() @Min(1) baseRevisionNumber?: number | null;
}

@InputType()
export class RestrictMemberInput {
  @Field(() => ID) @IsUUID() userId!: string;
  @Field({ description: 'Until when (in the future)' }) @IsDate() until!: Date;
  @Field() @Transform(trim) @IsString() @Length(1, REASON_MAX) reason!: string;
}

@InputType()
export class LiftRestrictionInput {
  @Field(() => ID) @IsUUID() userId!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Transform(trim) @IsString() @MaxLength(REASON_MAX) reason?: string | null;
}

@InputType()
export class SetTrustLevelInput {
  @Field(() => ID) @IsUUID() userId!: string;
  @Field(() => Int) @IsInt() @Min(0) @Max(4) trustLevel!: number;
  @Field({ description: 'Keep this level: the recomputation job leaves it alone until unlocked' }) @IsBoolean() locked!: boolean;
  @Field(() => String, { nullable: true }) @IsOptional() @Transform(trim) @IsString() @MaxLength(REASON_MAX) reason?: string | null;
}

@InputType()
export class PromoteThreadInput {
  @Field(() => ID, { description: 'A visible, solved thread' }) @IsUUID() threadId!: string;
  @Field(() => ID, { nullable: true, description: 'Where the draft goes; the first top-level category when omitted' }) @IsOptional() @IsUUID() categoryId?: string | null;
}
