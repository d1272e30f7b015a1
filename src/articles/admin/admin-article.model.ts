import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '../../common/graphql/connection';
import { ArticleStatus, ReviewState } from './article-enums';

@ObjectType({ description: 'One immutable saved state of an article in a locale' })
export class AdminArticleRevision {
  @Field(() => ID) id!: string;
  @Field(() => Int) number!: number;
  @Field() locale!: string;
  @Field() title!: string;
  @Field() bodyMarkdown!: string;
  @Field({ description: 'Sanitized HTML rendered from bodyMarkdown when the revision was saved' }) bodyHtml!: string;
  @Field({ description: 'Plain text' }) excerpt!: string;
  @Field(() => String, { nullable: true }) seoTitle!: string | null;
  @Field(() => String, { nullable: true }) seoDescription!: string | null;
  @Field(() => String, { nullable: true, description: 'Open Graph image URL' }) ogImageUrl!: string | null;
  @Field(() => Int, { description: 'Computed when the revision was saved' }) readingTimeMinutes!: number;
  @Field(() => ID, { nullable: true }) authorId!: string | null;
  @Field() changeNote!: string;
  @Field(() => ID, { nullable: true, description: 'Translations: the source-locale revision this was translated from' })
  translatedFromRevisionId!: string | null;
  @Field(() => Int, { nullable: true, description: 'Set when this revision re-published an earlier one' })
  restoredFromNumber!: number | null;
  @Field() createdAt!: Date;
}

@ObjectType()
export class AdminArticleRevisionConnection extends ConnectionType(AdminArticleRevision) {}

@ObjectType({ description: 'One locale of an article: its workflow state, slugs, review dates and translation status' })
export class AdminArticleLocale {
  @Field() locale!: string;
  @Field(() => ArticleStatus) status!: ArticleStatus;
  @Field(() => ReviewState) reviewState!: ReviewState;
  @Field(() => ID, { nullable: true }) reviewerId!: string | null;
  @Field(() => String, { nullable: true }) reviewComment!: string | null;
  @Field() slug!: string;
  @Field(() => [String], { description: 'Earlier slugs; they still resolve, with a redirect hint' }) previousSlugs!: string[];
  @Field(() => Int) headRevisionNumber!: number;
  @Field(() => AdminArticleRevision, { description: 'The latest revision (the working draft)' }) headRevision!: AdminArticleRevision;
  @Field(() => AdminArticleRevision, { nullable: true, description: 'What the public sees' }) publishedRevision!: AdminArticleRevision | null;
  @Field(() => Date, { nullable: true }) publishedAt!: Date | null;
  @Field(() => Date, { nullable: true }) firstPublishedAt!: Date | null;
  @Field(() => AdminArticleRevision, { nullable: true }) scheduledRevision!: AdminArticleRevision | null;
  @Field(() => Date, { nullable: true }) scheduledPublishAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastReviewedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: 'lastReviewedAt (or first publish) plus the review interval' }) nextReviewAt!: Date | null;
  @Field(() => Int) reviewIntervalDays!: number;
  @Field() isTranslation!: boolean;
  @Field(() => Int, { nullable: true }) translatedFromRevisionNumber!: number | null;
  @Field(() => Int, { nullable: true, description: "The source locale's current revision number" }) sourceRevisionNumber!: number | null;
  @Field({ description: 'A translation whose source has moved on since it was translated' }) isOutdated!: boolean;
  @Field(() => Date, { nullable: true }) archivedAt!: Date | null;
  @Field() updatedAt!: Date;
}

@ObjectType()
export class AdminArticleProduct {
  @Field(() => ID) id!: string;
  @Field() key!: string;
  @Field() name!: string;
}

@ObjectType({ description: 'An article with every locale, as editors see it' })
export class AdminArticle {
  @Field(() => ID) id!: string;
  @Field(() => ID) categoryId!: string;
  @Field() sourceLocale!: string;
  @Field() isInternal!: boolean;
  @Field(() => String, { nullable: true, description: 'The robots setting; null: index,follow' }) robots!: string | null;
  @Field({ description: 'What its pages say to search engines: noindex,nofollow while internal or deleted, else robots' }) effectiveRobots!: string;
  @Field(() => Int, { nullable: true, description: "Own review interval; null: the category's" }) reviewIntervalDays!: number | null;
  @Field(() => [String]) tags!: string[];
  @Field(() => [String]) featureKeys!: string[];
  @Field(() => [AdminArticleProduct]) products!: AdminArticleProduct[];
  @Field(() => [AdminArticleLocale]) locales!: AdminArticleLocale[];
  @Field(() => Int, { description: 'Bumped by every metadata or slug change; updateArticle and changeArticleSlug state it as their base' })
  metadataVersion!: number;
  @Field(() => Date, { nullable: true, description: 'Set while the article is deleted (restorable with restoreDeletedArticle)' }) deletedAt!: Date | null;
  @Field(() => ID, { nullable: true }) deletedBy!: string | null;
  @Field(() => ID, { nullable: true }) createdBy!: string | null;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}

@ObjectType({ description: 'What remains of an article deleted for good: its id (the audit log keeps the rest)' })
export class AdminPurgedArticle {
  @Field(() => ID) articleId!: string;
}

@ObjectType()
export class AdminArticleConnection extends ConnectionType(AdminArticle) {}

@ObjectType({ description: 'An article locale that needs attention (review due, translation outdated)' })
export class AdminArticleLocaleEntry {
  @Field(() => AdminArticle) article!: AdminArticle;
  @Field() locale!: string;
  @Field(() => Date, { nullable: true }) nextReviewAt!: Date | null;
}

@ObjectType()
export class AdminArticleLocaleEntryConnection extends ConnectionType(AdminArticleLocaleEntry) {}
