// Moderation queue benchmark: the first page of the queue with 10,000 pending items.
//   npm run bench:moderation        (BENCH_DATABASE=<url of a database to recreate>, BENCH_REQUESTS=<n>, default 300)
// Seeds, in one fresh database migrated by the API itself: 20 boards, 2,000 members, 40,000 visible threads
// with 160,000 replies, 20,000 resolved flags (flagger accuracy), and 10,000 pending items: 3,000 held threads,
// 4,000 held replies, 3,000 open flags. Then, through the admin GraphQL API of the built server, one client
// in sequence (no cache exists on this path): the first page (20 items) alone, with its counts per reason,
// filtered by a board, and filtered by a reason; p50 / p95 / p99 per request.
import argon2 from 'argon2';
import { execSync } from 'node:child_process';
import * as os from 'node:os';
import pg from 'pg';
import { environment, markdownTable, round, startApp, stopChild, writeResults } from './lib.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_moderation';
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const TARGET_MS = 30;

const PAGE = `query ($boardId: ID, $reason: String) { moderationQueue(first: 20, boardId: $boardId, reason: $reason) {
  pageInfo { hasNextPage endCursor }
  edges { cursor node { kind id reason boardName threadTitle excerpt author { id displayName trustLevel }
    flag { kind note flagger { id displayName } flaggerAccuracy { upheld rejected accuracy } } } } } }`;
const PAGE_WITH_COUNTS = PAGE.replace('pageInfo {', 'totalCount counts { reason count } pageInfo {');

/** The service's first-page statement without filters (src/moderation/queue/moderation-queue.service.ts). */
const QUEUE_SQL = `WITH page AS (SELECT * FROM (
  (SELECT 'thread' AS kind, t.id AS item_id, t.created_at, t.id AS thread_id, NULL::uuid AS post_id, coalesce(t.held_reason, 'unknown') AS reason
     FROM threads t WHERE t.status = 'pending' ORDER BY t.created_at, t.id LIMIT 21)
  UNION ALL (SELECT 'post', p.id, p.created_at, p.thread_id, p.id, coalesce(p.held_reason, 'unknown')
     FROM posts p WHERE p.status = 'pending' AND NOT p.is_question ORDER BY p.created_at, p.id LIMIT 21)
  UNION ALL (SELECT 'flag', f.id, f.created_at, f.thread_id, f.post_id, 'flag:' || f.kind
     FROM flags f WHERE f.status = 'open' ORDER BY f.created_at, f.id LIMIT 21)) items ORDER BY created_at, item_id LIMIT 21)
SELECT i.kind, i.item_id, i.created_at, i.reason, t.board_id, b.name, i.thread_id, t.title, i.post_id,
       left(coalesce(p.body_text, q.body_text, ''), 280) AS excerpt, a.id, a.display_name, a.trust_level,
       f.kind, f.note, fu.display_name, acc.upheld, acc.rejected
  FROM page i JOIN threads t ON t.id = i.thread_id JOIN boards b ON b.id = t.board_id
  LEFT JOIN posts p ON p.id = i.post_id
  LEFT JOIN posts q ON i.post_id IS NULL AND q.thread_id = i.thread_id AND q.is_question
  LEFT JOIN users a ON a.id = coalesce(p.author_id, CASE WHEN i.post_id IS NULL THEN t.author_id END)
  LEFT JOIN flags f ON i.kind = 'flag' AND f.id = i.item_id
  LEFT JOIN users fu ON fu.id = f.flagger_id
  LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE r.status = 'upheld')::int AS upheld, count(*) FILTER (WHERE r.status = 'rejected')::int AS rejected
    FROM flags r WHERE f.flagger_id IS NOT NULL AND r.flagger_id = f.flagger_id AND r.status <> 'open') acc ON true
 ORDER BY i.created_at, i.item_id`;

async function recreateDatabase() {
  const url = new URL(DATABASE_URL);
  const name = url.pathname.slice(1);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

async function seed(db) {
  const started = Date.now();
  const hash = await argon2.hash('bench-moderator-password', { type: argon2.argon2id });
  await db.query(`INSERT INTO users (email, display_name, password_hash, role) VALUES ('moderator@bench.test', 'Bench Moderator', $1, 'moderator')`, [hash]);
  await db.query(`INSERT INTO users (email, display_name, password_hash, role, trust_level)
    SELECT 'member' || g || '@bench.test', 'Member ' || g, 'x', 'member', g % 5 FROM generate_series(1, 2000) g`);
  await db.query(`INSERT INTO boards (slug, name, locale, position, moderation_policy)
    SELECT 'board-' || g, 'Board ' || g, 'en', g, (ARRAY['open', 'hold_new_members', 'hold_all'])[1 + g % 3]::board_moderation_policy FROM generate_series(1, 20) g`);
  const members = `(SELECT array_agg(id ORDER BY email) AS ids FROM users WHERE role = 'member')`;
  const boards = `(SELECT array_agg(id ORDER BY position) AS ids FROM boards)`;
  // Visible threads with their questions, then replies.
  await db.query(`INSERT INTO threads (board_id, slug, title, status, author_id, created_at, last_activity_at, reply_count)
    SELECT b.ids[1 + g % 20], 'thread-' || g, 'How do I reconcile invoice ' || g || '?', 'visible', m.ids[1 + g % 2000],
           now() - make_interval(mins => 400000 - g * 10), now() - make_interval(mins => 400000 - g * 10), 4
      FROM generate_series(1, 40000) g, ${members} m, ${boards} b`);
  await db.query(`INSERT INTO posts (thread_id, author_id, is_question, status, body_markdown, body_html, body_text, created_at)
    SELECT t.id, t.author_id, true, t.status, 'Question about ' || t.title, '<p>Question</p>', 'Question about ' || t.title, t.created_at FROM threads t`);
  await db.query(`INSERT INTO posts (thread_id, author_id, is_question, status, body_markdown, body_html, body_text, created_at)
    SELECT t.id, m.ids[1 + (k * 7 + length(t.slug)) % 2000], false, 'visible', 'Try the export settings, step ' || k, '<p>Try</p>', 'Try the export settings, step ' || k, t.created_at + make_interval(mins => k)
      FROM threads t, generate_series(1, 4) k, ${members} m`);
  // Pending: 3,000 held threads (with held questions) and 4,000 held replies, spread over the last weeks.
  await db.query(`INSERT INTO threads (board_id, slug, title, status, held_reason, author_id, created_at, last_activity_at)
    SELECT b.ids[1 + g % 20], 'held-' || g, 'Cheap pills ' || g, 'pending', (ARRAY['board:hold_all', 'board:hold_new_members', 'auto:links', 'auto:blocked_words'])[1 + g % 4],
           m.ids[1 + g % 2000], now() - make_interval(mins => 30000 - g * 7), now()
      FROM generate_series(1, 3000) g, ${members} m, ${boards} b`);
  await db.query(`INSERT INTO posts (thread_id, author_id, is_question, status, held_reason, body_markdown, body_html, body_text, created_at)
    SELECT t.id, t.author_id, true, 'pending', t.held_reason, 'Buy now at http://spam.example', '<p>Buy</p>', 'Buy now at http://spam.example', t.created_at FROM threads t WHERE t.status = 'pending'`);
  await db.query(`INSERT INTO posts (thread_id, author_id, is_question, status, held_reason, body_markdown, body_html, body_text, created_at)
    SELECT t.id, m.ids[1 + g % 2000], false, 'pending', (ARRAY['auto:links', 'auto:duplicate_text', 'auto:fast_posting', 'board:hold_new_members'])[1 + g % 4],
           'Held reply ' || g, '<p>Held</p>', 'Held reply ' || g, now() - make_interval(mins => 30000 - g * 5)
      FROM generate_series(1, 4000) g JOIN threads t ON t.slug = 'thread-' || (1 + g * 9), ${members} m`);
  // Flags: 20,000 resolved (accuracy), 3,000 open.
  // Replies numbered once, so flags pick theirs by number (no per-row scans).
  await db.query(`CREATE TEMP TABLE numbered_replies AS SELECT row_number() OVER (ORDER BY id) AS n, id, thread_id FROM posts WHERE NOT is_question AND status = 'visible'`);
  await db.query(`CREATE INDEX ON numbered_replies (n)`);
  await db.query(`INSERT INTO flags (target_kind, thread_id, post_id, flagger_id, kind, status, resolved_at, created_at)
    SELECT 'post', p.thread_id, p.id, m.ids[1 + g % 300], (ARRAY['spam', 'offensive', 'off_topic', 'other'])[1 + g % 4]::flag_kind,
           CASE WHEN g % 3 = 0 THEN 'rejected' ELSE 'upheld' END::flag_status, now() - interval '40 days', now() - interval '41 days'
      FROM generate_series(1, 20000) g JOIN numbered_replies p ON p.n = g * 7, ${members} m`);
  await db.query(`INSERT INTO flags (target_kind, thread_id, post_id, flagger_id, kind, note, status, created_at)
    SELECT 'post', p.thread_id, p.id, m.ids[1 + g % 300], (ARRAY['spam', 'offensive', 'off_topic', 'other'])[1 + g % 4]::flag_kind, 'looks wrong', 'open',
           now() - make_interval(mins => 30000 - g * 9)
      FROM generate_series(1, 3000) g JOIN numbered_replies p ON p.n = 150000 - g * 11, ${members} m`);
  await db.query('ANALYZE');
  const [{ pending }] = (await db.query(`SELECT (SELECT count(*) FROM threads WHERE status = 'pending') + (SELECT count(*) FROM posts WHERE status = 'pending' AND NOT is_question)
      + (SELECT count(*) FROM flags WHERE status = 'open') AS pending`)).rows;
  return { seconds: round((Date.now() - started) / 1000, 1), pending: Number(pending) };
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

async function measure(label, url, token, query, variables, run = null) {
  const once = run ?? (() => gql(url, token, query, variables));
  for (let i = 0; i < 20; i++) await once();
  const times = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = process.hrtime.bigint();
    const data = await once();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (i === 0 && !run && query === PAGE && data.moderationQueue.edges.length !== 20) throw new Error(`${label}: expected a full page`);
  }
  times.sort((a, b) => a - b);
  const at = (p) => round(times[Math.min(times.length - 1, Math.floor(times.length * p))]);
  const figures = { label, requests: REQUESTS, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99) };
  process.stdout.write(`  ${label}: p50 ${figures.p50Ms} ms, p95 ${figures.p95Ms} ms, p99 ${figures.p99Ms} ms\n`);
  return figures;
}

async function main() {
  process.stdout.write(`Moderation queue benchmark on ${DATABASE_URL}\n  recreating the database, starting the API (migrations) ...\n`);
  await recreateDatabase();
  const { child, url } = await startApp(DATABASE_URL);
  try {
    const db = new pg.Client({ connectionString: DATABASE_URL });
    await db.connect();
    process.stdout.write('  seeding ...\n');
    const seeded = await seed(db);
    const board = (await db.query(`SELECT id FROM boards ORDER BY position LIMIT 1`)).rows[0].id;
    const plan = (await db.query(`EXPLAIN (ANALYZE, FORMAT JSON) SELECT 1 FROM threads WHERE status = 'pending' ORDER BY created_at, id LIMIT 21`)).rows[0]['QUERY PLAN'][0];
    // Where the first page's SQL spends its time: planning vs execution (median of 20 EXPLAIN ANALYZE runs), and the plan.
    const explains = [];
    for (let i = 0; i < 20; i += 1) explains.push((await db.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${QUEUE_SQL}`)).rows[0]['QUERY PLAN'][0]);
    const mid = (key) => round(explains.map((e) => e[key]).sort((a, b) => a - b)[10], 3);
    const queuePlan = { planningMs: mid('Planning Time'), executionMs: mid('Execution Time'), text: (await db.query(`EXPLAIN (ANALYZE, BUFFERS) ${QUEUE_SQL}`)).rows.map((r) => r['QUERY PLAN']).join('\n') };
    process.stdout.write(`  first page SQL: planning ${queuePlan.planningMs} ms, execution ${queuePlan.executionMs} ms (median of 20 EXPLAIN ANALYZE)\n`);
    process.stdout.write(`  seeded in ${seeded.seconds} s: ${seeded.pending} pending items\n`);
    const login = await gql(url, null, `mutation { login(input: { email: "moderator@bench.test", password: "bench-moderator-password" }) { accessToken } }`);
    const token = login.login.accessToken;
    // References in the same run: the HTTP + auth + GraphQL floor, and the queue's SQL alone.
    const floor = await measure('reference: { __typename } on the admin API', url, token, '{ __typename }', {}, () => gql(url, token, '{ __typename }', {}));
    const sqlOnly = await measure('reference: the first page SQL alone (pg client)', url, token, null, {}, () => db.query(QUEUE_SQL));
    const sqlPrepared = await measure('reference: the same SQL as a named prepared statement', url, token, null, {}, () => db.query({ name: 'bench-queue-first-page', text: QUEUE_SQL }));
    await db.end();
    const results = [
      floor,
      sqlOnly,
      sqlPrepared,
      await measure('first page (20 items)', url, token, PAGE, {}),
      await measure('first page + counts per reason', url, token, PAGE_WITH_COUNTS, {}),
      await measure('first page, one board', url, token, PAGE, { boardId: board }),
      await measure('first page, reason auto:links', url, token, PAGE, { reason: 'auto:links' }),
    ];
    const loadAverage = os.loadavg().map((n) => round(n, 1));
    const json = { environment: environment(), loadAverage, uptime: execSync('uptime').toString().trim(), seeded, targetMs: TARGET_MS, pendingThreadsPlan: plan.Plan['Node Type'], queuePlan, results };
    const markdown = [
      '# Moderation queue benchmark',
      '',
      `${seeded.pending} pending items (3,000 held threads, 4,000 held replies, 3,000 open flags) among 40,000 visible threads,`,
      '200,000 posts and 20,000 resolved flags; seeded in ' + seeded.seconds + ' s. One client in sequence through the admin GraphQL',
      `API of the built server (HTTP, auth, GraphQL, SQL), ${REQUESTS} requests per row after 20 warm-up ones. The queue has no cache:`,
      'these are the cache-off figures. Target: first page under ' + TARGET_MS + ' ms.',
      '',
      markdownTable(['request', 'p50 ms', 'p95 ms', 'p99 ms'], results.map((r) => [r.label, r.p50Ms, r.p95Ms, r.p99Ms])),
      '',
      `Machine: ${json.environment.cpuCount} × ${json.environment.cpuModel}, Node ${json.environment.node}, ${json.environment.date}; shared with other`,
      `work while measured (\`${json.uptime}\` — load average over 1 / 5 / 15 min on ${json.environment.cpuCount} cores: figures are noisy;`,
      'compare rows of one run). Run: `npm run bench:moderation`.',
      '',
      `First page SQL, median of 20 \`EXPLAIN ANALYZE\` in the same run: planning ${queuePlan.planningMs} ms, execution ${queuePlan.executionMs} ms. Plan:`,
      '',
      '```',
      queuePlan.text,
      '```',
      '',
    ].join('\n');
    writeResults('moderation', json, markdown);
  } finally {
    await stopChild(child);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
