// Release scan benchmark on the generated knowledge base.
//   npm run bench:generate -- --database postgres://postgres@127.0.0.1:5432/evergreen_bench_stale
//   npm run bench:staleness          (BENCH_DATABASE=<url>, BENCH_RUNS=<n>, default 5)
// Links every generated article to one product, makes sure the search index is built (reindex through the
// CLI when it is not), records a release of 30 change entries written with the generator's vocabulary and
// times StalenessScanService.scanRelease (candidates, detector, flags) through the built app, against the
// bare reference: the candidate SQL alone. Target: a release scan over 100,000 articles under 2 s.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import pg from 'pg';
import { ROOT, environment, markdownTable, round, writeResults } from './lib.mjs';

const require = createRequire(import.meta.url);
const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_stale';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_MS = 2000;

const ENTRIES = [
  ['removed', 'Remove the CSV export of invoices; use the ledger report export'],
  ['changed', 'Payment reminders are now sent three days before the due date'],
  ['added', 'Recurring subscription plans can be paused by the customer'],
  ['deprecated', 'Deprecate the legacy webhook signature header'],
  ['changed', 'Tax report groups VAT returns by period'],
  ['fixed', 'Fix currency rounding in bank reconciliation'],
  ['added', 'Mileage expenses accept a custom rate per team'],
  ['changed', 'Password reset links expire after one hour'],
  ['added', 'Sandbox API keys with a separate request limit'],
  ['fixed', 'Refund receipts show the original discount'],
];

async function main() {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const [{ articles }] = (await client.query(`SELECT count(*)::int AS articles FROM articles WHERE deleted_at IS NULL`)).rows;
  if (articles === 0) throw new Error(`No articles in ${DATABASE_URL}: run npm run bench:generate -- --database ${DATABASE_URL}`);
  const { rows: [product] } = await client.query(`INSERT INTO products (key, name) VALUES ('bench-all', 'Everything') ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name RETURNING id`);
  await client.query(`INSERT INTO article_products (article_id, product_id) SELECT id, $1 FROM articles ON CONFLICT DO NOTHING`, [product.id]);
  const [{ documents }] = (await client.query(`SELECT count(*)::int AS documents FROM search_documents WHERE kind = 'article'`)).rows;
  if (documents < articles) {
    process.stdout.write(`search index has ${documents} article documents for ${articles} articles: reindexing\n`);
    const r = spawnSync('npm', ['run', 'cli', '--', 'reindex'], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, DATABASE_URL, JWT_SECRET: 'x'.repeat(64) } });
    if (r.status !== 0) throw new Error('reindex failed');
  }
  const [{ locales }] = (await client.query(`SELECT count(*)::int AS locales FROM article_locales WHERE status = 'published'`)).rows;
  await client.query(`DELETE FROM releases WHERE product_id = $1`, [product.id]);
  const changes = Array.from({ length: 30 }, (_, i) => ENTRIES[i % ENTRIES.length]);
  const { rows: [release] } = await client.query(
    `INSERT INTO releases (product_id, version, released_at, notes_markdown, source) VALUES ($1, '9.0.0', now(), '', 'admin') RETURNING id`, [product.id]);
  for (const [i, [kind, summary]] of changes.entries()) {
    await client.query(`INSERT INTO release_changes (release_id, position, kind, summary) VALUES ($1, $2, $3, $4)`, [release.id, i, kind, `${summary} (${i})`]);
  }

  process.env.LOG_LEVEL = 'warn';
  const { NestFactory } = require('@nestjs/core');
  const { CliModule } = require(path.join(ROOT, 'dist/src/cli/cli.module.js'));
  const { loadConfig } = require(path.join(ROOT, 'dist/src/config/load-config.js'));
  const { createRootLogger } = require(path.join(ROOT, 'dist/src/common/logging.js'));
  const { StalenessScanService } = require(path.join(ROOT, 'dist/src/staleness/staleness-scan.service.js'));
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL, JWT_SECRET: 'x'.repeat(64) });
  const app = await NestFactory.createApplicationContext(CliModule.forRoot({ ...config, jobs: { ...config.jobs, enabled: false } }, createRootLogger('warn', process.stderr)), { logger: ['error'] });
  const scans = app.get(StalenessScanService);
  const product_ms = [];
  const bare_ms = [];
  let last;
  for (let run = 0; run < RUNS; run += 1) {
    await client.query(`DELETE FROM stale_flags WHERE release_id = $1`, [release.id]);
    await client.query(`DELETE FROM staleness_release_scans WHERE release_id = $1`, [release.id]);
    let t = process.hrtime.bigint();
    last = await scans.scanRelease(release.id);
    product_ms.push(Number(process.hrtime.bigint() - t) / 1e6);
    // Bare reference: the same index lookups and product filter the scan starts with, alone (no bodies
    // loaded, no detector, no writes).
    t = process.hrtime.bigint();
    await client.query(
      `WITH entries AS (SELECT n, q FROM unnest($2::text[]) WITH ORDINALITY AS e(q, n)),
       lex AS (SELECT DISTINCT e.n, l.lexeme FROM entries e, unnest(tsvector_to_array(to_tsvector('english', e.q))) AS l(lexeme)),
       rare AS (SELECT n, lexeme FROM (SELECT lex.n, lex.lexeme, row_number() OVER (PARTITION BY lex.n ORDER BY st.df, lex.lexeme) AS rn
                FROM lex JOIN search_terms st ON st.lexeme = lex.lexeme COLLATE "C" AND st.df > 0) ranked WHERE rn <= 2),
       tsq AS (SELECT n, string_agg(quote_literal(lexeme), ' & ')::tsquery AS q FROM rare GROUP BY n),
       hits AS MATERIALIZED (SELECT c.source_id FROM tsq, LATERAL (SELECT d.source_id FROM search_documents d
                WHERE d.kind = 'article' AND d.visibility = 'public' AND d.tsv @@ tsq.q ORDER BY ts_rank(d.tsv, tsq.q) DESC LIMIT 100) c)
       SELECT DISTINCT h.source_id FROM hits h WHERE EXISTS (SELECT 1 FROM article_products ap WHERE ap.article_id = h.source_id AND ap.product_id = $1)`,
      [product.id, changes.map(([, s], i) => `${s} (${i})`)]);
    bare_ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  await app.close();
  await client.end();
  const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const result = {
    environment: { ...environment(), note: 'shared 2-core machine, other work running' },
    articles,
    publishedLocales: locales,
    changeEntries: changes.length,
    runs: RUNS,
    candidatesScanned: last.articlesScanned,
    flagsRaised: last.flagsRaised,
    scanMs: { median: round(median(product_ms)), max: round(Math.max(...product_ms)), all: product_ms.map(round) },
    bareCandidateSqlMs: { median: round(median(bare_ms)) },
    ratioToBare: round(median(product_ms) / median(bare_ms)),
    targetMs: TARGET_MS,
    meetsTarget: median(product_ms) < TARGET_MS,
  };
  const md = `# Staleness: release scan\n\n${new Date().toISOString()}, ${articles} articles (${locales} published locales), ${changes.length} change entries, ${RUNS} runs, shared machine.\n\n` +
    markdownTable(['measure', 'value'], [
      ['scanRelease median (ms)', result.scanMs.median],
      ['scanRelease max (ms)', result.scanMs.max],
      ['candidates scored by the detector', result.candidatesScanned],
      ['flags raised', result.flagsRaised],
      ['bare candidate SQL median (ms)', result.bareCandidateSqlMs.median],
      ['ratio scan / bare', result.ratioToBare],
      [`target < ${TARGET_MS} ms`, result.meetsTarget ? 'met' : 'NOT met'],
    ]);
  const files = writeResults('staleness', result, md);
  process.stdout.write(`${md}\nwritten: ${files.join(', ')}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
