// The forum's thread and board pages, before and after a change, side by side (issue 12): 50 connections.
//   npm run build && BENCH_BASELINE=<checkout of the earlier commit, built> BENCH_PAGE=thread|board node bench/forum-pages.bench.mjs
//   (BENCH_DURATION=<s per variant and round>, BENCH_ROUNDS=<n>, BENCH_DATABASE=<url, default evergreen_bench_forum>,
//   BENCH_CACHES_ON=1: this build with its default caches as a third variant; BENCH_CONCURRENT=1: in each round all
//   variants are loaded at the same time, each by its own 50 connections, instead of one after another — on a machine
//   whose load swings from second to second, the comparison that noise distorts least)
// The pages of forum.bench.mjs (bench/forum-queries.mjs). Servers (the baseline's and this build's, caches off) run on the
// same database and are measured interleaved round by round (each round starts at another variant), so machine noise
// hits all alike. Per variant: req/s, p50/p99, and CPU time per page of the server process and of its PostgreSQL
// backends (the server's connections found with `ss`, matched with pg_stat_activity.client_port), read from /proc:
// the figures least disturbed by other load on the machine. Results: bench/results/forum-<page>-page.{md,json}.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { BOARD_QUERY, THREAD_QUERY } from './forum-queries.mjs';
import { CONNECTIONS, MAIN, environment, markdownTable, postJson, round, startApp, stopChild, waitForQueuedJobs, writeResults } from './lib.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_forum';
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS) || 3);
const SECONDS = Math.max(2, Number(process.env.BENCH_DURATION) || 5);
const BASELINE = process.env.BENCH_BASELINE ? path.join(path.resolve(process.env.BENCH_BASELINE), 'dist/src/main.js') : null;
const THREAD_PAGE = process.env.BENCH_PAGE !== 'board';
const PAGE = THREAD_PAGE ? 'forum-thread-page' : 'forum-board-page';
/** BENCH_CONCURRENT=1: the variants are loaded at the same time in each round instead of one after another. */
const CONCURRENT = process.env.BENCH_CONCURRENT === '1';

function run(opts) {
  return new Promise((resolve, reject) => autocannon(opts, (error, result) => (error ? reject(error) : resolve(result))));
}

/** CPU time of processes so far, in ms (user + system, from /proc; Linux only); gone processes count 0. */
function cpuMs(pids) {
  let total = 0;
  for (const pid of pids) {
    try {
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      // exited
    }
  }
  return total;
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
  const [{ threads, posts }] = (await db.query(`SELECT (SELECT count(*)::int FROM threads) AS threads, (SELECT count(*)::int FROM posts) AS posts`)).rows;
  const slugs = (await db.query(`SELECT slug FROM threads WHERE status = 'visible' AND reply_count > 0 ORDER BY random() LIMIT 5000`)).rows.map((r) => r.slug);
  const boards = (await db.query(`SELECT slug FROM boards WHERE moderation_policy = 'open' ORDER BY position`)).rows.map((r) => r.slug);
  const pick = (list) => list[Math.floor(Math.random() * list.length)];
  /** PostgreSQL backends serving a process: its connections' local ports (ss) matched with pg_stat_activity.client_port. */
  const backends = async (pid) => {
    const ports = execFileSync('ss', ['-tnpH', 'state', 'established', '( dport = :5432 )'], { encoding: 'utf8' })
      .split('\n').filter((line) => line.includes(`pid=${pid},`)).map((line) => Number(/:(\d+)\s+\S+:5432\b/.exec(line)?.[1])).filter(Boolean);
    return (await db.query(`SELECT pid FROM pg_stat_activity WHERE client_port = ANY($1::int[])`, [ports])).rows.map((r) => r.pid);
  };

  const variants = [];
  const profileDir = os.tmpdir();
  // BENCH_BASELINE_ENV / BENCH_ENV: extra environment (JSON) for the baseline's server / this build's, e.g. another DB_POOL_SIZE.
  const baselineEnv = JSON.parse(process.env.BENCH_BASELINE_ENV ?? '{}');
  const buildEnv = JSON.parse(process.env.BENCH_ENV ?? '{}');
  const envLabel = (extra) => (Object.keys(extra).length ? ` ${Object.entries(extra).map(([k, v]) => `${k}=${v}`).join(' ')}` : '');
  if (BASELINE) variants.push({ key: 'before', label: `baseline (${process.env.BENCH_BASELINE})${envLabel(baselineEnv)}, caches off`, main: BASELINE, extra: { DELIVERY_CACHE_ENTRIES: '0', ...baselineEnv }, rounds: [] });
  variants.push({ key: 'after', label: `this build${envLabel(buildEnv)}, caches off`, main: MAIN, extra: { DELIVERY_CACHE_ENTRIES: '0', ...buildEnv }, rounds: [], profile: process.env.BENCH_PROFILE === '1' });
  if (process.env.BENCH_CACHES_ON === '1') variants.push({ key: 'on', label: 'this build, caches on', main: MAIN, extra: {}, rounds: [] });
  const body = () =>
    THREAD_PAGE ? JSON.stringify({ query: THREAD_QUERY, variables: { slug: pick(slugs) } }) : JSON.stringify({ query: BOARD_QUERY, variables: { board: pick(boards) } });
  let jobWaitSeconds = 0;
  try {
    for (const v of variants) {
      const extra = { ...v.extra, SEARCH_WORKER: 'false', SEARCH_SEMANTIC_RERANK: 'false' };
      const nodeArgs = v.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${PAGE}.cpuprofile`] : [];
      v.app = await startApp(DATABASE_URL, extra, v.main, nodeArgs);
      const probe = await postJson(`${v.app.url}/graphql`, JSON.parse(body()));
      if (!probe.text.includes(THREAD_PAGE ? '"bodyHtml"' : '"excerpt"') || probe.text.includes('"errors"')) throw new Error(`unexpected answer from ${v.label}: ${probe.text.slice(0, 300)}`);
    }
    // The jobs every server queues at start (trust levels: minutes on this forum) would run in one of the measured servers.
    jobWaitSeconds = await waitForQueuedJobs(db);
    // Start-up work (migrations check, the first staleness scan, job schedules) would land in the first segments.
    for (const v of variants) {
      for (let waited = 0, last = cpuMs([v.app.child.pid]); waited < 120; waited += 2) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const now = cpuMs([v.app.child.pid]);
        const busy = now - last;
        last = now;
        if (busy < 100) break;
      }
    }
    console.log(`Forum ${THREAD_PAGE ? 'thread' : 'board'} page: ${threads} threads, ${posts} posts, ${CONNECTIONS} connections, ${ROUNDS} rounds x ${SECONDS} s per variant`);
    const measure = async (v) => {
      const opts = { url: `${v.app.url}/graphql`, method: 'POST', headers: { 'content-type': 'application/json' }, connections: CONNECTIONS, requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }] };
      await run({ ...opts, duration: 1 });
      const pgPids = await backends(v.app.child.pid);
      const nodeBefore = cpuMs([v.app.child.pid]);
      const pgBefore = cpuMs(pgPids);
      const result = await run({ ...opts, duration: SECONDS });
      return {
        requests: result.requests.total,
        seconds: result.duration,
        nodeMs: cpuMs([v.app.child.pid]) - nodeBefore,
        pgMs: cpuMs(pgPids) - pgBefore,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.non2xx,
        backends: pgPids.length,
        load: fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
      };
    };
    const report = (r, v, s) =>
      console.log(`  round ${r} ${v.key}: ${Math.round(s.requests / s.seconds)} req/s, p50 ${s.p50} ms, p99 ${s.p99} ms, Node ${round(s.nodeMs / s.requests, 3)} + PostgreSQL ${round(s.pgMs / s.requests, 3)} CPU ms/page (${s.backends} backends), load ${s.load}`);
    for (let r = 1; r <= ROUNDS; r += 1) {
      if (CONCURRENT) {
        // All variants loaded at once (each with its own CONNECTIONS): a burst of other work on the machine hits them alike.
        const figures = await Promise.all(variants.map(measure));
        variants.forEach((v, i) => (v.rounds.push(figures[i]), report(r, v, figures[i])));
        continue;
      }
      for (let k = 0; k < variants.length; k += 1) {
        const v = variants[(k + r) % variants.length];
        const s = await measure(v);
        v.rounds.push(s);
        report(r, v, s);
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
  // Per round (the variants of a round ran back to back): this build's Node CPU per page against the baseline's.
  const before = variants.find((v) => v.key === 'before');
  const after = variants.find((v) => v.key === 'after');
  const perRound = before && after ? after.rounds.map((s, i) => (s.nodeMs / s.requests) / (before.rounds[i].nodeMs / before.rounds[i].requests)) : [];
  const roundsLine = perRound.length
    ? `\n- Node CPU per page, this build ÷ baseline, per round: ${perRound.map((x) => round(x, 2)).join(', ')} (median ${round(median(perRound), 2)}; lower in ${perRound.filter((x) => x < 1).length} of ${perRound.length} rounds)`
    : '';
  const markdown = `# Forum ${THREAD_PAGE ? 'thread' : 'board'} page, side by side (${threads} threads, ${posts} posts)

Command: \`npm run build && BENCH_BASELINE=${process.env.BENCH_BASELINE ?? ''}${process.env.BENCH_BASELINE_ENV ? ` BENCH_BASELINE_ENV='${process.env.BENCH_BASELINE_ENV}'` : ''}${process.env.BENCH_ENV ? ` BENCH_ENV='${process.env.BENCH_ENV}'` : ''} BENCH_PAGE=${THREAD_PAGE ? 'thread' : 'board'} BENCH_DURATION=${SECONDS} BENCH_ROUNDS=${ROUNDS}${process.env.BENCH_CACHES_ON === '1' ? ' BENCH_CACHES_ON=1' : ''}${CONCURRENT ? ' BENCH_CONCURRENT=1' : ''} node bench/forum-pages.bench.mjs\`

- Date: ${env.date}; Node ${env.node}; ${env.cpuCount} × ${env.cpuModel}; 1-minute load average during the rounds ${Math.min(...loads)}–${Math.max(...loads)} (shared machine: compare the rows of this run)
- ${THREAD_PAGE ? `\`thread(slug)\` with question, accepted answer and the first 20 replies (authors, votes), a random slug of ${slugs.length} threads with replies per request` : `\`threads(boardSlug, first: 20)\` (Latest), a random open board of ${boards.length} per request`} (bench/forum-queries.mjs); ${CONNECTIONS} connections; each round 1 s warm-up + ${SECONDS} s per variant, ${CONCURRENT ? 'all variants loaded at the same time (each by its own connections)' : 'variants interleaved (each round starts at another)'}
- the servers idle (under 5 % CPU over 2 s) and the job queue empty (waited ${jobWaitSeconds} s) before the first round, so start-up work and queued jobs (the hourly trust-level recomputation, which every server queues at start) are not counted
- CPU ms/page: user + system CPU time of the server process, and of the PostgreSQL backends serving its connections, during the measured seconds, divided by the pages answered${roundsLine}

${table}
`;
  console.log(`\n${markdown}`);
  writeResults(PAGE, { environment: env, threads, posts, rounds: ROUNDS, seconds: SECONDS, summary }, markdown);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
