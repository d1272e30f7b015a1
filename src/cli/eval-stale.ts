/**
 * `npm run eval:stale -- <folder> [--split dev|test] [--limit N] [--out file] [--floor file] [--keep]`
 *
 * Creates a fresh database on the PostgreSQL server of DATABASE_URL (default the local server), migrates
 * it, loads each release of the folder through the product's services, runs the product-change scan,
 * writes the predictions (the folder's format) and prints strict and lenient P/R/F1/R@5/R@10 beside the
 * folder's baselines, scored by the folder's own score.mjs. `--floor` fails (exit 1) below a floor file.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { SingleBar, Presets } from 'cli-progress';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { CliModule } from './cli.module';
import { createRootLogger } from '../common/logging';
import { loadConfig } from '../config/load-config';
import { runMigrations } from '../database/prepare-database';
import { formatScoreTable, runStaleEval } from '../staleness/eval/stale-eval';

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function main(argv: string[]): Promise<number> {
  const folderArg = argv.find((arg, i) => !arg.startsWith('--') && (i === 0 || !argv[i - 1].startsWith('--')));
  if (!folderArg || !existsSync(resolve(folderArg, 'releases.jsonl'))) {
    process.stderr.write('Usage: npm run eval:stale -- <folder with releases.jsonl, articles.jsonl, score.mjs> [--split dev|test] [--limit N] [--out file] [--floor file] [--keep]\n');
    return 2;
  }
  // score.mjs runs only when started by its real path.
  const folder = realpathSync(resolve(folderArg));
  const split = option(argv, 'split') ?? 'dev';
  const limit = option(argv, 'limit') ? Number(option(argv, 'limit')) : undefined;
  const out = resolve(option(argv, 'out') ?? `tmp/eval/stale-${split}${limit ? `-first${limit}` : ''}.jsonl`);
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `evergreen_eval_stale_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = withDatabase(server, name);
  try {
    await runMigrations(url);
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: url, JWT_SECRET: randomBytes(32).toString('hex'), DB_POOL_SIZE: '4' });
    const cliConfig = { ...config, jobs: { ...config.jobs, enabled: false }, search: { ...config.search, worker: false } };
    const app = await NestFactory.createApplicationContext(CliModule.forRoot(cliConfig, createRootLogger('warn', process.stderr)), { logger: ['error', 'warn'] });
    try {
      const bar = new SingleBar({ format: 'Releases [{bar}] {value}/{total} {version}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 }, Presets.shades_classic);
      let started = false;
      const result = await runStaleEval(app, {
        folder,
        split,
        limit,
        out,
        onRelease: (done, total, version) => {
          if (!started) bar.start(total, 0, { version });
          started = true;
          bar.update(done, { version });
        },
      });
      bar.stop();
      process.stdout.write(
        `\nstale-docs ${split}${limit ? ` (first ${limit} releases)` : ''}: ${result.releases} releases, ${result.articles} articles loaded through the services in ${result.seconds.toFixed(1)} s\n` +
          `predictions: ${result.predictionsFile}\nstrict = every non-gold flag is wrong; lenient = flags on other_changed_pages ignored\n\n${formatScoreTable(result)}\n`,
      );
      const floorFile = option(argv, 'floor');
      if (floorFile) {
        const floor = JSON.parse(readFileSync(floorFile, 'utf8')) as Record<string, number>;
        const failures = Object.entries(floor).filter(([metric, min]) => (result.score.strict as unknown as Record<string, number>)[metric] < min);
        for (const [metric, min] of failures) process.stderr.write(`below the floor: strict ${metric} ${(result.score.strict as unknown as Record<string, number>)[metric].toFixed(3)} < ${min}\n`);
        if (failures.length > 0) return 1;
      }
      return 0;
    } finally {
      await app.close();
    }
  } finally {
    if (!argv.includes('--keep')) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    else process.stdout.write(`kept database ${name}\n`);
    await admin.end();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`eval:stale failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
