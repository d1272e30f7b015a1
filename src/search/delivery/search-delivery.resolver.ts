import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { DeliveryGate } from '../../api-keys/delivery-gate';
import type { GraphqlContext } from '../../auth/graphql-context';
import { Public } from '../../auth/roles.decorator';
import { SearchFacet } from '../search-enums';
import { SearchService } from '../search.service';
import { SearchClickInput, SearchInput, SuggestArticlesInput, SuggestionOpenedInput } from './search.inputs';
import { SearchResults, SuggestedArticles } from './search.model';
import { toSearchHit, toSearchResults } from './to-search-results';

const ALL_FACETS = Object.values(SearchFacet);
const DEFAULT_HIGHLIGHT = { preTag: '<mark>', postTag: '</mark>' };

@Resolver()
export class SearchDeliveryResolver {
  constructor(
    private readonly searchService: SearchService,
    private readonly gate: DeliveryGate,
  ) {}

  @Public()
  @Query(() => SearchResults, { description: 'Published articles and visible forum threads matching the text, with facets (kind among them) and highlights' })
  async search(@Context() context: GraphqlContext, @Args('input') input: SearchInput): Promise<SearchResults> {
    await this.gate.admitSearch(context.req);
    const result = await this.searchService.search(
      {
        text: input.text,
        locale: input.locale,
        filters: { ...input.filters, tags: input.filters?.tags?.map((t) => t.trim().toLowerCase()) },
        facets: input.facets ?? ALL_FACETS,
        page: input.page,
        pageSize: input.pageSize,
        highlight: input.highlight ?? DEFAULT_HIGHLIGHT,
        clientAddress: this.gate.searchClientAddress(context.req),
      },
      'public',
    );
    return toSearchResults(result, result.searchId!);
  }

  @Public()
  @Query(() => SuggestedArticles, { description: 'Articles and solved forum threads (each hit has its kind) that may answer the question a visitor is typing (deflection)' })
  async suggestArticles(@Context() context: GraphqlContext, @Args('input') input: SuggestArticlesInput): Promise<SuggestedArticles> {
    await this.gate.admitSearch(context.req);
    const { batchId, hits, hitDetails, urlOf } = await this.searchService.suggestArticles(input.text, input.locale ?? null, input.limit, DEFAULT_HIGHLIGHT, input.includeSolvedThreads);
    return { suggestionId: batchId, articles: hits.map((hit, index) => toSearchHit(hit, index + 1, urlOf(hit), hitDetails)) };
  }

  @Public()
  @Mutation(() => Boolean, { description: 'Records that a search hit was opened (search analytics)' })
  recordSearchClick(@Args('input') input: SearchClickInput): boolean {
    this.searchService.recordClick(input.searchId, input.kind, input.id, input.locale, input.position);
    return true;
  }

  @Public()
  @Mutation(() => Boolean, { description: 'Records that a suggested article or solved thread was opened (deflection); false when it was not suggested in that batch' })
  async recordSuggestionOpened(@Args('input') input: SuggestionOpenedInput): Promise<boolean> {
    return this.searchService.recordSuggestionOpened(input.suggestionId, { articleId: input.articleId, threadId: input.threadId });
  }
}
