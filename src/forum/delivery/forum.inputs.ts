import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Min } from 'class-validator';
import { BidirectionalPageArgs } from '../../common/graphql/connection';
import { IsLocaleTag, IsOptionalText, IsTagList, IsTitle } from '../../common/validation/content-fields';
import { FlagKind } from '../entities/forum-enums';
import { ThreadSort, VoteValue } from './forum.model';

/** A hard ceiling before any service sees the body; the configured FORUM_POST_MAX_CHARS is checked by the service. */
const BODY_CEILING = 1_000_000;

@ArgsType()
export class BoardsArgs {
  @Field(() => String, { nullable: true, description: 'Omitted: every locale' }) @IsOptional() @IsLocaleTag() locale?: string | null;
}

@ArgsType()
export class BoardLookupArgs {
  @Field() @IsString() @Length(1, 200) slug!: string;
}

@ArgsType()
export class ThreadsArgs extends BidirectionalPageArgs {
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @Length(1, 200) boardSlug?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsLocaleTag() locale?: string | null;
  @Field(() => ThreadSort, { defaultValue: ThreadSort.Latest }) @IsEnum(ThreadSort) sort: ThreadSort = ThreadSort.Latest;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @Length(1, 50) tag?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @Length(1, 64) productKey?: string | null;
}

@ArgsType()
export class ThreadLookupArgs {
  @Field(() => String, { nullable: true, description: 'Current or earlier slug' }) @IsOptional() @IsString() @Length(1, 200) slug?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() id?: string | null;
}

@ArgsType()
export class PostsArgs extends BidirectionalPageArgs {}

@ArgsType()
export class ThreadSitemapArgs extends BidirectionalPageArgs {}

@InputType()
export class AskQuestionInput {
  @Field(() => ID) @IsUUID() boardId!: string;
  @Field() @IsTitle() title!: string;
  @Field() @IsString() @Length(1, BODY_CEILING) bodyMarkdown!: string;
  @Field(() => [String], { nullable: true }) @IsTagList() tags?: string[] | null;
  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, { each: true, message: 'each product key must look like billing' })
  productKeys?: string[] | null;
}

@InputType()
export class ReplyInput {
  @Field(() => ID) @IsUUID() threadId!: string;
  @Field() @IsString() @Length(1, BODY_CEILING) bodyMarkdown!: string;
}

@InputType()
export class EditPostInput {
  @Field(() => ID) @IsUUID() postId!: string;
  @Field(() => Int, { description: 'The revisionNumber the edit started from; a later one gets CONFLICT' }) @IsInt() @Min(1) baseRevisionNumber!: number;
  @Field() @IsString() @Length(1, BODY_CEILING) bodyMarkdown!: string;
  @Field(() => String, { nullable: true, description: 'Questions only: a new thread title (the old slug redirects)' }) @IsOptional() @IsTitle() title?: string | null;
  @Field(() => String, { nullable: true }) @IsOptionalText(500) reason?: string | null;
}

@InputType()
export class PostIdInput {
  @Field(() => ID) @IsUUID() postId!: string;
}

@InputType()
export class ThreadIdInput {
  @Field(() => ID) @IsUUID() threadId!: string;
}

@InputType()
export class VoteInput {
  @Field(() => ID) @IsUUID() postId!: string;
  @Field(() => VoteValue) @IsEnum(VoteValue) value!: VoteValue;
}

@InputType()
export class FlagContentInput {
  @Field(() => ID, { nullable: true, description: 'Flag a thread (give this or postId)' }) @IsOptional() @IsUUID() threadId?: string | null;
  @Field(() => ID, { nullable: true, description: 'Flag a post (give this or threadId)' }) @IsOptional() @IsUUID() postId?: string | null;
  @Field(() => FlagKind) @IsEnum(FlagKind) kind!: FlagKind;
  @Field(() => String, { nullable: true, description: 'Required for Other' }) @IsOptionalText(1000) note?: string | null;
  @Field(() => ID, { nullable: true, description: 'Required for Duplicate: the thread this one repeats' }) @IsOptional() @IsUUID() duplicateOfThreadId?: string | null;
}
