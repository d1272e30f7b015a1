// What the delivery gate costs per request: API key check, rate limit (memory, Redis), persisted queries.
//   npm run bench:gate   (BENCH_DURATION=<seconds> per target, default 10; BENCH_ROUNDS, default 3; BENCH_DATABASE to override)
// Each configuration starts the built API (production mode) as a child process against
// evergreen_bench_keys (created and migrated if missing); autocannon runs here, 50 connections.
import autocannon from 'autocannon';
import { createHash, randomBytes } from 'node:crypto';
import { execSync } from 'node:child_process';
import pg from 'pg';
import { createRequire } from 'node:module';
import { CONNECTIONS, DURATION_SECONDS, environment, markdownTable, round, startApp, stopChild, WARMUP_SECONDS, writeResults } from './lib.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_keys';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const QUERY = 'query Typename { __typename }';
const HASH = createHash('sha256').update(QUERY).digest('hex');
const HUGE = '10000000';

async function ensureDatabase() {
  const url = new URL(DATABASE_URL);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!exists.rowCount) await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

/** A key inserted directly (the app has migrated the table by then). */
async function insertKey() {
  const key = `egk_${randomBytes(32).toString('base64url')}`;
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`INSERT INTO delivery_api_keys (label, key_hash, key_prefix) VALUES ('bench', $1, $2)`, [
    createHash('sha256').update(key).digest('hex'),
    key.slice(0, 10),
  ]);
  await client.end();
  return key;
}

function run(opts) {
  return new Promise((resolve, reject) => autocannon(opts, (error, result) => (error ? reject(error) : resolve(result))));
}

async function measure(label, url, { method = 'POST', path = '/graphql', headers = {}, body } = {}) {
  const opts = { url: `${url}${path}`, method, headers: { 'content-type': 'application/json', ...headers }, body: body && JSON.stringify(body), connections: CONNECTIONS };
  process.stdout.write(`  ${label}: `);
  await run({ ...opts, duration: WARMUP_SECONDS });
  const r = await run({ ...opts, duration: DURATION_SECONDS });
  const figures = { label, requestsPerSecond: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, mean: round(r.latency.mean, 2), non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts };
  process.stdout.write(`${figures.requestsPerSecond} req/s, p99 ${figures.p99} ms, ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts\n`);
  return figures;
}

async function withApp(env, fn) {
  const { child, url } = await startApp(DATABASE_URL, env);
  try {
    return await fn(url);
  } finally {
    await stopChild(child);
  }
}

const require = createRequire(import.meta.url);

/** In-process cost of the gate's parts, without HTTP: less disturbed by a busy machine than req/s. */
async function microBenchmarks() {
  const { MemoryRateLimitStore } = require('../dist/src/api-keys/rate-limit/memory-rate-limit-store.js');
  const { RedisRateLimitStore } = require('../dist/src/api-keys/rate-limit/redis-rate-limit-store.js');
  const { hashDeliveryApiKey } = require('../dist/src/api-keys/delivery-api-keys.service.js');
  const { LruMap } = require('../dist/src/common/lru-map.js');
  const out = [];
  const time = (label, n, fn) => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i += 1) fn(i);
    const ns = Number(process.hrtime.bigint() - start) / n;
    out.push({ label, nsPerOp: Math.round(ns) });
  };
  const memory = new MemoryRateLimitStore();
  time('memory counter: hit (10,000 distinct addresses)', 1_000_000, (i) => memory.hitNow(`ip:${i % 10_000}`, 1e9, 60));
  const key = `egk_${randomBytes(32).toString('base64url')}`;
  const cache = new LruMap(10_000);
  cache.set(hashDeliveryApiKey(key), { id: 'x' });
  time('key check when cached: SHA-256 of the key + LRU lookup', 200_000, () => cache.get(hashDeliveryApiKey(key)));
  const redis = new RedisRateLimitStore(REDIS_URL, `bench-micro-${randomBytes(3).toString('hex')}:`, () => undefined);
  await redis.connected(5000);
  await redis.hit('warm', 1e9, 60);
  let start = process.hrtime.bigint();
  for (let i = 0; i < 2000; i += 1) await redis.hit('ip:one', 1e9, 60);
  out.push({ label: 'Redis counter: one hit at a time (round trip + script)', nsPerOp: Math.round(Number(process.hrtime.bigint() - start) / 2000) });
  start = process.hrtime.bigint();
  for (let batch = 0; batch < 100; batch += 1) await Promise.all(Array.from({ length: 50 }, (_, i) => redis.hit(`ip:${i}`, 1e9, 60)));
  out.push({ label: 'Redis counter: 50 concurrent hits, per hit', nsPerOp: Math.round(Number(process.hrtime.bigint() - start) / 5000) });
  await redis.close();
  for (const r of out) console.log(`  ${r.label}: ${(r.nsPerOp / 1000).toFixed(2)} µs/op`);
  return out;
}

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS) || 3);

/** Each target measured once per round (configurations interleaved); the best round is reported (least disturbed by other load). */
async function main() {
  await ensureDatabase();
  const loadBefore = execSync('uptime').toString().trim();
  const rounds = new Map();
  const record = (figures) => rounds.set(figures.label, [...(rounds.get(figures.label) ?? []), figures]);
  const post = { body: { query: QUERY } };
  const apqGet = { method: 'GET', path: `/graphql?extensions=${encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: HASH } }))}` };
  const fullGet = { method: 'GET', path: `/graphql?query=${encodeURIComponent(QUERY)}` };
  const key = await withApp({}, () => insertKey());
  console.log('in-process parts');
  const micro = await microBenchmarks();

  for (let round = 1; round <= ROUNDS; round += 1) {
    console.log(`round ${round}/${ROUNDS}`);
    await withApp({ DELIVERY_API_KEYS: 'off', RATE_LIMIT_PER_IP: '0' }, async (url) => {
      await measure('warm-up', url, post);
      record(await measure('POST, gate off (no key check, no limit)', url, post));
      record(await measure('GET full query, gate off', url, fullGet));
      await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY, extensions: { persistedQuery: { version: 1, sha256Hash: HASH } } }) });
      record(await measure('GET persisted hash, gate off', url, apqGet));
    });
    await withApp({ RATE_LIMIT_PER_IP: HUGE }, async (url) => {
      await measure('warm-up', url, post);
      record(await measure('POST, per-address limit in memory', url, post));
    });
    await withApp({ RATE_LIMIT_PER_IP: HUGE, REDIS_URL, REDIS_KEY_PREFIX: `bench-${randomBytes(3).toString('hex')}:` }, async (url) => {
      await measure('warm-up', url, post);
      record(await measure('POST, per-address limit in Redis', url, post));
    });
    await withApp({ RATE_LIMIT_PER_KEY: HUGE, DELIVERY_API_KEYS: 'required' }, async (url) => {
      await measure('warm-up', url, { ...post, headers: { 'x-api-key': key } });
      record(await measure('POST, API key required (cached) + per-key limit in memory', url, { ...post, headers: { 'x-api-key': key } }));
    });
  }
  const results = [...rounds.values()].map((all) => ({ ...all.reduce((best, r) => (r.requestsPerSecond > best.requestsPerSecond ? r : best)), allRounds: all.map((r) => r.requestsPerSecond) }));
  const loadAfter = execSync('uptime').toString().trim();

  const env = environment();
  const markdown = `# Delivery gate overhead

- Date: ${env.date}; Node ${env.node}; ${env.cpuCount} × ${env.cpuModel}
- Load: autocannon, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${DURATION_SECONDS} s per target, ${ROUNDS} rounds (configurations interleaved), best round shown with all rounds' req/s; app in production mode (child process), database \`${new URL(DATABASE_URL).pathname.slice(1)}\`
- Query: \`${QUERY}\` (no SQL; anonymous POSTs of it are answered from the in-process response cache): measures the HTTP path and the gate, not the database
- Machine load (uptime) before: \`${loadBefore}\`; after: \`${loadAfter}\` — a shared machine: compare rows of this run, not absolute figures across runs

${markdownTable(
  ['target', 'best req/s', 'p50 ms', 'p99 ms', 'mean ms', 'non-2xx', 'errors', 'req/s per round'],
  results.map((r) => [r.label, r.requestsPerSecond, r.p50, r.p99, r.mean, r.non2xx, r.errors + r.timeouts, r.allRounds.join(', ')]),
)}

In-process cost of the gate's parts (no HTTP; Redis on this machine):

${markdownTable(['part', 'µs per operation'], micro.map((r) => [r.label, (r.nsPerOp / 1000).toFixed(2)]))}
`;
  const paths = writeResults('delivery-gate', { environment: env, loadBefore, loadAfter, micro, results }, markdown);
  console.log(`\nwrote ${paths.join(', ')}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
