import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { SearchKind } from '../search-enums';

@ObjectType({ description: 'A facet value: send `value` back in the matching filter (SearchFiltersInput) to narrow the search' })
export class SearchFacetValue {
  @Field({ description: 'Exactly what the filter takes: a SearchKind name, a category id, a product key, a tag or a locale tag' }) value!: string;
  @Field({ description: 'What to show: the kind, category, product or locale name (the tag itself for tags)' }) label!: string;
  @Field(() => Int) count!: number;
}

@ObjectType({ description: 'Counts per value among all matches (not only this page)' })
export class SearchFacets {
  @Field(() => [SearchFacetValue], { nullable: true, description: 'SearchKind names (Article, Thread), for filters.kinds' }) kind!: SearchFacetValue[] | null;
  @Field(() => [SearchFacetValue], { nullable: true, description: 'Category ids for filters.categoryIds, named in the search locale (a match counts for its category and every ancestor)' })
  category!: SearchFacetValue[] | null;
  @Field(() => [SearchFacetValue], { nullable: true, description: 'Product keys for filters.productKeys, labelled with product names' }) product!: SearchFacetValue[] | null;
  @Field(() => [SearchFacetValue], { nullable: true, description: 'Tags for filters.tags' }) tag!: SearchFacetValue[] | null;
  @Field(() => [SearchFacetValue], { nullable: true, description: 'Locale tags for filters.locales, labelled with the language name' }) locale!: SearchFacetValue[] | null;
}

@ObjectType()
export class SearchHitResult {
  @Field(() => SearchKind) kind!: SearchKind;
  @Field(() => ID) id!: string;
  @Field() locale!: string;
  @Field() title!: string;
  @Field({ description: 'HTML-safe: matches wrapped in the highlight tags, everything else escaped' }) highlightedTitle!: string;
  @Field({ description: 'HTML-safe excerpt around the matches' }) snippet!: string;
  @Field() slug!: string;
  @Field(() => String, { nullable: true }) url!: string | null;
  @Field(() => ID, { nullable: true, description: 'Articles: their category' }) categoryId!: string | null;
  @Field(() => String, { nullable: true, description: 'Articles: their category’s name in the search locale (else a fallback)' }) categoryName!: string | null;
  @Field(() => String, { nullable: true }) categorySlug!: string | null;
  @Field(() => String, { nullable: true, description: 'Display name of the author (articles: of the published revision; threads: who asked)' })
  authorName!: string | null;
  @Field(() => Float) score!: number;
  @Field(() => Int, { description: '1-based rank in the whole result list (send it with recordSearchClick)' }) position!: number;
}

@ObjectType()
export class SearchResults {
  @Field(() => ID, { description: 'Send it back with recordSearchClick when a hit is opened' }) searchId!: string;
  @Field(() => Int, { description: 'Exact up to 1,000; beyond, at least this many (totalIsEstimate)' }) total!: number;
  @Field() totalIsEstimate!: boolean;
  @Field(() => Int) page!: number;
  @Field(() => Int) pageSize!: number;
  @Field(() => [SearchHitResult]) hits!: SearchHitResult[];
  @Field(() => SearchFacets) facets!: SearchFacets;
  @Field(() => String, { nullable: true, description: 'Set when nothing matched as typed and a spelling correction was searched instead' })
  correctedQuery!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'A spelling-corrected form of the text to offer ("Did you mean …?"); the hits are those of the text as typed. Null when the text looks right',
  })
  didYouMean!: string | null;
}

@ObjectType()
export class SuggestedArticles {
  @Field(() => ID, { description: 'Send it back with recordSuggestionOpened' }) suggestionId!: string;
  @Field(() => [SearchHitResult]) articles!: SearchHitResult[];
}
