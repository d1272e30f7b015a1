// Recurring-question clustering at forum scale (issue 13): 200,000 threads built from the real text in
// ../shared/eval (dup-questions titles and bodies, stale-docs article paragraphs), then
//   A. the clustering engine in memory (SimilarityIndex + chooseCluster): a full recluster (index build +
//      join-or-start replay of every thread) and single adds on the full index;
//   B. the product path over PostgreSQL (RecurringQuestionsService), when DATABASE_URL is set: bulk import,
//      `recluster` of the scope (reads, clusters, writes 200,000 rows), then `addQuestion` one at a time.
// Run: npm run bench:recurring  (BENCH_THREADS=… to change the size). Results: bench/results/recurring.{json,md}.
import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { environment, ROOT } from './lib.mjs';

const require = createRequire(import.meta.url);
const dist = (p) => require(path.join(ROOT, 'dist', p));
// BENCH_ENGINE_MODULE: another build of similarity-index.js (e.g. the previous version, to compare speed and clustering hash).
const { SimilarityIndex } = process.env.BENCH_ENGINE_MODULE ? require(path.resolve(process.env.BENCH_ENGINE_MODULE)) : dist('src/staleness/recurring/similarity-index.js');
const { chooseCluster, DEFAULT_CLUSTERING_PARAMS } = dist('src/staleness/recurring/incremental-clustering.js');
const { RecurringQuestionsService } = dist('src/staleness/recurring/recurring-questions.service.js');
const { dataSourceOptions } = dist('src/database/data-source.js');
const { runMigrations } = dist('src/database/prepare-database.js');
const { DataSource } = require('typeorm');

const THREADS = Number(process.env.BENCH_THREADS ?? 200_000);
const SINGLE_ADDS = 1000;
// BENCH_EVAL_DIR: the shared evaluation data when this checkout is not next to it (a worktree elsewhere).
const EVAL = process.env.BENCH_EVAL_DIR ?? path.join(ROOT, '../shared/eval');

// ---- real text ------------------------------------------------------------------------------------
const readLines = (f) => fs.readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const questions = readLines(path.join(EVAL, 'dup-questions/questions.jsonl'));
const sentences = [];
for (const q of questions) for (const s of q.body.split(/(?<=[.!?])\s+|\n+/)) if (s.length > 20 && s.length < 400) sentences.push(s);
const articlesFile = path.join(EVAL, 'stale-docs/articles.jsonl');
if (fs.existsSync(articlesFile)) {
  for (const a of readLines(articlesFile)) {
    const text = Object.values(a).filter((v) => typeof v === 'string' && v.length > 200).join('\n');
    for (const s of text.split(/(?<=[.!?])\s+|\n+/)) if (s.length > 20 && s.length < 400 && !s.includes('```')) sentences.push(s);
  }
}
const titles = questions.map((q) => q.title);

/** Deterministic PRNG (mulberry32). */
function rng(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(13);
const pick = (list) => list[Math.floor(random() * list.length)];
/** A thread: a real title (a word from another title mixed in) and 2–5 real sentences from anywhere. */
function thread(i) {
  const words = pick(titles).split(' ');
  const other = pick(titles).split(' ');
  words.splice(Math.floor(random() * words.length), 0, pick(other));
  const body = Array.from({ length: 2 + Math.floor(random() * 4) }, () => pick(sentences)).join(' ');
  return { title: words.join(' '), question: body, authorId: `u${Math.floor(random() * THREADS / 4)}`, createdAt: new Date(Date.UTC(2026, 0, 1) + i * 20_000) };
}
const threads = Array.from({ length: THREADS }, (_, i) => thread(i));
const threadsFor = (n) => Array.from({ length: n }, (_, i) => thread(THREADS + i));

// ---- measuring ------------------------------------------------------------------------------------
function memorySampler() {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      return { baseMB: Math.round(base / 2 ** 20), peakMB: Math.round(peak / 2 ** 20), growthMB: Math.round((peak - base) / 2 ** 20) };
    },
  };
}
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const latencies = (ms) => {
  const s = [...ms].sort((a, b) => a - b);
  return { n: s.length, p50: +quantile(s, 0.5).toFixed(2), p95: +quantile(s, 0.95).toFixed(2), p99: +quantile(s, 0.99).toFixed(2), max: +s[s.length - 1].toFixed(2) };
};
const yieldToTimers = () => new Promise((r) => setImmediate(r));

// ---- A. engine in memory ----------------------------------------------------------------------------
async function engine() {
  const mem = memorySampler();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const index = new SimilarityIndex();
  const clusterOf = [];
  const size = new Map();
  let clusters = 0;
  const assign = (doc) => {
    const neighbours = index.similarDocs(doc, DEFAULT_CLUSTERING_PARAMS.candidates);
    const choice = chooseCluster(neighbours, (d) => clusterOf[d], (c) => size.get(c) ?? 1, DEFAULT_CLUSTERING_PARAMS);
    const c = choice ? choice.cluster : clusters++;
    clusterOf[doc] = c;
    size.set(c, (size.get(c) ?? 0) + 1);
  };
  for (const [i, t] of threads.entries()) {
    assign(index.add(t));
    if (i % 5000 === 0) await yieldToTimers();
  }
  const reclusterMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const memory = mem.stop();
  // Which clusters resulted, as one hash (cluster numbers are given in order, so equal hashes = equal clusterings):
  // a faster engine must give the same hash as the one before it for the same BENCH_THREADS.
  const clusteringHash = createHash('sha1').update(Buffer.from(Int32Array.from(clusterOf).buffer)).digest('hex').slice(0, 16);
  const adds = [];
  const addsCpu = process.cpuUsage();
  for (const t of threadsFor(SINGLE_ADDS)) {
    const s = performance.now();
    assign(index.add(t));
    adds.push(performance.now() - s);
  }
  const addCpu = process.cpuUsage(addsCpu);
  return {
    reclusterSeconds: +(reclusterMs / 1000).toFixed(1),
    reclusterCpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1),
    clusters,
    clusteringHash,
    memory,
    addOne: latencies(adds),
    addOneCpuMeanMs: +((addCpu.user + addCpu.system) / 1000 / SINGLE_ADDS).toFixed(2),
  };
}

// ---- B. service over PostgreSQL -------------------------------------------------------------------------
async function service() {
  const server = process.env.DATABASE_URL;
  if (!server) return { skipped: 'DATABASE_URL is not set' };
  const name = `evergreen_benchrq_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  try {
    await runMigrations(url.toString());
    const dataSource = await new DataSource(dataSourceOptions(url.toString(), 4)).initialize();
    try {
      const svc = new RecurringQuestionsService(dataSource, { windowDays: 3650 });
      const scope = 'bench';
      let t = performance.now();
      await svc.importQuestions(threads.map((x, i) => ({ ...x, scope, sourceId: `t${i}` })));
      const importSeconds = +((performance.now() - t) / 1000).toFixed(1);
      const mem = memorySampler();
      const cpu0 = process.cpuUsage();
      t = performance.now();
      const result = await svc.recluster(scope, new Date(Date.UTC(2026, 11, 31)));
      const reclusterSeconds = +((performance.now() - t) / 1000).toFixed(1);
      const cpu = process.cpuUsage(cpu0);
      const reclusterCpuSeconds = +((cpu.user + cpu.system) / 1e6).toFixed(1);
      const memory = mem.stop();
      // The service's clustering as one hash (clusters numbered in order of their first member): equal hashes, equal clusters.
      const number = new Map();
      const assigned = (await dataSource.query(`SELECT cluster_id FROM recurring_questions WHERE scope = $1 ORDER BY created_at, seq`, [scope])).map(
        (r) => (number.has(r.cluster_id) ? number.get(r.cluster_id) : (number.set(r.cluster_id, number.size), number.size - 1)),
      );
      const clusteringHash = createHash('sha1').update(Buffer.from(Int32Array.from(assigned).buffer)).digest('hex').slice(0, 16);
      const adds = [];
      for (const [i, x] of threadsFor(200).entries()) {
        const s = performance.now();
        await svc.addQuestion({ ...x, scope, sourceId: `n${i}` });
        adds.push(performance.now() - s);
      }
      // A fresh instance (another API process): its first add loads the scope's index from PostgreSQL.
      const fresh = new RecurringQuestionsService(dataSource, { windowDays: 3650 });
      t = performance.now();
      await fresh.addQuestion({ ...threadsFor(1)[0], scope, sourceId: 'cold' });
      const coldStartSeconds = +((performance.now() - t) / 1000).toFixed(1);
      return { importSeconds, reclusterSeconds, reclusterCpuSeconds, clusters: result.clusters, clusteringHash, memory, addOne: latencies(adds), coldStartSeconds };
    } finally {
      await dataSource.destroy();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

const env = environment();
process.stderr.write(`${THREADS} threads generated from ${titles.length} titles and ${sentences.length} sentences\n`);
// BENCH_PARTS=engine or service runs one part only (default: both).
const parts = process.env.BENCH_PARTS ?? 'engine,service';
const a = parts.includes('engine') ? await engine() : null;
process.stderr.write(`engine: ${JSON.stringify(a)}\n`);
global.gc?.();
const b = parts.includes('service') ? await service() : { skipped: 'BENCH_PARTS' };
process.stderr.write(`service: ${JSON.stringify(b)}\n`);
const results = { environment: env, loadAverage: os.loadavg(), threads: THREADS, sources: { titles: titles.length, sentences: sentences.length }, engine: a, service: b };
fs.mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
const suffix = process.env.BENCH_RESULTS_SUFFIX ?? '';
fs.writeFileSync(path.join(ROOT, `bench/results/recurring${suffix}.json`), JSON.stringify(results, null, 2) + '\n');
const md = [
  `# Recurring-question clustering, ${THREADS.toLocaleString('en')} threads`,
  '',
  `${env.date}, Node ${env.node}, ${env.cpuCount} CPUs shared with other work while measured (load average ${os.loadavg()[0].toFixed(1)} at the end): wall times include waiting for a CPU, CPU times do not. Command: \`npm run bench:recurring\`.`,
  '',
  '| what | figure | target |',
  '| --- | --- | --- |',
  ...(a ? [] : ['| engine | skipped (BENCH_PARTS) | |']),
  ...(!a ? [] : [`| engine: full recluster (index build + join-or-start replay) | ${a.reclusterSeconds} s wall (${a.reclusterCpuSeconds} s CPU), RSS peak ${a.memory.peakMB} MB (+${a.memory.growthMB} MB) | < 60 s, < 1 GB |`,
  `| engine: add one thread (p50 / p95 / max of ${a.addOne.n} wall; mean CPU) | ${a.addOne.p50} / ${a.addOne.p95} / ${a.addOne.max} ms; ${a.addOneCpuMeanMs} ms | < 20 ms |`]),
  ...(b.skipped
    ? [`| service over PostgreSQL | skipped: ${b.skipped} | |`]
    : [
        `| service: bulk import (not part of a recluster) | ${b.importSeconds} s | |`,
        `| service: \`recluster\` (read, cluster, write all rows) | ${b.reclusterSeconds} s wall (${b.reclusterCpuSeconds} s CPU in Node), RSS peak ${b.memory.peakMB} MB (+${b.memory.growthMB} MB) | < 60 s, < 1 GB |`,
        `| service: \`addQuestion\` (p50 / p95 / max of ${b.addOne.n}, one transaction each) | ${b.addOne.p50} / ${b.addOne.p95} / ${b.addOne.max} ms | < 20 ms |`,
        `| service: first add on a fresh instance (loads the index from PostgreSQL) | ${b.coldStartSeconds} s | |`,
      ]),
  '',
  `Clusters: ${a ? `engine ${a.clusters} (clustering hash ${a.clusteringHash})` : ''}${b.clusters ? ` service ${b.clusters} (clustering hash ${b.clusteringHash})` : ''}.`,
  '',
].join('\n');
fs.writeFileSync(path.join(ROOT, `bench/results/recurring${suffix}.md`), md);
process.stdout.write(md);
