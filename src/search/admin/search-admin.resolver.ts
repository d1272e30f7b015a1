import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Roles } from '../../auth/roles.decorator';
import { BadUserInputError } from '../../common/errors/app-error';
import { ADMIN_ROLES, STAFF_ROLES } from '../../users/role.enum';
import { toSearchHit } from '../delivery/to-search-results';
import { SearchAnalytics } from '../search-analytics';
import { SearchFacet, SearchKind } from '../search-enums';
import { SearchSettingsService } from '../search-settings.service';
import { SearchService } from '../search.service';
import { AdminSearchAnalytics, AdminSearchResults, AdminSearchStopWord, AdminSearchSynonyms } from './search-admin.model';
import { AdminSearchInput, SearchAnalyticsArgs, SearchSettingsArgs, SearchStopWordInput, SearchSynonymsIdInput, SearchSynonymsInput } from './search-admin.inputs';


/** Synonyms and stop words change search for everyone: admins only; every staff member may read them. */
@Resolver()
export class SearchAdminResolver {
  constructor(
    private readonly searchService: SearchService,
    private readonly settings: SearchSettingsService,
    private readonly analytics: SearchAnalytics,
  ) {}

  @Roles(...STAFF_ROLES)
  @Query(() => AdminSearchResults, { description: 'Search including drafts, internal and archived articles' })
  async adminSearch(@Args('input') input: AdminSearchInput): Promise<AdminSearchResults> {
    const result = await this.searchService.search(
      {
        text: input.text,
        locale: input.locale,
        filters: { ...input.filters, statuses: input.statuses },
        facets: [...(input.facets ?? Object.values(SearchFacet)), 'status'],
        page: input.page,
        pageSize: input.pageSize,
        highlight: input.highlight ?? { preTag: '<mark>', postTag: '</mark>' },
      },
      'staff',
    );
    const offset = (result.page - 1) * result.pageSize;
    return {
      total: result.total,
      totalIsEstimate: result.totalIsEstimate,
      page: result.page,
      pageSize: result.pageSize,
      hits: result.hits.map((hit, index) => ({ hit: toSearchHit(hit, offset + index + 1, result.urlOf(hit), result.hitDetails), status: hit.status })),
      facets: result.labeledFacets,
      statusFacet: result.facets.status ?? null,
      correctedQuery: result.correctedText,
      didYouMean: result.didYouMean,
    };
  }

  @Roles(...STAFF_ROLES)
  @Query(() => [AdminSearchSynonyms])
  async searchSynonyms(@Args() args: SearchSettingsArgs): Promise<AdminSearchSynonyms[]> {
    return (await this.settings.synonyms(args.locale ?? null)).map((s) => ({ id: s.id, locale: s.locale, words: s.words, createdAt: s.createdAt }));
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminSearchSynonyms, { description: 'Words that mean the same in a locale; both engines apply them at once' })
  async createSearchSynonyms(@Args('input') input: SearchSynonymsInput): Promise<AdminSearchSynonyms> {
    const s = await this.settings.addSynonyms(input.locale, input.words);
    return { id: s.id, locale: s.locale, words: s.words, createdAt: s.createdAt };
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminSearchSynonyms)
  async deleteSearchSynonyms(@Args('input') input: SearchSynonymsIdInput): Promise<AdminSearchSynonyms> {
    const s = await this.settings.removeSynonyms(input.id);
    return { id: s.id, locale: s.locale, words: s.words, createdAt: s.createdAt };
  }

  @Roles(...STAFF_ROLES)
  @Query(() => [AdminSearchStopWord])
  async searchStopWords(@Args() args: SearchSettingsArgs): Promise<AdminSearchStopWord[]> {
    return (await this.settings.stopWords(args.locale ?? null)).map((w) => ({ locale: w.locale, word: w.word }));
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminSearchStopWord, { description: 'A word searches ignore in a locale' })
  async addSearchStopWord(@Args('input') input: SearchStopWordInput): Promise<AdminSearchStopWord> {
    const w = await this.settings.addStopWord(input.locale, input.word);
    return { locale: w.locale, word: w.word };
  }

  @Roles(...ADMIN_ROLES)
  @Mutation(() => AdminSearchStopWord)
  async removeSearchStopWord(@Args('input') input: SearchStopWordInput): Promise<AdminSearchStopWord> {
    const w = await this.settings.removeStopWord(input.locale, input.word);
    return { locale: w.locale, word: w.word };
  }

  @Roles(...STAFF_ROLES)
  @Query(() => AdminSearchAnalytics, { description: 'Queries with counts, zero-result queries and queries with no click, over [from, to)' })
  async searchAnalytics(@Args() args: SearchAnalyticsArgs): Promise<AdminSearchAnalytics> {
    if (args.to <= args.from) throw new BadUserInputError('to must be after from', [{ field: 'to', messages: ['to must be after from'] }]);
    const report = await this.analytics.report(args.from, args.to, args.limit);
    const deflection = await this.searchService.deflection(args.from, args.to);
    return {
      searches: report.searches,
      searchesWithClick: report.withClick,
      zeroResultSearches: report.zeroResult,
      topQueries: report.topQueries,
      zeroResultQueries: report.zeroResultQueries,
      noClickQueries: report.noClickQueries,
      suggestionRequests: deflection.batches,
      suggestionRequestsOpened: deflection.batchesOpened,
      deflectionByKind: deflection.byKind.map((k) => ({
        kind: k.kind === 'article' ? SearchKind.Article : SearchKind.Thread,
        suggestionRequests: k.batches,
        suggestionRequestsOpened: k.batchesOpened,
        suggestionsShown: k.suggestionsShown,
        suggestionsOpened: k.suggestionsOpened,
      })),
    };
  }
}
