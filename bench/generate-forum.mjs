// Loads a large forum straight into PostgreSQL for the forum benchmarks (issue 12).
//   npm run bench:forum:generate     (BENCH_DATABASE=<url>, default postgres://postgres@127.0.0.1:5432/evergreen_bench_forum;
//                                     BENCH_THREADS=200000, BENCH_POSTS=1000000, BENCH_MEMBERS=20000, BENCH_INDEX=0 skips indexing)
// Creates the database if needed and migrates it through the built app's data source (so the schema is exactly the
// app's), empties the forum tables and inserts: 20 boards, ~20,000 members (trust levels 0–4), 200,000 visible
// threads with 1,000,000 posts (questions included): replies per thread Zipf-like (many threads with 0–3 replies,
// a long tail up to 400), authors Zipf-like (a few members write much), votes skewed towards early and accepted
// answers, ~30% of threads solved with an accepted answer. Every post has its first revision (post_revisions) and
// rendered HTML; every thread's author follows it.
// Text is real: titles (minus the search benchmark's held-out queries) and question bodies from ../shared/eval/dup-questions, reply sentences from the question
// bodies and the documentation pages of ../shared/eval/stale-docs. Bodies come from a pool of distinct texts, each
// rendered ONCE with the app's own renderer (dist/src/forum/content/render-post.js) and reused.
// Rows are written with multi-row INSERT … SELECT FROM unnest(arrays) in batches, inside one transaction per batch,
// with `session_replication_role = replica` (foreign-key triggers off: the rows are consistent by construction; the
// app's indexes stay and are maintained as rows arrive). Then VACUUM ANALYZE, and the thread search documents are
// built through the app's own indexing path (`npm run cli -- reindex`, the same code the outbox worker runs).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { round, writeResults } from './lib.mjs';
import { heldOutTitles } from './search-queries.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_forum';
const THREADS = Number(process.env.BENCH_THREADS ?? 200_000);
const POSTS = Number(process.env.BENCH_POSTS ?? 1_000_000);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 20_000);
const BOARDS = 20;
const INDEX = process.env.BENCH_INDEX !== '0';
const BATCH_THREADS = 2000;
const TARGET_SECONDS = 600;
const EVAL = process.env.BENCH_EVAL_DIR ?? path.join(ROOT, '../shared/eval'); // BENCH_EVAL_DIR: from a worktree elsewhere

/** Small deterministic PRNG (mulberry32): the same inputs give the same forum. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(12);

/** Zipf-like rank in [0, n): rank r drawn with weight ~ 1 / (r + 1)^s (inverse transform of a continuous power law). */
function zipfRank(n, s = 1.1) {
  const u = random();
  const a = 1 - s;
  const x = Math.pow(u * (Math.pow(n + 1, a) - 1) + 1, 1 / a) - 1;
  return Math.min(n - 1, Math.floor(x));
}

function readJsonl(file) {
  return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
}

function loadCorpus() {
  const questions = readJsonl(path.join(EVAL, 'dup-questions/questions.jsonl'));
  const docs = readJsonl(path.join(EVAL, 'stale-docs/articles.jsonl'));
  const clean = (t) => t.trim().replace(/\s+/g, ' ');
  const sentencesOf = (text) =>
    text
      .split(/\n+/)
      .flatMap((line) => line.split(/(?<=[.!?])\s+/))
      .map(clean)
      .filter((t) => t.length >= 30 && t.length <= 240 && /^[A-Z]/.test(t) && !/^#/.test(t));
  // The search benchmark's queries (held-out test-split titles, bench/search-queries.mjs) are never thread titles.
  const heldOut = new Set(heldOutTitles());
  const titles = [...new Set(questions.map((q) => clean(q.title)).filter((t) => t.length >= 10 && t.length <= 180 && !heldOut.has(t)))];
  // Question bodies as Markdown, cut at a paragraph boundary near 1,200 characters.
  const bodies = [...new Set(questions.map((q) => q.body.trim()).filter((b) => b.length >= 40).map((b) => (b.length <= 1200 ? b : b.slice(0, b.lastIndexOf('\n', 1200) > 200 ? b.lastIndexOf('\n', 1200) : 1200))))];
  const sentences = [...new Set([...questions.flatMap((q) => sentencesOf(q.body)), ...docs.flatMap((d) => sentencesOf(d.text))])];
  if (titles.length < 1000 || sentences.length < 5000) throw new Error(`corpora in ${EVAL} look incomplete: ${titles.length} titles, ${sentences.length} sentences`);
  return { titles, bodies, sentences };
}

const TAGS = 'install upgrade network wifi sound display boot login password permissions package driver printer backup sync export import billing invoice api webhook'.split(' ');

async function ensureDatabase(url) {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: u.toString() });
  await admin.connect();
  const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (rows.length === 0) await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
}

/** Replies per thread: Zipf-like counts (0 for many, a long tail), scaled so questions + replies = POSTS exactly. */
function replyCounts() {
  const wanted = POSTS - THREADS;
  const raw = Array.from({ length: THREADS }, () => Math.min(400, Math.floor(Math.pow(1 / (1 - random() * 0.9999), 1 / 1.25) * 1.6) - 1));
  const total = raw.reduce((a, b) => a + b, 0);
  const counts = raw.map((c) => Math.floor((c * wanted) / total));
  let missing = wanted - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; missing > 0; i = (i + 7919) % THREADS, missing -= 1) counts[i] += 1;
  return counts;
}

async function main() {
  const started = Date.now();
  const distRenderer = path.join(ROOT, 'dist/src/forum/content/render-post.js');
  if (!fs.existsSync(distRenderer)) throw new Error('Build first: npm run build');
  const { renderPost } = require(distRenderer);
  const { dataSourceOptions } = require(path.join(ROOT, 'dist/src/database/data-source.js'));
  const { DataSource } = require('typeorm');

  await ensureDatabase(DATABASE_URL);
  const migrator = new DataSource(dataSourceOptions(DATABASE_URL, 2));
  await migrator.initialize();
  await migrator.runMigrations({ transaction: 'each' });
  await migrator.destroy();

  const corpus = loadCorpus();
  // Distinct bodies, each rendered once: question bodies from the corpus, reply bodies of 1–4 sentences.
  const policy = { imageHosts: [] };
  const questionPool = corpus.bodies.map((md) => ({ md, ...renderPost(md, policy) }));
  const replyPool = Array.from({ length: 20_000 }, (_, i) => {
    const n = 1 + (i % 4);
    const md = Array.from({ length: n }, (_, k) => corpus.sentences[(i * 7 + k * 104729) % corpus.sentences.length]).join(i % 3 === 0 ? '\n\n' : ' ');
    return { md, ...renderPost(md, policy) };
  });
  const renderedAt = Date.now();
  process.stdout.write(`  corpus: ${corpus.titles.length} titles, ${questionPool.length} question bodies, ${replyPool.length} reply bodies rendered in ${round((renderedAt - started) / 1000, 1)} s\n`);

  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  await client.query(`TRUNCATE post_votes, post_revisions, thread_follows, thread_slug_redirects, thread_products, flags, thread_promotions, posts, threads, boards CASCADE`);
  await client.query(`DELETE FROM search_documents WHERE kind = 'thread'`);
  await client.query(`DELETE FROM search_outbox WHERE kind = 'thread'`);
  await client.query(`DELETE FROM users WHERE email LIKE '%@forum.bench.test'`);
  // Members: trust levels skewed low; the first (most active, by Zipf rank) are the regulars.
  await client.query(
    `INSERT INTO users (email, display_name, password_hash, role, trust_level, created_at)
     SELECT 'member' || g || '@forum.bench.test', 'Member ' || g, 'x', 'member',
            CASE WHEN g <= 200 THEN 4 WHEN g <= 1000 THEN 3 WHEN g <= 4000 THEN 2 WHEN g <= 12000 THEN 1 ELSE 0 END,
            now() - make_interval(days => 400 - (g % 380))
       FROM generate_series(1, $1::int) g`,
    [MEMBERS],
  );
  await client.query(`INSERT INTO users (email, display_name, password_hash, role) VALUES ('moderator@forum.bench.test', 'Bench Moderator', 'x', 'moderator')`);
  const members = (await client.query(`SELECT id FROM users WHERE email LIKE 'member%@forum.bench.test' ORDER BY trust_level DESC, email`)).rows.map((r) => r.id);
  const boards = [];
  for (let b = 0; b < BOARDS; b += 1) {
    const { rows } = await client.query(`INSERT INTO boards (slug, name, description, locale, position) VALUES ($1, $2, $3, 'en', $4) RETURNING id`, [
      `board-${b + 1}`,
      `Board ${b + 1}`,
      corpus.sentences[b * 31],
      b,
    ]);
    boards.push(rows[0].id);
  }

  const counts = replyCounts();
  const solvedChance = Math.min(1, 0.3 / (counts.filter((c) => c > 0).length / THREADS));
  const now = Date.now();
  const SPAN_MS = 730 * 86_400_000; // two years of history
  await client.query(`SET session_replication_role = replica`);
  let posts = 0;
  let votes = 0;
  let solved = 0;
  for (let offset = 0; offset < THREADS; offset += BATCH_THREADS) {
    const t = { id: [], board: [], slug: [], title: [], solved: [], accepted: [], solvedAt: [], tags: [], author: [], replies: [], score: [], activity: [], created: [] };
    const p = { id: [], thread: [], author: [], question: [], md: [], html: [], text: [], score: [], up: [], down: [], created: [] };
    const r = { post: [], title: [], md: [], html: [], editor: [], created: [] };
    const v = { post: [], voter: [], value: [] };
    const f = { thread: [], user: [] };
    for (let k = 0; k < BATCH_THREADS && offset + k < THREADS; k += 1) {
      const i = offset + k;
      const threadId = randomUUID();
      const created = now - SPAN_MS + Math.floor((i / THREADS) * SPAN_MS);
      const asker = members[zipfRank(members.length, 0.9)];
      const title = corpus.titles[(i * 2654435761) % corpus.titles.length];
      const question = questionPool[(i * 40503) % questionPool.length];
      const replies = counts[i];
      const postIds = [];
      const addVotes = (postId, up, down, authorId) => {
        const start = (i * 131 + postIds.length * 17) % members.length;
        for (let j = 0; j < up + down; j += 1) {
          const voter = members[(start + j * 37) % members.length];
          if (voter === authorId) continue;
          v.post.push(postId);
          v.voter.push(voter);
          v.value.push(j < up ? 1 : -1);
        }
      };
      const qUp = Math.floor(Math.pow(random(), 4) * 9);
      const qDown = random() < 0.1 ? 1 : 0;
      const questionId = randomUUID();
      postIds.push(questionId);
      p.id.push(questionId); p.thread.push(threadId); p.author.push(asker); p.question.push(true);
      p.md.push(question.md); p.html.push(question.html); p.text.push(question.plainText);
      p.score.push(qUp - qDown); p.up.push(qUp); p.down.push(qDown); p.created.push(new Date(created));
      r.post.push(questionId); r.title.push(title); r.md.push(question.md); r.html.push(question.html); r.editor.push(asker); r.created.push(new Date(created));
      addVotes(questionId, qUp, qDown, asker);
      f.thread.push(threadId); f.user.push(asker);
      let last = created;
      const replyIds = [];
      for (let n = 0; n < replies; n += 1) {
        const id = randomUUID();
        const body = replyPool[(i * 7 + n * 13) % replyPool.length];
        const author = members[zipfRank(members.length, 1.05)];
        last += 60_000 + Math.floor(random() * 3_600_000 * (n < 3 ? 2 : 24));
        const up = Math.floor(Math.pow(random(), n === 0 ? 3 : 6) * 6);
        const down = random() < 0.05 ? 1 : 0;
        p.id.push(id); p.thread.push(threadId); p.author.push(author); p.question.push(false);
        p.md.push(body.md); p.html.push(body.html); p.text.push(body.plainText);
        p.score.push(up - down); p.up.push(up); p.down.push(down); p.created.push(new Date(last));
        r.post.push(id); r.title.push(null); r.md.push(body.md); r.html.push(body.html); r.editor.push(author); r.created.push(new Date(last));
        addVotes(id, up, down, author);
        replyIds.push(id);
        postIds.push(id);
      }
      const isSolved = replies > 0 && random() < solvedChance; // ~30% of all threads solved
      const accepted = isSolved ? replyIds[Math.floor(Math.pow(random(), 2) * Math.min(replyIds.length, 5))] : null;
      if (isSolved) solved += 1;
      t.id.push(threadId); t.board.push(boards[zipfRank(BOARDS, 0.7)]); t.slug.push(`${title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60)}-${i}`);
      t.title.push(title); t.solved.push(isSolved); t.accepted.push(accepted); t.solvedAt.push(isSolved ? new Date(Math.min(now, last + 3_600_000)) : null);
      t.tags.push(`{${TAGS[i % TAGS.length]},${TAGS[(i * 7 + 3) % TAGS.length]}}`); t.author.push(asker); t.replies.push(replies);
      t.score.push(qUp - qDown); t.activity.push(new Date(Math.min(now, last))); t.created.push(new Date(created));
    }
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO threads (id, board_id, slug, title, status, is_solved, accepted_post_id, solved_at, tags, author_id, reply_count, score, last_activity_at, created_at, updated_at)
       SELECT id, board, slug, title, 'visible', solved, accepted, solved_at, tags::text[], author, replies, score, activity, created, activity
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bool[], $6::uuid[], $7::timestamptz[], $8::text[], $9::uuid[], $10::int[], $11::int[], $12::timestamptz[], $13::timestamptz[])
           AS x(id, board, slug, title, solved, accepted, solved_at, tags, author, replies, score, activity, created)`,
      [t.id, t.board, t.slug, t.title, t.solved, t.accepted, t.solvedAt, t.tags, t.author, t.replies, t.score, t.activity, t.created],
    );
    await client.query(
      `INSERT INTO posts (id, thread_id, author_id, is_question, status, body_markdown, body_html, body_text, score, upvote_count, downvote_count, created_at, updated_at)
       SELECT id, thread, author, question, 'visible', md, html, text, score, up, down, created, created
         FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::bool[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[], $10::int[], $11::timestamptz[])
           AS x(id, thread, author, question, md, html, text, score, up, down, created)`,
      [p.id, p.thread, p.author, p.question, p.md, p.html, p.text, p.score, p.up, p.down, p.created],
    );
    await client.query(
      `INSERT INTO post_revisions (post_id, number, title, body_markdown, body_html, editor_id, created_at)
       SELECT post, 1, title, md, html, editor, created FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::timestamptz[]) AS x(post, title, md, html, editor, created)`,
      [r.post, r.title, r.md, r.html, r.editor, r.created],
    );
    await client.query(`INSERT INTO post_votes (post_id, voter_id, value) SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int2[]) ON CONFLICT DO NOTHING`, [v.post, v.voter, v.value]);
    await client.query(`INSERT INTO thread_follows (thread_id, user_id) SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING`, [f.thread, f.user]);
    await client.query('COMMIT');
    posts += p.id.length;
    votes += v.post.length;
    if ((offset / BATCH_THREADS) % 10 === 0) process.stdout.write(`  ${offset + t.id.length} / ${THREADS} threads, ${posts} posts, ${votes} votes, ${round((Date.now() - started) / 1000, 1)} s\n`);
  }
  await client.query(`SET session_replication_role = DEFAULT`);
  // Triggers were off while loading: the thread excerpts the posts trigger keeps (migration 1764920000000).
  await client.query(`UPDATE threads t SET excerpt = left(q.body_text, 201) FROM posts q WHERE q.thread_id = t.id AND q.is_question`);
  // … and the visible threads per board that the threads trigger keeps (migration 1765100000000).
  await client.query(`INSERT INTO board_thread_counts (board_id, visible)
    SELECT b.id, (SELECT count(*) FROM threads t WHERE t.board_id = b.id AND t.status = 'visible') FROM boards b
    ON CONFLICT (board_id) DO UPDATE SET visible = EXCLUDED.visible`);
  const loadedAt = Date.now();
  process.stdout.write(`  loaded in ${round((loadedAt - started) / 1000, 1)} s; VACUUM ANALYZE ...\n`);
  await client.query('VACUUM (ANALYZE)');
  const vacuumedAt = Date.now();
  let indexing = null;
  if (INDEX) {
    process.stdout.write('  building the search documents through the app (npm run cli -- reindex) ...\n');
    const t0 = Date.now();
    const result = spawnSync('npm', ['run', '--silent', 'cli', '--', 'reindex'], { cwd: ROOT, env: { ...process.env, DATABASE_URL, SEARCH_ENGINE: 'postgres' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`reindex failed:\n${result.stdout}\n${result.stderr}`);
    const [{ threads: indexed }] = (await client.query(`SELECT count(*)::int AS threads FROM search_documents WHERE kind = 'thread'`)).rows;
    indexing = { seconds: round((Date.now() - t0) / 1000, 1), threadDocuments: indexed };
  }
  const seconds = round((Date.now() - started) / 1000, 1);
  const [{ size }] = (await client.query('SELECT pg_database_size(current_database()) AS size')).rows;
  const [{ acceptedShare }] = (await client.query(`SELECT round(avg(is_solved::int), 3)::float AS "acceptedShare" FROM threads`)).rows;
  await client.end();
  const summary = {
    database: DATABASE_URL.replace(/\/\/[^@]*@/, '//'),
    threads: THREADS,
    posts,
    votes,
    members: MEMBERS,
    boards: BOARDS,
    solvedThreads: solved,
    acceptedShare,
    maxReplies: counts.reduce((a, b) => Math.max(a, b), 0),
    threadsWithoutReplies: counts.filter((c) => c === 0).length,
    seconds: { render: round((renderedAt - started) / 1000, 1), load: round((loadedAt - renderedAt) / 1000, 1), vacuumAnalyze: round((vacuumedAt - loadedAt) / 1000, 1), total: seconds },
    indexing,
    databaseMb: round(Number(size) / 1e6, 0),
    loadAverage: os.loadavg().map((n) => round(n, 1)),
    targetSeconds: TARGET_SECONDS,
  };
  const ok = summary.seconds.total < TARGET_SECONDS;
  console.log(JSON.stringify(summary, null, 2));
  writeResults(
    'generate-forum',
    { ...summary, ok },
    [
      `# Generator: ${THREADS} threads, ${posts} posts`,
      '',
      'Command: `npm run bench:forum:generate` (`BENCH_DATABASE` = the database to fill).',
      '',
      '| Threads | Posts | Votes | Members | Solved | Render s | Load s | VACUUM ANALYZE s | Search index s (thread documents) | Total s | Database MB | Target |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
      `| ${THREADS} | ${posts} | ${votes} | ${MEMBERS} | ${solved} (${round(acceptedShare * 100, 1)}%) | ${summary.seconds.render} | ${summary.seconds.load} | ${summary.seconds.vacuumAnalyze} | ${indexing ? `${indexing.seconds} (${indexing.threadDocuments})` : 'skipped'} | ${seconds} | ${summary.databaseMb} | < ${TARGET_SECONDS} s: ${ok ? 'PASS' : 'FAIL'} |`,
      '',
      `Replies per thread: Zipf-like, ${summary.threadsWithoutReplies} threads without replies, at most ${summary.maxReplies}.`,
      `Load average while generating (1 / 5 / 15 min, ${os.availableParallelism?.() ?? os.cpus().length} cores, shared machine): ${summary.loadAverage.join(' / ')}.`,
      '',
    ].join('\n'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
