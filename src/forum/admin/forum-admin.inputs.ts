import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { IsLocaleTag, IsOptionalText } from '../../common/validation/content-fields';
import { ModerationPolicy } from '../entities/forum-enums';

@InputType()
export class CreateBoardInput {
  @Field() @IsString() @Length(1, 100) name!: string;
  @Field(() => String, { nullable: true, description: 'Default: from the name' }) @IsOptional() @IsString() @Length(1, 80) slug?: string | null;
  @Field(() => String, { nullable: true }) @IsOptionalText(2000) description?: string | null;
  @Field(() => String, { nullable: true, description: 'Default: the default locale' }) @IsOptional() @IsLocaleTag() locale?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(100_000) position?: number | null;
  @Field(() => ModerationPolicy, { nullable: true, description: 'Default: Open' }) @IsOptional() @IsEnum(ModerationPolicy) moderationPolicy?: ModerationPolicy | null;
}

@InputType()
export class UpdateBoardInput {
  @Field(() => ID) @IsUUID() boardId!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @Length(1, 100) name?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @Length(1, 80) slug?: string | null;
  @Field(() => String, { nullable: true }) @IsOptionalText(2000) description?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsLocaleTag() locale?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(100_000) position?: number | null;
  @Field(() => ModerationPolicy, { nullable: true }) @IsOptional() @IsEnum(ModerationPolicy) moderationPolicy?: ModerationPolicy | null;
}

@ArgsType()
export class PostRevisionsArgs {
  @Field(() => ID) @IsUUID() postId!: string;
}
