/**
 * Detector 1, product change: which published articles a release made stale, ranked, with evidence.
 * Pure: the scan loads the release and the candidate articles, this function decides.
 *
 * Each change entry (and each line of the release notes not already an entry) is a BM25 query over the
 * passages of every candidate article, IDF taken from those passages. An entry votes for the articles
 * whose best passage scores close to the best article's for that entry (so one change cannot vote for
 * every page that shares a common word), weighted by its kind and by how strong the match is; explicit
 * feature-key links add a fixed vote. An article's score is the sum of its votes; it is flagged when the
 * score passes a threshold, at most `maxFlagged` per release (an explicit feature-key link to a change that
 * is not a fix is always flagged). Articles revised or verified after the
 * release are never flagged.
 */
import { bm25, Corpus, Passage, passagesOf, sliceWhole, tokenize } from './text-relevance';
import { EntryKind, parseReleaseNotes } from './release-notes';

export interface ChangeEntryInput {
  /** Stable id (the release change row), or null for a line of the notes that is not an entry. */
  id: string | null;
  kind: EntryKind;
  summary: string;
  featureKeys: string[];
}

export interface ReleaseInput {
  id: string;
  version: string;
  releasedAt: Date;
  notesMarkdown: string;
  changes: ChangeEntryInput[];
}

export interface ArticleInput {
  articleId: string;
  locale: string;
  title: string;
  body: string;
  featureKeys: string[];
  /** Latest of: the published revision's time, the last verification. Null when never. */
  lastConfirmedAt: Date | null;
  /**
   * The article's revision history against the product's earlier releases: `cycles` = earlier release
   * cycles it was published through (from one release to the next), `edited` = how many of them saw a
   * new published revision (editors changed it after that release). Absent or zero cycles: no prior.
   */
  history?: { cycles: number; edited: number };
}

export interface ProductChangeParameters {
  k1: number;
  b: number;
  /** Query weight of an identifier's whole form (`#build.rollupoptions`) relative to a word. */
  identifierWeight: number;
  /** Query weight of a conventional-commit scope relative to a word. */
  scopeWeight: number;
  /** An entry votes for articles whose score ≥ relativeCutoff × the best article's score for it. */
  relativeCutoff: number;
  /**
   * Entries whose best match is below this score vote for nothing (only common words matched). Scores are
   * BM25 divided by the IDF of a term found in no passage (the highest IDF the corpus can give).
   */
  minEntryScore: number;
  /** Vote = kindWeight × (score / best)^sharpness × min(1, best / strongScore). */
  sharpness: number;
  strongScore: number;
  /** Vote of an explicit feature-key link between an entry and an article. */
  featureKeyVote: number;
  /** Article score needed to be flagged, and the highest number flagged per release. */
  flagThreshold: number;
  maxFlagged: number;
  /** Flag at least this many (the best) when any article scores above zero. */
  minFlagged: number;
  /** Also flag articles scoring ≥ relativeFlag × the best article's score. */
  relativeFlag: number;
  kindWeights: Record<EntryKind, number>;
  /**
   * History prior, for the ranking of the articles not flagged (flagging is unchanged): their votes and
   * support are multiplied by (rate / base rate)^historyWeight, where rate is the article's smoothed share
   * of earlier release cycles after which editors changed it ((edited + historySmoothing × base) /
   * (cycles + historySmoothing)) and base that share over all candidates. 0 turns it off.
   */
  historyWeight: number;
  historySmoothing: number;
  /**
   * Sentence-encoder rerank (experiment, off by default; used only when the caller passes
   * `SemanticVectors`, which the service does not — see docs/staleness.md, fifth round). With c an
   * article's best cosine to the entry's summary over its chunks and c* the entry's best over the
   * articles, the lexical match is multiplied by ((c + 0.05) / (c* + 0.05))^semanticRerank before votes
   * are counted (moves flags), and the votes that order the articles not flagged by the same factor
   * with exponent semanticRankRerank (ranking only). 0 turns each off.
   */
  semanticRerank: number;
  semanticRankRerank: number;
}

/** Unit-length sentence vectors: of a change summary, and of each article's chunks (in the articles' order). */
export interface SemanticVectors {
  summary(summary: string): Float32Array | undefined;
  articles: (Float32Array[] | undefined)[];
}

export const DEFAULT_PRODUCT_CHANGE_PARAMETERS: ProductChangeParameters = {
  k1: 1.2,
  b: 0.9,
  identifierWeight: 3,
  scopeWeight: 0,
  relativeCutoff: 0.8,
  minEntryScore: 0.9,
  sharpness: 4,
  strongScore: 2.75,
  featureKeyVote: 1,
  flagThreshold: 3,
  maxFlagged: 8,
  minFlagged: 2,
  relativeFlag: 0.3,
  kindWeights: { removed: 1.5, deprecated: 1.4, changed: 0.75, security: 1, added: 0.75, fixed: 0.3 },
  historyWeight: 1.5,
  historySmoothing: 2,
  semanticRerank: 0,
  semanticRankRerank: 0,
};

/** The best dot product of a unit vector with any of an article's unit chunk vectors (0 when none). */
function bestCosine(query: Float32Array, chunks: Float32Array[] | undefined): number {
  let best = 0;
  for (const chunk of chunks ?? []) {
    let dot = 0;
    for (let i = 0; i < query.length; i++) dot += query[i] * chunk[i];
    if (dot > best) best = dot;
  }
  return best;
}

function semanticFactor(cosine: number, best: number, exponent: number): number {
  return exponent > 0 ? Math.pow((cosine + 0.05) / (best + 0.05), exponent) : 1;
}

/** Per article, the history prior's factor (1 when there is no history or the prior is off). */
export function historyFactors(articles: ArticleInput[], params: ProductChangeParameters): number[] {
  const cycles = articles.reduce((sum, a) => sum + (a.history?.cycles ?? 0), 0);
  const edited = articles.reduce((sum, a) => sum + (a.history?.edited ?? 0), 0);
  if (params.historyWeight === 0 || cycles === 0 || edited === 0) return articles.map(() => 1);
  const base = edited / cycles;
  return articles.map((a) => {
    const rate = ((a.history?.edited ?? 0) + params.historySmoothing * base) / ((a.history?.cycles ?? 0) + params.historySmoothing);
    return Math.pow(rate / base, params.historyWeight);
  });
}

export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface MatchedPassage {
  start: number;
  end: number;
  heading: string;
  excerpt: string;
  score: number;
}

export interface MatchedEntry {
  entryId: string | null;
  kind: EntryKind;
  summary: string;
  score: number;
  vote: number;
  viaFeatureKey: boolean;
  passages: MatchedPassage[];
}

export interface ProductChangeFinding {
  articleId: string;
  locale: string;
  /** Votes of the entries that single this article out; decides flagging. */
  score: number;
  /** Every sufficiently matched entry's relative match, without the cutoff: orders the rest of the ranking. */
  support: number;
  flagged: boolean;
  severity: Severity;
  entries: MatchedEntry[];
}

const KIND_RANK: Record<EntryKind, number> = { removed: 4, deprecated: 4, changed: 3, security: 3, added: 2, fixed: 1 };

interface PreparedArticle {
  input: ArticleInput;
  passages: Passage[];
}

function queryOf(entry: ChangeEntryInput, params: ProductChangeParameters): Map<string, number> {
  const query = new Map<string, number>();
  for (const token of tokenize(entry.summary)) {
    const weight = token.term.startsWith('#') ? params.identifierWeight : 1;
    query.set(token.term, Math.max(query.get(token.term) ?? 0, weight));
  }
  for (const key of entry.featureKeys) {
    for (const token of tokenize(key)) {
      const weight = token.term.startsWith('#') ? params.identifierWeight : params.scopeWeight;
      if (!query.has(token.term)) query.set(token.term, weight);
    }
  }
  return query;
}

function summaryKey(summary: string): string {
  return summary.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * The entries plus the lines of the notes that no entry already says. A change said more than once (the
 * same bullet under several beta headings, or recorded twice) is one query and votes once.
 */
export function changeQueries(release: ReleaseInput): ChangeEntryInput[] {
  const seenEntries = new Set<string>();
  const entries = release.changes.filter((change) => {
    const key = `${change.kind}\u0000${summaryKey(change.summary)}\u0000${[...change.featureKeys].map((k) => k.toLowerCase()).sort().join(',')}`;
    if (seenEntries.has(key)) return false;
    seenEntries.add(key);
    return true;
  });
  const seen = new Set(release.changes.map((change) => summaryKey(change.summary)));
  const extra: ChangeEntryInput[] = [];
  for (const parsed of parseReleaseNotes(release.notesMarkdown)) {
    const key = summaryKey(parsed.summary);
    if (seen.has(key)) continue;
    seen.add(key);
    extra.push({ id: null, kind: parsed.kind, summary: parsed.summary, featureKeys: parsed.scopes });
  }
  return [...entries, ...extra];
}

function severityOf(score: number, entries: MatchedEntry[], params: ProductChangeParameters): Severity {
  const topKind = Math.max(0, ...entries.filter((e) => e.vote > 0).map((e) => KIND_RANK[e.kind]));
  const strength = score / Math.max(params.flagThreshold, 1e-9);
  if (topKind >= 4 && strength >= 2) return 'critical';
  if (topKind >= 3 && strength >= 1.5) return 'high';
  if (topKind >= 4 || (topKind >= 2 && strength >= 1)) return 'medium';
  return 'low';
}

export function detectProductChange(
  release: ReleaseInput,
  articles: ArticleInput[],
  params: ProductChangeParameters = DEFAULT_PRODUCT_CHANGE_PARAMETERS,
  semantic?: SemanticVectors,
): ProductChangeFinding[] {
  const useSemantic = semantic !== undefined && (params.semanticRerank > 0 || params.semanticRankRerank > 0);
  const prepared: PreparedArticle[] = articles.map((input) => ({ input, passages: passagesOf(input.body) }));
  const corpus = new Corpus();
  for (const article of prepared) for (const passage of article.passages) corpus.add(passage.tf, passage.length);
  const matched = new Map<number, MatchedEntry[]>();
  const support = new Array<number>(prepared.length).fill(0);
  const queries = changeQueries(release);
  const prior = historyFactors(articles, params);
  // The history-weighted votes and support that order the articles not flagged.
  const priorVotes = new Array<number>(prepared.length).fill(0);
  const priorSupport = new Array<number>(prepared.length).fill(0);

  // Scores are in units of the rarest possible term's IDF, so thresholds mean the same in a knowledge
  // base of ten passages and of ten thousand.
  const unit = Math.max(corpus.idf('\u0000 no such term'), 1e-9);
  for (const entry of queries) {
    const query = queryOf(entry, params);
    const keys = new Set(entry.featureKeys.map((key) => key.toLowerCase()));
    const perArticle: { index: number; score: number; passages: MatchedPassage[]; viaKey: boolean }[] = [];
    let best = 0;
    const vector = useSemantic ? semantic.summary(entry.summary) : undefined;
    const cosines = prepared.map((_, index) => (vector ? bestCosine(vector, semantic!.articles[index]) : 0));
    const topCosine = Math.max(0, ...cosines);
    prepared.forEach((article, index) => {
      const scored: MatchedPassage[] = [];
      let top = 0;
      if (query.size > 0) {
        for (const passage of article.passages) {
          const score = bm25(query, passage, corpus, params) / unit;
          if (score <= 0) continue;
          top = Math.max(top, score);
          scored.push({ start: passage.start, end: passage.end, heading: passage.heading, excerpt: '', score });
        }
      }
      if (vector) top *= semanticFactor(cosines[index], topCosine, params.semanticRerank);
      const viaKey = article.input.featureKeys.some((key) => keys.has(key.toLowerCase()));
      best = Math.max(best, top);
      perArticle.push({ index, score: top, passages: scored, viaKey });
    });
    const kindWeight = params.kindWeights[entry.kind];
    for (const candidate of perArticle) {
      if (best >= params.minEntryScore) {
        const relative = kindWeight * (candidate.score / best) * Math.min(1, best / params.strongScore);
        support[candidate.index] += relative;
        priorSupport[candidate.index] += prior[candidate.index] * relative;
      }
      let vote = 0;
      if (best >= params.minEntryScore && candidate.score >= params.relativeCutoff * best) {
        vote = kindWeight * Math.pow(candidate.score / best, params.sharpness) * Math.min(1, best / params.strongScore);
        const rankFactor = vector ? semanticFactor(cosines[candidate.index], topCosine, params.semanticRankRerank) : 1;
        priorVotes[candidate.index] += prior[candidate.index] * vote * rankFactor;
      }
      if (candidate.viaKey) vote += kindWeight * params.featureKeyVote;
      if (vote <= 0) continue;
      const passages = candidate.passages
        .sort((a, b) => b.score - a.score)
        .slice(0, 3)
        .map((p) => ({ ...p, excerpt: sliceWhole(prepared[candidate.index].input.body, p.start, Math.min(p.end, p.start + 280)) }));
      const list = matched.get(candidate.index) ?? [];
      list.push({ entryId: entry.id, kind: entry.kind, summary: entry.summary, score: candidate.score, vote, viaFeatureKey: candidate.viaKey, passages });
      matched.set(candidate.index, list);
    }
  }

  const findings: ProductChangeFinding[] = [];
  prepared.forEach((prep, index) => {
    const article = prep.input;
    const entries = matched.get(index) ?? [];
    if (entries.length === 0 && support[index] <= 0) return;
    if (article.lastConfirmedAt && article.lastConfirmedAt.getTime() > release.releasedAt.getTime()) return;
    const score = entries.reduce((sum, e) => sum + e.vote, 0);
    entries.sort((a, b) => b.vote - a.vote);
    findings.push({ articleId: article.articleId, locale: article.locale, score, support: support[index], flagged: false, severity: 'low', entries });
  });
  // Votes first; articles no entry singled out are ordered by their support (the rest of the ranking).
  findings.sort((a, b) => b.score - a.score || b.support - a.support || (a.articleId < b.articleId ? -1 : 1));
  const top = findings[0]?.score ?? 0;
  findings.forEach((finding, rank) => {
    // An explicit feature-key link to a change that is not a mere fix is always raised.
    const linked = finding.entries.some((entry) => entry.viaFeatureKey && entry.kind !== 'fixed');
    const passes = finding.score >= params.flagThreshold || finding.score >= params.relativeFlag * top || rank < params.minFlagged;
    finding.flagged = linked || (passes && rank < params.maxFlagged && finding.score > 0);
    finding.severity = severityOf(finding.score, finding.entries, params);
  });
  // The flagged articles first, as decided; the rest by history-weighted votes, then support.
  const indexOf = new Map(prepared.map((p, i) => [p.input.articleId, i]));
  const rest = findings.filter((f) => !f.flagged);
  const votesOf = (f: ProductChangeFinding): number => priorVotes[indexOf.get(f.articleId)!];
  const supportOf = (f: ProductChangeFinding): number => priorSupport[indexOf.get(f.articleId)!];
  rest.sort((a, b) => votesOf(b) - votesOf(a) || supportOf(b) - supportOf(a) || (a.articleId < b.articleId ? -1 : 1));
  return [...findings.filter((f) => f.flagged), ...rest];
}
