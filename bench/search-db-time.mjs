// Database time of the search statement, less sensitive to machine load than the HTTP latency of bench:search:
// the engine straight on PostgreSQL (no HTTP, no GraphQL, result cache irrelevant) over one connection, the 200
// held-out titles of bench:search (locale en, all facets, page size 10), one warm-up pass then one measured pass;
// prints wall time per query and the PostgreSQL backend's CPU time per query (from /proc: same machine only).
//   npm run build && node bench/search-db-time.mjs   (BENCH_DATABASE=<url>; ENGINE_DIST=<built postgres-engine.js>
//   to measure another build, e.g. a checkout of the base commit)
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import pg from 'pg';
import { heldOutTitles } from './search-queries.mjs';

const require = createRequire(import.meta.url);
const { PostgresSearchEngine } = require(process.env.ENGINE_DIST ?? '../dist/search/postgres/postgres-engine.js');
const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_kb';

/** utime + stime of a process, in ms (clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: '-c jit=off' });
const engine = new PostgresSearchEngine(pool, { locales: ['en', 'de'] });
const queries = heldOutTitles();
const search = (text) =>
  engine.search({ text, audience: 'public', filters: { locales: ['en'] }, facets: ['category', 'product', 'tag', 'locale', 'kind'], offset: 0, limit: 10, matching: 'all', highlight: { preTag: '<em>', postTag: '</em>' } });
for (const text of queries) await search(text);
const { rows: [{ pid }] } = await pool.query('SELECT pg_backend_pid() AS pid');
const cpuBefore = cpuMs(pid);
const times = [];
for (const text of queries) {
  const started = performance.now();
  await search(text);
  times.push(performance.now() - started);
}
const cpu = (cpuMs(pid) - cpuBefore) / queries.length;
times.sort((a, b) => a - b);
const at = (p) => times[Math.min(times.length - 1, Math.floor(times.length * p))].toFixed(1);
console.log(`engine.search, 1 connection, ${queries.length} queries: mean ${(times.reduce((a, b) => a + b, 0) / times.length).toFixed(1)} ms, p50 ${at(0.5)} ms, p95 ${at(0.95)} ms; PostgreSQL backend CPU ${cpu.toFixed(1)} ms per query`);
await pool.end();
