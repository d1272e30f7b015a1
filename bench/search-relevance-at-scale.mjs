// Search relevance and speed at scale: are the right documents still found when a large index competes for the
// ranking's candidates? The 3,679 dup-questions questions (../shared/eval) are indexed into the bench database's
// documents (`npm run bench:generate`, 120,000) inside a transaction that is rolled back, the split's question
// titles are searched with no filter (locale en), each ranking is kept to the questions of the query's forum and
// scored with the folder's score.mjs; then the engine's own time on the 200 held-out titles of bench:search, the
// points interleaved query by query on one connection (after the rollback and a VACUUM).
//   npm run build && node bench/search-relevance-at-scale.mjs
//   (BENCH_DATABASE=<url>; POINTS='{"name": {RANKING overrides}, …}'; SPLITS=dev,test; SCALE=0: the questions alone)
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import pg from 'pg';
import { heldOutTitles } from './search-queries.mjs';

const require = createRequire(import.meta.url);
const { PostgresSearchEngine, RANKING } = require('../dist/search/postgres/postgres-engine.js');
const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_kb';
const EVAL = fs.realpathSync(new URL('../../shared/eval/dup-questions', import.meta.url).pathname);
const POINTS = JSON.parse(process.env.POINTS ?? '{"before (no title candidates, 1,500 body candidates)": {"titleWords": 0, "candidates": 1500}, "this build (defaults)": {}}');
const SPLITS = (process.env.SPLITS ?? 'dev,test').split(',');
const SCALE = process.env.SCALE !== '0';
const OPTIONS = '-c jit=off -c synchronize_seqscans=off';
const lines = (file) => fs.readFileSync(`${EVAL}/${file}`, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const base = { ...RANKING };
const use = (point) => Object.assign(RANKING, base, point);

const questions = lines('questions.jsonl');
const byId = new Map(questions.map((q) => [q.id, q]));
const relevance = {};
const client = new pg.Client({ connectionString: DATABASE_URL, options: OPTIONS });
await client.connect();
const { rows: [{ n }] } = await client.query('SELECT count(*)::int AS n FROM search_documents');
try {
  const engine = new PostgresSearchEngine(client, { locales: ['en', 'de'] });
  await client.query('BEGIN');
  if (!SCALE) await client.query('DELETE FROM search_documents');
  const questionOf = new Map();
  const docs = questions.map((q, i) => {
    const id = randomUUID();
    questionOf.set(id, q.id);
    const at = new Date();
    return { kind: 'article', id, locale: 'en', version: 1, visibility: 'public', status: 'published', title: q.title, headings: [], body: q.body, slug: `dup-question-${i}`, categoryIds: [], productKeys: [], tags: [q.forum], solved: null, updatedAt: at, publishedAt: at };
  });
  for (let i = 0; i < docs.length; i += 200) await engine.upsert(docs.slice(i, i + 200));
  await client.query('ANALYZE search_documents');
  for (const split of SPLITS) {
    const queries = lines('queries.jsonl').filter((q) => q.split === split);
    for (const [name, point] of Object.entries(POINTS)) {
      use(point);
      const run = [];
      for (const q of queries) {
        const page = await engine.search({ text: byId.get(q.query).title, audience: 'public', filters: { locales: ['en'] }, facets: [], offset: 0, limit: 300, matching: 'all', highlight: { preTag: '', postTag: '' } });
        const ranking = page.hits.map((hit) => questionOf.get(hit.id)).filter((id) => id && byId.get(id).forum === q.forum);
        run.push(JSON.stringify({ query: q.query, ranking: ranking.slice(0, 100) }));
      }
      const file = `${os.tmpdir()}/search-at-scale-${split}.jsonl`;
      fs.writeFileSync(file, run.join('\n') + '\n');
      relevance[`${split}|${name}`] = JSON.parse(execFileSync(process.execPath, [`${EVAL}/score.mjs`, 'retrieval', '--run', file, '--split', split, '--json'], { encoding: 'utf8' }));
      console.log(split, name, JSON.stringify(relevance[`${split}|${name}`]));
    }
  }
} finally {
  await client.query('ROLLBACK');
  await client.query('VACUUM ANALYZE search_documents');
  await client.query('VACUUM ANALYZE search_terms');
  await client.end();
}

// The engine's time: the bench's 200 held-out titles with all facets, page size 10, one connection, points interleaved.
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: OPTIONS });
const engine = new PostgresSearchEngine(pool, { locales: ['en', 'de'] });
const search = (text) => engine.search({ text, audience: 'public', filters: { locales: ['en'] }, facets: ['category', 'product', 'tag', 'locale', 'kind'], offset: 0, limit: 10, matching: 'all', highlight: { preTag: '<em>', postTag: '</em>' } });
const titles = heldOutTitles();
const names = Object.keys(POINTS);
for (const name of names) {
  use(POINTS[name]);
  for (const title of titles.slice(0, 50)) await search(title);
}
const times = Object.fromEntries(names.map((name) => [name, []]));
for (let round = 0; round < 2; round += 1) {
  for (const title of titles) {
    for (const name of names) {
      use(POINTS[name]);
      const started = performance.now();
      await search(title);
      times[name].push(performance.now() - started);
    }
  }
}
await pool.end();
const stat = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p) => +sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))].toFixed(1);
  return { mean: +(values.reduce((a, b) => a + b, 0) / values.length).toFixed(1), p50: at(0.5), p95: at(0.95) };
};
const speed = Object.fromEntries(names.map((name) => [name, stat(times[name])]));

const metrics = ['MAP', 'MRR', 'P@1', 'P@5', 'R@10'];
const out = [
  `# Search relevance at scale (PostgreSQL engine)`,
  '',
  'Command: `npm run build && node bench/search-relevance-at-scale.mjs`',
  '',
  `- Date: ${new Date().toISOString()}; Node ${process.version}; ${os.cpus().length} × ${os.cpus()[0].model.split(' ').slice(0, 2).join(' ')}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(', ')} at the end`,
  `- ${SCALE ? `The 3,679 dup-questions questions indexed among the bench database's ${n} documents` : 'The 3,679 dup-questions questions alone'} (in a transaction, rolled back); each query's title searched without a filter (locale en, top 300), the ranking kept to the questions of its forum (top 100), scored with the folder's score.mjs (group relevance). The bench's documents are built from the same corpora, so some of them share sentences with the questions.`,
  '- Engine time: the 200 held-out titles of `bench:search` (all facets, page size 10), one connection, the points interleaved query by query, 2 rounds after a warm-up; the engine straight on PostgreSQL (no HTTP, no GraphQL, no semantic rerank).',
  '',
  `| split | point | ${metrics.join(' | ')} |`,
  `| --- | --- | ${metrics.map(() => '---').join(' | ')} |`,
  ...Object.entries(relevance).map(([key, scores]) => `| ${key.split('|')[0]} | ${key.split('|')[1]} | ${metrics.map((m) => scores[m]).join(' | ')} |`),
  '',
  '| point | RANKING overrides | engine mean ms | p50 ms | p95 ms |',
  '| --- | --- | --- | --- | --- |',
  ...names.map((name) => `| ${name} | \`${JSON.stringify(POINTS[name])}\` | ${speed[name].mean} | ${speed[name].p50} | ${speed[name].p95} |`),
  '',
];
fs.mkdirSync(new URL('results', import.meta.url), { recursive: true });
const stem = process.env.BENCH_RESULT ?? (SCALE ? 'search-relevance-at-scale' : 'search-relevance-alone');
fs.writeFileSync(new URL(`results/${stem}.md`, import.meta.url), out.join('\n'));
fs.writeFileSync(new URL(`results/${stem}.json`, import.meta.url), JSON.stringify({ date: new Date().toISOString(), documents: n, scale: SCALE, points: POINTS, relevance, speed }, null, 2) + '\n');
console.log(out.join('\n'));
