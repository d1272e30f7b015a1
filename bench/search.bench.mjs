// Search benchmark on the generated knowledge base (run `npm run bench:generate` first).
//   npm run bench:search   (BENCH_DATABASE=<url>, BENCH_DURATION=<s> per latency run, default 20;
//                           BENCH_WRITES=1 adds the outbox-lag and search-under-writes runs; BENCH_REINDEX=1 forces a reindex)
// In one run, on the PostgreSQL engine:
//   (a) a full reindex with `npm run cli -- reindex` (documents/s) when the index is not complete (or BENCH_REINDEX=1);
//   (b) delivery `search` with all facets, queries = 200 held-out real question titles (bench/search-queries.mjs, never
//       article titles), result cache off (SEARCH_CACHE_ENTRIES=0) at 1 and 4 clients, then on at 1 and 4 clients
//       (no warm-up: the hit rate is the share of requests repeating a query already answered, nothing invalidating);
//   (c) a bare-SQL reference in the same run, same queries: stored tsvector + GIN, websearch_to_tsquery with its
//       words OR-ed, ts_rank, top 10, straight to PostgreSQL (no HTTP, no GraphQL) at 1 and 4 connections;
//   (d) one query of 10,000 characters (the longest accepted) through the API, cache off;
//   (d') the same searches with the semantic rerank off (SEARCH_SEMANTIC_RERANK=false), cache off, at 1 and 4 clients
//       (titles without a sentence vector are embedded first with `npm run cli -- search:embed`, timed);
//   (e) with BENCH_WRITES=1: outbox lag at 50 saves/s, and search while 50 writes/s change the index.
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { ROOT, environment, markdownTable, round, sleep, startApp, stopChild, writeResults } from './lib.mjs';
import { heldOutTitles } from './search-queries.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_kb';
const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 20);
const TARGETS = { maxP50Ms1Client: 15, maxP95Ms4Clients: 60 };
const SEARCH = `query ($input: SearchInput!) { search(input: $input) { total totalIsEstimate hits { id title highlightedTitle snippet url }
  facets { category { value count } product { value count } tag { value count } locale { value count } kind { value count } } } }`;
const BARE_SQL = `SELECT key, ts_rank(tsv, q) AS rank
  FROM search_documents, (SELECT replace(websearch_to_tsquery('english', $1)::text, ' & ', ' | ')::tsquery AS q) x
  WHERE visibility = 'public' AND tsv @@ q ORDER BY rank DESC LIMIT 10`;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function gql(url, query, variables, token) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Titles' sentence vectors for the semantic rerank, computed with `npm run cli -- search:embed` when some are missing. */
async function ensureVectors() {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const count = async () => (await client.query(`SELECT count(*)::int AS titles, count(vector)::int AS embedded FROM search_vectors`)).rows[0];
  let { titles, embedded } = await count();
  let figures = null;
  if (embedded < titles) {
    process.stdout.write(`  embedding ${titles - embedded} titles with npm run cli -- search:embed ... `);
    const started = Date.now();
    const result = spawnSync('npm', ['run', '--silent', 'cli', '--', 'search:embed'], { cwd: ROOT, env: { ...process.env, DATABASE_URL }, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`search:embed failed:\n${result.stdout}\n${result.stderr}`);
    const seconds = (Date.now() - started) / 1000;
    figures = { titles: titles - embedded, seconds: round(seconds, 1), msPerTitle: round((seconds * 1000) / (titles - embedded), 2) };
    process.stdout.write(`${seconds.toFixed(1)} s (${figures.msPerTitle} ms per title)\n`);
    ({ titles, embedded } = await count());
  }
  await client.end();
  return { titles, embedded, embedding: figures };
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

/** `clients` loops over the queries (each from its own offset) for DURATION_SECONDS; `run(text)` returns the hit count. */
async function latency(label, clients, queries, run, seen = new Set()) {
  process.stdout.write(`  ${label}: ${clients} client(s), ${queries.length} queries, ${DURATION_SECONDS} s ... `);
  const latencies = [];
  let repeats = 0;
  let zero = 0;
  const until = Date.now() + DURATION_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let n = Math.floor((client * queries.length) / clients); Date.now() < until; n += 1) {
        const text = queries[n % queries.length];
        if (seen.has(text)) repeats += 1;
        seen.add(text);
        const started = performance.now();
        const hits = await run(text);
        latencies.push(performance.now() - started);
        if (hits === 0) zero += 1;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const figures = {
    clients,
    requests: latencies.length,
    perSecond: Math.round(latencies.length / DURATION_SECONDS),
    p50: round(percentile(latencies, 0.5), 1),
    p95: round(percentile(latencies, 0.95), 1),
    p99: round(percentile(latencies, 0.99), 1),
    zeroResultShare: round(zero / latencies.length, 3),
    repeatShare: round(repeats / latencies.length, 3),
  };
  process.stdout.write(`p50 ${figures.p50} ms, p95 ${figures.p95} ms, ${figures.perSecond}/s\n`);
  return figures;
}

const apiSearch = (url) => async (text) => (await gql(`${url}/graphql`, SEARCH, { input: { text, locale: 'en', pageSize: 10 } })).search.hits.length;

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

function latencyFigures(f) {
  return `p50 ${f.p50} ms, p95 ${f.p95} ms, p99 ${f.p99} ms; ${f.perSecond}/s (${f.requests} requests)${f.hitRate !== undefined ? `, cache hit rate ${Math.round(f.hitRate * 100)}%` : ''}; ${Math.round(f.zeroResultShare * 100)}% without hits`;
}

async function main() {
  const env = environment();
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const [{ articles, documents }] = (await client.query(`SELECT (SELECT count(*)::int FROM article_locales WHERE status = 'published') AS articles,
      (SELECT count(*)::int FROM search_documents) AS documents`)).rows;
  await client.end();
  if (articles < 1000) throw new Error(`Only ${articles} published articles in ${DATABASE_URL}: run npm run bench:generate first`);
  console.log(`Search bench: ${articles} published article locales, ${documents} indexed`);
  const reindexFigures = process.env.BENCH_REINDEX === '1' || documents < articles ? reindex() : null;
  const vectors = await ensureVectors();
  console.log(`  titles with a sentence vector: ${vectors.embedded} of ${vectors.titles}`);
  const queries = heldOutTitles();
  const results = { environment: env, articles, targets: TARGETS, reindex: reindexFigures, vectors };

  // The same connection settings as the app's pool (JIT off, src/database/data-source.ts).
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4, options: '-c jit=off' });
  const bare = async (text) => (await pool.query(BARE_SQL, [text])).rows.length;
  const uncachedApp = await startApp(DATABASE_URL, { SEARCH_ENGINE: 'postgres', SEARCH_CACHE_ENTRIES: '0' });
  try {
    // One warm-up pass (it also warms the pages the bare SQL reads).
    for (const text of queries) await apiSearch(uncachedApp.url)(text);
    results.uncached1 = await latency('search, cache off', 1, queries, apiSearch(uncachedApp.url));
    results.bare1 = await latency('bare SQL', 1, queries, bare);
    results.uncached4 = await latency('search, cache off', 4, queries, apiSearch(uncachedApp.url));
    results.bare4 = await latency('bare SQL', 4, queries, bare);
    const long = queries.join(' ').repeat(10).slice(0, 10_000);
    const times = [];
    for (let i = 0; i < 5; i += 1) {
      const started = performance.now();
      await apiSearch(uncachedApp.url)(long);
      times.push(performance.now() - started);
    }
    results.longQuery = { characters: long.length, msEach: times.map((t) => round(t, 1)) };
    console.log(`  10,000-character query: ${results.longQuery.msEach.join(', ')} ms`);
  } finally {
    await stopChild(uncachedApp.child);
    await pool.end();
  }
  // The engine's ranking alone (semantic rerank off), same queries, cache off.
  const lexicalApp = await startApp(DATABASE_URL, { SEARCH_ENGINE: 'postgres', SEARCH_CACHE_ENTRIES: '0', SEARCH_SEMANTIC_RERANK: 'false' });
  try {
    for (const text of queries) await apiSearch(lexicalApp.url)(text);
    results.lexical1 = await latency('search, cache off, rerank off', 1, queries, apiSearch(lexicalApp.url));
    results.lexical4 = await latency('search, cache off, rerank off', 4, queries, apiSearch(lexicalApp.url));
  } finally {
    await stopChild(lexicalApp.child);
  }
  const app = await startApp(DATABASE_URL, { SEARCH_ENGINE: 'postgres' });
  try {
    // The 1-client run starts with an empty cache; the 4-client run continues with what it cached.
    const answered = new Set();
    for (const clients of [1, 4]) {
      const figures = await latency('search, cache on', clients, queries, apiSearch(app.url), answered);
      results[`cached${clients}`] = { ...figures, hitRate: figures.repeatShare };
    }
    if (process.env.BENCH_WRITES === '1') {
      results.lag = await outboxLag(app.url);
      const [underWrites, writeLag] = await Promise.all([latency('search, cache on, during 50 writes/s', 4, queries, apiSearch(app.url)), outboxLag(app.url, true)]);
      Object.assign(results, { underWrites, writeLag });
    }
  } finally {
    await stopChild(app.child);
  }
  const ratio = (a, b) => round(a / b, 3);
  results.ratios = {
    p50At1: ratio(results.uncached1.p50, results.bare1.p50),
    p95At1: ratio(results.uncached1.p95, results.bare1.p95),
    p50At4: ratio(results.uncached4.p50, results.bare4.p50),
    p95At4: ratio(results.uncached4.p95, results.bare4.p95),
  };
  const checks = [
    { name: `search p50 < ${TARGETS.maxP50Ms1Client} ms at 1 client (cache off)`, value: results.uncached1.p50, ok: results.uncached1.p50 < TARGETS.maxP50Ms1Client },
    { name: `search p95 < ${TARGETS.maxP95Ms4Clients} ms at 4 clients (cache off)`, value: results.uncached4.p95, ok: results.uncached4.p95 < TARGETS.maxP95Ms4Clients },
  ];
  results.checks = checks;
  const rows = [
    ...(reindexFigures ? [['reindex', `${reindexFigures.documents} documents in ${reindexFigures.seconds} s = ${reindexFigures.perSecond} documents/s`]] : []),
    ['titles with a sentence vector (semantic rerank)', `${vectors.embedded} of ${vectors.titles}${vectors.embedding ? `; ${vectors.embedding.titles} embedded by this run in ${vectors.embedding.seconds} s (${vectors.embedding.msPerTitle} ms per title)` : ''}`],
    ['search, cache off (SEARCH_CACHE_ENTRIES=0), 1 client', latencyFigures(results.uncached1)],
    ['bare SQL reference, 1 connection', latencyFigures(results.bare1)],
    ['search, cache off, 4 clients', latencyFigures(results.uncached4)],
    ['bare SQL reference, 4 connections', latencyFigures(results.bare4)],
    ['search, cache off, semantic rerank off (SEARCH_SEMANTIC_RERANK=false), 1 client', latencyFigures(results.lexical1)],
    ['search, cache off, semantic rerank off, 4 clients', latencyFigures(results.lexical4)],
    ['ratio search / bare SQL (cache off)', `1 client: p50 ×${results.ratios.p50At1}, p95 ×${results.ratios.p95At1}; 4 clients: p50 ×${results.ratios.p50At4}, p95 ×${results.ratios.p95At4}`],
    ['one 10,000-character query (cache off), 5 times', `${results.longQuery.msEach.join(', ')} ms`],
    ['search, cache on (default), 1 client, cold start', latencyFigures(results.cached1)],
    ['search, cache on, 4 clients, after the 1-client run', latencyFigures(results.cached4)],
    ...(results.lag
      ? [
          ['search, cache on, 4 clients, while 50 writes/s (save, unpublish, publish) are indexed', latencyFigures(results.underWrites)],
          ['outbox lag (commit → indexed)', `${results.lag.saves} saves at ${results.lag.savesPerSecond}/s: p50 ${results.lag.p50} ms, p95 ${results.lag.p95} ms, max ${results.lag.max} ms`],
          ['outbox lag during the mixed writes', `${results.writeLag.saves} writes at ${results.writeLag.savesPerSecond}/s: p50 ${results.writeLag.p50} ms, p95 ${results.writeLag.p95} ms, max ${results.writeLag.max} ms`],
        ]
      : []),
  ];
  const markdown = `# Search on ${articles} published articles (PostgreSQL engine)

Command: \`BENCH_DATABASE=${DATABASE_URL.replace(/\/\/[^@]*@/, '//…@')} npm run bench:search\` (BENCH_DURATION=${DURATION_SECONDS}); data from \`npm run bench:generate\`

- Date: ${env.date}; Node ${env.node}; ${env.cpuCount} × ${env.cpuModel}; the API, PostgreSQL and the load run on the same machine${process.env.BENCH_NOTE ? `; ${process.env.BENCH_NOTE}` : ''}
- Queries: 200 held-out real question titles (dup-questions test split, never used as article titles), delivery \`search\` with all facets, page size 10. Latency per request as the client sees it (HTTP + GraphQL included for the API; the bare SQL goes straight to PostgreSQL).
- Bare SQL: \`${BARE_SQL.replace(/\s+/g, ' ')}\`

${markdownTable(['Measure', 'Figures'], rows)}

${markdownTable(['Check', 'Measured', 'Result'], checks.map((c) => [c.name, c.value, c.ok ? 'PASS' : 'FAIL']))}
`;
  console.log(`\n${markdown}`);
  writeResults(process.env.BENCH_RESULTS ?? 'search', results, markdown);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
