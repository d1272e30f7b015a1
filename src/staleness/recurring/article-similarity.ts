import { questionTerms } from './question-terms';

/**
 * Detector 3's third pointer (issue 13): a cluster points at an article "when its similarity is high",
 * even if no thread links to it and no accepted answer cites it. Candidates come from the search port; each
 * is scored here by how much of the cluster's shared vocabulary the article covers (docs/recurring-questions.md,
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

export interface ClusterProfileOptions {
  /** A term belongs to the profile when at least this share of the members used it (title or question). */
  minShare: number;
  /** At most this many profile terms (highest share first). */
  maxTerms: number;
}

export const DEFAULT_CLUSTER_PROFILE_OPTIONS: ClusterProfileOptions = { minShare: 0.5, maxTerms: 16 };

/**
 * What the askers of a cluster have in common: each stemmed term of the titles and questions with the share of
 * members that used it, kept when at least `minShare` of them did (and at least two members, when there are
 * two or more), highest share first.
 */
export function clusterProfile(members: ClusterQuestion[], options: ClusterProfileOptions = DEFAULT_CLUSTER_PROFILE_OPTIONS): Map<string, number> {
  const n = members.length;
  if (n === 0) return new Map();
  const counts = new Map<string, number>();
  for (const m of members) for (const term of new Set(questionTerms(`${m.title}\n${m.question}`))) counts.set(term, (counts.get(term) ?? 0) + 1);
  const minCount = Math.max(n >= 2 ? 2 : 1, Math.ceil(options.minShare * n));
  return new Map(
    [...counts.entries()]
      .filter(([, count]) => count >= minCount)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, options.maxTerms)
      .map(([term, count]) => [term, count / n]),
  );
}

/**
 * The article's similarity to the cluster, 0–1: the part of the cluster profile that the article (title and
 * body) contains, each term weighted by its share × its IDF among the scope's questions (a word every question
 * uses says nothing). 1 = every term most askers used is in the article. 0 for an empty profile.
 */
export function articleCoverage(profile: Map<string, number>, article: ArticleText, idf: (term: string) => number = () => 1): number {
  let total = 0;
  for (const [term, share] of profile) total += share * idf(term);
  if (total === 0) return 0;
  const words = new Set(questionTerms(`${article.title}\n${article.body}`));
  let covered = 0;
  for (const [term, share] of profile) if (words.has(term)) covered += share * idf(term);
  return covered / total;
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
