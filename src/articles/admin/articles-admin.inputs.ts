import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { ArrayMaxSize, IsArray, IsBoolean, IsDate, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { PageArgs } from '../../common/graphql/connection';
import { IsFeatureKeyList, IsLocaleTag, IsMarkdownBody, IsOptionalText, IsTagList, IsTitle } from '../../common/validation/content-fields';
import { IsOptionalHttpUrl } from '../../common/validation/seo-fields';
import { IsOptionalRobotsDirective } from '../../common/validation/seo-fields';
import { ArticleStatus } from './article-enums';

const ROBOTS_DESCRIPTION = 'Robots meta of its pages: index,follow | noindex,follow | index,nofollow | noindex,nofollow; null: index,follow';

@InputType({ isAbstract: true })
abstract class RevisionContentInput {
  @Field() @IsTitle() title!: string;
  @Field({ description: 'Markdown, up to 1 MiB of UTF-8' }) @IsMarkdownBody() bodyMarkdown!: string;
  @Field(() => String, { nullable: true, description: 'Plain text; derived from the body when omitted' }) @IsOptionalText(500) excerpt?: string | null;
  @Field(() => String, { nullable: true }) @IsOptionalText(200) seoTitle?: string | null;
  @Field(() => String, { nullable: true }) @IsOptionalText(500) seoDescription?: string | null;
  @Field(() => String, { nullable: true, description: 'Open Graph image (absolute http or https URL, up to 2048 characters)' })
  @IsOptionalHttpUrl()
  ogImageUrl?: string | null;
  @Field(() => String, { nullable: true }) @IsOptionalText(1000) changeNote?: string | null;
}

@InputType()
export class CreateArticleInput extends RevisionContentInput {
  @Field(() => ID) @IsUUID() categoryId!: string;
  @Field(() => String, { nullable: true, description: 'Source locale; the configured default when omitted' }) @IsOptional() @IsLocaleTag() locale?: string | null;
  @Field(() => String, { nullable: true, description: 'Generated from the title when omitted' }) @IsOptional() @IsString() @Length(1, 80) slug?: string | null;
  @Field(() => [ID], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(50) @IsUUID('all', { each: true }) productIds?: string[];
  @Field(() => [String], { nullable: true }) @IsFeatureKeyList() featureKeys?: string[];
  @Field(() => [String], { nullable: true }) @IsTagList() tags?: string[];
  @Field(() => Boolean, { nullable: true, description: 'Staff only; never on the delivery API' }) @IsOptional() @IsBoolean() isInternal?: boolean;
  @Field(() => String, { nullable: true, description: ROBOTS_DESCRIPTION }) @IsOptionalRobotsDirective() robots?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(3650) reviewIntervalDays?: number | null;
}

@InputType()
export class UpdateArticleInput {
  @Field(() => ID) @IsUUID() articleId!: string;
  @Field(() => Int, { description: 'The metadataVersion this edit started from; CONFLICT (STALE_METADATA_VERSION) when it changed since' })
  @IsInt()
  @Min(1)
  baseMetadataVersion!: number;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() categoryId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsLocaleTag() sourceLocale?: string;
  @Field(() => [ID], { nullable: true }) @IsOptional() @IsArray() @ArrayMaxSize(50) @IsUUID('all', { each: true }) productIds?: string[];
  @Field(() => [String], { nullable: true }) @IsFeatureKeyList() featureKeys?: string[];
  @Field(() => [String], { nullable: true }) @IsTagList() tags?: string[];
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() isInternal?: boolean;
  @Field(() => String, { nullable: true, description: `${ROBOTS_DESCRIPTION}; omitted: unchanged` }) @IsOptionalRobotsDirective() robots?: string | null;
  @Field(() => Int, { nullable: true, description: "Omitted: unchanged; null: use the category's" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  reviewIntervalDays?: number | null;
}

@InputType()
export class SaveArticleDraftInput extends RevisionContentInput {
  @Field(() => ID) @IsUUID() articleId!: string;
  @Field() @IsLocaleTag() locale!: string;
  @Field(() => Int, { description: 'The latest revision number this edit started from; 0 starts a new translation' })
  @IsInt()
  @Min(0)
  baseRevisionNumber!: number;
  @Field(() => Int, { nullable: true, description: "Translations: the source revision translated; default the source's published one" })
  @IsOptional()
  @IsInt()
  @Min(1)
  translatedFromRevisionNumber?: number | null;
  @Field(() => String, { nullable: true, description: 'Only for a new locale; generated from the title when omitted' })
  @IsOptional()
  @IsString()
  @Length(1, 80)
  slug?: string | null;
}

@InputType()
export class ChangeArticleSlugInput {
  @Field(() => ID) @IsUUID() articleId!: string;
  @Field() @IsLocaleTag() locale!: string;
  @Field() @IsString() @Length(1, 80) slug!: string;
  @Field(() => Int, { description: 'The metadataVersion this edit started from; CONFLICT (STALE_METADATA_VERSION) when it changed since' })
  @IsInt()
  @Min(1)
  baseMetadataVersion!: number;
}

@InputType()
export class ArticleIdInput {
  @Field(() => ID) @IsUUID() articleId!: string;
}

@InputType()
export class ArticleLocaleInput {
  @Field(() => ID) @IsUUID() articleId!: string;
  @Field() @IsLocaleTag() locale!: string;
}

@InputType()
export class ArticleRevisionActionInput extends ArticleLocaleInput {
  @Field(() => Int, { description: 'The latest revision number as the caller saw it' }) @IsInt() @Min(1) revisionNumber!: number;
}

@InputType()
export class RequestArticleReviewInput extends ArticleRevisionActionInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() reviewerId?: string | null;
}

@InputType()
export class ReviewArticleInput extends ArticleRevisionActionInput {
  @Field(() => String, { nullable: true }) @IsOptionalText(5000) comment?: string | null;
}

@InputType()
export class RequestArticleChangesInput extends ArticleRevisionActionInput {
  @Field() @IsString() @Length(1, 5000) comment!: string;
}

@InputType()
export class PublishArticleInput {
  @Field(() => ID) @IsUUID() articleId!: string;
  @Field(() => ID, { description: 'The latest revision of one of its locales' }) @IsUUID() revisionId!: string;
  @Field(() => Date, { nullable: true, description: 'Omitted: now; a future time schedules the publish' })
  @IsOptional()
  @IsDate()
  publishAt?: Date | null;
}

@InputType()
export class RollbackArticleInput extends ArticleLocaleInput {
  @Field(() => Int, { description: 'The earlier revision whose content is published again' }) @IsInt() @Min(1) revisionNumber!: number;
  @Field(() => Int, { description: 'The latest revision number as the caller saw it' }) @IsInt() @Min(1) baseRevisionNumber!: number;
}

@InputType()
export class RestoreArticleRevisionInput extends ArticleLocaleInput {
  @Field(() => Int, { description: 'The earlier revision whose content becomes the new head revision' }) @IsInt() @Min(1) revisionNumber!: number;
  @Field(() => Int, { description: 'The latest revision number as the caller saw it' }) @IsInt() @Min(1) baseRevisionNumber!: number;
  @Field(() => Boolean, { defaultValue: false, description: 'false (default): the restored content is a draft and nothing public changes; true: publish it at once' })
  @IsBoolean()
  publish = false;
}

@ArgsType()
export class ArticleArgs {
  @Field(() => ID) @IsUUID() id!: string;
}

@ArgsType()
export class ArticlesArgs extends PageArgs {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() categoryId?: string | null;
  @Field(() => Boolean, { defaultValue: true }) @IsBoolean() includeSubcategories = true;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() productId?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @Length(1, 50) tag?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsLocaleTag() locale?: string | null;
  @Field(() => ArticleStatus, { nullable: true }) @IsOptional() @IsEnum(ArticleStatus) status?: ArticleStatus | null;
  @Field(() => ID, { nullable: true, description: 'Articles with a revision by this user' }) @IsOptional() @IsUUID() authorId?: string | null;
  @Field(() => Date, { nullable: true }) @IsOptional() @IsDate() updatedSince?: Date | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() isInternal?: boolean | null;
  @Field(() => Boolean, { defaultValue: false, description: 'true: only deleted articles (restorable); false: only live ones' }) @IsBoolean() deleted = false;
}

@ArgsType()
export class ArticleRevisionsArgs extends PageArgs {
  @Field(() => ID) @IsUUID() articleId!: string;
  @Field() @IsLocaleTag() locale!: string;
}

@ArgsType()
export class ArticleRevisionDiffArgs {
  @Field(() => ID) @IsUUID() articleId!: string;
  @Field() @IsLocaleTag() locale!: string;
  @Field(() => Int) @IsInt() @Min(1) fromNumber!: number;
  @Field(() => Int) @IsInt() @Min(1) toNumber!: number;
  @Field(() => Int, { nullable: true, description: 'Unchanged lines kept around each change; omitted: all' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  context?: number | null;
}

@ArgsType()
export class ArticlesDueForReviewArgs extends PageArgs {
  @Field(() => String, { nullable: true }) @IsOptional() @IsLocaleTag() locale?: string | null;
  @Field(() => Date, { nullable: true, description: 'Include reviews due before this time; default now' }) @IsOptional() @IsDate() dueBefore?: Date | null;
}

@ArgsType()
export class OutdatedTranslationsArgs extends PageArgs {
  @Field(() => String, { nullable: true }) @IsOptional() @IsLocaleTag() locale?: string | null;
}

@ArgsType()
export class ArticleStatsArgs {
  @Field(() => ID) @IsUUID() articleId!: string;
  @Field(() => String, { nullable: true, description: 'Omitted: every locale' }) @IsOptional() @IsLocaleTag() locale?: string | null;
}

@ArgsType()
export class ArticleFeedbackCommentsArgs extends PageArgs {
  @Field(() => ID) @IsUUID() articleId!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsLocaleTag() locale?: string | null;
}

@ArgsType()
export class ArticleViewsArgs extends ArticleStatsArgs {
  @Field(() => Date, { description: 'First day included (UTC)' }) @IsDate() from!: Date;
  @Field(() => Date, { description: 'Last day included (UTC)' }) @IsDate() to!: Date;
}
