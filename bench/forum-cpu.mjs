// Server CPU per forum page, one request at a time (no queueing, so a loaded machine inflates it least):
//   node bench/forum-cpu.mjs   (BENCH_DATABASE=<url>, BENCH_REQUESTS=<per server and round, default 200>, BENCH_ROUNDS=<default 3>,
//                               BENCH_BASELINE_MAIN=<main.js of a build of earlier code, optional>)
// Servers: this build with caches off and on, and the baseline build (caches off) when given; they take turns, round
// by round, on the thread page and the board page of forum.bench.mjs. CPU = user + system time of the server
// process (/proc/<pid>/stat) over the requests; latency p50 as the client sees it.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { BOARD_QUERY, THREAD_QUERY } from './forum-queries.mjs';
import { round, startApp, stopChild } from './lib.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_forum';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BASELINE_MAIN = process.env.BENCH_BASELINE_MAIN || null;
const TICKS = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS;
};
const db = new pg.Client({ connectionString: DATABASE_URL });
await db.connect();
const slugs = (await db.query(`SELECT slug FROM threads WHERE status = 'visible' AND reply_count > 0 ORDER BY random() LIMIT 2000`)).rows.map((r) => r.slug);
const boards = (await db.query(`SELECT slug FROM boards WHERE moderation_policy = 'open'`)).rows.map((r) => r.slug);
await db.end();
const servers = [
  { label: 'this build, caches off', app: await startApp(DATABASE_URL, { DELIVERY_CACHE_ENTRIES: '0', SEARCH_WORKER: 'false', SEARCH_SEMANTIC_RERANK: 'false' }) },
  { label: 'this build, caches on', app: await startApp(DATABASE_URL, { SEARCH_WORKER: 'false', SEARCH_SEMANTIC_RERANK: 'false' }) },
  ...(BASELINE_MAIN ? [{ label: 'baseline build, caches off', app: await startApp(DATABASE_URL, { DELIVERY_CACHE_ENTRIES: '0', SEARCH_WORKER: 'false', SEARCH_SEMANTIC_RERANK: 'false' }, BASELINE_MAIN) }] : []),
];
const pages = [
  ['thread page', (i) => ({ query: THREAD_QUERY, variables: { slug: slugs[i % slugs.length] } })],
  ['board page', (i) => ({ query: BOARD_QUERY, variables: { board: boards[i % boards.length] } })],
];
const results = {};
try {
  for (let r = 0; r < ROUNDS + 1; r += 1) {
    for (const [page, body] of pages) {
      for (let k = 0; k < servers.length; k += 1) {
        const server = servers[(k + r) % servers.length];
        const times = [];
        const before = cpuMs(server.app.child.pid);
        for (let i = 0; i < REQUESTS; i += 1) {
          const started = process.hrtime.bigint();
          const res = await fetch(`${server.app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body(r * REQUESTS + i)) });
          const text = await res.text();
          if (!res.ok || text.includes('"errors"')) throw new Error(`${server.label}: ${text.slice(0, 300)}`);
          times.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
        const cpu = (cpuMs(server.app.child.pid) - before) / REQUESTS;
        if (r === 0) continue; // warm-up round (graphql-jit compiles, plans are prepared)
        times.sort((a, b) => a - b);
        const key = `${page}: ${server.label}`;
        (results[key] ??= []).push({ cpu, p50: times[Math.floor(times.length / 2)] });
      }
    }
  }
} finally {
  for (const server of servers) await stopChild(server.app.child);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${REQUESTS} requests per server and round, ${ROUNDS} rounds (medians of the rounds); ${execSync('uptime').toString().trim()}`);
for (const [key, list] of Object.entries(results)) {
  console.log(`${key}: server CPU ${round(median(list.map((x) => x.cpu)), 2)} ms/request, p50 ${round(median(list.map((x) => x.p50)), 2)} ms`);
}
