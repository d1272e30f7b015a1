/** Injection token of the configured SearchEngine (search/search-engine.ts). */
export const SEARCH_ENGINE = Symbol('SEARCH_ENGINE');
