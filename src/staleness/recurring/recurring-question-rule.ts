/**
 * Detector 3, "recurring questions", as a pure rule over one cluster (issue 13): a cluster with at least
 * `minAskers` distinct askers inside the window either points at an article — threads link to it, accepted
 * answers cite it, or the cluster's text is highly similar to it — and becomes "people keep asking despite
 * this article" evidence for that article, or becomes a content-gap suggestion with the threads, the common
 * terms and a draft outline built from the accepted answers.
 */
import { sliceWhole } from '../detectors/text-relevance';

export interface ClusterThread {
  /** The forum thread (the question document's source id). */
  sourceId: string;
  title: string;
  authorId: string | null;
  createdAt: Date;
  acceptedAnswer: string | null;
  /** Articles the thread links to (question or any post). */
  linkedArticleIds: string[];
  /** Articles the accepted answer cites. */
  citedArticleIds: string[];
}

/** An article's similarity to the cluster (0–1, the normalised question similarity), found by the caller. */
export interface ArticleSimilarity {
  articleId: string;
  similarity: number;
}

export interface RecurringRuleOptions {
  /** Distinct askers needed (config, default 3). */
  minAskers: number;
  /** Threads created before this are outside the rolling window and ignored. */
  windowStart: Date;
  /** Similarity at which an article counts as "the" answer even without links or citations. */
  articleSimilarityThreshold: number;
  /** Outline size limits. */
  maxCommonTerms: number;
  maxOutlinePoints: number;
}

export const DEFAULT_RECURRING_RULE_OPTIONS: Omit<RecurringRuleOptions, 'windowStart'> = {
  minAskers: 3,
  // articleClusterSimilarity (article-similarity.ts); chosen on the dup-questions dev split only, leaning to
  // precision: a wrong pointer flags an article and hides a content gap (docs/recurring-questions.md).
  articleSimilarityThreshold: 0.45,
  maxCommonTerms: 8,
  maxOutlinePoints: 8,
};

export interface ArticleSupport {
  articleId: string;
  /** Threads linking to it, accepted answers citing it. */
  linkingThreads: number;
  citingAnswers: number;
  similarity: number;
}

export interface DraftOutline {
  title: string;
  sections: { heading: string; points: string[] }[];
}

export type RecurringFinding =
  | { kind: 'none'; reason: 'too-few-askers'; askers: number; minAskers: number }
  | { kind: 'article'; articleId: string; askers: number; threads: string[]; support: ArticleSupport }
  | { kind: 'content-gap'; askers: number; threads: string[]; commonTerms: string[]; outline: DraftOutline };

/**
 * Which article a cluster points at: most linking or citing threads wins (a citation from an accepted
 * answer counts double: someone solved the question with it), then similarity; an article with no link or
 * citation qualifies only through a similarity at or above the threshold.
 */
export function articleThePeoplePointAt(
  threads: ClusterThread[],
  similarities: ArticleSimilarity[],
  threshold: number,
): ArticleSupport | null {
  const support = new Map<string, ArticleSupport>();
  const entry = (articleId: string): ArticleSupport => {
    let s = support.get(articleId);
    if (!s) {
      s = { articleId, linkingThreads: 0, citingAnswers: 0, similarity: 0 };
      support.set(articleId, s);
    }
    return s;
  };
  for (const t of threads) {
    for (const id of new Set(t.linkedArticleIds)) entry(id).linkingThreads += 1;
    for (const id of new Set(t.citedArticleIds)) entry(id).citingAnswers += 1;
  }
  for (const s of similarities) entry(s.articleId).similarity = Math.max(entry(s.articleId).similarity, s.similarity);
  const qualifying = [...support.values()].filter((s) => s.linkingThreads + s.citingAnswers > 0 || s.similarity >= threshold);
  qualifying.sort(
    (a, b) =>
      b.linkingThreads + 2 * b.citingAnswers - (a.linkingThreads + 2 * a.citingAnswers) ||
      b.similarity - a.similarity ||
      a.articleId.localeCompare(b.articleId),
  );
  return qualifying[0] ?? null;
}

/** First sentence (or line) of an answer, trimmed to a readable bullet. */
export function firstSentence(text: string, maxChars = 160): string {
  const line = text.split(/\n+/).map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  const sentence = line.match(/^.+?[.!?](?=\s|$)/)?.[0] ?? line;
  return sentence.length > maxChars ? `${sliceWhole(sentence, 0, maxChars - 1).trimEnd()}…` : sentence;
}

/** A draft article outline: the questions people asked, then what the accepted answers did. */
export function draftOutline(threads: ClusterThread[], commonTerms: string[], maxPoints: number): DraftOutline {
  const unique = (items: string[]): string[] => {
    const seen = new Set<string>();
    return items.filter((item) => {
      const key = item.toLowerCase().replace(/\s+/g, ' ');
      if (!item || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
  const title = threads[0]?.title ?? commonTerms.join(' ');
  const asked = unique(threads.map((t) => t.title)).slice(0, maxPoints);
  const answers = unique(threads.filter((t) => t.acceptedAnswer).map((t) => firstSentence(t.acceptedAnswer!))).slice(0, maxPoints);
  const sections = [{ heading: 'What people ask', points: asked }];
  if (answers.length > 0) sections.push({ heading: 'What solved it (accepted answers)', points: answers });
  if (commonTerms.length > 0) sections.push({ heading: 'Key terms', points: commonTerms });
  return { title, sections };
}

/**
 * The finding for one cluster. `threads` are the cluster's threads (any order); `commonTerms` the cluster's
 * most characteristic terms (from the similarity index); `similarities` the articles similar to the cluster.
 */
export function recurringQuestionRule(
  threads: ClusterThread[],
  similarities: ArticleSimilarity[],
  commonTerms: string[],
  options: RecurringRuleOptions,
): RecurringFinding {
  const inWindow = threads
    .filter((t) => t.createdAt.getTime() >= options.windowStart.getTime())
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.sourceId.localeCompare(b.sourceId));
  // A thread without a known author counts as its own asker (an anonymous or deleted account).
  const askers = new Set(inWindow.map((t) => t.authorId ?? `thread:${t.sourceId}`)).size;
  if (askers < options.minAskers) return { kind: 'none', reason: 'too-few-askers', askers, minAskers: options.minAskers };
  const ids = inWindow.map((t) => t.sourceId);
  const article = articleThePeoplePointAt(inWindow, similarities, options.articleSimilarityThreshold);
  if (article) return { kind: 'article', articleId: article.articleId, askers, threads: ids, support: article };
  const terms = commonTerms.slice(0, options.maxCommonTerms);
  return { kind: 'content-gap', askers, threads: ids, commonTerms: terms, outline: draftOutline(inWindow, terms, options.maxOutlinePoints) };
}
