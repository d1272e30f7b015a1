// Client-side cost of the forum pages' statements through the pg driver (issue 12): the baseline build's statements and
// this build's (bench/forum-statements.mjs), anonymous reader, named prepared statements, 4 concurrent callers on a pool
// of 4; 400 pages per block, 6 blocks alternating (the first is warm-up). Reports this process's CPU per page (sending,
// receiving and parsing the rows: what the API process pays for them besides GraphQL) and wall time per page.
//   node bench/forum-client-cpu.mjs   (BENCH_DATABASE=<url>)
import { createHash } from 'node:crypto';
import pg from 'pg';
import * as S from './forum-statements.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_forum';
const PAGES = 400;
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
const slugs = (await pool.query(`SELECT slug FROM threads WHERE status = 'visible' AND reply_count > 0 ORDER BY random() LIMIT 500`)).rows.map((r) => r.slug);
const boards = (await pool.query(`SELECT slug FROM boards WHERE moderation_policy = 'open'`)).rows.map((r) => r.slug);
const named = (text, values) => pool.query({ name: `b_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text, values });
const variants = {
  'thread page, before': (i) => named(S.B_SQL_THREAD_PAGE, [slugs[i % slugs.length], 21]),
  'thread page, after': (i) => named(S.SQL_THREAD_PAGE, [slugs[i % slugs.length], 21]),
  'board page, before': (i) => named(S.B_SQL_BOARD_PAGE, [boards[i % boards.length], 21]),
  'board page, after': (i) => named(S.SQL_BOARD_PAGE, [boards[i % boards.length], 21]),
};
const results = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let block = 0; block < 6; block += 1) {
  const order = block % 2 ? Object.entries(variants).reverse() : Object.entries(variants);
  for (const [label, page] of order) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < PAGES) await page(next++);
    }));
    const used = process.cpuUsage(cpu);
    if (block > 0) results[label].push({ cpu: (used.user + used.system) / 1000 / PAGES, wall: (performance.now() - started) / PAGES });
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const [label, list] of Object.entries(results)) {
  console.log(`${label}: client CPU ${median(list.map((x) => x.cpu)).toFixed(3)} ms/page, wall ${median(list.map((x) => x.wall)).toFixed(3)} ms/page`);
}
await pool.end();
