import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { IsLocaleTag, IsOptionalText } from '../../common/validation/content-fields';
import { IsOptionalHttpUrl, IsOptionalRobotsDirective } from '../../common/validation/seo-fields';

const ROBOTS_DESCRIPTION = 'Robots meta of its pages: index,follow | noindex,follow | index,nofollow | noindex,nofollow; null: index,follow';

@InputType()
export class CategoryTranslationInput {
  @Field() @IsLocaleTag() locale!: string;
  @Field() @IsString() @Length(1, 120) name!: string;
  @Field(() => String, { nullable: true, description: 'Generated from the name when omitted' })
  @IsOptional()
  @IsString()
  @MaxLength(80)
  slug?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) description?: string | null;
  @Field(() => String, { nullable: true, description: 'SEO title; null: the name' }) @IsOptionalText(200) seoTitle?: string | null;
  @Field(() => String, { nullable: true, description: 'SEO description; null: the description' }) @IsOptionalText(500) seoDescription?: string | null;
  @Field(() => String, { nullable: true, description: 'Open Graph image (absolute http or https URL, up to 2048 characters)' })
  @IsOptionalHttpUrl()
  ogImageUrl?: string | null;
}

@InputType()
export class CreateCategoryInput {
  @Field(() => ID, { nullable: true, description: 'Omitted: a root category' }) @IsOptional() @IsUUID() parentId?: string | null;
  @Field(() => Int, { nullable: true, description: 'Among its siblings, from 0; omitted: last' })
  @IsOptional()
  @IsInt()
  @Min(0)
  position?: number | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(3650) reviewIntervalDays?: number | null;
  @Field(() => String, { nullable: true, description: ROBOTS_DESCRIPTION }) @IsOptionalRobotsDirective() robots?: string | null;
  @Field(() => [CategoryTranslationInput])
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CategoryTranslationInput)
  translations!: CategoryTranslationInput[];
}

@InputType()
export class UpdateCategoryInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int, { nullable: true, description: 'Omitted: unchanged; null: back to the default' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  reviewIntervalDays?: number | null;
  @Field(() => String, { nullable: true, description: `${ROBOTS_DESCRIPTION}; omitted: unchanged` }) @IsOptionalRobotsDirective() robots?: string | null;
  @Field(() => [CategoryTranslationInput], { nullable: true, description: 'Added or replaced per locale' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CategoryTranslationInput)
  translations?: CategoryTranslationInput[];
  @Field(() => [String], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) removeLocales?: string[];
}

@InputType()
export class MoveCategoryInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => ID, { nullable: true, description: 'Null: move to the root' }) @IsOptional() @IsUUID() parentId!: string | null;
  @Field(() => Int, { nullable: true, description: 'Among the new siblings, from 0; omitted: last' })
  @IsOptional()
  @IsInt()
  @Min(0)
  position?: number | null;
}

@InputType()
export class CategoryIdInput {
  @Field(() => ID) @IsUUID() id!: string;
}

@ArgsType()
export class CategoryArgs {
  @Field(() => ID) @IsUUID() id!: string;
}
