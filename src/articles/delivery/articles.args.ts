import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { BidirectionalPageArgs } from '../../common/graphql/connection';
import { IsLocaleTag, IsOptionalText } from '../../common/validation/content-fields';

@ArgsType()
export class ArticleLookupArgs {
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @Length(1, 200) slug?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() id?: string | null;
  @Field(() => String, { nullable: true, description: 'Default: the configured default locale' }) @IsOptional() @IsLocaleTag() locale?: string | null;
}

@ArgsType()
export class PublishedArticlesArgs extends BidirectionalPageArgs {
  @Field(() => String, { nullable: true }) @IsOptional() @IsLocaleTag() locale?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() categoryId?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @Length(1, 200) categorySlug?: string | null;
  @Field(() => Boolean, { defaultValue: true }) @IsBoolean() includeSubcategories = true;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @Length(1, 64) productKey?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @Length(1, 50) tag?: string | null;
}

@ArgsType()
export class CategoriesArgs {
  @Field(() => String, { nullable: true }) @IsOptional() @IsLocaleTag() locale?: string | null;
}

@ArgsType()
export class CategoryLookupArgs extends CategoriesArgs {
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @Length(1, 200) slug?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() id?: string | null;
}

@ArgsType()
export class SitemapArgs extends BidirectionalPageArgs {
  @Field(() => String, { nullable: true, description: 'Omitted: every locale' }) @IsOptional() @IsLocaleTag() locale?: string | null;
}

@ArgsType()
export class RelatedArgs {
  @Field(() => Int, { defaultValue: 5 }) @IsInt() @Min(1) @Max(20) limit = 5;
}

@InputType()
export class ArticleFeedbackInput {
  @Field(() => ID) @IsUUID() articleId!: string;
  @Field() @IsLocaleTag() locale!: string;
  @Field() @IsBoolean() helpful!: boolean;
  @Field(() => String, { nullable: true }) @IsOptionalText(2000) comment?: string | null;
}

@InputType()
export class ArticleViewInput {
  @Field(() => ID) @IsUUID() articleId!: string;
  @Field() @IsLocaleTag() locale!: string;
}
