import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { BidirectionalPageInfo } from '../../common/graphql/connection';

@ObjectType({ description: 'A category as the help site shows it' })
export class Category {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true }) parentId!: string | null;
  @Field(() => Int) position!: number;
  @Field() slug!: string;
  @Field() name!: string;
  @Field() description!: string;
  @Field({ description: 'The locale of name and slug (the asked one, else a fallback)' }) locale!: string;
  @Field(() => Int, { description: 'Published articles directly in this category' }) articleCount!: number;
  @Field(() => Int, { description: 'Published articles in this category and below' }) totalArticleCount!: number;
  @Field(() => [Category]) children!: Category[];
}

@ObjectType()
export class ArticleProduct {
  @Field() key!: string;
  @Field() name!: string;
}

@ObjectType({ description: 'The same article in another locale, for hreflang links' })
export class ArticleAlternate {
  @Field() locale!: string;
  @Field() slug!: string;
  @Field() url!: string;
}

@ObjectType()
export class ArticleSeo {
  @Field({ description: 'SEO title, else the title' }) title!: string;
  @Field({ description: 'SEO description, else the excerpt' }) description!: string;
  @Field() canonicalSlug!: string;
  @Field() canonicalUrl!: string;
}

@ObjectType({ description: 'A published help article (or, with a preview token, its head draft: isPreview)' })
export class Article {
  @Field(() => ID) id!: string;
  @Field({ description: 'The locale served (differs from requestedLocale on fallback)' }) locale!: string;
  @Field() requestedLocale!: string;
  @Field() isFallback!: boolean;
  @Field({ description: 'True when this is the head draft served to an X-Preview-Token (draft preview), not the published revision' })
  isPreview!: boolean;
  @Field() slug!: string;
  @Field(() => String, { nullable: true, description: 'Set when the slug asked for is not the current one: redirect to this slug' })
  redirectToSlug!: string | null;
  @Field() title!: string;
  @Field() bodyMarkdown!: string;
  @Field({ description: 'Sanitized HTML, safe to inject' }) bodyHtml!: string;
  @Field({ description: 'Plain text' }) excerpt!: string;
  @Field(() => Int) revisionNumber!: number;
  @Field(() => ArticleSeo) seo!: ArticleSeo;
  @Field(() => [ArticleAlternate]) alternates!: ArticleAlternate[];
  @Field() publishedAt!: Date;
  @Field() firstPublishedAt!: Date;
  @Field({ description: 'When the public content last changed (for Last-Modified and sitemaps)' }) lastModified!: Date;
  @Field(() => [String]) tags!: string[];
  @Field(() => [ArticleProduct]) products!: ArticleProduct[];
  @Field(() => ID) categoryId!: string;
  @Field(() => Category) category!: Category;
  @Field(() => [Category], { description: 'From the root category down to the article’s own' }) breadcrumbs!: Category[];
  @Field({ description: 'schema.org Article JSON-LD, safe to paste into <script type="application/ld+json">' }) jsonLd!: string;
}

@ObjectType({ description: 'A published article in a list' })
export class ArticleSummary {
  @Field(() => ID) id!: string;
  @Field() locale!: string;
  @Field() slug!: string;
  @Field() title!: string;
  @Field() excerpt!: string;
  @Field(() => ID) categoryId!: string;
  @Field() publishedAt!: Date;
}

@ObjectType()
export class ArticleSummaryEdge {
  @Field() cursor!: string;
  @Field(() => ArticleSummary) node!: ArticleSummary;
}

@ObjectType({ description: 'Paged both ways: first/after forwards, last/before backwards' })
export class ArticleSummaryConnection {
  @Field(() => [ArticleSummaryEdge]) edges!: ArticleSummaryEdge[];
  @Field(() => BidirectionalPageInfo) pageInfo!: BidirectionalPageInfo;
  @Field(() => Int, { description: 'Computed only when selected' }) totalCount!: number;
}

@ObjectType()
export class SitemapEntry {
  @Field() locale!: string;
  @Field() slug!: string;
  @Field() url!: string;
  @Field() lastModified!: Date;
  @Field(() => [ArticleAlternate]) alternates!: ArticleAlternate[];
}

@ObjectType()
export class SitemapEntryEdge {
  @Field() cursor!: string;
  @Field(() => SitemapEntry) node!: SitemapEntry;
}

@ObjectType({ description: 'Paged both ways: first/after forwards, last/before backwards' })
export class SitemapEntryConnection {
  @Field(() => [SitemapEntryEdge]) edges!: SitemapEntryEdge[];
  @Field(() => BidirectionalPageInfo) pageInfo!: BidirectionalPageInfo;
  @Field(() => Int, { description: 'Computed only when selected' }) totalCount!: number;
}

@ObjectType()
export class FeedbackReceipt {
  @Field() accepted!: boolean;
  @Field(() => Int, { description: 'The published revision the feedback is about' }) revisionNumber!: number;
}
