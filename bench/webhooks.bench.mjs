// Outgoing webhooks: does a slow or dead receiver slow the API? And how fast does a healthy one hear of a change?
//   npm run bench:webhooks      (builds, then runs this file; BENCH_REQUESTS=<n> publishes per scenario, default 200)
// The built app (production mode, a child process) on its own database (evergreen_bench_webhooks, recreated).
// One admin client publishes drafts one after the other (publishArticle, which enqueues article.published in its
// transaction) and times each mutation, with: no endpoint; 5 endpoints on a healthy receiver (answers 204); 5 on a
// receiver that never answers (every attempt times out); 5 on a closed port (connection refused). For the healthy
// receiver it also times publish answer → receiver got the event (the worker polls every 250 ms when idle).
import argon2 from 'argon2';
import { createServer } from 'node:http';
import * as os from 'node:os';
import pg from 'pg';
import { environment, freePort, markdownTable, round, startApp, stopChild, writeResults } from './lib.mjs';

const REQUESTS = Number(process.env.BENCH_REQUESTS) > 0 ? Number(process.env.BENCH_REQUESTS) : 200;
const ENDPOINTS = 5;
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_webhooks';

async function recreateDatabase() {
  const url = new URL(DATABASE_URL);
  const name = url.pathname.slice(1);
  if (!name.startsWith('evergreen_bench_')) throw new Error(`refusing to recreate ${name}: bench databases are named evergreen_bench_*`);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

async function gql(url, token, query, variables) {
  const res = await fetch(`${url}/admin/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

function percentiles(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p) => round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]);
  return { n: samples.length, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), maxMs: round(sorted[sorted.length - 1]) };
}

/** A receiver on 127.0.0.1: 'ok' answers 204 and reports each event id; 'hang' never answers. */
async function receiver(mode, onEvent) {
  const open = new Set();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      if (mode === 'ok') {
        res.writeHead(204).end();
        onEvent?.(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } else open.add(res);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    close: () => new Promise((resolve) => { for (const res of open) res.destroy(); server.closeAllConnections(); server.close(resolve); }),
  };
}

async function main() {
  process.stdout.write(`Webhooks benchmark on ${DATABASE_URL}, ${REQUESTS} publishes per scenario\n`);
  await recreateDatabase();
  const { child, url } = await startApp(DATABASE_URL, {
    WEBHOOK_TIMEOUT_MS: '2000',
    WEBHOOK_RETRY_BASE_MS: '1000',
    WEBHOOK_RETRY_MAX_MS: '5000',
    WEBHOOK_DISABLE_AFTER_FAILURES: '10000',
    WEBHOOK_ALLOWED_PRIVATE_HOSTS: '127.0.0.1',
  });
  const scenarios = [];
  try {
    const db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
    const hash = await argon2.hash('bench-admin-password', { type: argon2.argon2id });
    await db.query(`INSERT INTO users (email, display_name, password_hash, role) VALUES ('admin@bench.test', 'Bench Admin', $1, 'admin')`, [hash]);
    const token = (await gql(url, null, `mutation { login(input: { email: "admin@bench.test", password: "bench-admin-password" }) { accessToken } }`)).login.accessToken;
    const category = (await gql(url, token, `mutation { createCategory(input: { translations: [{ locale: "en", name: "Bench" }] }) { id } }`)).createCategory.id;
    let counter = 0;
    const draft = async () => {
      counter += 1;
      const created = await gql(url, token, `mutation ($input: CreateArticleInput!) { createArticle(input: $input) { id locales { headRevision { id } } } }`, {
        input: { categoryId: category, title: `Bench article ${counter}`, bodyMarkdown: `Body ${counter}.` },
      });
      return { articleId: created.createArticle.id, revisionId: created.createArticle.locales[0].headRevision.id };
    };
    const publish = (d) => gql(url, token, `mutation ($input: PublishArticleInput!) { publishArticle(input: $input) { id } }`, { input: { articleId: d.articleId, revisionId: d.revisionId } });

    const run = async (label, endpointUrl, onPublished) => {
      await db.query('DELETE FROM webhook_endpoints');
      await db.query('DELETE FROM webhook_events');
      for (let i = 0; i < (endpointUrl ? ENDPOINTS : 0); i++) {
        await gql(url, token, `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`, { input: { url: endpointUrl, eventTypes: ['ArticlePublished'] } });
      }
      const drafts = [];
      for (let i = 0; i < REQUESTS + 10; i++) drafts.push(await draft());
      for (const d of drafts.slice(0, 10)) await publish(d); // warm-up
      const times = [];
      for (const d of drafts.slice(10)) {
        const started = performance.now();
        await publish(d);
        const ms = performance.now() - started;
        times.push(ms);
        onPublished?.(d.articleId, performance.now());
      }
      const [{ pending, attempts }] = (await db.query(`SELECT (SELECT count(*)::int FROM webhook_deliveries WHERE status = 'pending') AS pending,
        (SELECT count(*)::int FROM webhook_delivery_attempts) AS attempts`)).rows;
      const figures = { label, endpoints: endpointUrl ? ENDPOINTS : 0, publish: percentiles(times), deliveriesPendingAtEnd: pending, attemptsMadeMeanwhile: attempts };
      process.stdout.write(`  ${label}: publish p50 ${figures.publish.p50Ms} ms, p95 ${figures.publish.p95Ms} ms (pending ${pending}, attempts ${attempts})\n`);
      scenarios.push(figures);
      return figures;
    };

    await run('no endpoint', null);

    const publishedAt = new Map();
    const latencies = [];
    const healthy = await receiver('ok', (event) => {
      const t0 = publishedAt.get(event.data.articleId);
      if (t0 !== undefined) latencies.push(performance.now() - t0);
    });
    const figures = await run(`${ENDPOINTS} endpoints, healthy receiver`, healthy.url, (articleId, at) => publishedAt.set(articleId, at));
    for (const deadline = Date.now() + 30_000; latencies.length < REQUESTS * ENDPOINTS && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 100));
    figures.publishAnswerToReceived = percentiles(latencies);
    process.stdout.write(`    publish answer → received: p50 ${figures.publishAnswerToReceived.p50Ms} ms, p95 ${figures.publishAnswerToReceived.p95Ms} ms (${latencies.length} deliveries)\n`);
    await healthy.close();

    const hanging = await receiver('hang');
    await run(`${ENDPOINTS} endpoints, receiver never answers (2 s timeout)`, hanging.url);
    await hanging.close();

    await run(`${ENDPOINTS} endpoints, closed port`, `http://127.0.0.1:${await freePort()}/hook`);
    await db.end();
  } finally {
    await stopChild(child);
  }
  const load = os.loadavg().map((n) => round(n));
  const env = { ...environment(), loadAverage: load, database: 'evergreen_bench_webhooks', requestsPerScenario: REQUESTS };
  const rows = scenarios.map((s) => [s.label, s.publish.p50Ms, s.publish.p95Ms, s.publish.p99Ms, s.publish.maxMs, s.attemptsMadeMeanwhile]);
  const md = [
    '# Outgoing webhooks: publish latency with slow or dead receivers',
    '',
    `\`npm run bench:webhooks\` (BENCH_REQUESTS=${REQUESTS}); ${env.date}; Node ${env.node}; ${env.cpuCount} × ${env.cpuModel}; load average ${load.join(' / ')} (shared machine).`,
    'One admin client publishes drafts in sequence through the built app (production mode); each publish enqueues `article.published` for every endpoint in its transaction; the delivery worker sends them in the background.',
    '',
    markdownTable(['scenario', 'publish p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'delivery attempts meanwhile'], rows),
    '',
    `Healthy receiver, publish answer → event received (${ENDPOINTS} endpoints, worker idle poll 250 ms): p50 ${scenarios[1]?.publishAnswerToReceived?.p50Ms} ms, p95 ${scenarios[1]?.publishAnswerToReceived?.p95Ms} ms.`,
  ].join('\n');
  const paths = writeResults('webhooks', { environment: env, scenarios }, md);
  process.stdout.write(`  wrote ${paths.join(', ')}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
