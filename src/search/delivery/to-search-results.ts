import type { SearchHit } from '../../../search/search-engine';
import { HitDetails, hitKey } from '../search-labels';
import { SearchResult } from '../search.service';
import { SearchKind } from '../search-enums';
import { SearchHitResult, SearchResults } from './search.model';

export function toSearchHit(hit: SearchHit, position: number, url: string | null, details: Map<string, HitDetails>): SearchHitResult {
  const detail = details.get(hitKey(hit));
  return {
    kind: hit.kind as SearchKind,
    id: hit.id,
    locale: hit.locale,
    title: hit.title,
    highlightedTitle: hit.highlightedTitle,
    snippet: hit.snippet,
    slug: hit.slug,
    url,
    categoryId: detail?.categoryId ?? null,
    categoryName: detail?.categoryName ?? null,
    categorySlug: detail?.categorySlug ?? null,
    authorName: detail?.authorName ?? null,
    score: hit.score,
    position,
  };
}

export function toSearchResults(result: SearchResult, searchId: string): SearchResults {
  const offset = (result.page - 1) * result.pageSize;
  return {
    searchId,
    total: result.total,
    totalIsEstimate: result.totalIsEstimate,
    page: result.page,
    pageSize: result.pageSize,
    hits: result.hits.map((hit, index) => toSearchHit(hit, offset + index + 1, result.urlOf(hit), result.hitDetails)),
    facets: result.labeledFacets,
    correctedQuery: result.correctedText,
    didYouMean: result.didYouMean,
  };
}
