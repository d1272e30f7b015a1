// Search benchmark on the generated knowledge base (run `npm run bench:generate` first).
//   npm run bench:search          (BENCH_DATABASE=<url>, BENCH_DURATION=<s> for the latency run, default 20)
// In one run, on the PostgreSQL engine:
//   (a) full reindex of every article locale with `npm run cli -- reindex` (documents/s);
//   (b) delivery `search` with facets, 200 fixed one- to three-word queries (typos and prefixes included),
//       8 concurrent clients looping over them (p50, p95 per request);
//   (c) outbox lag: 50 article saves per second through the admin API for 20 s while the API's worker
//       indexes; lag = time the document was indexed − time the save returned (p50, p95);
//   (d) search while content changes: 50 writes per second for 20 s, a third each draft saves, unpublishes
//       and publishes (of the articles just unpublished), so the public index really changes.
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { ROOT, environment, markdownTable, round, sleep, startApp, stopChild, writeResults } from './lib.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_kb';
const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 20);
const CLIENTS = 8;
const TARGETS = { maxP50Ms: 15, maxP95Ms: 50, minReindexPerSecond: 2000, maxLagP95Ms: 2000 };
const SEARCH = `query ($input: SearchInput!) { search(input: $input) { total totalIsEstimate hits { id title highlightedTitle snippet url }
  facets { category { value count } product { value count } tag { value count } locale { value count } kind { value count } } } }`;

// The generator's vocabulary: queries hit real words, partial words and misspellings of them.
const WORDS = `account invoice payment report export import customer tax currency bank reconcile subscription plan card receipt
 refund discount reminder recurring quote estimate mileage expense team role permission password security sign-in webhook api key
 limit sandbox sync shop order payout fee balance ledger journal period close forecast cash profit loss vat return number prefix`.split(/\s+/).filter(Boolean);

function typo(word, n) {
  if (word.length < 5) return word;
  const i = 1 + (n % (word.length - 2));
  return n % 2 ? word.slice(0, i) + word.slice(i + 1) : word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
}

/** 200 queries: 1-3 words; every 5th has a typo, every 7th ends with a prefix. */
export function fixedQueries() {
  const queries = [];
  for (let n = 0; queries.length < 200; n += 1) {
    const count = 1 + (n % 3);
    const words = Array.from({ length: count }, (_, k) => WORDS[(n * 7 + k * 13) % WORDS.length]);
    if (n % 5 === 0) words[0] = typo(words[0], n);
    if (n % 7 === 0) words[words.length - 1] = words[words.length - 1].slice(0, Math.max(3, words[words.length - 1].length - 3));
    queries.push(words.join(' '));
  }
  return queries;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function gql(url, query, variables, token) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

function reindex() {
  process.stdout.write('  reindexing with npm run cli -- reindex ... ');
  const started = Date.now();
  const result = spawnSync('npm', ['run', '--silent', 'cli', '--', 'reindex'], { cwd: ROOT, env: { ...process.env, DATABASE_URL, SEARCH_ENGINE: 'postgres' }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`reindex failed:\n${result.stdout}\n${result.stderr}`);
  const match = /Indexed (\d+) documents into postgres in ([\d.]+) s/.exec(result.stdout);
  if (!match) throw new Error(`unexpected reindex output:\n${result.stdout}`);
  const documents = Number(match[1]);
  const seconds = Number(match[2]);
  process.stdout.write(`${documents} documents in ${seconds} s (${Math.round(documents / seconds)}/s; command ${round((Date.now() - started) / 1000, 1)} s)\n`);
  return { documents, seconds, perSecond: Math.round(documents / seconds) };
}

async function searchLatency(url, queries, label, warmUp = true) {
  process.stdout.write(`  searching (${label}): ${CLIENTS} clients, ${queries.length} queries, ${DURATION_SECONDS} s ... `);
  const latencies = [];
  let next = 0;
  let zero = 0;
  // Warm-up pass over every query once.
  if (warmUp) for (const text of queries) await gql(`${url}/graphql`, SEARCH, { input: { text, locale: 'en', pageSize: 10 } });
  const until = Date.now() + DURATION_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < until) {
        const text = queries[next++ % queries.length];
        const started = performance.now();
        const data = await gql(`${url}/graphql`, SEARCH, { input: { text, locale: 'en', pageSize: 10 } });
        latencies.push(performance.now() - started);
        if (data.search.total === 0) zero += 1;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const figures = { requests: latencies.length, perSecond: Math.round(latencies.length / DURATION_SECONDS), p50: round(percentile(latencies, 0.5), 1), p95: round(percentile(latencies, 0.95), 1), p99: round(percentile(latencies, 0.99), 1), zeroResultShare: round(zero / latencies.length, 3) };
  process.stdout.write(`p50 ${figures.p50} ms, p95 ${figures.p95} ms, ${figures.perSecond} searches/s\n`);
  return figures;
}

/** 50 admin writes per second for 20 s. `publishing`: a third each save a draft, unpublish, publish again. */
async function outboxLag(url, publishing = false) {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const email = `bench-search-${Date.now()}@example.test`;
  const password = 'bench-password-123';
  const argon2 = (await import('argon2')).default;
  await client.query(`INSERT INTO users (email, display_name, password_hash, role) VALUES ($1, 'Bench Editor', $2, 'editor')`, [email, await argon2.hash(password, { type: argon2.argon2id })]);
  const { login } = await gql(`${url}/admin/graphql`, 'mutation ($input: AdminLoginInput!) { login(input: $input) { accessToken } }', { input: { email, password } });
  const token = login.accessToken;
  const rate = 50;
  const seconds = 20;
  const { rows: articles } = await client.query(
    `SELECT l.article_id, l.head_revision_number, l.published_revision_id FROM article_locales l
     WHERE l.locale = 'en' AND l.status = 'published'
       AND l.head_revision_number = (SELECT r.number FROM article_revisions r WHERE r.id = l.published_revision_id)
     ORDER BY random() LIMIT $1`,
    [rate * seconds],
  );
  process.stdout.write(`  ${publishing ? 'writes (save / unpublish / publish)' : 'outbox lag: saves'}: ${rate}/s for ${seconds} s ... `);
  const saved = [];
  const failures = [];
  const counts = { save: 0, unpublish: 0, publish: 0 };
  const SAVE = 'mutation ($input: SaveArticleDraftInput!) { saveArticleDraft(input: $input) { id } }';
  const UNPUBLISH = 'mutation ($input: ArticleLocaleInput!) { unpublishArticle(input: $input) { id } }';
  const PUBLISH = 'mutation ($input: PublishArticleInput!) { publishArticle(input: $input) { id } }';
  const admin = (query, input) => gql(`${url}/admin/graphql`, query, { input }, token);
  const started = Date.now();
  const inflight = [];
  /** The unpublish of each article in flight, so its publish goes out after it. */
  const unpublished = [];
  for (let i = 0; i < articles.length; i += 1) {
    const due = started + (i * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const kind = !publishing ? 'save' : ['save', 'unpublish', 'publish'][i % 3];
    let write;
    if (kind === 'save') {
      const a = articles[i];
      write = admin(SAVE, { articleId: a.article_id, locale: 'en', baseRevisionNumber: a.head_revision_number, title: `Bench save ${i}`, bodyMarkdown: `Saved by the search bench, ${i}.` }).then(() => a);
    } else if (kind === 'unpublish') {
      const a = articles[i];
      write = admin(UNPUBLISH, { articleId: a.article_id, locale: 'en' }).then(() => a);
      unpublished.push(write);
    } else {
      // Publish again one of the articles unpublished a few writes ago (its published revision).
      const before = unpublished[Math.max(0, unpublished.length - 3)];
      write = before.then((a) => admin(PUBLISH, { articleId: a.article_id, revisionId: a.published_revision_id }).then(() => a));
    }
    inflight.push(
      write.then(
        (a) => {
          counts[kind] += 1;
          saved.push({ id: a.article_id, committedAt: Date.now() });
        },
        (error) => failures.push(`${kind}: ${String(error.message).slice(0, 200)}`),
      ),
    );
  }
  await Promise.all(inflight);
  if (failures.length) process.stdout.write(`${failures.length} writes failed (first: ${failures[0]}) `);
  const achievedRate = round(saved.length / ((Date.now() - started) / 1000), 1);
  // Wait for the outbox to drain, then read when each document was indexed.
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const { rows } = await client.query('SELECT count(*)::int AS pending FROM search_outbox');
    if (rows[0].pending === 0) break;
    await sleep(200);
  }
  const { rows } = await client.query(`SELECT source_id, extract(epoch FROM indexed_at) * 1000 AS indexed_ms FROM search_documents WHERE kind = 'article' AND locale = 'en' AND source_id = ANY($1::uuid[])`, [saved.map((s) => s.id)]);
  const indexedAt = new Map(rows.map((r) => [r.source_id, Number(r.indexed_ms)]));
  const lags = saved.map((s) => Math.max(0, indexedAt.get(s.id) - s.committedAt)).filter((lag) => Number.isFinite(lag)).sort((a, b) => a - b);
  await client.query('DELETE FROM users WHERE email = $1', [email]);
  await client.end();
  const figures = { saves: saved.length, ...(publishing ? { writes: counts, failures: failures.length } : {}), savesPerSecond: achievedRate, p50: round(percentile(lags, 0.5), 0), p95: round(percentile(lags, 0.95), 0), max: round(lags.at(-1), 0) };
  process.stdout.write(`${achievedRate} saves/s, lag p50 ${figures.p50} ms, p95 ${figures.p95} ms\n`);
  return figures;
}

function latencyFigures(figures) {
  return `${figures.requests} searches, ${figures.perSecond}/s, p50 ${figures.p50} ms, p95 ${figures.p95} ms, p99 ${figures.p99} ms, ${Math.round(figures.zeroResultShare * 100)}% without hits`;
}

async function main() {
  const env = environment();
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const [{ articles }] = (await client.query('SELECT count(*)::int AS articles FROM articles')).rows;
  await client.end();
  if (articles < 1000) throw new Error(`Only ${articles} articles in ${DATABASE_URL}: run npm run bench:generate first`);
  console.log(`Search bench: ${articles} articles`);
  const reindexFigures = reindex();
  let latency;
  let uncached;
  let lag;
  let underWrites;
  let writeLag;
  const app = await startApp(DATABASE_URL, { SEARCH_ENGINE: 'postgres' });
  try {
    latency = await searchLatency(app.url, fixedQueries(), 'default: result cache on');
    lag = await outboxLag(app.url);
    // Every index write empties the cache: how search fares while content keeps changing.
    [underWrites, writeLag] = await Promise.all([searchLatency(app.url, fixedQueries(), 'result cache on, during 50 writes/s (save, unpublish, publish)', false), outboxLag(app.url, true)]);
  } finally {
    await stopChild(app.child);
  }
  const uncachedApp = await startApp(DATABASE_URL, { SEARCH_ENGINE: 'postgres', SEARCH_CACHE_ENTRIES: '0' });
  try {
    uncached = await searchLatency(uncachedApp.url, fixedQueries(), 'result cache off');
  } finally {
    await stopChild(uncachedApp.child);
  }
  const checks = [
    { name: `search p50 < ${TARGETS.maxP50Ms} ms (cache on)`, value: latency.p50, ok: latency.p50 < TARGETS.maxP50Ms },
    { name: `search p95 < ${TARGETS.maxP95Ms} ms (cache on)`, value: latency.p95, ok: latency.p95 < TARGETS.maxP95Ms },
    { name: `search p50 < ${TARGETS.maxP50Ms} ms (cache off)`, value: uncached.p50, ok: uncached.p50 < TARGETS.maxP50Ms },
    { name: `search p95 < ${TARGETS.maxP95Ms} ms (cache off)`, value: uncached.p95, ok: uncached.p95 < TARGETS.maxP95Ms },
    { name: `reindex > ${TARGETS.minReindexPerSecond} documents/s`, value: reindexFigures.perSecond, ok: reindexFigures.perSecond > TARGETS.minReindexPerSecond },
    { name: `outbox lag p95 < ${TARGETS.maxLagP95Ms} ms at 50 saves/s`, value: lag.p95, ok: lag.p95 < TARGETS.maxLagP95Ms },
  ];
  const markdown = `# Search on ${articles} articles (PostgreSQL engine)

Command: \`npm run bench:search\` (BENCH_DURATION=${DURATION_SECONDS}); data from \`npm run bench:generate\`

- Date: ${env.date}; Node ${env.node}; ${env.cpuCount} × ${env.cpuModel}; the API, PostgreSQL and the load run on the same machine
- search: delivery API with all facets, 200 fixed one- to three-word queries (typos, prefixes), 8 clients, after one warm-up pass over the queries. With the cache on (the default) the measured searches are answered from each instance's result cache, which any index change empties; with it off every search runs in PostgreSQL.

${markdownTable(['Measure', 'Figures'], [
    ['reindex', `${reindexFigures.documents} documents in ${reindexFigures.seconds} s = ${reindexFigures.perSecond} documents/s`],
    ['search, result cache on (default)', latencyFigures(latency)],
    ['search, result cache off (SEARCH_CACHE_ENTRIES=0)', latencyFigures(uncached)],
    ['search, result cache on, while 50 writes/s (a third each: draft save, unpublish, publish) are indexed', latencyFigures(underWrites)],
    ['outbox lag (commit → indexed)', `${lag.saves} saves at ${lag.savesPerSecond}/s: p50 ${lag.p50} ms, p95 ${lag.p95} ms, max ${lag.max} ms`],
    ['outbox lag during the mixed writes', `${writeLag.writes.save} saves, ${writeLag.writes.unpublish} unpublishes, ${writeLag.writes.publish} publishes (${writeLag.failures} failed) at ${writeLag.savesPerSecond}/s: p50 ${writeLag.p50} ms, p95 ${writeLag.p95} ms, max ${writeLag.max} ms`],
  ])}

${markdownTable(['Check', 'Measured', 'Result'], checks.map((c) => [c.name, c.value, c.ok ? 'PASS' : 'FAIL']))}
`;
  console.log(`\n${markdown}`);
  writeResults('search', { environment: env, articles, targets: TARGETS, reindex: reindexFigures, latency, uncached, underWrites, lag, writeLag, checks }, markdown);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
