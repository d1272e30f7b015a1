import type { FacetCount, SearchHit } from '../../../search/search-engine';
import { SearchResult } from '../search.service';
import { SearchKind } from '../search-enums';
import { SearchHitResult, SearchResults } from './search.model';

export function toSearchHit(hit: SearchHit, position: number, url: string | null): SearchHitResult {
  return {
    kind: hit.kind as SearchKind,
    id: hit.id,
    locale: hit.locale,
    title: hit.title,
    highlightedTitle: hit.highlightedTitle,
    snippet: hit.snippet,
    slug: hit.slug,
    url,
    score: hit.score,
    position,
  };
}

export function toSearchResults(result: SearchResult, searchId: string): SearchResults {
  const facet = (values: FacetCount[] | undefined) => (values ? values.map((v) => ({ value: v.value, count: v.count })) : null);
  const offset = (result.page - 1) * result.pageSize;
  return {
    searchId,
    total: result.total,
    totalIsEstimate: result.totalIsEstimate,
    page: result.page,
    pageSize: result.pageSize,
    hits: result.hits.map((hit, index) => toSearchHit(hit, offset + index + 1, result.urlOf(hit))),
    facets: {
      kind: facet(result.facets.kind),
      category: facet(result.facets.category),
      product: facet(result.facets.product),
      tag: facet(result.facets.tag),
      locale: facet(result.facets.locale),
    },
    correctedQuery: result.correctedText,
    didYouMean: result.didYouMean,
  };
}
