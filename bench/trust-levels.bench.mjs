// The hourly trust-level job on the generated forum (issue 12): wall time and the PostgreSQL work of one
// `recomputeAll()`, for this build and (BENCH_BASELINE=<checkout of an earlier commit, built>) an earlier one,
// alternating, on the same database.
//   npm run build && BENCH_BASELINE=<dir> BENCH_ROUNDS=3 node bench/trust-levels.bench.mjs
//   (BENCH_DATABASE=<url, default evergreen_bench_forum>). A first run may change levels (the generator does not
//   set them); the rounds after it measure the job as it runs every hour: reads, and the few changes since.
// Per run: wall time, and the shared buffers the database touched (hits + reads, from pg_stat_database), i.e. how
// much of the tables the job went through.
import * as path from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { ROOT, environment, markdownTable, round, writeResults } from './lib.mjs';

const DATABASE_URL = process.env.BENCH_DATABASE ?? 'postgres://postgres@127.0.0.1:5432/evergreen_bench_forum';
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS) || 3);
const BUILDS = [['this build', ROOT], ...(process.env.BENCH_BASELINE ? [[`baseline (${process.env.BENCH_BASELINE})`, path.resolve(process.env.BENCH_BASELINE)]] : [])];

function serviceOf(checkout) {
  const require = createRequire(path.join(checkout, 'package.json'));
  require('reflect-metadata');
  const { DataSource } = require('typeorm');
  const { dataSourceOptions } = require(path.join(checkout, 'dist/src/database/data-source.js'));
  const { TrustLevelsService } = require(path.join(checkout, 'dist/src/moderation/trust/trust-levels.service.js'));
  const dataSource = new DataSource({ ...dataSourceOptions(DATABASE_URL, 2), migrationsRun: false });
  return { dataSource, service: new TrustLevelsService(dataSource, null) };
}

async function blocks(db) {
  const { rows } = await db.query(`SELECT blks_hit + blks_read AS blocks, blks_read FROM pg_stat_database WHERE datname = current_database()`);
  return { blocks: Number(rows[0].blocks), read: Number(rows[0].blks_read) };
}

async function main() {
  const db = new pg.Client({ connectionString: DATABASE_URL });
  await db.connect();
  const [{ members }] = (await db.query(`SELECT count(*)::int AS members FROM users WHERE role = 'member'`)).rows;
  const [{ posts }] = (await db.query(`SELECT count(*)::int AS posts FROM posts`)).rows;
  const builds = BUILDS.map(([label, checkout]) => ({ label, ...serviceOf(checkout), runs: [] }));
  for (const build of builds) await build.dataSource.initialize();
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const build of r % 2 ? [...builds].reverse() : builds) {
      await db.query('SELECT pg_stat_force_next_flush()').catch(() => undefined);
      const before = await blocks(db);
      const started = process.hrtime.bigint();
      const changed = await build.service.recomputeAll();
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      await new Promise((resolve) => setTimeout(resolve, 600)); // pg_stat_database is flushed every 500 ms
      const after = await blocks(db);
      const run = { ms: round(ms, 0), changed, blocks: after.blocks - before.blocks, blocksRead: after.read - before.read };
      build.runs.push(run);
      console.log(`  round ${r + 1} ${build.label}: ${run.ms} ms, ${changed} changed, ${run.blocks} blocks touched (${run.blocksRead} read from the OS)`);
    }
  }
  for (const build of builds) await build.dataSource.destroy();
  await db.end();
  const env = environment();
  const rows = builds.flatMap((b) => b.runs.map((run, i) => [b.label, i + 1, run.ms, run.changed, run.blocks, run.blocksRead]));
  const markdown = `# Trust-level job (\`recomputeAll\`)

Command: \`npm run build && ${process.env.BENCH_BASELINE ? 'BENCH_BASELINE=<dir> ' : ''}BENCH_ROUNDS=${ROUNDS} node bench/trust-levels.bench.mjs\`

- ${members} members, ${posts} posts (\`npm run bench:forum:generate\`); builds alternate round by round on the same database
- Date: ${env.date}; Node ${env.node}; ${env.cpuCount} × ${env.cpuModel}
- blocks: shared buffers hit or read by the database during the run (8 KB each; pg_stat_database, all sessions)

${markdownTable(['build', 'round', 'ms', 'levels changed', 'blocks touched', 'read from the OS'], rows)}
`;
  writeResults('trust-levels', { members, posts, builds: builds.map((b) => ({ label: b.label, runs: b.runs })) }, markdown);
  console.log(markdown);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
