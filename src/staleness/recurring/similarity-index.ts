import { questionTerms } from './question-terms';

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

interface DocVector {
  terms: Int32Array;
  /** Per term, its weighted count in the title and in the body (question + accepted answer). */
  titleTf: Float32Array;
  bodyTf: Float32Array;
}

interface Analysed {
  title: string[];
  body: string[];
  answer: string[];
}

const BIGRAM = '\u0001';

/** A growable posting list: document numbers and their tf~ (kept as raw field counts until scoring). */
class Postings {
  docs = new Int32Array(4);
  titleTf = new Float32Array(4);
  bodyTf = new Float32Array(4);
  length = 0;

  push(doc: number, titleTf: number, bodyTf: number): void {
    if (this.length === this.docs.length) {
      const size = this.docs.length * 2;
      const docs = new Int32Array(size);
      docs.set(this.docs);
      const t = new Float32Array(size);
      t.set(this.titleTf);
      const b = new Float32Array(size);
      b.set(this.bodyTf);
      this.docs = docs;
      this.titleTf = t;
      this.bodyTf = b;
    }
    this.docs[this.length] = doc;
    this.titleTf[this.length] = titleTf;
    this.bodyTf[this.length] = bodyTf;
    this.length += 1;
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
 */
export class SimilarityIndex {
  readonly params: SimilarityParams;
  private readonly termIds = new Map<string, number>();
  private readonly postings: Postings[] = [];
  private readonly vectors: DocVector[] = [];
  /** Per document, its title and body lengths (typed arrays grown by doubling: read in the hot loops). */
  private rawTitleLength = new Float64Array(1024);
  private rawBodyLength = new Float64Array(1024);
  private titleLengthSum = 0;
  private bodyLengthSum = 0;

  constructor(params: Partial<SimilarityParams> = {}) {
    this.params = { ...DEFAULT_SIMILARITY_PARAMS, ...params };
  }

  get size(): number {
    return this.vectors.length;
  }

  /** Adds a question; returns its document number (0, 1, 2, … in insertion order). */
  add(text: QuestionText): number {
    const doc = this.vectors.length;
    const a = analyseQuestion(text, this.params);
    const counts = new Map<number, [number, number]>();
    for (const term of a.title) {
      const id = this.termId(term);
      const c = counts.get(id) ?? [0, 0];
      c[0] += term.includes(BIGRAM) ? this.params.bigramWeight : 1;
      counts.set(id, c);
    }
    for (const term of a.body) {
      const id = this.termId(term);
      const c = counts.get(id) ?? [0, 0];
      c[1] += 1;
      counts.set(id, c);
    }
    for (const term of a.answer) {
      const id = this.termId(term);
      const c = counts.get(id) ?? [0, 0];
      c[1] += this.params.answerWeight;
      counts.set(id, c);
    }
    const titleLength = a.title.length;
    const bodyLength = a.body.length + a.answer.length * this.params.answerWeight;
    const terms = new Int32Array(counts.size);
    const titleTf = new Float32Array(counts.size);
    const bodyTf = new Float32Array(counts.size);
    let i = 0;
    // Sorted by term id: two documents meet by a merge of their term lists (similarDocs).
    for (const [id, [t, b]] of [...counts].sort((x, y) => x[0] - y[0])) {
      this.postings[id].push(doc, t, b);
      terms[i] = id;
      titleTf[i] = t;
      bodyTf[i] = b;
      i += 1;
    }
    this.vectors.push({ terms, titleTf, bodyTf });
    if (doc >= this.rawTitleLength.length) {
      const titles = new Float64Array(this.rawTitleLength.length * 2);
      titles.set(this.rawTitleLength);
      const bodies = new Float64Array(this.rawBodyLength.length * 2);
      bodies.set(this.rawBodyLength);
      this.rawTitleLength = titles;
      this.rawBodyLength = bodies;
    }
    this.rawTitleLength[doc] = titleLength;
    this.rawBodyLength[doc] = bodyLength;
    this.titleLengthSum += titleLength;
    this.bodyLengthSum += bodyLength;
    return doc;
  }

  /** Ranks the indexed documents for a question (the question itself is not excluded unless listed). */
  search(text: QuestionText, limit: number, exclude?: (doc: number) => boolean): Neighbour[] {
    const query = this.queryWeights(analyseQuestion(text, this.params));
    return this.searchWeights(query, limit, exclude);
  }

  /** Ranks for an indexed document (itself excluded). */
  searchDoc(doc: number, limit: number, exclude?: (doc: number) => boolean): Neighbour[] {
    const query = this.docQueryWeights(doc);
    return this.searchWeights(query, limit, (d) => d === doc || (exclude ? exclude(d) : false));
  }

  /** Symmetric similarity in [0, 1] of two indexed documents (what `similarDocs` scores neighbours with). */
  normalisedSimilarity(a: number, b: number): number {
    const selfA = this.selfScore(a);
    const selfB = this.selfScore(b);
    if (selfA <= 0 || selfB <= 0) return 0;
    const { forward, backward } = this.crossScores(a, b);
    return Math.min(1, symmetric(forward / selfA, backward / selfB, this.params.symmetry));
  }

  /**
   * Neighbours of an indexed document with their normalised similarity, best first: candidates from
   * the inverted index (through the `candidateTerms` best query terms, `candidates` of them), then the
   * symmetric normalised similarity of each (every term of both documents counts here).
   */
  similarDocs(doc: number, candidates: number, exclude?: (doc: number) => boolean): Neighbour[] {
    const query = this.docQueryWeights(doc);
    if (query.size === 0) return [];
    const candidateQuery = new Map([...query.entries()].slice(0, this.params.candidateTerms));
    const found = this.collect(this.accumulate(candidateQuery, this.params.candidatePostings), candidates, (d) => d === doc || (exclude ? exclude(d) : false));
    if (found.length === 0) return [];
    const selfMine = this.selfScore(doc);
    if (selfMine <= 0) return [];
    const out: Neighbour[] = [];
    for (const c of found) {
      const { forward, backward } = this.crossScores(doc, c.doc);
      const selfOther = this.selfScore(c.doc);
      const b = selfOther > 0 ? backward / selfOther : 0;
      out.push({ doc: c.doc, score: Math.min(1, symmetric(forward / selfMine, b, this.params.symmetry)) });
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
    const n = this.vectors.length;
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
      const v = this.vectors[doc];
      const k1 = this.params.k1;
      const titleWeight = this.params.titleWeight;
      const [titleNorm, bodyNorm] = this.lengthNorms(doc);
      let self = 0;
      for (let i = 0; i < v.terms.length; i += 1) {
        const tf = titleWeight * (v.titleTf[i] / titleNorm) + v.bodyTf[i] / bodyNorm;
        self += (this.queryWeight(v.titleTf[i], v.bodyTf[i], v.terms[i]) * tf) / (k1 + tf);
      }
      this.selfValue[doc] = self;
      this.selfAt[doc] = n;
    }
    return this.selfValue[doc];
  }

  /** BM25F of b for a's full query (`forward`) and of a for b's (`backward`), by merging their sorted terms. */
  private crossScores(a: number, b: number): { forward: number; backward: number } {
    const va = this.vectors[a];
    const vb = this.vectors[b];
    const k1 = this.params.k1;
    // `tfTilde` with each document's length norms computed once (the same arithmetic, so the same scores).
    const titleWeight = this.params.titleWeight;
    const [titleNormA, bodyNormA] = this.lengthNorms(a);
    const [titleNormB, bodyNormB] = this.lengthNorms(b);
    let forward = 0;
    let backward = 0;
    let i = 0;
    let j = 0;
    while (i < va.terms.length && j < vb.terms.length) {
      const ta = va.terms[i];
      const tb = vb.terms[j];
      if (ta < tb) i += 1;
      else if (tb < ta) j += 1;
      else {
        const tfB = titleWeight * (vb.titleTf[j] / titleNormB) + vb.bodyTf[j] / bodyNormB;
        forward += (this.queryWeight(va.titleTf[i], va.bodyTf[i], ta) * tfB) / (k1 + tfB);
        const tfA = titleWeight * (va.titleTf[i] / titleNormA) + va.bodyTf[i] / bodyNormA;
        backward += (this.queryWeight(vb.titleTf[j], vb.bodyTf[j], tb) * tfA) / (k1 + tfA);
        i += 1;
        j += 1;
      }
    }
    return { forward, backward };
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
    const names = [...this.termIds.keys()];
    const members = new Map<number, number>();
    for (const doc of docs) {
      const v = this.vectors[doc];
      for (let i = 0; i < v.terms.length; i += 1) {
        const id = v.terms[i];
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
    return id === undefined ? 0 : this.postings[id].length;
  }

  private termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) {
      id = this.postings.length;
      this.termIds.set(term, id);
      this.postings.push(new Postings());
    }
    return id;
  }

  private idfValue = new Float64Array(1024);
  private idfAt = new Int32Array(1024).fill(-1);

  /** BM25 IDF, memoised per term until the index grows. */
  private idf(id: number): number {
    const n = this.vectors.length;
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
      const df = this.postings[id].length;
      this.idfValue[id] = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      this.idfAt[id] = n;
    }
    return this.idfValue[id];
  }

  /** BM25F length normalisation of a document's title and body: the denominators of `tfTilde`. */
  private lengthNorms(doc: number): [number, number] {
    const p = this.params;
    const n = Math.max(1, this.vectors.length);
    const avgTitle = this.titleLengthSum / n || 1;
    const avgBody = this.bodyLengthSum / n || 1;
    return [1 - p.bTitle + (p.bTitle * this.rawTitleLength[doc]) / avgTitle, 1 - p.bBody + (p.bBody * this.rawBodyLength[doc]) / avgBody];
  }

  private queryWeights(a: Analysed): Map<number, number> {
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
    return this.finishQuery(raw);
  }

  private docQueryWeights(doc: number): Map<number, number> {
    const p = this.params;
    const v = this.vectors[doc];
    const raw = new Map<number, number>();
    for (let i = 0; i < v.terms.length; i += 1) {
      raw.set(v.terms[i], v.titleTf[i] * p.queryTitleWeight + v.bodyTf[i]);
    }
    return this.finishQuery(raw);
  }

  /** Query term weight: saturated query frequency × IDF, the `maxQueryTerms` best kept. */
  private finishQuery(raw: Map<number, number>): Map<number, number> {
    const weighted: [number, number][] = [];
    for (const [id, qtf] of raw) {
      if (this.postings[id].length === 0) continue;
      weighted.push([id, ((qtf * 2.2) / (1.2 + qtf)) * this.idf(id)]);
    }
    weighted.sort((a, b) => b[1] - a[1]);
    return new Map(weighted.slice(0, this.params.maxQueryTerms));
  }

  private scoreBuffer = new Float64Array(0);
  private touched = new Int32Array(0);

  /** Sums the BM25F contributions of `query`'s postings into a reused buffer; returns the touched documents. */
  private accumulate(query: Map<number, number>, newest = Infinity): { scores: Float64Array; docs: Int32Array } {
    const k1 = this.params.k1;
    if (this.scoreBuffer.length < this.vectors.length) {
      this.scoreBuffer = new Float64Array(Math.max(1024, this.vectors.length * 2));
      this.touched = new Int32Array(this.scoreBuffer.length);
    }
    const scores = this.scoreBuffer;
    const touched = this.touched;
    // The hottest loop of a recluster: `tfTilde` inlined with the averages hoisted (the same arithmetic, in the
    // same order, so the same scores to the last bit).
    const { bTitle, bBody, titleWeight } = this.params;
    const n = Math.max(1, this.vectors.length);
    const avgTitle = this.titleLengthSum / n || 1;
    const avgBody = this.bodyLengthSum / n || 1;
    const titleLengths = this.rawTitleLength;
    const bodyLengths = this.rawBodyLength;
    let count = 0;
    for (const [id, w] of query) {
      const list = this.postings[id];
      const docs = list.docs;
      const titleTfs = list.titleTf;
      const bodyTfs = list.bodyTf;
      for (let i = Math.max(0, list.length - newest); i < list.length; i += 1) {
        const doc = docs[i];
        const t = titleTfs[i] / (1 - bTitle + (bTitle * titleLengths[doc]) / avgTitle);
        const b = bodyTfs[i] / (1 - bBody + (bBody * bodyLengths[doc]) / avgBody);
        const tf = titleWeight * t + b;
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

  private searchWeights(query: Map<number, number>, limit: number, exclude?: (doc: number) => boolean): Neighbour[] {
    return this.collect(this.accumulate(query), limit, exclude);
  }
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
