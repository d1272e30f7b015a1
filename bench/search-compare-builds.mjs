// Do two builds of the PostgreSQL engine answer the same? The 200 held-out titles of bench:search (locale en, all
// facets; LIMIT/OFFSET/MATCHING to vary the page and the matching), each searched with both builds on one connection:
// prints every query whose hits (ids and order), total, facets or spelling fields differ, and the largest score
// difference between hits at the same position.
//   node bench/search-compare-builds.mjs <dist folder A> <dist folder B>   (BENCH_DATABASE=<url>)
import { createRequire } from 'node:module';
import * as path from 'node:path';
import pg from 'pg';
import { heldOutTitles } from './search-queries.mjs';

const require = createRequire(import.meta.url);
const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_kb';
const [distA, distB] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: '-c jit=off -c synchronize_seqscans=off' });
const [a, b] = [distA, distB].map((dist) => new (require(path.resolve(dist, 'search/postgres/postgres-engine.js')).PostgresSearchEngine)(pool, { locales: ['en', 'de'] }));
const limit = Number(process.env.LIMIT ?? 10);
const offset = Number(process.env.OFFSET ?? 0);
let differing = 0;
let count = 0;
let largest = 0;
for (const text of heldOutTitles()) {
  const query = { text, audience: 'public', filters: { locales: ['en'] }, facets: ['category', 'product', 'tag', 'locale', 'kind'], offset, limit, matching: process.env.MATCHING ?? 'all', highlight: { preTag: '<em>', postTag: '</em>' } };
  const ra = await a.search(query);
  const rb = await b.search(query);
  count += 1;
  for (let i = 0; i < Math.min(ra.hits.length, rb.hits.length); i += 1) largest = Math.max(largest, Math.abs(ra.hits[i].score - rb.hits[i].score));
  const same =
    ra.hits.map((h) => h.id).join() === rb.hits.map((h) => h.id).join() &&
    ra.total === rb.total &&
    ra.totalIsEstimate === rb.totalIsEstimate &&
    JSON.stringify(ra.facets) === JSON.stringify(rb.facets) &&
    ra.didYouMean === rb.didYouMean &&
    ra.correctedText === rb.correctedText;
  if (!same) {
    differing += 1;
    console.log(`differs: ${JSON.stringify(text)} (totals ${ra.total} / ${rb.total})`);
  }
}
console.log(`${count} queries (page ${offset}+${limit}, matching ${process.env.MATCHING ?? 'all'}): ${differing} differ; largest score difference at the same position ${largest}`);
await pool.end();
