/**
 * The semantic rerank of search results (docs/search.md, "Semantic rerank"; decision 0030): the engine's first
 * `depth` hits re-scored with the sentence encoder's similarity of the query to each title. Tuned on the dev split
 * of `../shared/eval/dup-questions` (title queries): weight 0.4–0.6 is a plateau, depth 30 gives nearly all of what
 * depth 100 gives.
 */
export const SEMANTIC_RERANK = {
  depth: 30,
  weight: 0.5,
  /** The start of a long query is embedded (the model's cost grows with the text). */
  queryChars: 500,
  /** How long an answer waits for its query's vector after the engine has answered; then it stays lexical. */
  queryVectorWaitMs: 500,
};

/** The bundled model is English: only English documents get vectors, only English searches are reranked. */
export function isEnglishLocale(locale: string): boolean {
  return locale === 'en' || locale.startsWith('en-');
}

/**
 * Hits in their new order, each score raised by `weight` × the first hit's score × the cosine (negative cosines
 * count 0; a hit without a vector, `null`, counts 0). The raise never lowers a score, so the reranked hits still
 * score at least as high as the engine's hits after them; ties keep the engine's order.
 */
export function rerankBySimilarity<T extends { score: number }>(hits: readonly T[], cosineOf: (hit: T) => number | null, weight: number): T[] {
  if (hits.length === 0 || !(hits[0].score > 0)) return [...hits];
  const top = hits[0].score;
  return hits
    .map((hit, index) => ({ hit: { ...hit, score: hit.score + weight * top * Math.max(0, cosineOf(hit) ?? 0) }, index }))
    .sort((a, b) => b.hit.score - a.hit.score || a.index - b.index)
    .map((ranked) => ranked.hit);
}

/** The text a query is embedded from: its start, cut at a word, quotes and extra spaces dropped. */
export function queryEmbeddingText(text: string): string {
  const plain = text.replace(/["“”]/g, ' ').replace(/\s+/g, ' ').trim();
  if (plain.length <= SEMANTIC_RERANK.queryChars) return plain;
  const cut = plain.lastIndexOf(' ', SEMANTIC_RERANK.queryChars);
  return plain.slice(0, cut > 0 ? cut : SEMANTIC_RERANK.queryChars);
}
