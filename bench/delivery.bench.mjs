// Delivery benchmark on a large knowledge base (run `npm run bench:generate` first).
//   npm run bench:delivery            (BENCH_DURATION=<s per target>, BENCH_ROUNDS=<n>, BENCH_DATABASE=<url>)
// Four servers run side by side on the same database and are measured interleaved, round by round
// (bare, cache on, cache off, long tail, bare, …), 50 connections each, so machine noise hits all alike:
//   bare    Fastify + pg, one indexed by-slug lookup (a named prepared statement) per request: the baseline;
//   on      the app with its caches (default DELIVERY_CACHE_ENTRIES=20000), slugs drawn from a primed hot
//           set of 10,000 articles;
//   off     the app with DELIVERY_CACHE_ENTRIES=0: no published-content cache and no whole-response cache
//           (the category-structure cache stays: see docs/knowledge-base.md), slugs drawn from all articles,
//           warmed up first like the others (20,000 requests, as is the bare server), so no round measures V8 warming up;
//   tail    the app with its caches (20,000 entries), slugs drawn uniformly from all articles (the long tail).
// Targets: `article(slug, locale)` with category and breadcrumbs; the category page
// `articles(categoryId, first: 20)` with excerpts and totalCount over random categories; then publishing an
// article that has 50 revisions through the admin API, 100 times in a row. The hit rate is the share of
// answers served whole from the response cache (`x-cache: HIT`).
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { CATEGORY_QUERY, CONNECTIONS, DURATION_SECONDS, MAIN, environment, markdownTable, postJson, round, rssMb, startApp, stopChild, waitUntilIdle, writeResults } from './lib.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_kb';
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS) || 3);
const SEGMENT_SECONDS = Math.max(2, Math.round(DURATION_SECONDS / ROUNDS));
const SEGMENT_WARMUP_SECONDS = 1;
/** Issue 10's targets with the caches off, plus the earlier ones. */
const TARGETS = { minArticleRatioOff: 0.5, maxCategoryP99MsOff: 50, minArticleRatioOn: 0.3, maxPublishP95Ms: 50 };
/** BENCH_ARTICLE_FIELDS=extended also asks for the page fields of issue 14 (table of contents, reading time, author, og:image, robots). */
const EXTENDED_FIELDS = process.env.BENCH_ARTICLE_FIELDS === 'extended';
const ARTICLE_QUERY = `query ($slug: String!, $locale: String) { article(slug: $slug, locale: $locale) {
  id title bodyHtml excerpt lastModified seo { title description canonicalUrl${EXTENDED_FIELDS ? ' ogImage robots' : ''} } alternates { locale url }
  category { id name slug } breadcrumbs { name slug }${EXTENDED_FIELDS ? ' headings { level text anchor } readingTimeMinutes authorName' : ''} } }`;

const TAIL_PRIMING_REQUESTS = 80_000;
const WARM_UP_REQUESTS = 20_000;

const children = [];
process.once('SIGINT', async () => {
  await Promise.all(children.map((c) => stopChild(c, 5000)));
  process.exit(130);
});

function run(opts) {
  return new Promise((resolve, reject) => autocannon(opts, (error, result) => (error ? reject(error) : resolve(result))));
}

/** CPU time a process used so far, in ms (user + system, from /proc; Linux only). */
function cpuMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** One measured segment (after a short warm-up); counts answers served whole from the response cache and the server's CPU time. */
async function segment(url, makeBody, pid) {
  const counts = { hits: 0, answers: 0 };
  const opts = (count) => ({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: CONNECTIONS,
    requests: [{
      setupRequest: (request) => ({ ...request, body: JSON.stringify(makeBody()) }),
      onResponse: count ? (_status, _body, _context, headers) => {
        counts.answers += 1;
        if (headers?.['x-cache'] === 'HIT') counts.hits += 1;
      } : undefined,
    }],
  });
  await run({ ...opts(false), duration: SEGMENT_WARMUP_SECONDS });
  const cpuBefore = cpuMs(pid);
  const r = await run({ ...opts(true), duration: SEGMENT_SECONDS });
  const cpu = cpuMs(pid) - cpuBefore;
  return { requests: r.requests.total, seconds: r.duration, cpuMs: cpu, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, ...counts };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

/** Runs the targets round-robin, ROUNDS times, and sums up each: req/s over all its rounds, median p50/p99, worst p99. */
async function interleaved(title, targets) {
  console.log(`${title}: ${ROUNDS} rounds x ${targets.length} targets, ${SEGMENT_WARMUP_SECONDS} s warm-up + ${SEGMENT_SECONDS} s each`);
  const segments = Object.fromEntries(targets.map((t) => [t.key, []]));
  for (let r = 1; r <= ROUNDS; r += 1) {
    for (const target of targets) {
      const s = await segment(target.url, target.makeBody, target.pid);
      segments[target.key].push(s);
      console.log(`  round ${r} ${target.label}: ${Math.round(s.requests / s.seconds)} req/s, p50 ${s.p50} ms, p99 ${s.p99} ms, ${round(s.cpuMs / s.requests, 3)} CPU ms/request${s.hits ? `, hits ${round2pct(s.hits / s.answers)}` : ''}`);
    }
  }
  return Object.fromEntries(targets.map((target) => {
    const list = segments[target.key];
    const sum = (key) => list.reduce((total, s) => total + s[key], 0);
    return [target.key, {
      label: target.label,
      requestsPerSecond: Math.round(sum('requests') / sum('seconds')),
      cpuMsPerRequest: round(sum('cpuMs') / sum('requests'), 3),
      p50: median(list.map((s) => s.p50)),
      p99: median(list.map((s) => s.p99)),
      worstP99: Math.max(...list.map((s) => s.p99)),
      hitRate: sum('answers') ? round(sum('hits') / sum('answers'), 3) : 0,
      non2xx: sum('non2xx'),
      errors: sum('errors'),
      rounds: list,
    }];
  }));
}

const round2pct = (share) => `${round(share * 100, 1)} %`;

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
    const { rows: slugs } = await client.query(`SELECT slug FROM article_locales WHERE locale = 'en' AND status = 'published' ORDER BY slug`);
    const { rows: categories } = await client.query('SELECT id FROM categories ORDER BY id');
    const [{ count }] = (await client.query(`SELECT count(*)::int AS count FROM articles`)).rows;
    const all = slugs.map((r) => r.slug);
    // The hot set: every tenth slug (10,000 of 100,000), a fixed choice so runs compare.
    return { slugs: all, hot: all.filter((_, i) => i % Math.max(1, Math.round(all.length / 10000)) === 0).slice(0, 10000), categories: categories.map((r) => r.id), articles: count };
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

/** Requests each body once (20 at a time): a long-running server has its popular articles cached and its code warm. */
async function prime(url, bodies, what = `priming the cache with ${bodies.length} articles`) {
  process.stdout.write(`  ${what} ... `);
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
  console.log(`Delivery bench: ${data.articles} articles (${data.slugs.length} en slugs, hot set ${data.hot.length}), ${CONNECTIONS} connections`);
  const any = (list) => list[Math.floor(Math.random() * list.length)];
  const article = (slugs) => () => ({ query: ARTICLE_QUERY, variables: { slug: any(slugs), locale: 'en' } });
  const category = () => ({ query: CATEGORY_QUERY, variables: { categoryId: any(data.categories) } });

  const bare = await startBare();
  const on = await startTrackedApp({});
  const off = await startTrackedApp({ DELIVERY_CACHE_ENTRIES: '0' });
  const tail = await startTrackedApp({ DELIVERY_CACHE_ENTRIES: '20000' });
  const results = {};
  try {
    for (const app of [on, off, tail]) {
      const probe = await postJson(`${app.url}/graphql`, article(data.hot)());
      if (!probe.text.includes('"breadcrumbs"')) throw new Error(`unexpected answer: ${probe.text.slice(0, 300)}`);
    }
    const bareProbe = await postJson(bare.url, article(data.hot)());
    if (!bareProbe.text.includes('"title"')) throw new Error(`unexpected bare answer: ${bareProbe.text.slice(0, 300)}`);
    // Twice: the cache stores a page on its second miss, and a long-running server has seen its popular pages often.
    const hotBodies = data.hot.map((slug) => ({ query: ARTICLE_QUERY, variables: { slug, locale: 'en' } }));
    for (let pass = 0; pass < 2; pass += 1) await prime(`${on.url}/graphql`, hotBodies);
    // The long-tail server starts as full as a long-running one: enough random requests to fill its 20,000 entries, which
    // take a page on its second miss (about a third of the misses once the doorkeeper is full).
    await prime(`${tail.url}/graphql`, Array.from({ length: TAIL_PRIMING_REQUESTS }, article(data.slugs)));
    // The servers without a cache get as many requests first, so every target is measured with its code optimized by
    // V8 (and its GraphQL documents compiled) rather than the first one warming up in its first round.
    const warmUp = [...Array.from({ length: WARM_UP_REQUESTS }, article(data.slugs)), ...Array.from({ length: WARM_UP_REQUESTS / 4 }, category)];
    await prime(`${off.url}/graphql`, warmUp, 'warming up the caches-off server');
    await prime(bare.url, warmUp.slice(0, WARM_UP_REQUESTS), 'warming up the bare server');
    await waitUntilIdle([on, off, tail].map((app) => app.child.pid));

    Object.assign(results, await interleaved('article(slug)', [
      { key: 'bare', label: 'bare Fastify + pg, by-slug lookup', url: bare.url, pid: bare.child.pid, makeBody: article(data.slugs) },
      { key: 'article on', label: `article(slug), caches on (hot ${data.hot.length})`, url: `${on.url}/graphql`, pid: on.child.pid, makeBody: article(data.hot) },
      { key: 'article off', label: 'article(slug), caches off', url: `${off.url}/graphql`, pid: off.child.pid, makeBody: article(data.slugs) },
      { key: 'article tail', label: `article(slug), long tail (cache 20,000, ${data.slugs.length} slugs)`, url: `${tail.url}/graphql`, pid: tail.child.pid, makeBody: article(data.slugs) },
    ]));
    Object.assign(results, await interleaved('category page', [
      { key: 'category on', label: 'category page, caches on', url: `${on.url}/graphql`, pid: on.child.pid, makeBody: category },
      { key: 'category off', label: 'category page, caches off', url: `${off.url}/graphql`, pid: off.child.pid, makeBody: category },
    ]));
    results.rss = { on: rssMb(on.child.pid), off: rssMb(off.child.pid), tail: rssMb(tail.child.pid) };
    await Promise.all([stopChild(off.child), stopChild(tail.child), stopChild(bare.child)]);
    results.publish = await measurePublish(on.url);
  } finally {
    await Promise.all([on, off, tail, bare].map((s) => stopChild(s.child)));
  }

  const bareRate = results.bare.requestsPerSecond;
  const ratio = (key) => round(results[key].requestsPerSecond / bareRate, 2);
  const checks = [
    { name: `article ratio vs bare >= ${TARGETS.minArticleRatioOff} (caches off)`, value: ratio('article off'), ok: ratio('article off') >= TARGETS.minArticleRatioOff },
    { name: `category page p99 < ${TARGETS.maxCategoryP99MsOff} ms (caches off; median of rounds)`, value: results['category off'].p99, ok: results['category off'].p99 < TARGETS.maxCategoryP99MsOff },
    { name: `article ratio vs bare >= ${TARGETS.minArticleRatioOn} (caches on)`, value: ratio('article on'), ok: ratio('article on') >= TARGETS.minArticleRatioOn },
    { name: `article ratio vs bare >= ${TARGETS.minArticleRatioOff} (long tail)`, value: ratio('article tail'), ok: ratio('article tail') >= TARGETS.minArticleRatioOff },
    { name: `publish (50 revisions) p95 < ${TARGETS.maxPublishP95Ms} ms`, value: results.publish.p95, ok: results.publish.p95 < TARGETS.maxPublishP95Ms },
  ];
  const keys = ['bare', 'article on', 'article off', 'article tail', 'category on', 'category off'];
  const rows = keys.map((key) => {
    const f = results[key];
    return [f.label, f.requestsPerSecond, key === 'bare' ? '1.00' : ratio(key), f.p50, f.p99, f.worstP99, f.cpuMsPerRequest, key === 'bare' ? '–' : round2pct(f.hitRate), `${f.non2xx} / ${f.errors}`];
  });
  const table = markdownTable(['Target', 'req/s', 'ratio vs bare', 'p50 ms', 'p99 ms', 'worst p99 ms', 'server CPU ms/request', 'response-cache hits', 'non-2xx / errors'], rows);
  const checksTable = markdownTable(['Check', 'Measured', 'Result'], checks.map((c) => [c.name, c.value, c.ok ? 'PASS' : 'FAIL']));
  const markdown = `# Delivery on ${data.articles} articles

Command: \`npm run bench:delivery\` (BENCH_DURATION=${DURATION_SECONDS}, BENCH_ROUNDS=${ROUNDS}); data from \`npm run bench:generate\`

- Date: ${env.date}; Node ${env.node}; ${env.cpuCount} × ${env.cpuModel} (shared machine: compare ratios within this run, not absolute figures across runs)
- autocannon in this process, ${CONNECTIONS} connections; four servers (child processes) up at once and measured interleaved: ${ROUNDS} rounds, each target ${SEGMENT_WARMUP_SECONDS} s warm-up + ${SEGMENT_SECONDS} s per round; req/s over all rounds, p50/p99 the median of the rounds, worst p99 the worst round
- bare: Fastify + pg, one indexed by-slug lookup (named prepared statement) per request, slugs uniform over all ${data.slugs.length}
- article: \`article(slug, locale)\` with category and breadcrumbs; caches on: the default cache (20,000 entries) primed with a hot set of ${data.hot.length} slugs (each requested twice), then requested uniformly; caches off: \`DELIVERY_CACHE_ENTRIES=0\` (no content cache, no response cache; the category-structure cache stays), slugs uniform over all ${data.slugs.length}, warmed up first with ${WARM_UP_REQUESTS.toLocaleString('en')} random article and ${(WARM_UP_REQUESTS / 4).toLocaleString('en')} category requests (the bare server with as many article requests); long tail: cache 20,000 entries, primed with ${TAIL_PRIMING_REQUESTS.toLocaleString('en')} random requests, slugs uniform over all ${data.slugs.length}
- category page: \`articles(categoryId, first: 20)\` with excerpts and totalCount, random category of ${data.categories.length} (5 of them with 3 sub-categories, included)
- response-cache hits: share of answers with \`x-cache: HIT\` (whole response from the cache); server CPU ms/request: user + system CPU time of the server process (not PostgreSQL) during the measured seconds, divided by the requests answered — the figure least disturbed by other load on the machine
- App RSS after load: caches on ${results.rss.on.rss} MB, off ${results.rss.off.rss} MB, long tail ${results.rss.tail.rss} MB

${table}

Publish through the admin API of an article with 50 revisions, 100 times: p50 ${results.publish.p50} ms, p95 ${results.publish.p95} ms, max ${results.publish.max} ms

${checksTable}
`;
  console.log(`\n${markdown}`);
  writeResults('delivery', { environment: env, rounds: ROUNDS, segmentSeconds: SEGMENT_SECONDS, articles: data.articles, targets: TARGETS, results, checks }, markdown);
}

main().catch(async (error) => {
  console.error(error);
  await Promise.all(children.map((c) => stopChild(c, 5000)));
  process.exit(1);
});
