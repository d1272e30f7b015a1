import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { BidirectionalPageInfo } from '../../common/graphql/connection';

@ObjectType({ description: 'What a category page puts in <head>' })
export class CategorySeo {
  @Field({ description: 'SEO title, else the name' }) title!: string;
  @Field({ description: 'SEO description, else the description' }) description!: string;
  @Field({ description: 'SITE_BASE_URL + SITE_CATEGORY_PATH' }) canonicalUrl!: string;
  @Field(() => String, { nullable: true, description: 'Open Graph image URL (og:image)' }) ogImage!: string | null;
  @Field({ description: '<meta name="robots"> content, e.g. index,follow; noindex while no published article is in it or below' }) robots!: string;
}

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
  @Field(() => CategorySeo) seo!: CategorySeo;
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
  @Field(() => String, { nullable: true, description: 'Open Graph image URL (og:image)' }) ogImage!: string | null;
  @Field({ description: '<meta name="robots"> content: index,follow unless an editor chose otherwise' }) robots!: string;
}

@ObjectType({ description: 'A heading of the article body, for a table of contents' })
export class ArticleHeading {
  @Field(() => Int, { description: '1 to 6 (h1 to h6)' }) level!: number;
  @Field({ description: 'Plain text' }) text!: string;
  @Field({ description: 'The id attribute of the heading in bodyHtml: link to #anchor' }) anchor!: string;
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
  @Field(() => [ArticleHeading], { description: 'Every heading of bodyHtml in document order (its table of contents)' }) headings!: ArticleHeading[];
  @Field(() => Int, { description: 'Minutes to read: words at ~230 a minute, Chinese and Japanese characters at ~500; at least 1' })
  readingTimeMinutes!: number;
  @Field(() => String, { nullable: true, description: 'Display name of the author of the published revision' }) authorName!: string | null;
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
  @Field({ description: 'In the locale of the list, else a fallback' }) categoryName!: string;
  @Field() categorySlug!: string;
  @Field(() => String, { nullable: true, description: 'Display name of the author of the published revision' }) authorName!: string | null;
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
