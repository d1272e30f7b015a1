// Delivery benchmark on a large knowledge base (run `npm run bench:generate` first).
//   npm run bench:delivery            (BENCH_DURATION=<s>, BENCH_DATABASE=<url> to change the defaults)
// In one run, 50 connections each, after a 2 s warm-up:
//   (a) bare Fastify + pg, one primary-key SELECT per request (the baseline);
//   (b) the app: delivery `article(slug, locale)` with category and breadcrumbs, slugs drawn at random from
//       10,000 articles, with the published-article cache (default) and with it off (DELIVERY_CACHE_ENTRIES=0);
//   (c) the app: a category page, `articles(categoryId, first: 20)` with excerpts, random categories, cache on and off;
//   (d) publishing an article that has 50 revisions through the admin API, 100 times in a row (p95).
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { CONNECTIONS, DURATION_SECONDS, MAIN, WARMUP_SECONDS, environment, markdownTable, postJson, round, rssMb, startApp, stopChild, writeResults } from './lib.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_kb';
const TARGETS = { minArticleRatio: 0.3, maxArticleP99Ms: 25, maxCategoryP99Ms: 40, maxPublishP95Ms: 50 };
const ARTICLE_QUERY = `query ($slug: String!, $locale: String) { article(slug: $slug, locale: $locale) {
  id title bodyHtml excerpt lastModified seo { title description canonicalUrl } alternates { locale url }
  category { id name slug } breadcrumbs { name slug } } }`;
const CATEGORY_QUERY = `query ($categoryId: ID!) { articles(categoryId: $categoryId, first: 20) {
  totalCount edges { node { id slug title excerpt publishedAt } } pageInfo { endCursor hasNextPage } } }`;

const children = [];
process.once('SIGINT', async () => {
  await Promise.all(children.map((c) => stopChild(c, 5000)));
  process.exit(130);
});

function run(opts) {
  return new Promise((resolve, reject) => autocannon(opts, (error, result) => (error ? reject(error) : resolve(result))));
}

/** Warm-up, then the measured run; bodies come from `makeBody()` per request. */
async function load(label, url, makeBody, headers = {}) {
  const opts = {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    connections: CONNECTIONS,
    requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify(makeBody()) }) }],
  };
  process.stdout.write(`  ${label}: warm-up ${WARMUP_SECONDS}s, `);
  await run({ ...opts, duration: WARMUP_SECONDS });
  process.stdout.write(`measuring ${DURATION_SECONDS}s ... `);
  const r = await run({ ...opts, duration: DURATION_SECONDS });
  const figures = { label, requestsPerSecond: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
  process.stdout.write(`${figures.requestsPerSecond} req/s, p99 ${figures.p99} ms\n`);
  return figures;
}

async function startTrackedApp(extraEnv) {
  const app = await startApp(DATABASE_URL, extraEnv);
  children.push(app.child);
  return app;
}

async function startBare() {
  const child = fork(fileURLToPath(new URL('./bare-pg.server.mjs', import.meta.url)), [], { env: { ...process.env, DATABASE_URL }, stdio: 'inherit' });
  children.push(child);
  const info = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${info.port}/graphql` };
}

async function sampleData() {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const { rows: slugs } = await client.query(`SELECT slug FROM article_locales WHERE locale = 'en' AND status = 'published' ORDER BY random() LIMIT 10000`);
    const { rows: categories } = await client.query('SELECT id FROM categories');
    const [{ count }] = (await client.query(`SELECT count(*)::int AS count FROM articles`)).rows;
    return { slugs: slugs.map((r) => r.slug), categories: categories.map((r) => r.id), articles: count };
  } finally {
    await client.end();
  }
}

async function measurePublish(appUrl) {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const email = `bench-admin-${Date.now()}@example.test`;
  const password = 'bench-password-123';
  try {
    // A throwaway admin with a known password (argon2id hash made by the app's own login path is not reachable here).
    const argon2 = (await import('argon2')).default;
    await client.query(`INSERT INTO users (email, display_name, password_hash, role) VALUES ($1, 'Bench Admin', $2, 'admin')`, [email, await argon2.hash(password, { type: argon2.argon2id })]);
  } finally {
    await client.end();
  }
  const admin = async (query, variables, token) => {
    const res = await fetch(`${appUrl}/admin/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
    const body = await res.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const { login } = await admin('mutation ($input: AdminLoginInput!) { login(input: $input) { accessToken } }', { input: { email, password } });
  const token = login.accessToken;
  const { categories } = await admin('{ categories { id } }', {}, token);
  const created = await admin('mutation ($input: CreateArticleInput!) { createArticle(input: $input) { id } }', { input: { categoryId: categories[0].id, title: `Publish bench ${Date.now()}`, bodyMarkdown: 'x'.repeat(2000) } }, token);
  const articleId = created.createArticle.id;
  const SAVE = 'mutation ($input: SaveArticleDraftInput!) { saveArticleDraft(input: $input) { locales { headRevision { id number } } } }';
  let head;
  for (let number = 2; number <= 50; number += 1) {
    head = (await admin(SAVE, { input: { articleId, locale: 'en', baseRevisionNumber: number - 1, title: `Publish bench r${number}`, bodyMarkdown: `${'y'.repeat(2000)} ${number}` } }, token)).saveArticleDraft.locales[0].headRevision;
  }
  const timings = [];
  for (let i = 0; i < 100; i += 1) {
    const started = performance.now();
    await admin('mutation ($input: PublishArticleInput!) { publishArticle(input: $input) { id } }', { input: { articleId, revisionId: head.id } }, token);
    timings.push(performance.now() - started);
    head = (await admin(SAVE, { input: { articleId, locale: 'en', baseRevisionNumber: head.number, title: `Publish bench r${head.number + 1}`, bodyMarkdown: `${'z'.repeat(2000)} ${i}` } }, token)).saveArticleDraft.locales[0].headRevision;
  }
  const cleanup = new pg.Client({ connectionString: DATABASE_URL });
  await cleanup.connect();
  await cleanup.query('DELETE FROM articles WHERE id = $1', [articleId]);
  await cleanup.query('DELETE FROM users WHERE email = $1', [email]);
  await cleanup.end();
  timings.sort((a, b) => a - b);
  return { revisionsAtStart: 50, publishes: timings.length, p50: round(timings[49], 1), p95: round(timings[94], 1), max: round(timings.at(-1), 1) };
}

/** Requests each body once (20 at a time): a long-running server has its popular articles cached. */
async function prime(url, bodies) {
  process.stdout.write(`  priming the cache with ${bodies.length} articles ... `);
  let next = 0;
  await Promise.all(Array.from({ length: 20 }, async () => {
    while (next < bodies.length) await postJson(url, bodies[next++]);
  }));
  process.stdout.write('done\n');
}

async function main() {
  if (!fs.existsSync(MAIN)) throw new Error('Build first: npm run build');
  const env = environment();
  const data = await sampleData();
  if (data.articles < 1000) throw new Error(`Only ${data.articles} articles in ${DATABASE_URL}: run npm run bench:generate first`);
  console.log(`Delivery bench: ${data.articles} articles, ${DURATION_SECONDS}s x ${CONNECTIONS} connections`);
  const randomSlug = () => ({ query: ARTICLE_QUERY, variables: { slug: data.slugs[Math.floor(Math.random() * data.slugs.length)], locale: 'en' } });
  const randomCategory = () => ({ query: CATEGORY_QUERY, variables: { categoryId: data.categories[Math.floor(Math.random() * data.categories.length)] } });

  const bare = await startBare();
  const bareFigures = await load('bare Fastify + pg, PK select', bare.url, () => ({}));
  await stopChild(bare.child);

  const results = { bare: bareFigures };
  for (const [mode, extraEnv] of [['cache on', {}], ['cache off', { DELIVERY_CACHE_ENTRIES: '0' }]]) {
    const app = await startTrackedApp(extraEnv);
    try {
      const probe = await postJson(`${app.url}/graphql`, randomSlug());
      if (!probe.text.includes('"breadcrumbs"')) throw new Error(`unexpected answer: ${probe.text.slice(0, 300)}`);
      if (mode === 'cache on') await prime(`${app.url}/graphql`, data.slugs.map((slug) => ({ query: ARTICLE_QUERY, variables: { slug, locale: 'en' } })));
      results[`article ${mode}`] = await load(`article(slug) ${mode}`, `${app.url}/graphql`, randomSlug);
      results[`category ${mode}`] = await load(`category page ${mode}`, `${app.url}/graphql`, randomCategory);
      results[`rss ${mode}`] = rssMb(app.child.pid);
      if (mode === 'cache on') results.publish = await measurePublish(app.url);
    } finally {
      await stopChild(app.child);
    }
  }

  const ratio = (key) => round(results[key].requestsPerSecond / bareFigures.requestsPerSecond, 2);
  const checks = [
    { name: `article ratio vs bare >= ${TARGETS.minArticleRatio} (cache on)`, value: ratio('article cache on'), ok: ratio('article cache on') >= TARGETS.minArticleRatio },
    { name: `article ratio vs bare >= ${TARGETS.minArticleRatio} (cache off)`, value: ratio('article cache off'), ok: ratio('article cache off') >= TARGETS.minArticleRatio },
    { name: `article p99 < ${TARGETS.maxArticleP99Ms} ms (cache on)`, value: results['article cache on'].p99, ok: results['article cache on'].p99 < TARGETS.maxArticleP99Ms },
    { name: `article p99 < ${TARGETS.maxArticleP99Ms} ms (cache off)`, value: results['article cache off'].p99, ok: results['article cache off'].p99 < TARGETS.maxArticleP99Ms },
    { name: `category page p99 < ${TARGETS.maxCategoryP99Ms} ms (cache on)`, value: results['category cache on'].p99, ok: results['category cache on'].p99 < TARGETS.maxCategoryP99Ms },
    { name: `category page p99 < ${TARGETS.maxCategoryP99Ms} ms (cache off)`, value: results['category cache off'].p99, ok: results['category cache off'].p99 < TARGETS.maxCategoryP99Ms },
    { name: `publish (50 revisions) p95 < ${TARGETS.maxPublishP95Ms} ms`, value: results.publish.p95, ok: results.publish.p95 < TARGETS.maxPublishP95Ms },
  ];
  const rows = ['bare', 'article cache on', 'article cache off', 'category cache on', 'category cache off'].map((key) => {
    const f = results[key];
    return [f.label, f.requestsPerSecond, key === 'bare' ? '1.00' : ratio(key), f.p50, f.p99, `${f.non2xx} / ${f.errors}`];
  });
  const table = markdownTable(['Target', 'req/s', 'ratio vs bare', 'p50 ms', 'p99 ms', 'non-2xx / errors'], rows);
  const checksTable = markdownTable(['Check', 'Measured', 'Result'], checks.map((c) => [c.name, c.value, c.ok ? 'PASS' : 'FAIL']));
  const markdown = `# Delivery on ${data.articles} articles

Command: \`npm run bench:delivery\` (BENCH_DURATION=${DURATION_SECONDS}); data from \`npm run bench:generate\`

- Date: ${env.date}; Node ${env.node}; ${env.cpuCount} × ${env.cpuModel}
- autocannon, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${DURATION_SECONDS} s per target, servers in child processes, autocannon in this process
- article: random slug among 10,000 published \`en\` articles, with category and breadcrumbs; category page: \`articles(categoryId, first: 20)\` with excerpts and totalCount over 20 categories
- App RSS after load: cache on ${results['rss cache on'].rss} MB, cache off ${results['rss cache off'].rss} MB

${table}

Publish through the admin API of an article with 50 revisions, 100 times: p50 ${results.publish.p50} ms, p95 ${results.publish.p95} ms, max ${results.publish.max} ms

${checksTable}
`;
  console.log(`\n${markdown}`);
  writeResults('delivery', { environment: env, articles: data.articles, targets: TARGETS, results, checks }, markdown);
}

main().catch(async (error) => {
  console.error(error);
  await Promise.all(children.map((c) => stopChild(c, 5000)));
  process.exit(1);
});
