// What the read-path visibility check (decision 0037: public hits re-checked against the database, one statement per
// page) adds to a public search, cache off: the 200 held-out titles of bench:search through the engine straight on
// PostgreSQL (locale en, all facets, page size 10), each followed by `SearchVisibility.stillPublic` on its hits, over
// one connection; one warm-up pass, then one measured pass. Prints wall time and PostgreSQL backend CPU of each part
// and writes bench/results/search-visibility.{json,md}.
//   npm run build && node bench/search-visibility-cost.mjs   (BENCH_DATABASE=<url>, a database of npm run bench:generate
//   indexed by bench:search or `npm run cli -- reindex`)
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import pg from 'pg';
import { environment, markdownTable, round, writeResults } from './lib.mjs';
import { heldOutTitles } from './search-queries.mjs';

const require = createRequire(import.meta.url);
const { PostgresSearchEngine } = require('../dist/search/postgres/postgres-engine.js');
const { SearchVisibility } = require('../dist/src/search/search-visibility.js');
const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_kb';

/** utime + stime of a process, in ms (clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: '-c jit=off' });
const { rows: [{ documents }] } = await pool.query('SELECT count(*)::int AS documents FROM search_documents');
if (documents < 1000) throw new Error(`Only ${documents} indexed documents in ${DATABASE_URL}: run npm run bench:generate, then npm run cli -- reindex`);
const engine = new PostgresSearchEngine(pool, { locales: ['en', 'de'] });
// SearchVisibility only calls `query(sql, parameters)` on its TypeORM DataSource; the pool answers the same rows.
const visibility = new SearchVisibility({ query: async (sql, parameters) => (await pool.query(sql, parameters)).rows });
const queries = heldOutTitles();
const search = (text) =>
  engine.search({ text, audience: 'public', filters: { locales: ['en'] }, facets: ['category', 'product', 'tag', 'locale', 'kind'], offset: 0, limit: 10, matching: 'all', highlight: { preTag: '<em>', postTag: '</em>' } });

for (const text of queries) await visibility.stillPublic((await search(text)).hits);
const { rows: [{ pid }] } = await pool.query('SELECT pg_backend_pid() AS pid');
const engineTimes = [];
const checkTimes = [];
let engineCpu = 0;
let checkCpu = 0;
let hits = 0;
let kept = 0;
for (const text of queries) {
  let cpu = cpuMs(pid);
  let started = performance.now();
  const result = await search(text);
  engineTimes.push(performance.now() - started);
  engineCpu += cpuMs(pid) - cpu;
  cpu = cpuMs(pid);
  started = performance.now();
  const visible = await visibility.stillPublic(result.hits);
  checkTimes.push(performance.now() - started);
  checkCpu += cpuMs(pid) - cpu;
  hits += result.hits.length;
  kept += visible.length;
}
await pool.end();

const summary = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p) => round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))], 2);
  return { mean: round(times.reduce((a, b) => a + b, 0) / times.length, 2), p50: at(0.5), p95: at(0.95) };
};
const results = {
  environment: environment(),
  loadAverage: os.loadavg().map((n) => round(n, 1)),
  documents,
  queries: queries.length,
  hitsChecked: hits,
  hitsKept: kept,
  engine: { ...summary(engineTimes), backendCpuMsPerQuery: round(engineCpu / queries.length, 2) },
  visibilityCheck: { ...summary(checkTimes), backendCpuMsPerQuery: round(checkCpu / queries.length, 2) },
};
results.checkShareOfMean = round(results.visibilityCheck.mean / (results.engine.mean + results.visibilityCheck.mean), 3);

const row = (label, f) => [label, `${f.mean}`, `${f.p50}`, `${f.p95}`, `${f.backendCpuMsPerQuery}`];
const table = markdownTable(['part (1 connection, cache off)', 'mean ms', 'p50 ms', 'p95 ms', 'PostgreSQL CPU ms/query'], [
  row('engine.search (the search statement and its enrichment)', results.engine),
  row('SearchVisibility.stillPublic (the read-path check)', results.visibilityCheck),
]);
const markdown = `# Search: cost of the read-path visibility check\n\n\`node bench/search-visibility-cost.mjs\`, ${results.environment.date}, load average ${results.loadAverage.join(' / ')}, ${documents} indexed documents, ${queries.length} held-out titles, ${hits} hits checked (${kept} kept).\n\n${table}\n\nThe check is ${round(results.checkShareOfMean * 100, 1)} % of the mean time of the two.\n`;
writeResults('search-visibility', results, markdown);
console.log(markdown);
