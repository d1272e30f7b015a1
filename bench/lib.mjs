// Helpers shared by the benchmarks in this folder.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The built API (`npm run build`). */
export const MAIN = path.join(ROOT, 'dist/src/main.js');

export const CONNECTIONS = 50;

/** The cold article page of the side-by-side, profile and allocation tools: an article with its category and breadcrumbs. */
export const ARTICLE_QUERY = `query ($slug: String!, $locale: String) { article(slug: $slug, locale: $locale) {
  id title bodyHtml excerpt lastModified seo { title description canonicalUrl } alternates { locale url }
  category { id name slug } breadcrumbs { name slug } } }`;

/** The cold category page: the 20 newest articles of a category, with totalCount and paging. */
export const CATEGORY_QUERY = `query ($categoryId: ID!) { articles(categoryId: $categoryId, first: 20) {
  totalCount edges { node { id slug title excerpt publishedAt } } pageInfo { endCursor hasNextPage } } }`;

export const WARMUP_SECONDS = 2;
export const DURATION_SECONDS = positiveInt(process.env.BENCH_DURATION, 10);

function positiveInt(value, fallback) {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export function environment() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuCount: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    durationSeconds: DURATION_SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    connections: CONNECTIONS,
  };
}

/** A port that was free a moment ago (for servers that must be told their port up front). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One POST with a JSON body; resolves { status, text } (throws on connection errors). */
export async function postJson(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

function runAutocannon(opts) {
  return new Promise((resolve, reject) => {
    autocannon(opts, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** Warm-up run, then the measured run; returns the figures we report. */
export async function load(label, url, body) {
  const opts = {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    connections: CONNECTIONS,
  };
  process.stdout.write(`  ${label}: warm-up ${WARMUP_SECONDS}s, `);
  await runAutocannon({ ...opts, duration: WARMUP_SECONDS });
  process.stdout.write(`measuring ${DURATION_SECONDS}s ... `);
  const r = await runAutocannon({ ...opts, duration: DURATION_SECONDS });
  const figures = {
    label,
    requestsPerSecond: Math.round(r.requests.average),
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, mean: round(r.latency.mean, 2), max: r.latency.max },
    throughputMBps: round(r.throughput.average / 1e6, 2),
    totalRequests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
  process.stdout.write(`${figures.requestsPerSecond} req/s\n`);
  if (r.non2xx || r.errors || r.timeouts) {
    process.stdout.write(`  WARNING ${label}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts\n`);
  }
  return figures;
}

/** CPU time of processes so far, in ms (user + system, from /proc; Linux only); gone processes count 0. */
export function processCpuMs(pids) {
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

/**
 * Waits (at most two minutes) until each server has used under 5 % of a core over 2 s: start-up work (the first
 * staleness scan, job schedules, migrations checks) would otherwise land in the first measured segments.
 */
export async function waitUntilIdle(pids) {
  for (const pid of pids) {
    for (let waited = 0, last = processCpuMs([pid]); waited < 120; waited += 2) {
      await sleep(2000);
      const now = processCpuMs([pid]);
      const busy = now - last;
      last = now;
      if (busy < 100) break;
    }
  }
}

export const round = (n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Resident set size of a process in MB, from /proc (Linux only). */
export function rssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: round(kb('VmRSS') / 1024, 1), peak: round(kb('VmHWM') / 1024, 1) };
}

/**
 * The options for node itself in a checkout's `start:prod` script (`node --max-semi-space-size=64 dist/src/main.js`
 * gives `['--max-semi-space-size=64']`): benchmarks start the API as production does, each build with its own.
 */
export function productionNodeFlags(checkout = ROOT) {
  const script = JSON.parse(fs.readFileSync(path.join(checkout, 'package.json'), 'utf8')).scripts?.['start:prod'] ?? '';
  const words = script.split(/\s+/);
  const flags = [];
  for (const word of words.slice(words.indexOf('node') + 1)) {
    if (!word.startsWith('--')) break;
    flags.push(word);
  }
  return words.includes('node') ? flags : [];
}

/**
 * Starts the built API in production mode on a free port against `databaseUrl`; resolves once /health answers.
 * `main`: another build's dist/src/main.js (an A/B run against an earlier commit), run from its checkout, with that
 * checkout's production node options (`productionNodeFlags`); `nodeArgs`: more options for node itself (e.g.
 * --cpu-prof, which NODE_OPTIONS does not take).
 */
export async function startApp(databaseUrl, extraEnv = {}, main = MAIN, nodeArgs = []) {
  const port = await freePort();
  const env = { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(port), DATABASE_URL: databaseUrl, JWT_SECRET: randomBytes(32).toString('hex'), SEED_DEMO: 'false', RATE_LIMIT_PER_IP: '0', SEARCH_RATE_LIMIT_PER_IP: '0', STALENESS_SCAN_SECONDS: '0', ...extraEnv };
  const checkout = path.resolve(path.dirname(main), '../..');
  const child = spawn(process.execPath, [...productionNodeFlags(checkout), ...nodeArgs, main], { cwd: checkout, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 300_000; ; ) { // generous: a loaded shared machine starts it slowly
    if (child.exitCode !== null) throw new Error(`app exited early:\n${output}`);
    if (Date.now() > deadline) {
      await stopChild(child, 5000);
      throw new Error(`app did not start:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      await sleep(250);
    }
  }
  return { child, url };
}

/** SIGTERM a child and wait for it to exit; SIGKILL after `graceMs`. */
export async function stopChild(child, graceMs = 15000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Markdown table from a header row and data rows. */
export function markdownTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Writes <name>.json and <name>.md into bench/results. */
export function writeResults(name, json, markdown) {
  const dir = new URL('./results/', import.meta.url);
  fs.mkdirSync(dir, { recursive: true });
  const jsonPath = new URL(`${name}.json`, dir);
  const mdPath = new URL(`${name}.md`, dir);
  fs.writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  fs.writeFileSync(mdPath, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return [jsonPath.pathname, mdPath.pathname];
}

/**
 * Waits until the job queue (pg-boss, schema `pgboss`) holds no queued, active or retrying job, so the measured
 * seconds do not share the machine with one. Every server queues its hourly jobs when it starts, and one of them
 * runs the queued job — on a generated forum, `moderation.trust-levels` takes minutes of Node and PostgreSQL time and
 * a pool connection, in whichever benchmarked server takes it (issue 12: "caches on" slower than "off"). A server
 * stopped in the middle of a job leaves it active until it expires (5 minutes), when another server retries it.
 * Returns the seconds waited; gives up after `timeoutSeconds` (BENCH_JOB_WAIT_SECONDS, default 600) with a warning.
 */
export async function waitForQueuedJobs(db, timeoutSeconds = Number(process.env.BENCH_JOB_WAIT_SECONDS ?? 600)) {
  const started = Date.now();
  let last = '';
  for (;;) {
    let pending = [];
    try {
      pending = (await db.query(`SELECT name, state, count(*)::int AS n FROM pgboss.job WHERE state IN ('created', 'active', 'retry') GROUP BY 1, 2 ORDER BY 1, 2`)).rows;
    } catch {
      return 0; // no job queue in this database
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    if (pending.length === 0) return seconds;
    const text = pending.map((r) => `${r.name} ${r.state} ${r.n}`).join(', ');
    if (text !== last) console.log(`  waiting for queued jobs to finish (${seconds} s): ${text}`);
    last = text;
    if (seconds > timeoutSeconds) {
      console.log(`  WARNING: jobs still queued after ${seconds} s; measuring anyway`);
      return seconds;
    }
    await sleep(2000);
  }
}
