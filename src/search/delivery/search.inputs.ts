import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsLocaleTag, IsLocaleTagList } from '../../common/validation/content-fields';
import { SearchFacet, SearchKind } from '../search-enums';

/** Longest accepted search text; engines use its first 256 characters. */
export const MAX_SEARCH_TEXT = 10_000;

@InputType()
export class SearchHighlightInput {
  @Field(() => String, { defaultValue: '<mark>' }) @IsString() @MaxLength(100) preTag: string = '<mark>';
  @Field(() => String, { defaultValue: '</mark>' }) @IsString() @MaxLength(100) postTag: string = '</mark>';
}

@InputType()
export class SearchFiltersInput {
  @Field(() => [SearchKind], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(10) @IsEnum(SearchKind, { each: true }) kinds?: SearchKind[];
  @Field(() => [ID], { nullable: true, description: 'Matches these categories and their sub-categories' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  categoryIds?: string[];
  @Field(() => [String], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 64, { each: true }) productKeys?: string[];
  @Field(() => [String], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Length(1, 50, { each: true }) tags?: string[];
  @Field(() => [String], { nullable: true, description: 'Default: the locale argument' }) @IsOptional() @IsArray() @ArrayMaxSize(20) @IsLocaleTagList() locales?: string[];
}

@InputType()
export class SearchInput {
  @Field({ description: `Words as typed (up to ${MAX_SEARCH_TEXT} characters, of which the first 256 count); empty: browse newest first` })
  @IsString()
  @MaxLength(MAX_SEARCH_TEXT)
  text!: string;
  @Field(() => String, { nullable: true, description: 'Search this locale (default: every locale)' }) @IsOptional() @IsLocaleTag() locale?: string | null;
  @Field(() => SearchFiltersInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => SearchFiltersInput) filters?: SearchFiltersInput | null;
  @Field(() => [SearchFacet], { nullable: true, description: 'Default: all' }) @IsOptional() @IsArray() @ArrayMaxSize(10) @IsEnum(SearchFacet, { each: true }) facets?: SearchFacet[] | null;
  @Field(() => Int, { defaultValue: 1 }) @IsInt() @Min(1) @Max(1000) page = 1;
  @Field(() => Int, { defaultValue: 10 }) @IsInt() @Min(1) @Max(50) pageSize = 10;
  @Field(() => SearchHighlightInput, { nullable: true }) @IsOptional() @ValidateNested() @Type(() => SearchHighlightInput) highlight?: SearchHighlightInput | null;
}

@InputType()
export class SuggestArticlesInput {
  @Field({ description: 'The title and body a visitor is typing' }) @IsString() @MaxLength(MAX_SEARCH_TEXT) text!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsLocaleTag() locale?: string | null;
  @Field(() => Int, { defaultValue: 5 }) @IsInt() @Min(1) @Max(10) limit = 5;
  @Field(() => Boolean, { defaultValue: true, description: 'Suggest solved forum threads too (hits of kind Thread)' }) @IsBoolean() includeSolvedThreads = true;
}

@InputType()
export class SearchClickInput {
  @Field(() => ID) @IsUUID() searchId!: string;
  @Field(() => SearchKind) @IsEnum(SearchKind) kind!: SearchKind;
  @Field(() => ID) @IsUUID() id!: string;
  @Field() @IsLocaleTag() locale!: string;
  @Field(() => Int) @IsInt() @Min(1) @Max(100_000) position!: number;
}

@InputType()
export class SuggestionOpenedInput {
  @Field(() => ID) @IsUUID() suggestionId!: string;
  @Field(() => ID, { nullable: true, description: 'The opened suggestion when it is an article (exactly one of articleId and threadId)' })
  @IsOptional() @IsUUID() articleId?: string | null;
  @Field(() => ID, { nullable: true, description: 'The opened suggestion when it is a solved thread (exactly one of articleId and threadId)' })
  @IsOptional() @IsUUID() threadId?: string | null;
}
