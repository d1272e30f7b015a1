import { questionTerms } from './question-terms';

/**
 * Detector 3's third pointer (issue 13): a cluster points at an article "when its similarity is high",
 * even if no thread links to it and no accepted answer cites it. Candidates come from the search port; each
 * is scored here by the TF-IDF cosine of the cluster's questions and the article (docs/recurring-questions.md,
 * "Similar articles"; threshold chosen on the dev split only, decision 0019).
 */

export interface ClusterQuestion {
  title: string;
  question: string;
}

export interface ArticleText {
  title: string;
  body: string;
}

/** Terms of a text as a TF-IDF vector (log term frequency × IDF), unit length; the title counts `titleWeight` times. */
function tfidf(title: string, body: string, idf: (term: string) => number, titleWeight: number, bodyTermLimit: number): Map<string, number> {
  const tf = new Map<string, number>();
  for (const term of questionTerms(title)) tf.set(term, (tf.get(term) ?? 0) + titleWeight);
  for (const term of questionTerms(body).slice(0, bodyTermLimit)) tf.set(term, (tf.get(term) ?? 0) + 1);
  const vector = new Map<string, number>();
  let norm = 0;
  for (const [term, f] of tf) {
    const w = (1 + Math.log(f)) * idf(term);
    if (w <= 0) continue;
    vector.set(term, w);
    norm += w * w;
  }
  norm = Math.sqrt(norm);
  for (const [term, w] of vector) vector.set(term, w / norm);
  return vector;
}

export interface ArticleSimilarityOptions {
  /** A title term counts this many body terms, on both sides. */
  titleWeight: number;
  /** Only the first terms of a question body count (pasted logs drown the intent), as in the clustering. */
  questionTermLimit: number;
  /** Only the first terms of an article count (its opening says what it is about). */
  articleTermLimit: number;
}

export const DEFAULT_ARTICLE_SIMILARITY_OPTIONS: ArticleSimilarityOptions = { titleWeight: 3, questionTermLimit: 100, articleTermLimit: 400 };

/**
 * Cosine similarity, 0–1, between the centroid of the cluster's questions and the article, as TF-IDF vectors
 * (IDF over the scope's questions). Unlike a coverage of the askers' words, it drops for an article that is
 * mostly about something else.
 */
export function articleClusterSimilarity(
  members: ClusterQuestion[],
  article: ArticleText,
  idf: (term: string) => number,
  options: ArticleSimilarityOptions = DEFAULT_ARTICLE_SIMILARITY_OPTIONS,
): number {
  if (members.length === 0) return 0;
  const centroid = new Map<string, number>();
  for (const m of members) {
    for (const [term, w] of tfidf(m.title, m.question, idf, options.titleWeight, options.questionTermLimit)) centroid.set(term, (centroid.get(term) ?? 0) + w);
  }
  let norm = 0;
  for (const w of centroid.values()) norm += w * w;
  norm = Math.sqrt(norm);
  if (norm === 0) return 0;
  const a = tfidf(article.title, article.body, idf, options.titleWeight, options.articleTermLimit);
  let dot = 0;
  for (const [term, w] of a) dot += (centroid.get(term) ?? 0) * w;
  return Math.min(1, dot / norm);
}
