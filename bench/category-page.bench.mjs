// The cold category page, before and after a change, side by side (issue 10): caches off, 50 connections.
//   npm run build && BENCH_BASELINE=<checkout of the earlier commit, built> node bench/category-page.bench.mjs
//   BENCH_PAGE=article: the cold article page instead (`article(slug)` as in delivery.bench.mjs, a random slug of all
//   published English ones), written to bench/results/article-page.{md,json}
//   (BENCH_DURATION=<s per variant and round>, BENCH_ROUNDS=<n>, BENCH_DATABASE=<url>, BENCH_NODE_ARGS and
//   BENCH_BASELINE_NODE_ARGS: Node flags of each server, BENCH_PROFILE=1: a
//   --cpu-prof profile of this checkout's server, written to the temp directory as category-page.cpuprofile;
//   BENCH_CACHE_ENTRIES and BENCH_BASELINE_CACHE_ENTRIES: each server's DELIVERY_CACHE_ENTRIES, default 0 (caches off);
//   a server with a cache is first sent 20,000 random requests, as a long-running one would have been)
// Two servers (this build and, with BENCH_BASELINE, the baseline's) run on the same database and are measured
// interleaved round by round, so machine noise hits both alike. Per variant: req/s, p50/p99, and CPU time per
// page of the server process and of its PostgreSQL backends (the server's connections found with `ss`, matched
// with pg_stat_activity.client_port), read from /proc: the figures least disturbed by other load on the machine.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { ARTICLE_QUERY, CATEGORY_QUERY, CONNECTIONS, MAIN, environment, markdownTable, postJson, processCpuMs, round, startApp, stopChild, waitUntilIdle, writeResults } from './lib.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_kb';
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS) || 3);
const SECONDS = Math.max(2, Number(process.env.BENCH_DURATION) || 5);
const BASELINE = process.env.BENCH_BASELINE ? path.join(path.resolve(process.env.BENCH_BASELINE), 'dist/src/main.js') : null;
const ARTICLE_PAGE = process.env.BENCH_PAGE === 'article';
const PAGE = ARTICLE_PAGE ? 'article-page' : 'category-page';

function run(opts) {
  return new Promise((resolve, reject) => autocannon(opts, (error, result) => (error ? reject(error) : resolve(result))));
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

async function main() {
  if (!fs.existsSync(MAIN)) throw new Error('Build first: npm run build');
  if (BASELINE && !fs.existsSync(BASELINE)) throw new Error(`No build at ${BASELINE}`);
  const env = environment();
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  const categories = (await db.query('SELECT id FROM categories ORDER BY id')).rows.map((r) => r.id);
  const [{ articles }] = (await db.query(`SELECT count(*)::int AS articles FROM articles`)).rows;
  const slugs = ARTICLE_PAGE ? (await db.query(`SELECT slug FROM article_locales WHERE locale = 'en' AND status = 'published'`)).rows.map((r) => r.slug) : [];
  /** PostgreSQL backends serving a process: its connections' local ports (ss) matched with pg_stat_activity.client_port. */
  const backends = async (pid) => {
    const ports = execFileSync('ss', ['-tnpH', 'state', 'established', '( dport = :5432 )'], { encoding: 'utf8' })
      .split('\n').filter((line) => line.includes(`pid=${pid},`)).map((line) => Number(/:(\d+)\s+\S+:5432\b/.exec(line)?.[1])).filter(Boolean);
    return (await db.query(`SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[])`, [ports])).rows.map((r) => r.pid);
  };

  const variants = [];
  const profileDir = os.tmpdir();
  if (BASELINE) variants.push({ key: 'before', label: `baseline (${process.env.BENCH_BASELINE}${process.env.BENCH_BASELINE_NODE_ARGS ? `, ${process.env.BENCH_BASELINE_NODE_ARGS}` : ''})`, main: BASELINE, rounds: [], cacheEntries: process.env.BENCH_BASELINE_CACHE_ENTRIES ?? '0' });
  variants.push({ key: 'after', label: `this build${process.env.BENCH_NODE_ARGS ? ` (${process.env.BENCH_NODE_ARGS})` : ''}`, main: MAIN, rounds: [], profile: process.env.BENCH_PROFILE === '1', cacheEntries: process.env.BENCH_CACHE_ENTRIES ?? '0' });
  for (const v of variants) if (v.cacheEntries !== '0') v.label += `, DELIVERY_CACHE_ENTRIES=${v.cacheEntries}`;
  const body = () =>
    ARTICLE_PAGE
      ? JSON.stringify({ query: ARTICLE_QUERY, variables: { slug: slugs[Math.floor(Math.random() * slugs.length)], locale: 'en' } })
      : JSON.stringify({ query: CATEGORY_QUERY, variables: { categoryId: categories[Math.floor(Math.random() * categories.length)] } });
  try {
    for (const v of variants) {
      const extra = { DELIVERY_CACHE_ENTRIES: v.cacheEntries };
      const flags = (v.key === 'before' ? process.env.BENCH_BASELINE_NODE_ARGS : process.env.BENCH_NODE_ARGS)?.split(' ').filter(Boolean) ?? [];
      const nodeArgs = [...flags, ...(v.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${PAGE}.cpuprofile`] : [])];
      v.app = await startApp(DATABASE_URL, extra, v.main, nodeArgs);
      const probe = await postJson(`${v.app.url}/graphql`, JSON.parse(body()));
      if (!probe.text.includes(ARTICLE_PAGE ? '"bodyHtml"' : '"totalCount"')) throw new Error(`unexpected answer from ${v.label}: ${probe.text.slice(0, 300)}`);
    }
    for (const v of variants.filter((v) => Number(v.cacheEntries) > 0)) {
      await run({ url: `${v.app.url}/graphql`, method: 'POST', headers: { 'content-type': 'application/json' }, connections: 20, amount: 20000, requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }] });
    }
    await waitUntilIdle(variants.map((v) => v.app.child.pid));
    console.log(`${ARTICLE_PAGE ? 'Article' : 'Category'} page, caches off: ${articles} articles, ${categories.length} categories, ${CONNECTIONS} connections, ${ROUNDS} rounds x ${SECONDS} s per variant`);
    for (let r = 1; r <= ROUNDS; r += 1) {
      for (const v of variants) {
        const opts = { url: `${v.app.url}/graphql`, method: 'POST', headers: { 'content-type': 'application/json' }, connections: CONNECTIONS, requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }] };
        await run({ ...opts, duration: 1 });
        const pgPids = await backends(v.app.child.pid);
        const nodeBefore = processCpuMs([v.app.child.pid]);
        const pgBefore = processCpuMs(pgPids);
        const result = await run({ ...opts, duration: SECONDS });
        const s = {
          requests: result.requests.total,
          seconds: result.duration,
          nodeMs: processCpuMs([v.app.child.pid]) - nodeBefore,
          pgMs: processCpuMs(pgPids) - pgBefore,
          p50: result.latency.p50,
          p99: result.latency.p99,
          errors: result.errors + result.non2xx,
          load: fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
        };
        v.rounds.push(s);
        console.log(`  round ${r} ${v.key}: ${Math.round(s.requests / s.seconds)} req/s, p50 ${s.p50} ms, p99 ${s.p99} ms, Node ${round(s.nodeMs / s.requests, 3)} + PostgreSQL ${round(s.pgMs / s.requests, 3)} CPU ms/${ARTICLE_PAGE ? "request" : "page"} (${pgPids.length} backends), load ${s.load}`);
      }
    }
  } finally {
    await Promise.all(variants.filter((v) => v.app).map((v) => stopChild(v.app.child)));
    await db.end();
  }
  const summary = variants.map((v) => {
    const sum = (key) => v.rounds.reduce((t, s) => t + s[key], 0);
    return {
      key: v.key,
      label: v.label,
      requestsPerSecond: Math.round(sum('requests') / sum('seconds')),
      p50: median(v.rounds.map((s) => s.p50)),
      p99: median(v.rounds.map((s) => s.p99)),
      worstP99: Math.max(...v.rounds.map((s) => s.p99)),
      nodeCpuMsPerPage: round(sum('nodeMs') / sum('requests'), 3),
      postgresCpuMsPerPage: round(sum('pgMs') / sum('requests'), 3),
      errors: sum('errors'),
      rounds: v.rounds,
    };
  });
  const table = markdownTable(
    ['Variant', 'req/s', 'p50 ms', 'p99 ms (median of rounds)', 'worst p99 ms', 'Node CPU ms/page', 'PostgreSQL CPU ms/page', 'errors'],
    summary.map((s) => [s.label, s.requestsPerSecond, s.p50, s.p99, s.worstP99, s.nodeCpuMsPerPage, s.postgresCpuMsPerPage, s.errors]),
  );
  const loads = variants.flatMap((v) => v.rounds.map((s) => s.load.split(' ')[0]));
  const markdown = `# ${ARTICLE_PAGE ? 'Article' : 'Category'} page, caches off, side by side (${articles} articles)

Command: \`npm run build && BENCH_BASELINE=${process.env.BENCH_BASELINE ?? ''} BENCH_DURATION=${SECONDS} BENCH_ROUNDS=${ROUNDS}${ARTICLE_PAGE ? ' BENCH_PAGE=article' : ''} node bench/category-page.bench.mjs\`

- Date: ${env.date}; Node ${env.node}; ${env.cpuCount} × ${env.cpuModel}; 1-minute load average during the rounds ${Math.min(...loads)}–${Math.max(...loads)} (shared machine: compare the rows of this run)
- ${ARTICLE_PAGE ? `\`article(slug, locale)\` with category and breadcrumbs, a random slug of ${slugs.length} per request` : `\`articles(categoryId, first: 20)\` with excerpts, totalCount and pageInfo, a random category of ${categories.length} per request`}; \`DELIVERY_CACHE_ENTRIES=0\`; ${CONNECTIONS} connections; each round 1 s warm-up + ${SECONDS} s per variant, variants interleaved
- both servers idle (under 5 % CPU over 2 s) before the first round, so start-up work is not counted
- CPU ms/page: user + system CPU time of the server process, and of the PostgreSQL backends serving its connections, during the measured seconds, divided by the pages answered

${table}
`;
  console.log(`\n${markdown}`);
  writeResults(PAGE, { environment: env, articles, rounds: ROUNDS, seconds: SECONDS, summary }, markdown);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
