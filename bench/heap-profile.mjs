// What an uncached request allocates (issue 10): starts this build with caches off and allocation sampling preloaded
// (bench/heap-sampling-preload.cjs), warms it up, samples over BENCH_DURATION seconds of 50-connection load and prints
// the biggest allocators per request (bench/heap-profile-top.mjs).
//   npm run build && BENCH_PAGE=article|category BENCH_DURATION=5 node bench/heap-profile.mjs
//   BENCH_PAGE=thread|board: the forum's thread and board pages of forum.bench.mjs (issue 12), on evergreen_bench_forum.
// BENCH_MAIN=<main.js of another build> samples that build instead.
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { BOARD_QUERY, THREAD_QUERY } from './forum-queries.mjs';
import { ARTICLE_QUERY, CATEGORY_QUERY, CONNECTIONS, MAIN, startApp, stopChild } from './lib.mjs';

const PAGE = process.env.BENCH_PAGE ?? 'article';
const FORUM = PAGE === 'thread' || PAGE === 'board';
const DATABASE_URL = process.env.BENCH_DATABASE ?? `postgres://postgres@127.0.0.1:5432/${FORUM ? 'evergreen_bench_forum' : 'evergreen_bench_kb'}`;
const SECONDS = Math.max(2, Number(process.env.BENCH_DURATION) || 5);
const ARTICLE_PAGE = PAGE === 'article';
const file = path.join(os.tmpdir(), `${PAGE}-page.heapprofile`);

const run = (opts) => new Promise((resolve, reject) => autocannon(opts, (error, result) => (error ? reject(error) : resolve(result))));
const db = new pg.Client({ connectionString: DATABASE_URL });
await db.connect();
const pick = (list) => list[Math.floor(Math.random() * list.length)];
let body;
if (FORUM) {
  const slugs = (await db.query(`SELECT slug FROM threads WHERE status = 'visible' AND reply_count > 0 ORDER BY random() LIMIT 2000`)).rows.map((r) => r.slug);
  const boards = (await db.query(`SELECT slug FROM boards WHERE moderation_policy = 'open'`)).rows.map((r) => r.slug);
  body = PAGE === 'thread' ? () => JSON.stringify({ query: THREAD_QUERY, variables: { slug: pick(slugs) } }) : () => JSON.stringify({ query: BOARD_QUERY, variables: { board: pick(boards) } });
} else if (ARTICLE_PAGE) {
  const slugs = (await db.query(`SELECT slug FROM article_locales WHERE locale = 'en' AND status = 'published'`)).rows.map((r) => r.slug);
  body = () => JSON.stringify({ query: ARTICLE_QUERY, variables: { slug: pick(slugs), locale: 'en' } });
} else {
  const categories = (await db.query('SELECT id FROM categories ORDER BY id')).rows.map((r) => r.id);
  body = () => JSON.stringify({ query: CATEGORY_QUERY, variables: { categoryId: pick(categories) } });
}
await db.end();
const app = await startApp(DATABASE_URL, { DELIVERY_CACHE_ENTRIES: '0', SEARCH_WORKER: 'false', SEARCH_SEMANTIC_RERANK: 'false', HEAP_PROFILE_FILE: file }, process.env.BENCH_MAIN || MAIN, ['--require', path.resolve('bench/heap-sampling-preload.cjs')]);
try {
  const opts = { url: `${app.url}/graphql`, method: 'POST', headers: { 'content-type': 'application/json' }, connections: CONNECTIONS, requests: [{ setupRequest: (req) => ({ ...req, body: body() }) }] };
  await run({ ...opts, duration: 3 });
  app.child.kill('SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const result = await run({ ...opts, duration: SECONDS });
  app.child.kill('SIGUSR2');
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const requests = result.requests.total;
  console.log(`${requests} requests (${result.non2xx} non-2xx), ${(requests / SECONDS).toFixed(0)} req/s`);
  console.log(execFileSync(process.execPath, [path.resolve('bench/heap-profile-top.mjs'), file, String(requests), process.env.ROWS ?? '40'], { encoding: 'utf8' }));
} finally {
  await stopChild(app.child);
}
