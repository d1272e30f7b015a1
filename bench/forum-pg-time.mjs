// PostgreSQL time per forum page, the baseline build's statements (8bf56ee) and this build's (anonymous reader):
//   node bench/forum-pg-time.mjs   (BENCH_DATABASE=<url>, BENCH_SAMPLES=<pages per kind, default 300>)
// Each statement is a prepared statement (as the service runs them) measured with EXPLAIN (ANALYZE, TIMING OFF) EXECUTE;
// a page's time is the sum over its statements of planning (plan-cache lookup once the plan is generic) plus
// execution. Before and after alternate page by page (and which goes first), on random threads with replies and random open boards.
// One connection, so this is the database's own work per page, not throughput.
import pg from 'pg';
import * as S from './forum-statements.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_forum';
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);

const db = new pg.Client({ connectionString: DATABASE_URL });
await db.connect();
const names = new Map();
async function timed(sql, params) {
  let name = names.get(sql);
  if (!name) {
    name = `s${names.size}`;
    names.set(sql, name);
    await db.query(`PREPARE ${name} AS ${sql}`);
  }
  // EXECUTE is a utility statement: its arguments are literals, not bind parameters.
  const args = params.map((v) => (v === null ? 'NULL' : typeof v === 'string' ? db.escapeLiteral(v) : String(v))).join(', ');
  const { rows } = await db.query(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) EXECUTE ${name}(${args})`);
  const plan = rows[0]['QUERY PLAN'][0];
  return { ms: plan['Planning Time'] + plan['Execution Time'], rows: plan.Plan['Actual Rows'] };
}
const slugs = (await db.query(`SELECT slug, id FROM threads WHERE status = 'visible' AND reply_count > 0 ORDER BY random() LIMIT $1`, [SAMPLES])).rows;
const boards = (await db.query(`SELECT slug FROM boards WHERE moderation_policy = 'open'`)).rows.map((r) => r.slug);
const pages = {
  'thread page, before': async ({ slug }) => (await timed(S.B_SQL_THREAD_PAGE, [slug, 21])).ms,
  'thread page, after': async ({ slug }) => (await timed(S.SQL_THREAD_PAGE, [slug, 21])).ms,
  'board page, before': async (_t, board) => (await timed(S.B_SQL_BOARD_PAGE, [board, 21])).ms,
  'board page, after': async (_t, board) => (await timed(S.SQL_BOARD_PAGE, [board, 21])).ms,
};
const times = Object.fromEntries(Object.keys(pages).map((k) => [k, []]));
// 10 warm-up pages each (plans become generic after 5 executions), then the samples.
for (let i = 0; i < SAMPLES + 10; i += 1) {
  const thread = slugs[i % slugs.length];
  const board = boards[i % boards.length];
  // Alternate which version reads the thread first (the first one may find its pages not yet in shared buffers).
  const order = i % 2 === 0 ? Object.entries(pages) : Object.entries(pages).reverse();
  for (const [label, page] of order) {
    const ms = await page(thread, board);
    if (i >= 10) times[label].push(ms);
  }
}
const at = (list, p) => list[Math.min(list.length - 1, Math.floor(list.length * p))];
for (const [label, list] of Object.entries(times)) {
  list.sort((a, b) => a - b);
  console.log(`${label}: median ${at(list, 0.5).toFixed(3)} ms, p90 ${at(list, 0.9).toFixed(3)} ms (${list.length} pages)`);
}
await db.end();
