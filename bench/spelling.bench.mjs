// Spelling-correction ("did you mean") benchmark: does the statement's cost grow with the vocabulary?
//   npm run bench:spelling     (BENCH_SERVER=<postgres url with CREATEDB>, BENCH_SIZES=10000,100000,1000000)
// For each vocabulary size, in a fresh migrated database:
//   - search_vocabulary holds the real words of ../shared/eval (dup-questions, stale-docs), then a long tail
//     up to the size, drawn with a fixed seed: one-edit variants of real words (the typos posts contain),
//     two real words joined (identifiers) and random letter/digit tokens (ids, hashes), a third each;
//   - search_terms holds each real word's document frequency (its count in the texts), the tail 1;
//   - 200 fixed queries of one to three real words, every word of half of them misspelt (one edit), are sent
//     through the engine's own spellingCorrection (dist/, `npm run build`), one at a time after a warm-up pass;
//     p50/p95 per statement, and EXPLAIN (ANALYZE, BUFFERS) of one misspelt query: which index, rows checked.
//   - The statement as it was before (one correlated `word % w.input` over all words) is timed beside it.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ROOT, environment, markdownTable, round, writeResults } from './lib.mjs';

const SERVER = process.env.BENCH_SERVER ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const EVAL = path.join(ROOT, '../shared/eval');
const QUERIES = 200;

const { runMigrations } = await import(path.join(ROOT, 'dist/src/database/prepare-database.js'));
const { PostgresSearchEngine, SPELLING, spellingSql, spellingParams } = await import(path.join(ROOT, 'dist/search/postgres/postgres-engine.js'));
/** Extra similarity thresholds to time beside the engine's (BENCH_THRESHOLDS=0.3,0.4). */
const THRESHOLDS = (process.env.BENCH_THRESHOLDS ?? '').split(',').filter(Boolean).map(Number);

/** Deterministic PRNG (mulberry32). */
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

function realWords() {
  const counts = new Map();
  const files = [path.join(EVAL, 'dup-questions/questions.jsonl'), path.join(EVAL, 'stale-docs/articles.jsonl')].filter(existsSync);
  if (files.length === 0) throw new Error(`no text in ${EVAL}`);
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line) continue;
      const row = JSON.parse(line);
      const text = Object.values(row).filter((v) => typeof v === 'string').join(' ');
      for (const word of text.toLowerCase().match(/\p{L}+/gu) ?? []) {
        if (word.length >= 3 && word.length <= 40) counts.set(word, (counts.get(word) ?? 0) + 1);
      }
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
function oneEdit(word, r) {
  const i = Math.floor(r() * word.length);
  const c = LETTERS[Math.floor(r() * 26)];
  switch (Math.floor(r() * 4)) {
    case 0: return word.slice(0, i) + word.slice(i + 1);
    case 1: return word.slice(0, i) + c + word.slice(i);
    case 2: return word.slice(0, i) + c + word.slice(i + 1);
    default: return i + 1 < word.length ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2) : word + c;
  }
}

function vocabulary(real, size) {
  const r = rng(size);
  const words = new Set(real.map(([w]) => w).slice(0, size));
  const pick = () => real[Math.floor(r() ** 2 * real.length)][0]; // frequent words more often
  while (words.size < size) {
    const kind = words.size % 3;
    const word = kind === 0 ? oneEdit(pick(), r) : kind === 1 ? pick() + pick() : Array.from({ length: 6 + Math.floor(r() * 7) }, () => '0123456789abcdefghijklmnopqrstuvwxyz'[Math.floor(r() * 36)]).join('');
    if (word.length >= 3 && word.length <= 40) words.add(word);
  }
  return [...words];
}

/** Query number → the words before they were misspelt. */
const ORIGINAL = new Map();

function queries(real) {
  const r = rng(42);
  const common = real.filter(([w, c]) => c >= 20 && w.length >= 5).map(([w]) => w);
  return Array.from({ length: QUERIES }, (_, n) => {
    const words = Array.from({ length: 1 + (n % 3) }, () => common[Math.floor(r() * common.length)]);
    ORIGINAL.set(n, words.join(' '));
    return n % 2 === 0 ? words.map((w) => oneEdit(w, r)) : words;
  });
}

const OLD_SQL = `SELECT w.input,
        EXISTS (SELECT 1 FROM search_vocabulary v WHERE v.locale = ANY($2::text[]) AND
                (v.word = w.input OR (w.last AND $3 AND v.word LIKE w.input || '%'))) AS known,
        (SELECT v.word FROM search_vocabulary v WHERE v.locale = ANY($2::text[]) AND v.word % w.input
          ORDER BY similarity(v.word, w.input) DESC, length(v.word), v.word LIMIT 1) AS best
 FROM unnest($1::text[]) WITH ORDINALITY AS w0(input, n), LATERAL (SELECT w0.input, w0.n = cardinality($1::text[]) AS last) w`;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

async function timeAll(label, list, fn) {
  for (const q of list.slice(0, 20)) await fn(q); // warm-up
  const ms = [];
  for (const q of list) {
    const started = process.hrtime.bigint();
    await fn(q);
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  ms.sort((a, b) => a - b);
  return { label, p50: round(percentile(ms, 0.5), 2), p95: round(percentile(ms, 0.95), 2), max: round(ms[ms.length - 1], 2) };
}

function planSummary(plan) {
  const nodes = [];
  const walk = (node) => {
    if (node['Relation Name'] === 'search_vocabulary' || (node['Index Name'] ?? '').startsWith('search_vocabulary')) {
      nodes.push({ node: node['Node Type'], index: node['Index Name'] ?? null, rows: node['Actual Rows'], loops: node['Actual Loops'], recheckRemoved: node['Rows Removed by Index Recheck'] ?? 0, filterRemoved: node['Rows Removed by Filter'] ?? 0 });
    }
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(plan.Plan);
  return { vocabularyNodes: nodes, executionMs: round(plan['Execution Time'], 2), sharedBuffers: (plan.Plan['Shared Hit Blocks'] ?? 0) + (plan.Plan['Shared Read Blocks'] ?? 0) };
}

async function main() {
  const real = realWords();
  const list = queries(real);
  const results = [];
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  for (const size of SIZES) {
    const name = `evergreen_bench_spelling_${size}_${Date.now().toString(36)}`;
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(SERVER);
    url.pathname = `/${name}`;
    try {
      await runMigrations(url.toString());
      const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
      pool.on('error', (error) => process.stderr.write(`pool: ${error.message}\n`));
      process.stdout.write(`  ${size} words: loading ... `);
      const words = vocabulary(real, size);
      // Bulk load with the index dropped and built again, as the migration defines it (fastupdate off).
      await pool.query('DROP INDEX search_vocabulary_trgm_idx');
      for (let i = 0; i < words.length; i += 50_000) {
        await pool.query(`INSERT INTO search_vocabulary (locale, word) SELECT 'en', unnest($1::text[]) ON CONFLICT DO NOTHING`, [words.slice(i, i + 50_000)]);
      }
      await pool.query('CREATE INDEX search_vocabulary_trgm_idx ON search_vocabulary USING gin (word gin_trgm_ops) WITH (fastupdate = off)');
      const df = new Map(real);
      const tail = words.filter((w) => !df.has(w));
      await pool.query(
        `INSERT INTO search_terms (lexeme, df)
         SELECT l.lexeme, max(w.df) FROM unnest($1::text[], $2::int[]) AS w(word, df), LATERAL unnest(to_tsvector('english', w.word)) AS l GROUP BY l.lexeme`,
        [[...real.map(([w]) => w), ...tail], [...real.map(([, c]) => c), ...tail.map(() => 1)]],
      );
      await pool.query('ANALYZE search_vocabulary');
      await pool.query('ANALYZE search_terms');
      process.stdout.write('measuring ... ');
      const engine = new PostgresSearchEngine(pool, { locales: ['en'] });
      const misspelt = list.filter((_, n) => n % 2 === 0);
      const now = await timeAll('did you mean (this statement)', list, (q) => engine.spellingCorrection(q, ['en'], true));
      const corrected = [];
      for (const q of list) corrected.push(await engine.spellingCorrection(q, ['en'], true));
      const old = await timeAll('before (correlated `%`)', list, (q) => pool.query(OLD_SQL, [q, ['en'], true]));
      const configured = SPELLING.threshold;
      const others = [];
      for (const threshold of THRESHOLDS) {
        SPELLING.threshold = threshold;
        const timing = await timeAll(`threshold ${threshold}`, list, (q) => engine.spellingCorrection(q, ['en'], true));
        let fixedAt = 0;
        for (let n = 0; n < list.length; n += 2) if ((await engine.spellingCorrection(list[n], ['en'], true))?.join(' ') === ORIGINAL.get(n)) fixedAt += 1;
        others.push({ threshold, ...timing, misspeltQueriesCorrected: `${fixedAt}/${misspelt.length}` });
      }
      SPELLING.threshold = configured;
      const explainWords = misspelt[0];
      const [{ 'QUERY PLAN': plan }] = (await pool.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${spellingSql(explainWords.length)}`, spellingParams(explainWords, ['en'], true))).rows;
      const [{ 'QUERY PLAN': oldPlan }] = (await pool.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${OLD_SQL}`, [explainWords, ['en'], true])).rows;
      const fixed = corrected.filter((c, n) => n % 2 === 0 && c?.join(' ') === ORIGINAL.get(n)).length;
      const wrongOnKnown = corrected.filter((c, n) => n % 2 === 1 && c !== null).length;
      const [{ vocabulary: count }] = (await pool.query('SELECT count(*)::int AS vocabulary FROM search_vocabulary')).rows;
      results.push({ size: count, threshold: configured, now, old, others, misspeltQueriesCorrected: `${fixed}/${misspelt.length}`, correctQueriesChanged: `${wrongOnKnown}/${list.length - misspelt.length}`, explainWords, plan: planSummary(plan[0]), oldPlan: planSummary(oldPlan[0]) });
      process.stdout.write(`p50 ${now.p50} ms, p95 ${now.p95} ms (before: ${old.p50} / ${old.p95} ms)${others.map((o) => `; threshold ${o.threshold}: ${o.p50} / ${o.p95} ms, corrected ${o.misspeltQueriesCorrected}`).join('')}\n`);
      await pool.end();
    } finally {
      if (process.env.BENCH_KEEP) process.stdout.write(`kept database ${name}\n`);
      else await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  }
  await admin.end();

  const env = environment();
  const rows = results.map((r) => [
    r.size.toLocaleString('en'),
    `${r.now.p50} / ${r.now.p95}`,
    `${r.old.p50} / ${r.old.p95}`,
    r.plan.vocabularyNodes.map((n) => n.index ?? n.node).filter((v, i, a) => a.indexOf(v) === i).join(', '),
    r.plan.vocabularyNodes.reduce((s, n) => s + (n.rows ?? 0) * (n.loops ?? 1) + n.recheckRemoved, 0),
    r.plan.sharedBuffers,
    r.oldPlan.vocabularyNodes.map((n) => n.index ?? n.node).filter((v, i, a) => a.indexOf(v) === i).join(', '),
    r.misspeltQueriesCorrected,
    r.correctQueriesChanged,
  ]);
  const markdown = [
    '# Spelling correction ("did you mean") vs vocabulary size',
    '',
    `\`npm run bench:spelling\`, ${env.date}, Node ${env.node}, ${env.cpuCount} × ${env.cpuModel}; PostgreSQL at ${new URL(SERVER).host}. The machine was shared with other work: compare the rows of one run, not absolute times.`,
    '',
    `${QUERIES} fixed queries of 1–3 real words (half with every word misspelt by one edit; "restored": the correction is exactly the words before the edit), one at a time through the engine's \`spellingCorrection\`; ms per statement (p50 / p95). The vocabulary is the real words of ../shared/eval plus a fixed-seed long tail (one-edit variants, joined words, random tokens). "rows checked" sums the vocabulary rows the index returned (and those it rechecked) in EXPLAIN ANALYZE of the misspelt query \`${results[0]?.explainWords.join(' ')}\`.`,
    '',
    `Engine threshold (SPELLING.threshold): ${results[0]?.threshold}.`,
    '',
    markdownTable(['vocabulary words', 'now p50 / p95 ms', 'before p50 / p95 ms', 'now: vocabulary reached through', 'rows checked', 'buffers', 'before: reached through', 'misspelt queries restored', 'right queries changed'], rows),
    '',
    ...(THRESHOLDS.length
      ? [
          'Other similarity thresholds, same queries (p50 / p95 ms, misspelt queries restored to the words they came from):',
          '',
          markdownTable(['vocabulary words', ...THRESHOLDS.map((t) => `threshold ${t}`)], results.map((r) => [r.size.toLocaleString('en'), ...r.others.map((o) => `${o.p50} / ${o.p95}, ${o.misspeltQueriesCorrected}`)])),
          '',
        ]
      : []),
  ].join('\n');
  const [jsonPath, mdPath] = writeResults('spelling', { environment: env, queries: QUERIES, results }, markdown);
  process.stdout.write(`\n${markdown}\nwritten: ${jsonPath}, ${mdPath}\n`);
}

await main();
