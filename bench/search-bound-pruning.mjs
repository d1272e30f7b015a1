// How far an upper-bound first stage (WAND/MaxScore-like) could prune the exact BM25F ranking of the PostgreSQL
// engine, measured on the 200 held-out titles of bench:search (locale en, page size PAGE, default 10).
// For every match of every query it gets the exact score and an admissible upper bound built from what a cheap first
// stage can know (which query words the document contains, e.g. `tsv @@ word` or the GIN postings of each word):
// each contained word at its largest possible BM25F contribution, idf × (k1 + 1) (the saturation w(k1+1)/(w+K) < k1+1
// whatever the weighted frequency w and the length), times the coverage factor (matched/words)^coverage. The
// statement is the engine's own, with the bound added to its output (the text is rewritten on the way to
// PostgreSQL; nothing else changes). It prints how many matches would still need exact ranking:
//   - one round: the threshold is the PAGE-th best exact score among the PAGE documents with the best bounds;
//   - oracle: the threshold is the true PAGE-th best score (the least any WAND variant can keep).
//   npm run build && node bench/search-bound-pruning.mjs   (BENCH_DATABASE=<url>, ENGINE_DIST=<built postgres-engine.js>)
import { createRequire } from 'node:module';
import pg from 'pg';
import { heldOutTitles } from './search-queries.mjs';

const require = createRequire(import.meta.url);
const { PostgresSearchEngine, RANKING } = require(process.env.ENGINE_DIST ?? '../dist/search/postgres/postgres-engine.js');
const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_kb';
const PAGE = Number(process.env.PAGE ?? 10);

/** The engine's statement with, per match, its exact score and its first-stage upper bound (`dbg`). */
function withBounds(text) {
  if (!text.includes('candidates AS MATERIALIZED') || !text.includes(') AS part\n')) return text;
  const edits = [
    [') AS part\n', ') AS part, max(st.idf) AS idf_max\n'],
    ['sum(part) AS score, count(*) AS matched', 'sum(part) AS score, count(*) AS matched, sum(idf_max) AS idf_sum'],
    [
      'END AS score,\n               c.published_at',
      `END AS score, CASE WHEN nw.n = 0 OR c.fallback THEN 1 ELSE coalesce(s.idf_sum, 0) * ${RANKING.k1 + 1} * power(coalesce(s.matched, 0)::float8 / nw.n, ${RANKING.coverage}) END AS bound,\n               c.published_at`,
    ],
    ['SELECT\n        (SELECT count(*)::int FROM matches) AS total', 'SELECT (SELECT json_agg(json_build_array(score, bound)) FROM matches) AS dbg,\n        (SELECT count(*)::int FROM matches) AS total'],
  ];
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`the engine's statement changed: ${JSON.stringify(from)} not found`);
    text = text.replace(from, to);
  }
  return text;
}

const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: '-c jit=off -c synchronize_seqscans=off' });
let last = null;
const db = {
  query: async (text, values) => {
    const result = await pool.query(withBounds(text), values);
    if (result.rows[0]?.dbg !== undefined) last = result.rows[0].dbg ?? [];
    return result;
  },
};
const engine = new PostgresSearchEngine(db, { locales: ['en', 'de'] });
const perQuery = [];
for (const text of heldOutTitles()) {
  last = null;
  await engine.search({ text, audience: 'public', filters: { locales: ['en'] }, facets: [], offset: 0, limit: PAGE, matching: 'all', highlight: { preTag: '', postTag: '' } });
  if (!last || last.length === 0) continue;
  const kthBest = (rows) => (rows.length >= PAGE ? rows.map(([score]) => score).sort((a, b) => b - a)[PAGE - 1] : -Infinity);
  const kept = (threshold) => last.filter(([, bound]) => bound * (1 + 1e-9) >= threshold).length;
  const byBound = [...last].sort((a, b) => b[1] - a[1]);
  perQuery.push({ matches: last.length, oneRound: kept(kthBest(byBound.slice(0, PAGE))), oracle: kept(kthBest(last)) });
}
const sum = (key) => perQuery.reduce((total, q) => total + q[key], 0);
const median = (key) => perQuery.map((q) => q[key]).sort((a, b) => a - b)[Math.floor(perQuery.length / 2)];
const p90 = (key) => perQuery.map((q) => q[key] / q.matches).sort((a, b) => a - b)[Math.floor(perQuery.length * 0.9)];
console.log(`${perQuery.length} queries with matches, page size ${PAGE}: ${sum('matches')} matches ranked exactly today (median ${median('matches')} per query)`);
for (const [key, label] of [['oneRound', 'one round (threshold from the exact scores of the best bounds)'], ['oracle', 'oracle threshold (true page-th score)']]) {
  console.log(`  ${label}: ${sum(key)} still ranked exactly (${((100 * sum(key)) / sum('matches')).toFixed(1)} %), median ${median(key)} per query, p90 share ${(100 * p90(key)).toFixed(1)} %`);
}
await pool.end();
