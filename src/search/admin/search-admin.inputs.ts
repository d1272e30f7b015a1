import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsDate, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { IsLocaleTag } from '../../common/validation/content-fields';
import { SearchInput } from '../delivery/search.inputs';

@InputType()
export class AdminSearchInput extends SearchInput {
  @Field(() => [String], { nullable: true, description: 'Workflow statuses (draft, in_review, scheduled, published, unpublished, archived)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  statuses?: string[];
}

@InputType()
export class SearchSynonymsInput {
  @Field() @IsLocaleTag() locale!: string;
  @Field(() => [String], { description: 'Words or phrases that mean the same, e.g. ["invoice", "bill"]' })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Length(1, 60, { each: true })
  words!: string[];
}

@InputType()
export class SearchSynonymsIdInput {
  @Field(() => ID) @IsUUID() id!: string;
}

@InputType()
export class SearchStopWordInput {
  @Field() @IsLocaleTag() locale!: string;
  @Field() @IsString() @Length(1, 60) word!: string;
}

@ArgsType()
export class SearchSettingsArgs {
  @Field(() => String, { nullable: true }) @IsOptional() @IsLocaleTag() locale?: string | null;
}

@ArgsType()
export class SearchAnalyticsArgs {
  @Field(() => Date) @IsDate() from!: Date;
  @Field(() => Date) @IsDate() to!: Date;
  @Field(() => Int, { defaultValue: 20 }) @IsInt() @Min(1) @Max(100) limit = 20;
}

