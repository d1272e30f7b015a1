// CPU profile of the built server under the forum pages' load, caches off (issue 12):
//   node bench/forum-profile.mjs thread|board|article|category   (article, category: the knowledge base's pages on evergreen_bench_kb; BENCH_DATABASE=<url>, BENCH_DURATION=<s, default 8>,
//                                               BENCH_CONNECTIONS=<default 50>, BENCH_PROFILE_DIR=<default tmp/profiles>,
//                                               BENCH_MAIN=<main.js, default this build>, BENCH_WARMUP=<s, default 2>,
//                                               BENCH_CACHE_ENTRIES=<delivery cache size, default 0: caches off>)
// Starts the server with bench/cpu-profile-preload.cjs, loads it with autocannon (the pages of forum.bench.mjs), stops it, and prints
// the heaviest functions by self time and the heaviest files/packages, from the .cpuprofile it wrote.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { ARTICLE_QUERY, CATEGORY_QUERY, MAIN, ROOT, round, sleep, startApp, stopChild } from './lib.mjs';
import { BOARD_QUERY, THREAD_QUERY } from './forum-queries.mjs';

const page = process.argv[2] ?? 'thread';
const DATABASE_URL = process.env.BENCH_DATABASE ?? `postgres://postgres@127.0.0.1:5432/${page === 'article' || page === 'category' ? 'evergreen_bench_kb' : 'evergreen_bench_forum'}`;
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DIR = path.resolve(process.env.BENCH_PROFILE_DIR ?? path.join(ROOT, 'tmp/profiles'));

mkdirSync(DIR, { recursive: true });
const db = new pg.Client({ connectionString: DATABASE_URL });
await db.connect();
const pick = (list) => list[Math.floor(Math.random() * list.length)];
let makeBody;
if (page === 'article') {
  const slugs = (await db.query(`SELECT slug FROM article_locales WHERE locale = 'en' AND status = 'published'`)).rows.map((r) => r.slug);
  makeBody = () => ({ query: ARTICLE_QUERY, variables: { slug: pick(slugs), locale: 'en' } });
} else if (page === 'category') {
  const categories = (await db.query('SELECT id FROM categories')).rows.map((r) => r.id);
  makeBody = () => ({ query: CATEGORY_QUERY, variables: { categoryId: pick(categories) } });
} else if (page === 'board') {
  const boards = (await db.query(`SELECT slug FROM boards WHERE moderation_policy = 'open'`)).rows.map((r) => r.slug);
  makeBody = () => ({ query: BOARD_QUERY, variables: { board: pick(boards) } });
} else {
  const slugs = (await db.query(`SELECT slug FROM threads WHERE status = 'visible' AND reply_count > 0 ORDER BY random() LIMIT 2000`)).rows.map((r) => r.slug);
  makeBody = () => ({ query: THREAD_QUERY, variables: { slug: pick(slugs) } });
}
await db.end();

const file = path.join(DIR, `${page}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
const app = await startApp(DATABASE_URL, { DELIVERY_CACHE_ENTRIES: process.env.BENCH_CACHE_ENTRIES ?? '0', SEARCH_WORKER: 'false', SEARCH_SEMANTIC_RERANK: 'false', CPU_PROFILE_FILE: file }, process.env.BENCH_MAIN || MAIN, [
  '--require',
  path.join(ROOT, 'bench/cpu-profile-preload.cjs'),
]);
const run = (duration) =>
  new Promise((resolve, reject) =>
    autocannon(
      {
        url: `${app.url}/graphql`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        connections: CONNECTIONS,
        duration,
        requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify(makeBody()) }) }],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );
try {
  await run(Number(process.env.BENCH_WARMUP ?? 2));
  process.kill(app.child.pid, 'SIGUSR2'); // restart the sampling: the profile covers the measured load only
  for (let i = 0; i < 100 && !existsSync(file); i += 1) await sleep(100);
  rmSync(file, { force: true });
  const r = await run(DURATION);
  process.kill(app.child.pid, 'SIGUSR2');
  for (let i = 0; i < 100 && !existsSync(file); i += 1) await sleep(100);
  await sleep(500);
  console.log(`${page} page: ${round(r.requests.total / DURATION, 0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors}, non2xx ${r.non2xx}`);
} finally {
  await stopChild(app.child);
}
console.log(execSync('uptime').toString().trim());

console.log(`profile: ${file}`);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map();
const deltas = profile.timeDeltas;
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0)));
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const where = (n) => {
  const url = n.callFrame.url || '';
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  if (url.includes('/dist/src/')) return `app:${url.split('/dist/src/')[1]}`;
  if (url.startsWith('node:')) return url;
  return url || '(native)';
};
const fns = new Map();
const files = new Map();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  const key = `${n.callFrame.functionName || '(anonymous)'} ${where(n)}:${n.callFrame.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  const w = where(n);
  files.set(w, (files.get(w) ?? 0) + us);
}
const top = (map, n) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
console.log(`\nself time by package/file (total ${round(total / 1000, 0)} ms sampled):`);
for (const [k, us] of top(files, 25)) console.log(`${round((100 * us) / total, 1)}%\t${k}`);
console.log('\nheaviest functions (self):');
for (const [k, us] of top(fns, 40)) console.log(`${round((100 * us) / total, 1)}%\t${k}`);
