import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { SearchFacets, SearchHitResult } from '../delivery/search.model';
import { SearchKind } from '../search-enums';

@ObjectType()
export class AdminSearchHit {
  @Field(() => SearchHitResult) hit!: SearchHitResult;
  @Field({ description: 'Workflow status of that locale (draft, in_review, scheduled, published, unpublished, archived)' }) status!: string;
}

@ObjectType()
export class AdminSearchResults {
  @Field(() => Int) total!: number;
  @Field() totalIsEstimate!: boolean;
  @Field(() => Int) page!: number;
  @Field(() => Int) pageSize!: number;
  @Field(() => [AdminSearchHit]) hits!: AdminSearchHit[];
  @Field(() => SearchFacets) facets!: SearchFacets;
  @Field(() => [AdminSearchFacetValue], { nullable: true }) statusFacet!: AdminSearchFacetValue[] | null;
  @Field(() => String, { nullable: true }) correctedQuery!: string | null;
  @Field(() => String, { nullable: true, description: 'A spelling-corrected form of the text to offer; the hits are those of the text as typed' })
  didYouMean!: string | null;
}

@ObjectType()
export class AdminSearchFacetValue {
  @Field() value!: string;
  @Field(() => Int) count!: number;
}

@ObjectType()
export class AdminSearchSynonyms {
  @Field(() => ID) id!: string;
  @Field() locale!: string;
  @Field(() => [String]) words!: string[];
  @Field() createdAt!: Date;
}

@ObjectType()
export class AdminSearchStopWord {
  @Field() locale!: string;
  @Field() word!: string;
}

@ObjectType()
export class AdminSearchQueryCount {
  @Field() query!: string;
  @Field(() => Int) searches!: number;
  @Field(() => Int) clicks!: number;
  @Field(() => Int) zeroResults!: number;
}

@ObjectType({ description: 'Deflection by kind of suggestion: help articles or solved forum threads' })
export class AdminDeflectionByKind {
  @Field(() => SearchKind) kind!: SearchKind;
  @Field(() => Int, { description: 'suggestArticles calls that showed at least one suggestion of this kind' }) suggestionRequests!: number;
  @Field(() => Int, { description: 'Those calls after which a suggestion of this kind was opened' }) suggestionRequestsOpened!: number;
  @Field(() => Int, { description: 'Suggestions of this kind shown' }) suggestionsShown!: number;
  @Field(() => Int, { description: 'Suggestions of this kind opened' }) suggestionsOpened!: number;
}

@ObjectType({ description: 'Searches made on the delivery API over a period' })
export class AdminSearchAnalytics {
  @Field(() => Int) searches!: number;
  @Field(() => Int) searchesWithClick!: number;
  @Field(() => Int) zeroResultSearches!: number;
  @Field(() => [AdminSearchQueryCount]) topQueries!: AdminSearchQueryCount[];
  @Field(() => [AdminSearchQueryCount]) zeroResultQueries!: AdminSearchQueryCount[];
  @Field(() => [AdminSearchQueryCount], { description: 'Queries that found something but whose results were never opened' }) noClickQueries!: AdminSearchQueryCount[];
  @Field(() => Int, { description: 'suggestArticles calls that showed at least one suggestion' }) suggestionRequests!: number;
  @Field(() => Int, { description: 'suggestArticles calls after which a suggested article or solved thread was opened (deflected questions)' }) suggestionRequestsOpened!: number;
  @Field(() => [AdminDeflectionByKind], { description: 'The same per kind of suggestion (Article, Thread)' }) deflectionByKind!: AdminDeflectionByKind[];
}
