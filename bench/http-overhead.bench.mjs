// HTTP overhead of the built app versus bare Fastify.
//   npm run bench:http          (builds, then runs this file; BENCH_DURATION=<s> to change the 10 s default)
// (a) bare Fastify answering a fixed ~2 KB JSON on POST /graphql
// (b) the app's delivery endpoint, POST /graphql {"query":"{ __typename }"}
// Both servers run as child processes; autocannon runs here, 50 connections, 2 s warm-up each.
import { fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import {
  CONNECTIONS,
  DURATION_SECONDS,
  environment,
  freePort,
  load,
  markdownTable,
  postJson,
  round,
  rssMb,
  sleep,
  stopChild,
  writeResults,
} from './lib.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = path.join(ROOT, 'dist/src/main.js');
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/evergreen_bench';
const TARGETS = { minRatio: 0.35, maxAppP99Ms: 20, maxRssMb: 250 };
const TRIVIAL_QUERY = { query: '{ __typename }' };

const children = [];
process.once('SIGINT', async () => {
  await Promise.all(children.map((c) => stopChild(c, 5000)));
  process.exit(130);
});

/** DATABASE_URL for the app: the env's, else evergreen_bench on the local server (created if missing), else undefined (embedded). */
async function resolveDatabase() {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, mode: 'DATABASE_URL from environment' };
  const target = new URL(DEFAULT_DATABASE_URL);
  const dbName = target.pathname.slice(1);
  const admin = new URL(DEFAULT_DATABASE_URL);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    console.log(`No PostgreSQL at ${admin.host} (${error.message}); the app will start embedded PostgreSQL.`);
    return { url: undefined, mode: 'embedded PostgreSQL' };
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${dbName}"`);
      console.log(`Created database ${dbName}.`);
    }
  } finally {
    await client.end();
  }
  return { url: DEFAULT_DATABASE_URL, mode: `local PostgreSQL (${dbName})` };
}

async function startApp(database) {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} not found; run "npx nest build" first (npm run bench:http does).`);
  const port = await freePort();
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    JWT_SECRET: randomBytes(32).toString('hex'),
    SEED_DEMO: 'false',
    // One client address sends everything: measure the server, not the delivery rate limit.
    RATE_LIMIT_PER_IP: '0',
  };
  let dataDir;
  if (database.url) {
    env.DATABASE_URL = database.url;
  } else {
    delete env.DATABASE_URL;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'evergreen-bench-'));
    env.DATA_DIR = dataDir;
  }
  const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));

  // Ready when /graphql answers the trivial query (embedded PostgreSQL can take a while on first start).
  const url = `http://127.0.0.1:${port}/graphql`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app exited with code ${child.exitCode} before answering:\n${output}`);
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`app did not answer on port ${port} within 120 s:\n${output}`);
    }
    try {
      const res = await postJson(url, TRIVIAL_QUERY);
      if (res.status !== 200 || !res.text.includes('"__typename"')) {
        await stopChild(child);
        throw new Error(`app answered ${res.status} ${res.text}`);
      }
      break;
    } catch (error) {
      if (error.message.startsWith('app answered')) throw error;
      await sleep(250);
    }
  }
  return { child, url, dataDir };
}

async function startBareFastify() {
  const child = fork(fileURLToPath(new URL('./bare-fastify.server.mjs', import.meta.url)), [], { stdio: 'inherit', execArgv: [] });
  children.push(child);
  const info = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`bare Fastify exited with code ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${info.port}/graphql`, payloadBytes: info.payloadBytes };
}

function pass(ok) {
  return ok ? 'PASS' : 'FAIL';
}

async function main() {
  const env = environment();
  console.log(`HTTP overhead bench: ${env.node}, ${env.cpuCount} CPU(s), ${DURATION_SECONDS}s x ${CONNECTIONS} connections`);

  console.log('(a) bare Fastify, ~2 KB JSON');
  const bare = await startBareFastify();
  const bareFigures = await load('bare Fastify 2 KB JSON', bare.url, TRIVIAL_QUERY);
  await stopChild(bare.child);

  const database = await resolveDatabase();
  console.log(`(b) app delivery endpoint, { __typename } — database: ${database.mode}`);
  const app = await startApp(database);
  let appFigures;
  let memory;
  try {
    appFigures = await load('app POST /graphql { __typename }', app.url, TRIVIAL_QUERY);
    memory = rssMb(app.child.pid);
  } finally {
    await stopChild(app.child);
    if (app.dataDir) fs.rmSync(app.dataDir, { recursive: true, force: true });
  }

  const ratio = round(appFigures.requestsPerSecond / bareFigures.requestsPerSecond, 3);
  const checks = [
    { name: `ratio app/bare req/s >= ${TARGETS.minRatio}`, value: ratio, ok: ratio >= TARGETS.minRatio },
    { name: `app p99 < ${TARGETS.maxAppP99Ms} ms`, value: appFigures.latencyMs.p99, ok: appFigures.latencyMs.p99 < TARGETS.maxAppP99Ms },
    { name: `app RSS after load < ${TARGETS.maxRssMb} MB`, value: memory.rss, ok: memory.rss < TARGETS.maxRssMb },
  ];

  const resultsTable = markdownTable(
    ['Target', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx / errors', 'RSS MB'],
    [
      [`bare Fastify, ${bare.payloadBytes} B JSON`, bareFigures.requestsPerSecond, bareFigures.latencyMs.p50, bareFigures.latencyMs.p99, `${bareFigures.non2xx} / ${bareFigures.errors}`, '—'],
      ['app POST /graphql `{ __typename }`', appFigures.requestsPerSecond, appFigures.latencyMs.p50, appFigures.latencyMs.p99, `${appFigures.non2xx} / ${appFigures.errors}`, `${memory.rss} (peak ${memory.peak})`],
    ],
  );
  const checksTable = markdownTable(['Check', 'Measured', 'Result'], checks.map((c) => [c.name, c.value, pass(c.ok)]));

  console.log(`\n${resultsTable}\n\nRatio app/bare (req/s): ${ratio}\n\n${checksTable}\n`);

  const markdown = `# HTTP overhead: app vs bare Fastify

Command: \`npm run bench:http\` (BENCH_DURATION=${DURATION_SECONDS})

- Date: ${env.date}
- Node: ${env.node} on ${env.platform}
- CPUs: ${env.cpuCount} × ${env.cpuModel}
- Load: autocannon, ${CONNECTIONS} connections, ${env.warmupSeconds} s warm-up then ${DURATION_SECONDS} s measured, per target, sequentially; servers in child processes, autocannon in the parent
- App: \`node dist/src/main.js\`, NODE_ENV=production, LOG_LEVEL=warn; database: ${database.mode}
- Latency resolution is 1 ms (autocannon histogram)

${resultsTable}

Ratio app/bare (req/s): **${ratio}**

${checksTable}
`;
  const files = writeResults('http-overhead', { environment: env, database: database.mode, targets: TARGETS, bare: { ...bareFigures, payloadBytes: bare.payloadBytes }, app: { ...appFigures, rssMb: memory.rss, peakRssMb: memory.peak }, ratio, checks }, markdown);
  console.log(`Wrote ${files.map((f) => path.relative(ROOT, f)).join(', ')}`);
}

main().catch(async (error) => {
  console.error(error);
  await Promise.all(children.map((c) => stopChild(c, 5000)));
  process.exit(1);
});
