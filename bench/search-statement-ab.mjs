// Side-by-side CPU of the PostgreSQL engine's search statement in two (or more) builds, robust to machine load:
// each build first answers the 200 held-out titles of bench:search (locale en, all facets, page size 10) on its own
// connection while its main statement (the one with the candidates) is recorded; then the recorded statements are
// replayed interleaved (query by query, alternating which build goes first) and the backend CPU of each connection
// is read from /proc (same machine only). Prints CPU and wall time per statement for each build.
//   node bench/search-statement-ab.mjs <dist folder A> <dist folder B>   (e.g. dist of a checkout of the base commit
//   and ./dist; BENCH_DATABASE=<url>, N=<queries, default 200>, ROUNDS=<replays, default 1>)
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import pg from 'pg';
import { heldOutTitles } from './search-queries.mjs';

const require = createRequire(import.meta.url);
const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_kb';
const ROUNDS = Number(process.env.ROUNDS ?? 1);
const titles = heldOutTitles().slice(0, Number(process.env.N ?? 200));

/** utime + stime of a process, in ms (clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const builds = [];
for (const dist of process.argv.slice(2)) {
  const { PostgresSearchEngine } = require(path.resolve(dist, 'search/postgres/postgres-engine.js'));
  const client = new pg.Client({ connectionString: DATABASE_URL, options: '-c jit=off -c synchronize_seqscans=off' });
  await client.connect();
  const statements = [];
  const db = {
    query: (text, values) => {
      if (text.includes('candidates AS MATERIALIZED')) statements.push({ text, values });
      return client.query(text, values);
    },
  };
  const engine = new PostgresSearchEngine(db, { locales: ['en', 'de'] });
  for (const text of titles) {
    await engine.search({ text, audience: 'public', filters: { locales: ['en'] }, facets: ['category', 'product', 'tag', 'locale', 'kind'], offset: 0, limit: 10, matching: 'all', highlight: { preTag: '<em>', postTag: '</em>' } });
  }
  const { rows: [{ pid }] } = await client.query('SELECT pg_backend_pid() AS pid');
  builds.push({ dist, client, statements, pid, cpu: 0, wall: 0, count: 0 });
}
for (let round = 0; round < ROUNDS; round += 1) {
  const longest = Math.max(...builds.map((b) => b.statements.length));
  for (let i = 0; i < longest; i += 1) {
    for (const build of (i + round) % 2 ? builds : [...builds].reverse()) {
      const statement = build.statements[i];
      if (!statement) continue;
      const cpuBefore = cpuMs(build.pid);
      const started = performance.now();
      await build.client.query(statement.text, statement.values);
      build.wall += performance.now() - started;
      build.cpu += cpuMs(build.pid) - cpuBefore;
      build.count += 1;
    }
  }
}
for (const build of builds) {
  console.log(`${build.dist}: ${build.statements.length} statements per pass, PostgreSQL backend CPU ${(build.cpu / build.count).toFixed(1)} ms, wall ${(build.wall / build.count).toFixed(1)} ms per statement`);
  await build.client.end();
}
