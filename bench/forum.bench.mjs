// Forum benchmark on a large forum (run `npm run bench:forum:generate` first: 1,000,000 posts in 200,000 threads).
//   npm run bench:forum        (BENCH_DATABASE=<url>, BENCH_DURATION=<s per target>, BENCH_ROUNDS=<n>, BENCH_REPLIES=<n>)
// Through the delivery GraphQL API of the built server, 50 connections (autocannon), two servers side by side:
//   off   DELIVERY_CACHE_ENTRIES=0 (no published-content cache, no whole-response cache);
//   on    the default caches;
// and a bare-SQL reference in the same rounds: the very statements the service runs for that page (copied from
// src/forum/forum-reading.service.ts, anonymous reader, named prepared statements like the service's), 50 concurrent
// callers on a pg pool of the app's size,
// no HTTP/GraphQL — so the API's own share is visible as the ratio. Rounds are interleaved (sql, off, on, sql, …)
// so machine noise hits all alike.
//   thread page  thread(slug) with its question, accepted answer and the first 20 replies, authors and votes,
//                random threads among those with replies;
//   board page   threads(boardSlug, first: 20) (sort Latest: pinned, then latest activity), random boards.
// Then posting a reply through the API, one client in sequence (BENCH_REPLIES, default 200, per path):
//   visible  a trust-level-4 member replies in random threads (auto-moderation checks, revision, follow,
//            outbox row, followers' notifications);
//   held     a trust-level-0 member replies in a `hold_all` board (as above, plus the hold's audit entry).
// p50 / p95 / p99 of each; the database's load average and the process's `uptime` are written with the results.
import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import argon2 from 'argon2';
import autocannon from 'autocannon';
import pg from 'pg';
import { BOARD_QUERY, THREAD_QUERY } from './forum-queries.mjs';
import { CONNECTIONS, DURATION_SECONDS, environment, markdownTable, round, startApp, stopChild, waitForQueuedJobs, writeResults } from './lib.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_forum';
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS) || 3);
const SEGMENT_SECONDS = Math.max(2, Math.round(DURATION_SECONDS / ROUNDS));
const REPLIES = Number(process.env.BENCH_REPLIES ?? 200);
const POOL_SIZE = 10; // the app's default DB_POOL_SIZE
const TARGETS = { pageP99MsOff: 30, replyP95Ms: 40 };
const CLOCK_TICKS = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

const REPLY = `mutation ($input: ReplyInput!) { replyToThread(input: $input) { id status } }`;

import * as S from './forum-statements.mjs';

const { SQL_THREAD_PAGE, SQL_BOARD_PAGE, B_SQL_THREAD_PAGE, B_SQL_BOARD_PAGE } = S;
const BASELINE_MAIN = process.env.BENCH_BASELINE_MAIN || null;

const children = [];
process.once('SIGINT', async () => {
  await Promise.all(children.map((c) => stopChild(c, 5000)));
  process.exit(130);
});

/** A named prepared statement, as the service runs it (src/common/sql/prepared-query.ts). */
const named = (p, text, values) => p.query({ name: `bench_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text, values });
const pick = (list) => list[Math.floor(Math.random() * list.length)];
const uptime = () => execSync('uptime').toString().trim();

function run(opts) {
  return new Promise((resolve, reject) => autocannon(opts, (error, result) => (error ? reject(error) : resolve(result))));
}

/** The app under 50 connections for SEGMENT_SECONDS (after 1 s of warm-up); counts GraphQL errors. */
/** CPU time (user + system, ms) a process has used so far, from /proc (Linux; null elsewhere). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

async function apiSegment(url, makeBody, pid) {
  let graphqlErrors = 0;
  const opts = {
    url: `${url}/graphql`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: CONNECTIONS,
    requests: [{
      setupRequest: (request) => ({ ...request, body: JSON.stringify(makeBody()) }),
      onResponse: (_status, body) => {
        if (body.includes('"errors"')) graphqlErrors += 1;
      },
    }],
  };
  await run({ ...opts, duration: 1 });
  graphqlErrors = 0;
  const cpuBefore = cpuMs(pid);
  const r = await run({ ...opts, duration: SEGMENT_SECONDS });
  const cpuAfter = cpuMs(pid);
  const cpuMsPerRequest = cpuBefore === null || cpuAfter === null || r.requests.total === 0 ? null : (cpuAfter - cpuBefore) / r.requests.total;
  return { requests: r.requests.total, rps: r.requests.total / SEGMENT_SECONDS, p50: r.latency.p50, p95: r.latency.p97_5 ?? r.latency.p90, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + graphqlErrors, cpuMsPerRequest };
}

/** 50 concurrent callers running `page()` (the page's statements) on a pool of the app's size, for SEGMENT_SECONDS. */
async function sqlSegment(pool, page) {
  const times = [];
  const until = Date.now() + 1000;
  const worker = async (deadline, record) => {
    while (Date.now() < deadline) {
      const started = process.hrtime.bigint();
      await page(pool);
      if (record) times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, () => worker(until, false)));
  const deadline = Date.now() + SEGMENT_SECONDS * 1000;
  await Promise.all(Array.from({ length: CONNECTIONS }, () => worker(deadline, true)));
  times.sort((a, b) => a - b);
  const at = (p) => round(times[Math.min(times.length - 1, Math.floor(times.length * p))]);
  return { requests: times.length, rps: times.length / SEGMENT_SECONDS, p50: at(0.5), p95: at(0.95), p99: at(0.99), non2xx: 0, errors: 0 };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
};

async function interleaved(title, targets) {
  console.log(`${title}: ${ROUNDS} rounds x ${targets.length} targets, 1 s warm-up + ${SEGMENT_SECONDS} s each`);
  const segments = targets.map(() => []);
  for (let round_ = 0; round_ < ROUNDS; round_ += 1) {
    // Each round starts at another target, so no target always runs right after the same neighbour.
    for (let k = 0; k < targets.length; k += 1) {
      const i = (k + round_) % targets.length;
      segments[i].push(await targets[i].run());
    }
  }
  return targets.map((target, i) => {
    const s = segments[i];
    const figures = {
      label: target.label,
      requestsPerSecond: round(s.reduce((a, x) => a + x.requests, 0) / (ROUNDS * SEGMENT_SECONDS), 0),
      p50Ms: median(s.map((x) => x.p50)),
      p99Ms: median(s.map((x) => x.p99)),
      worstP99Ms: Math.max(...s.map((x) => x.p99)),
      non2xx: s.reduce((a, x) => a + x.non2xx, 0),
      errors: s.reduce((a, x) => a + x.errors, 0),
      serverCpuMsPerRequest: s.every((x) => typeof x.cpuMsPerRequest === 'number') ? round(median(s.map((x) => x.cpuMsPerRequest)), 3) : null,
    };
    console.log(`  ${figures.label}: ${figures.requestsPerSecond} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms (worst ${figures.worstP99Ms})${figures.serverCpuMsPerRequest === null ? '' : `, server CPU ${figures.serverCpuMsPerRequest} ms/request`}${figures.errors || figures.non2xx ? `, ${figures.errors} errors, ${figures.non2xx} non-2xx` : ''}`);
    return figures;
  });
}

async function gql(url, query, variables, token) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Members who post in the run, a `hold_all` board with threads for the held path, and auto-moderation limits lifted. */
async function prepareWriters(db) {
  const hash = await argon2.hash('bench-member-password', { type: argon2.argon2id });
  for (const [email, trust] of [['regular@forum-writers.bench.test', 4], ['newcomer@forum-writers.bench.test', 0]]) {
    await db.query(
      `INSERT INTO users (email, display_name, password_hash, role, trust_level, created_at) VALUES ($1, $2, $3, 'member', $4, now() - interval '400 days')
       ON CONFLICT ((lower(email))) DO UPDATE SET password_hash = EXCLUDED.password_hash, trust_level = EXCLUDED.trust_level`,
      [email, email.split('@')[0], hash, trust],
    );
  }
  // The bench posts hundreds of replies from one account in minutes: rate limit, fast-posting and duplicate rules
  // would (rightly) stop it. Their checks still run on every post; only their thresholds are out of reach.
  await db.query(`UPDATE auto_moderation_settings SET post_rate_limit = 1000000, fast_posting_seconds = NULL, duplicate_text_window_minutes = NULL`);
  const [{ id: boardId }] = (await db.query(
    `INSERT INTO boards (slug, name, locale, position, moderation_policy) VALUES ('bench-held', 'Bench held board', 'en', 99, 'hold_all')
     ON CONFLICT (slug) DO UPDATE SET moderation_policy = 'hold_all' RETURNING id`,
  )).rows;
  const existing = (await db.query(`SELECT id FROM threads WHERE board_id = $1 AND status = 'visible'`, [boardId])).rows.map((r) => r.id);
  if (existing.length < 20) {
    const [{ id: asker }] = (await db.query(`SELECT id FROM users WHERE email = 'regular@forum-writers.bench.test'`)).rows;
    for (let i = existing.length; i < 20; i += 1) {
      const [{ id }] = (await db.query(`INSERT INTO threads (board_id, slug, title, status, author_id) VALUES ($1, $2, $3, 'visible', $4) RETURNING id`, [boardId, `bench-held-${i}`, `Held board question ${i}`, asker])).rows;
      const [{ id: postId }] = (await db.query(`INSERT INTO posts (thread_id, author_id, is_question, status, body_markdown, body_html, body_text) VALUES ($1, $2, true, 'visible', 'Question?', '<p>Question?</p>', 'Question?') RETURNING id`, [id, asker])).rows;
      await db.query(`INSERT INTO post_revisions (post_id, number, title, body_markdown, body_html, editor_id) VALUES ($1, 1, $2, 'Question?', '<p>Question?</p>', $3)`, [postId, `Held board question ${i}`, asker]);
      existing.push(id);
    }
  }
  return { heldThreads: existing };
}

async function measureReplies(url, label, token, threads, db) {
  const times = [];
  const auditBefore = Number((await db.query(`SELECT count(*) FROM audit_entries WHERE action = 'post.hold'`)).rows[0].count);
  const outboxBefore = Number((await db.query(`SELECT coalesce(max(id), 0) AS id FROM search_outbox`)).rows[0].id);
  let statuses = {};
  for (let i = 0; i < REPLIES + 10; i += 1) {
    const body = `Bench reply ${Date.now()}-${i}: ${pick(['Try', 'Check', 'Open', 'Reset'])} the settings, then restart. @Member ${1 + (i % 50)} may know more.`;
    const started = process.hrtime.bigint();
    const data = await gql(url, REPLY, { input: { threadId: pick(threads), bodyMarkdown: body } }, token);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (i >= 10) times.push(ms); // the first 10 warm up
    statuses[data.replyToThread.status] = (statuses[data.replyToThread.status] ?? 0) + 1;
  }
  times.sort((a, b) => a - b);
  const at = (p) => round(times[Math.min(times.length - 1, Math.floor(times.length * p))]);
  const holds = Number((await db.query(`SELECT count(*) FROM audit_entries WHERE action = 'post.hold'`)).rows[0].count) - auditBefore;
  const outboxRows = Number((await db.query(`SELECT count(*) FROM search_outbox WHERE id > $1`, [outboxBefore])).rows[0].count);
  const figures = { label, requests: times.length, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99), statuses, holdAuditEntries: holds, outboxRows };
  console.log(`  ${label}: p50 ${figures.p50Ms} ms, p95 ${figures.p95Ms} ms, p99 ${figures.p99Ms} ms; ${JSON.stringify(statuses)}, ${holds} hold audit entries, ${outboxRows} outbox rows`);
  return figures;
}

async function main() {
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  const [{ threads, posts }] = (await db.query(`SELECT (SELECT count(*)::int FROM threads) AS threads, (SELECT count(*)::int FROM posts) AS posts`)).rows;
  if (threads < 1000) throw new Error(`${DATABASE_URL} has ${threads} threads: run npm run bench:forum:generate first`);
  console.log(`Forum benchmark on ${DATABASE_URL}: ${threads} threads, ${posts} posts`);
  const slugs = (await db.query(`SELECT slug FROM threads WHERE status = 'visible' AND reply_count > 0 ORDER BY random() LIMIT 5000`)).rows.map((r) => r.slug);
  const boards = (await db.query(`SELECT slug FROM boards WHERE moderation_policy = 'open' ORDER BY position`)).rows.map((r) => r.slug);
  const writers = await prepareWriters(db);
  const visibleThreads = (await db.query(`SELECT id FROM threads WHERE status = 'visible' AND board_id IN (SELECT id FROM boards WHERE moderation_policy = 'open') ORDER BY random() LIMIT 2000`)).rows.map((r) => r.id);
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: POOL_SIZE });
  const sqlThreadPage = async (p) => named(p, SQL_THREAD_PAGE, [pick(slugs), 21]);
  const sqlBoardPage = async (p) => named(p, SQL_BOARD_PAGE, [pick(boards), 21]);
  const sqlThreadPageBefore = async (p) => named(p, B_SQL_THREAD_PAGE, [pick(slugs), 21]);
  const sqlBoardPageBefore = async (p) => named(p, B_SQL_BOARD_PAGE, [pick(boards), 21]);
  const loadBefore = uptime();
  const off = await startApp(DATABASE_URL, { DELIVERY_CACHE_ENTRIES: '0', SEARCH_WORKER: 'false', SEARCH_SEMANTIC_RERANK: 'false' });
  children.push(off.child);
  const on = await startApp(DATABASE_URL, { SEARCH_WORKER: 'false', SEARCH_SEMANTIC_RERANK: 'false' });
  children.push(on.child);
  // The same database served by a build of the earlier code (caches off), for before/after in the same rounds.
  const baseline = BASELINE_MAIN ? await startApp(DATABASE_URL, { DELIVERY_CACHE_ENTRIES: '0', SEARCH_WORKER: 'false', SEARCH_SEMANTIC_RERANK: 'false' }, BASELINE_MAIN) : null;
  if (baseline) children.push(baseline.child);
  try {
    // Every server queues its hourly jobs at start; the trust-level recomputation takes minutes on this forum, in
    // whichever server takes it (it made "caches on" look slower than "off"): measure after the queue is empty.
    const jobWaitSeconds = await waitForQueuedJobs(db);
    // Shape check before measuring: each page answers without errors.
    const sample = await gql(off.url, THREAD_QUERY, { slug: slugs[0] });
    if (!sample.thread.posts.edges.length) throw new Error('thread page without replies');
    await gql(off.url, BOARD_QUERY, { board: boards[0] });
    const threadBody = () => ({ query: THREAD_QUERY, variables: { slug: pick(slugs) } });
    const boardBody = () => ({ query: BOARD_QUERY, variables: { board: pick(boards) } });
    const threadResults = await interleaved('thread page (first 20 replies)', [
      { label: 'thread page: bare SQL (same statements, pg pool)', run: () => sqlSegment(pool, sqlThreadPage) },
      { label: 'thread page: API, caches off', run: () => apiSegment(off.url, threadBody, off.child.pid) },
      { label: 'thread page: API, caches on', run: () => apiSegment(on.url, threadBody, on.child.pid) },
      ...(baseline
        ? [
            { label: 'thread page: bare SQL before (the baseline build)', run: () => sqlSegment(pool, sqlThreadPageBefore) },
            { label: 'thread page: API before, caches off', run: () => apiSegment(baseline.url, threadBody, baseline.child.pid) },
          ]
        : []),
    ]);
    const boardResults = await interleaved('board page (first 20 threads, latest activity)', [
      { label: 'board page: bare SQL (same statements, pg pool)', run: () => sqlSegment(pool, sqlBoardPage) },
      { label: 'board page: API, caches off', run: () => apiSegment(off.url, boardBody, off.child.pid) },
      { label: 'board page: API, caches on', run: () => apiSegment(on.url, boardBody, on.child.pid) },
      ...(baseline
        ? [
            { label: 'board page: bare SQL before (the baseline build)', run: () => sqlSegment(pool, sqlBoardPageBefore) },
            { label: 'board page: API before, caches off', run: () => apiSegment(baseline.url, boardBody, baseline.child.pid) },
          ]
        : []),
    ]);
    const loadMid = uptime();
    console.log(`replies through the API, one client, ${REPLIES} each (after 10 warm-up)`);
    const login = async (email) => (await gql(off.url, `mutation ($input: LoginInput!) { login(input: $input) { accessToken } }`, { input: { email, password: 'bench-member-password' } })).login.accessToken;
    const replyResults = [
      await measureReplies(off.url, 'reply, visible (trust level 4)', await login('regular@forum-writers.bench.test'), visibleThreads, db),
      await measureReplies(off.url, 'reply, held by the board (trust level 0, hold_all)', await login('newcomer@forum-writers.bench.test'), writers.heldThreads, db),
    ];
    const loadAfter = uptime();
    const plans = {};
    for (const [name, sql, params] of [
      ['thread page: thread by slug with question, accepted answer, first 21 replies', SQL_THREAD_PAGE, [slugs[0], 21]],
      ['board page', SQL_BOARD_PAGE, [boards[0], 21]],
      ['before: thread page', B_SQL_THREAD_PAGE, [slugs[0], 21]],
      ['before: board page', B_SQL_BOARD_PAGE, [boards[0], 21]],
    ]) {
      const { rows } = await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) ${sql}`, params);
      plans[name] = rows.map((r) => r['QUERY PLAN']).join('\n');
    }
    const env = environment();
    const json = { environment: { ...env, segmentSeconds: SEGMENT_SECONDS, rounds: ROUNDS }, data: { threads, posts }, uptime: { before: loadBefore, middle: loadMid, after: loadAfter }, targets: TARGETS, threadPage: threadResults, boardPage: boardResults, replies: replyResults, plans };
    const ratio = (api, sql) => round(api.p50Ms / sql.p50Ms, 1);
    const pageRows = [...threadResults, ...boardResults].map((r) => [r.label, r.requestsPerSecond, r.p50Ms, r.p99Ms, r.worstP99Ms, r.serverCpuMsPerRequest ?? '', r.errors + r.non2xx]);
    const markdown = [
      '# Forum benchmark',
      '',
      `${threads} threads, ${posts} posts (\`npm run bench:forum:generate\`). Delivery GraphQL API of the built server, ${CONNECTIONS} connections,`,
      `${ROUNDS} interleaved rounds of ${SEGMENT_SECONDS} s per target (medians of the rounds; "worst" = worst round). Bare SQL = the service's`,
      'own statements for the page, 50 concurrent callers on a pool of 10 connections (the app\'s default), no HTTP or GraphQL.',
      ...(BASELINE_MAIN ? [`"Before" rows: the build in BENCH_BASELINE_MAIN (\`${BASELINE_MAIN}\`, caches off) and its statements (bench/forum-statements.mjs, \`B_*\`).`] : []),
      `Targets: page p99 < ${TARGETS.pageP99MsOff} ms with caches off; reply p95 < ${TARGETS.replyP95Ms} ms. Measured after the job queue was empty (waited ${jobWaitSeconds} s for the jobs the servers queue at start).`,
      '',
      markdownTable(['target', 'req/s', 'p50 ms', 'p99 ms', 'worst p99 ms', 'server CPU ms/request', 'errors'], pageRows),
      '',
      `API ÷ bare SQL at p50, caches off: thread page ${ratio(threadResults[1], threadResults[0])}×, board page ${ratio(boardResults[1], boardResults[0])}×.`,
      '',
      '## Posting a reply (one client in sequence)',
      '',
      markdownTable(['path', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'statuses', 'hold audit entries', 'outbox rows'], replyResults.map((r) => [r.label, r.requests, r.p50Ms, r.p95Ms, r.p99Ms, JSON.stringify(r.statuses), r.holdAuditEntries, r.outboxRows])),
      '',
      '## Machine',
      '',
      `${env.cpuCount} × ${env.cpuModel}, Node ${env.node}, ${env.date}; shared with other helpers' work while measured:`,
      '',
      `- before: \`${loadBefore}\``,
      `- middle: \`${loadMid}\``,
      `- after: \`${loadAfter}\``,
      '',
      'Plans (`EXPLAIN (ANALYZE, BUFFERS)`, after the run) are in `forum.json` (`plans`).',
      '',
    ].join('\n');
    writeResults('forum', json, markdown);
  } finally {
    await pool.end();
    await db.end();
    await stopChild(off.child);
    await stopChild(on.child);
    if (baseline) await stopChild(baseline.child);
  }
}

main().catch(async (error) => {
  console.error(error);
  // A server that failed to start leaves the ones started before it running: stop them.
  await Promise.all(children.map((child) => stopChild(child, 5000)));
  process.exit(1);
});
