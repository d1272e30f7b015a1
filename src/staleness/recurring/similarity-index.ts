import { questionTerms, textWords, wordTerm } from './question-terms';

/** What the similarity sees of a forum question (a thread's title, first post, accepted answer). */
export interface QuestionText {
  title: string;
  question: string;
  acceptedAnswer?: string | null;
}

/**
 * Ranking parameters. Tuned on the dev split of `../shared/eval/dup-questions` only
 * (see docs/recurring-questions.md); the defaults are the tuned values.
 */
export interface SimilarityParams {
  /** BM25 term-frequency saturation. */
  k1: number;
  /** Length normalisation of the title and body fields (BM25F). */
  bTitle: number;
  bBody: number;
  /** Field weights in the document: a title word counts `titleWeight` body words. */
  titleWeight: number;
  /** Accepted-answer words count this much of a body word. */
  answerWeight: number;
  /** Query side: a word of the new question's title counts this much more than a body word. */
  queryTitleWeight: number;
  /** Weight of title bigrams (adjacent title terms) as extra title terms; 0 = off. */
  bigramWeight: number;
  /** How `similarDocs` combines the two directed similarities: their mean, the larger or the smaller. */
  symmetry: 'mean' | 'max' | 'min';
  /** Only the first `bodyTermLimit` terms of the question body count (long logs and pasted output drown the intent). */
  bodyTermLimit: number;
  /** Query terms kept (highest weight first): bounds the cost of a query on huge pools. */
  maxQueryTerms: number;
  /** `similarDocs` (clustering) finds candidates through only this many query terms, then scores them exactly. */
  candidateTerms: number;
  /**
   * …reading at most this many of the newest entries of each term's postings: a bound on the cost of one
   * add however large the window grows (recent questions are the ones a recurrence is about).
   */
  candidatePostings: number;
}

export const DEFAULT_SIMILARITY_PARAMS: SimilarityParams = {
  k1: 3,
  bTitle: 0.8,
  bBody: 1,
  titleWeight: 3,
  answerWeight: 0.5,
  queryTitleWeight: 2,
  bigramWeight: 0.3,
  symmetry: 'mean',
  bodyTermLimit: 100,
  maxQueryTerms: 64,
  candidateTerms: 12,
  candidatePostings: 5000,
};

/** A scored neighbour: `doc` is the index position given by `add`. */
export interface Neighbour {
  doc: number;
  score: number;
}

interface Analysed {
  title: string[];
  body: string[];
  answer: string[];
}

const BIGRAM = '\u0001';
/** Memoised raw words and title bigrams: bounded (cleared when full) for a forum whose vocabulary keeps growing. */
const MAX_MEMO = 500_000;
/** Distinct title (body) lengths whose BM25F norms a query tabulates; documents of rarer lengths are normed directly. */
const MAX_LENGTH_CODES = 1024;
const NO_CODE = 0xffff;
/** Title bigram ids are memoised by the pair of term ids while both are below this (the key stays a safe integer). */
const PAIR = 2 ** 21;

type TypedArray = Int32Array | Float32Array | Float64Array | Uint8Array;

/** `a` grown (by doubling) to hold at least `size` entries, its content kept. */
function grown<T extends TypedArray>(a: T, size: number): T {
  if (size <= a.length) return a;
  let n = Math.max(16, a.length * 2);
  while (n < size) n *= 2;
  const b = new (a.constructor as new (length: number) => T)(n);
  b.set(a as never);
  return b;
}

/**
 * Every term's posting list (document numbers, and title and body tf~ kept as raw field counts until scoring)
 * in three shared slabs: a term's list is a power-of-two block that moves to a block twice its size when full,
 * and freed blocks are reused. A forum has hundreds of thousands of terms seen once or twice (most title
 * bigrams); as three typed arrays each they cost far more memory (and GC work) than their postings.
 */
class PostingStore {
  docs = new Int32Array(1 << 16);
  titleTf = new Float32Array(1 << 16);
  bodyTf = new Float32Array(1 << 16);
  /** Per term: where its block starts and how many postings it holds. */
  start = new Int32Array(1024);
  length = new Int32Array(1024);
  private sizeClass = new Uint8Array(1024);
  private used = 0;
  private readonly free: number[][] = [];
  terms = 0;

  addTerm(): number {
    const id = this.terms;
    this.terms += 1;
    this.start = grown(this.start, id + 1);
    this.length = grown(this.length, id + 1);
    this.sizeClass = grown(this.sizeClass, id + 1);
    this.start[id] = this.allocate(0);
    this.length[id] = 0;
    this.sizeClass[id] = 0;
    return id;
  }

  push(id: number, doc: number, titleTf: number, bodyTf: number): void {
    const length = this.length[id];
    let at = this.start[id];
    const k = this.sizeClass[id];
    if (length === 1 << k) {
      const to = this.allocate(k + 1);
      this.docs.copyWithin(to, at, at + length);
      this.titleTf.copyWithin(to, at, at + length);
      this.bodyTf.copyWithin(to, at, at + length);
      (this.free[k] ??= []).push(at);
      at = to;
      this.start[id] = to;
      this.sizeClass[id] = k + 1;
    }
    this.docs[at + length] = doc;
    this.titleTf[at + length] = titleTf;
    this.bodyTf[at + length] = bodyTf;
    this.length[id] = length + 1;
  }

  private allocate(k: number): number {
    const reused = this.free[k]?.pop();
    if (reused !== undefined) return reused;
    const at = this.used;
    this.used += 1 << k;
    this.docs = grown(this.docs, this.used);
    this.titleTf = grown(this.titleTf, this.used);
    this.bodyTf = grown(this.bodyTf, this.used);
    return at;
  }
}

export function analyseQuestion(text: QuestionText, params: SimilarityParams): Analysed {
  const title = questionTerms(text.title);
  if (params.bigramWeight > 0) {
    const n = title.length;
    for (let i = 0; i + 1 < n; i += 1) title.push(`${title[i]}${BIGRAM}${title[i + 1]}`);
  }
  return { title, body: questionTerms(text.question).slice(0, params.bodyTermLimit), answer: text.acceptedAnswer ? questionTerms(text.acceptedAnswer) : [] };
}

/**
 * An in-memory inverted index of questions ranked with BM25F (title and body fields with their own
 * weights and length normalisation, title bigrams, title-weighted queries). Pseudo-relevance feedback
 * and a title-title cosine blend were tried and lost on dev (docs/recurring-questions.md). Documents
 * are only appended (`add`); removal is a rebuild, which the clustering service does from PostgreSQL.
 * `normalisedSimilarity` turns scores into [0, 1] for thresholds: the score of b for a's query divided
 * by a's score against itself, averaged over both directions.
 *
 * Storage is in a few large typed arrays (postings in `PostingStore`, document term lists packed one after
 * another), and `add` maps each raw word to its term id through a memo, so a word is stemmed once.
 */
export class SimilarityIndex {
  readonly params: SimilarityParams;
  private readonly termIds = new Map<string, number>();
  /** Term id → term (bigrams as `a\u0001b`). */
  private readonly names: string[] = [];
  private readonly postings = new PostingStore();
  /** Raw lower-cased word → term id, -1 for a word that is no term (stop word, too short or long). */
  private readonly wordIds = new Map<string, number>();
  /** Pair of title term ids → the id of their bigram. */
  private readonly bigramIds = new Map<number, number>();
  private docCount = 0;
  /** Document d's terms (sorted by id) and their weighted title and body counts are at [docStart[d], docStart[d + 1]). */
  private docStart = new Int32Array(1025);
  private docTerms = new Int32Array(1 << 16);
  private docTitleTf = new Float32Array(1 << 16);
  private docBodyTf = new Float32Array(1 << 16);
  /** Per document, its title and body lengths (read by the exact scores). */
  private rawTitleLength = new Float64Array(1024);
  private rawBodyLength = new Float64Array(1024);
  private titleLengthSum = 0;
  private bodyLengthSum = 0;
  /**
   * Per document, its title length's code (low 16 bits) and body length's (high 16 bits): a query tabulates the
   * norms of the distinct lengths once instead of computing them for every posting (the same arithmetic on the
   * same values, so the same scores to the last bit). NO_CODE: a rare length beyond the table, normed directly.
   */
  private lengthCode = new Int32Array(1024);
  private readonly titleLengthValues: number[] = [];
  private readonly bodyLengthValues: number[] = [];
  private readonly titleLengthCodes = new Map<number, number>();
  private readonly bodyLengthCodes = new Map<number, number>();
  private titleNormTable = new Float64Array(MAX_LENGTH_CODES);
  private bodyNormTable = new Float64Array(MAX_LENGTH_CODES);
  /** `add`'s scratch: per term id, the document's weighted title and body counts and the last document counted. */
  private scratchTitle = new Float64Array(1024);
  private scratchBody = new Float64Array(1024);
  private scratchSeen = new Int32Array(1024);
  private readonly scratchTerms: number[] = [];
  private readonly scratchTitleIds: number[] = [];

  constructor(params: Partial<SimilarityParams> = {}) {
    this.params = { ...DEFAULT_SIMILARITY_PARAMS, ...params };
  }

  get size(): number {
    return this.docCount;
  }

  /** Adds a question; returns its document number (0, 1, 2, … in insertion order). */
  add(text: QuestionText): number {
    const p = this.params;
    const doc = this.docCount;
    const terms = this.scratchTerms;
    terms.length = 0;
    // Term ids are given in the order the terms are first met (title words, title bigrams, body, answer), as before.
    const title = this.scratchTitleIds;
    title.length = 0;
    for (const match of textWords(text.title)) {
      const id = this.wordId(match[0]);
      if (id >= 0) title.push(id);
    }
    const unigrams = title.length;
    for (let i = 0; i < unigrams; i += 1) this.count(doc, title[i], 1, 0);
    let titleLength = unigrams;
    if (p.bigramWeight > 0) {
      for (let i = 0; i + 1 < unigrams; i += 1) this.count(doc, this.bigramId(title[i], title[i + 1]), p.bigramWeight, 0);
      titleLength += Math.max(0, unigrams - 1);
    }
    let bodyCount = 0;
    for (const match of textWords(text.question)) {
      if (bodyCount >= p.bodyTermLimit) break;
      const id = this.wordId(match[0]);
      if (id < 0) continue;
      this.count(doc, id, 0, 1);
      bodyCount += 1;
    }
    let answerCount = 0;
    if (text.acceptedAnswer) {
      for (const match of textWords(text.acceptedAnswer)) {
        const id = this.wordId(match[0]);
        if (id < 0) continue;
        this.count(doc, id, 0, p.answerWeight);
        answerCount += 1;
      }
    }
    const bodyLength = bodyCount + answerCount * p.answerWeight;
    // Sorted by term id: two documents meet by a merge of their term lists (similarDocs).
    const sorted = Int32Array.from(terms).sort();
    const from = this.docStart[doc];
    const to = from + sorted.length;
    this.docTerms = grown(this.docTerms, to);
    this.docTitleTf = grown(this.docTitleTf, to);
    this.docBodyTf = grown(this.docBodyTf, to);
    for (let i = 0; i < sorted.length; i += 1) {
      const id = sorted[i];
      const t = this.scratchTitle[id];
      const b = this.scratchBody[id];
      this.postings.push(id, doc, t, b);
      this.docTerms[from + i] = id;
      this.docTitleTf[from + i] = t;
      this.docBodyTf[from + i] = b;
    }
    this.docStart = grown(this.docStart, doc + 2);
    this.docStart[doc + 1] = to;
    this.rawTitleLength = grown(this.rawTitleLength, doc + 1);
    this.rawBodyLength = grown(this.rawBodyLength, doc + 1);
    this.lengthCode = grown(this.lengthCode, doc + 1);
    this.rawTitleLength[doc] = titleLength;
    this.rawBodyLength[doc] = bodyLength;
    this.lengthCode[doc] = lengthCodeOf(titleLength, this.titleLengthCodes, this.titleLengthValues) | (lengthCodeOf(bodyLength, this.bodyLengthCodes, this.bodyLengthValues) << 16);
    this.titleLengthSum += titleLength;
    this.bodyLengthSum += bodyLength;
    this.docCount = doc + 1;
    return doc;
  }

  /** Adds a weighted title and body count of a term to the document being added. */
  private count(doc: number, id: number, title: number, body: number): void {
    if (this.scratchSeen[id] !== doc + 1) {
      this.scratchSeen[id] = doc + 1;
      this.scratchTitle[id] = 0;
      this.scratchBody[id] = 0;
      this.scratchTerms.push(id);
    }
    this.scratchTitle[id] += title;
    this.scratchBody[id] += body;
  }

  private wordId(word: string): number {
    let id = this.wordIds.get(word);
    if (id === undefined) {
      const term = wordTerm(word);
      id = term === null ? -1 : this.termId(term);
      if (this.wordIds.size >= MAX_MEMO) this.wordIds.clear();
      this.wordIds.set(word, id);
    }
    return id;
  }

  private bigramId(a: number, b: number): number {
    if (a >= PAIR || b >= PAIR) return this.termId(`${this.names[a]}${BIGRAM}${this.names[b]}`);
    const key = a * PAIR + b;
    let id = this.bigramIds.get(key);
    if (id === undefined) {
      id = this.termId(`${this.names[a]}${BIGRAM}${this.names[b]}`);
      if (this.bigramIds.size >= MAX_MEMO) this.bigramIds.clear();
      this.bigramIds.set(key, id);
    }
    return id;
  }

  /** Ranks the indexed documents for a question (the question itself is not excluded unless listed). */
  search(text: QuestionText, limit: number, exclude?: (doc: number) => boolean): Neighbour[] {
    const query = this.queryWeights(analyseQuestion(text, this.params));
    return this.collect(this.accumulate(query), limit, exclude);
  }

  /** Ranks for an indexed document (itself excluded). */
  searchDoc(doc: number, limit: number, exclude?: (doc: number) => boolean): Neighbour[] {
    const query = this.docQueryWeights(doc);
    return this.collect(this.accumulate(query), limit, (d) => d === doc || (exclude ? exclude(d) : false));
  }

  /** Symmetric similarity in [0, 1] of two indexed documents (what `similarDocs` scores neighbours with). */
  normalisedSimilarity(a: number, b: number): number {
    const selfA = this.selfScore(a);
    const selfB = this.selfScore(b);
    if (selfA <= 0 || selfB <= 0) return 0;
    this.prepare(a);
    this.crossScores(a, b);
    return Math.min(1, symmetric(this.forward / selfA, this.backward / selfB, this.params.symmetry));
  }

  /**
   * Neighbours of an indexed document with their normalised similarity, best first: candidates from
   * the inverted index (through the `candidateTerms` best query terms, `candidates` of them), then the
   * symmetric normalised similarity of each (every term of both documents counts here).
   */
  similarDocs(doc: number, candidates: number, exclude?: (doc: number) => boolean): Neighbour[] {
    const query = this.docQueryWeights(doc);
    if (query.length === 0) return [];
    if (query.length > this.params.candidateTerms) query.length = this.params.candidateTerms;
    const found = this.collect(this.accumulate(query, this.params.candidatePostings), candidates, (d) => d === doc || (exclude ? exclude(d) : false));
    if (found.length === 0) return [];
    const selfMine = this.selfScore(doc);
    if (selfMine <= 0) return [];
    const out: Neighbour[] = [];
    this.prepare(doc);
    for (const c of found) {
      this.crossScores(doc, c.doc);
      const selfOther = this.selfScore(c.doc);
      const b = selfOther > 0 ? this.backward / selfOther : 0;
      out.push({ doc: c.doc, score: Math.min(1, symmetric(this.forward / selfMine, b, this.params.symmetry)) });
    }
    return out.sort((x, y) => y.score - x.score || x.doc - y.doc);
  }

  private selfValue = new Float64Array(0);
  private selfAt = new Int32Array(0);

  /**
   * A document's full query scored against itself (every term), memoised: recomputed once the index has
   * grown by 10 % since (IDF moves slowly), which keeps a recluster of 200,000 questions fast.
   */
  private selfScore(doc: number): number {
    const n = this.docCount;
    if (doc >= this.selfAt.length) {
      const size = Math.max(1024, n * 2);
      const values = new Float64Array(size);
      values.set(this.selfValue);
      const at = new Int32Array(size);
      at.set(this.selfAt);
      this.selfValue = values;
      this.selfAt = at;
    }
    const at = this.selfAt[doc];
    if (at === 0 || n > at * 1.1) {
      const k1 = this.params.k1;
      const titleWeight = this.params.titleWeight;
      const titleNorm = this.titleNorm(doc);
      const bodyNorm = this.bodyNorm(doc);
      const terms = this.docTerms;
      const titleTf = this.docTitleTf;
      const bodyTf = this.docBodyTf;
      let self = 0;
      for (let i = this.docStart[doc], end = this.docStart[doc + 1]; i < end; i += 1) {
        const tf = titleWeight * (titleTf[i] / titleNorm) + bodyTf[i] / bodyNorm;
        self += (this.queryWeight(titleTf[i], bodyTf[i], terms[i]) * tf) / (k1 + tf);
      }
      this.selfValue[doc] = self;
      this.selfAt[doc] = n;
    }
    return this.selfValue[doc];
  }

  /** `crossScores`' results (fields, not an object per candidate). */
  private forward = 0;
  private backward = 0;

  /** Per term of the document `prepare`d for `crossScores`: its query weight and its tf~ (computed once for all candidates). */
  private preparedWeight = new Float64Array(64);
  private preparedTf = new Float64Array(64);

  /** Computes a's query weights and tf~ once, for `crossScores(a, …)` with many b (the same arithmetic as per pair). */
  private prepare(a: number): void {
    const titleWeight = this.params.titleWeight;
    const titleNormA = this.titleNorm(a);
    const bodyNormA = this.bodyNorm(a);
    const from = this.docStart[a];
    const to = this.docStart[a + 1];
    this.preparedWeight = grown(this.preparedWeight, to - from);
    this.preparedTf = grown(this.preparedTf, to - from);
    const terms = this.docTerms;
    const titleTf = this.docTitleTf;
    const bodyTf = this.docBodyTf;
    for (let i = from; i < to; i += 1) {
      this.preparedWeight[i - from] = this.queryWeight(titleTf[i], bodyTf[i], terms[i]);
      this.preparedTf[i - from] = titleWeight * (titleTf[i] / titleNormA) + bodyTf[i] / bodyNormA;
    }
  }

  /**
   * BM25F of b for a's full query (`forward`) and of a for b's (`backward`), by merging their sorted terms;
   * `prepare(a)` must have been called since the index last changed.
   */
  private crossScores(a: number, b: number): void {
    const k1 = this.params.k1;
    // `tfTilde` with each document's length norms computed once (the same arithmetic, so the same scores).
    const titleWeight = this.params.titleWeight;
    const titleNormB = this.titleNorm(b);
    const bodyNormB = this.bodyNorm(b);
    const terms = this.docTerms;
    const titleTf = this.docTitleTf;
    const bodyTf = this.docBodyTf;
    const weightA = this.preparedWeight;
    const tfTildeA = this.preparedTf;
    let forward = 0;
    let backward = 0;
    const fromA = this.docStart[a];
    let i = fromA;
    const endA = this.docStart[a + 1];
    let j = this.docStart[b];
    const endB = this.docStart[b + 1];
    while (i < endA && j < endB) {
      const ta = terms[i];
      const tb = terms[j];
      if (ta < tb) i += 1;
      else if (tb < ta) j += 1;
      else {
        const tfB = titleWeight * (titleTf[j] / titleNormB) + bodyTf[j] / bodyNormB;
        forward += (weightA[i - fromA] * tfB) / (k1 + tfB);
        const tfA = tfTildeA[i - fromA];
        backward += (this.queryWeight(titleTf[j], bodyTf[j], tb) * tfA) / (k1 + tfA);
        i += 1;
        j += 1;
      }
    }
    this.forward = forward;
    this.backward = backward;
  }

  private queryWeight(titleTf: number, bodyTf: number, id: number): number {
    const qtf = titleTf * this.params.queryTitleWeight + bodyTf;
    return ((qtf * 2.2) / (1.2 + qtf)) * this.idf(id);
  }

  /**
   * The terms that characterise a group of documents (content-gap "common terms"): shared by the most
   * members first (count × (1 + IDF), so a term in every member beats a rare word in one).
   */
  commonTerms(docs: number[], limit: number): string[] {
    const names = this.names;
    const members = new Map<number, number>();
    for (const doc of docs) {
      for (let i = this.docStart[doc], end = this.docStart[doc + 1]; i < end; i += 1) {
        const id = this.docTerms[i];
        if (!names[id].includes(BIGRAM)) members.set(id, (members.get(id) ?? 0) + 1);
      }
    }
    return [...members.entries()]
      .map(([id, count]) => [id, count * (1 + this.idf(id))] as const)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, limit)
      .map(([id]) => names[id]);
  }

  /** How many indexed documents contain a term (0 when unknown): IDF for measures outside the ranking. */
  documentFrequency(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.postings.length[id];
  }

  private termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.postings.addTerm();
      this.termIds.set(term, id);
      this.names.push(term);
      this.scratchTitle = grown(this.scratchTitle, id + 1);
      this.scratchBody = grown(this.scratchBody, id + 1);
      this.scratchSeen = grown(this.scratchSeen, id + 1);
    }
    return id;
  }

  private idfValue = new Float64Array(1024);
  private idfAt = new Int32Array(1024).fill(-1);

  /** BM25 IDF, memoised per term until the index grows. */
  private idf(id: number): number {
    const n = this.docCount;
    if (id >= this.idfAt.length) {
      const size = Math.max(id + 1, this.idfAt.length * 2);
      const values = new Float64Array(size);
      values.set(this.idfValue);
      const at = new Int32Array(size).fill(-1);
      at.set(this.idfAt);
      this.idfValue = values;
      this.idfAt = at;
    }
    if (this.idfAt[id] !== n) {
      const df = this.postings.length[id];
      this.idfValue[id] = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      this.idfAt[id] = n;
    }
    return this.idfValue[id];
  }

  /** BM25F length normalisation of a document's title and body: the denominators of `tfTilde`. */
  private titleNorm(doc: number): number {
    const p = this.params;
    const n = Math.max(1, this.docCount);
    const avgTitle = this.titleLengthSum / n || 1;
    return 1 - p.bTitle + (p.bTitle * this.rawTitleLength[doc]) / avgTitle;
  }

  private bodyNorm(doc: number): number {
    const p = this.params;
    const n = Math.max(1, this.docCount);
    const avgBody = this.bodyLengthSum / n || 1;
    return 1 - p.bBody + (p.bBody * this.rawBodyLength[doc]) / avgBody;
  }

  /** A free-text query's terms: (id, weight) pairs in order of first occurrence. */
  private queryWeights(a: Analysed): [number, number][] {
    const p = this.params;
    const raw = new Map<number, number>();
    const addTerm = (term: string, w: number): void => {
      const id = this.termIds.get(term);
      if (id === undefined) return;
      raw.set(id, (raw.get(id) ?? 0) + w);
    };
    for (const term of a.title) addTerm(term, (term.includes(BIGRAM) ? p.bigramWeight : 1) * p.queryTitleWeight);
    for (const term of a.body) addTerm(term, 1);
    for (const term of a.answer) addTerm(term, p.answerWeight);
    return this.finishQuery([...raw.entries()]);
  }

  /** An indexed document's query: its terms in id order, weighted. */
  private docQueryWeights(doc: number): [number, number][] {
    const p = this.params;
    const raw: [number, number][] = [];
    for (let i = this.docStart[doc], end = this.docStart[doc + 1]; i < end; i += 1) {
      raw.push([this.docTerms[i], this.docTitleTf[i] * p.queryTitleWeight + this.docBodyTf[i]]);
    }
    return this.finishQuery(raw);
  }

  /** Query term weight: saturated query frequency × IDF, the `maxQueryTerms` best kept (a stable sort: ties keep their order). */
  private finishQuery(raw: [number, number][]): [number, number][] {
    const weighted: [number, number][] = [];
    for (const [id, qtf] of raw) {
      if (this.postings.length[id] === 0) continue;
      weighted.push([id, ((qtf * 2.2) / (1.2 + qtf)) * this.idf(id)]);
    }
    weighted.sort((a, b) => b[1] - a[1]);
    if (weighted.length > this.params.maxQueryTerms) weighted.length = Math.max(0, this.params.maxQueryTerms);
    return weighted;
  }

  private scoreBuffer = new Float64Array(0);
  private touched = new Int32Array(0);

  /** Sums the BM25F contributions of `query`'s postings into a reused buffer; returns the touched documents. */
  private accumulate(query: [number, number][], newest = Infinity): { scores: Float64Array; docs: Int32Array } {
    const k1 = this.params.k1;
    if (this.scoreBuffer.length < this.docCount) {
      this.scoreBuffer = new Float64Array(Math.max(1024, this.docCount * 2));
      this.touched = new Int32Array(this.scoreBuffer.length);
    }
    const scores = this.scoreBuffer;
    const touched = this.touched;
    // The hottest loop of a recluster: `tfTilde` with the length norms tabulated per distinct length (the same
    // arithmetic, in the same order, so the same scores to the last bit).
    const { bTitle, bBody, titleWeight } = this.params;
    const n = Math.max(1, this.docCount);
    const avgTitle = this.titleLengthSum / n || 1;
    const avgBody = this.bodyLengthSum / n || 1;
    const titleNorms = this.titleNormTable;
    const bodyNorms = this.bodyNormTable;
    for (let c = 0; c < this.titleLengthValues.length; c += 1) titleNorms[c] = 1 - bTitle + (bTitle * this.titleLengthValues[c]) / avgTitle;
    for (let c = 0; c < this.bodyLengthValues.length; c += 1) bodyNorms[c] = 1 - bBody + (bBody * this.bodyLengthValues[c]) / avgBody;
    const codes = this.lengthCode;
    const titleLengths = this.rawTitleLength;
    const bodyLengths = this.rawBodyLength;
    const { docs, titleTf: titleTfs, bodyTf: bodyTfs, start, length } = this.postings;
    let count = 0;
    for (const [id, w] of query) {
      const end = start[id] + length[id];
      for (let i = start[id] + Math.max(0, length[id] - newest); i < end; i += 1) {
        const doc = docs[i];
        const code = codes[doc];
        const titleCode = code & 0xffff;
        const bodyCode = code >>> 16;
        const titleNorm = titleCode !== NO_CODE ? titleNorms[titleCode] : 1 - bTitle + (bTitle * titleLengths[doc]) / avgTitle;
        const bodyNorm = bodyCode !== NO_CODE ? bodyNorms[bodyCode] : 1 - bBody + (bBody * bodyLengths[doc]) / avgBody;
        const tf = titleWeight * (titleTfs[i] / titleNorm) + bodyTfs[i] / bodyNorm;
        if (scores[doc] === 0) touched[count++] = doc;
        scores[doc] += (w * tf) / (k1 + tf);
      }
    }
    return { scores, docs: touched.subarray(0, count) };
  }

  /** Top `limit` of an accumulation, then clears the buffer for the next query. */
  private collect(acc: { scores: Float64Array; docs: Int32Array }, limit: number, exclude?: (doc: number) => boolean): Neighbour[] {
    const out = topK(acc.scores, acc.docs, limit, exclude);
    for (const doc of acc.docs) acc.scores[doc] = 0;
    return out;
  }
}

/** The code of a length in a table of distinct lengths (added when new), NO_CODE once the table is full. */
function lengthCodeOf(length: number, codes: Map<number, number>, values: number[]): number {
  let code = codes.get(length);
  if (code === undefined) {
    if (values.length >= MAX_LENGTH_CODES) return NO_CODE;
    code = values.length;
    values.push(length);
    codes.set(length, code);
  }
  return code;
}

function symmetric(a: number, b: number, how: SimilarityParams['symmetry']): number {
  return how === 'max' ? Math.max(a, b) : how === 'min' ? Math.min(a, b) : (a + b) / 2;
}

/** The `k` best scores (> 0) among `docs`, best first, ties by document number. */
export function topK(scores: Float64Array, docs: ArrayLike<number>, k: number, exclude?: (doc: number) => boolean): Neighbour[] {
  const out: Neighbour[] = [];
  let floor = 0;
  for (let i = 0; i < docs.length; i += 1) {
    const doc = docs[i];
    const score = scores[doc];
    if (score <= 0 || (out.length >= k && score <= floor)) continue;
    if (exclude && exclude(doc)) continue;
    out.push({ doc, score });
    if (out.length > k * 2) {
      out.sort((a, b) => b.score - a.score || a.doc - b.doc);
      out.length = k;
      floor = out[k - 1].score;
    }
  }
  out.sort((a, b) => b.score - a.score || a.doc - b.doc);
  if (out.length > k) out.length = k;
  return out;
}
