// Garbage collection per cold request (issue 10): starts this build with caches off under --trace-gc with each of
// the given semi-space settings (MB; 0: the production start's own, see productionNodeFlags; 16: V8's default on 64-bit), sends the same number of article requests (50 connections) to each in turn, and
// prints scavenges and mark-compacts per 1,000 requests and their summed pause time. Pause times grow with machine
// load; the counts do not.
//   npm run build && BENCH_REQUESTS=20000 BENCH_SEMI_SPACES="16 64" node bench/gc-trace.mjs
//   (BENCH_CACHE_ENTRIES: the servers' DELIVERY_CACHE_ENTRIES, default 0; with a cache the warm-up is 20,000 requests instead of 3,000)
import autocannon from 'autocannon';
import pg from 'pg';
import { ARTICLE_QUERY, CONNECTIONS, startApp, stopChild } from './lib.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_kb';
const REQUESTS = Number(process.env.BENCH_REQUESTS) || 20_000;
const CACHE_ENTRIES = process.env.BENCH_CACHE_ENTRIES ?? '0';
const SEMI_SPACES = (process.env.BENCH_SEMI_SPACES ?? '16 64').split(' ').map(Number);

const db = new pg.Client({ connectionString: DATABASE_URL });
await db.connect();
const slugs = (await db.query(`SELECT slug FROM article_locales WHERE locale = 'en' AND status = 'published'`)).rows.map((r) => r.slug);
await db.end();
const run = (opts) => new Promise((resolve, reject) => autocannon(opts, (error, result) => (error ? reject(error) : resolve(result))));
const body = () => JSON.stringify({ query: ARTICLE_QUERY, variables: { slug: slugs[Math.floor(Math.random() * slugs.length)], locale: 'en' } });

for (const semi of SEMI_SPACES) {
  const flags = ['--trace-gc', ...(semi > 0 ? [`--max-semi-space-size=${semi}`] : [])];
  const app = await startApp(DATABASE_URL, { DELIVERY_CACHE_ENTRIES: CACHE_ENTRIES }, undefined, flags);
  let trace = '';
  app.child.stdout.on('data', (d) => (trace += d));
  const opts = { url: `${app.url}/graphql`, method: 'POST', headers: { 'content-type': 'application/json' }, connections: CONNECTIONS, requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }] };
  await run({ ...opts, amount: CACHE_ENTRIES === '0' ? 3000 : 20000 });
  trace = '';
  const result = await run({ ...opts, amount: REQUESTS });
  const lines = trace.split('\n');
  const pause = (kind) => lines.filter((l) => l.includes(kind)).map((l) => Number(/MB, ([\d.]+) \//.exec(l)?.[1] ?? 0));
  const scavenges = pause('Scavenge');
  const marks = pause('Mark-Compact');
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  const per1k = (n) => ((n * 1000) / REQUESTS).toFixed(2);
  console.log(`semi-space ${semi ? `${semi} MB` : 'as in start:prod'}: ${result.requests.average.toFixed(0)} req/s; per 1,000 requests: ${per1k(scavenges.length)} scavenges (${per1k(sum(scavenges))} ms), ${per1k(marks.length)} mark-compacts (${per1k(sum(marks))} ms); non-2xx ${result.non2xx}`);
  await stopChild(app.child);
}
