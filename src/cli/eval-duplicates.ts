/**
 * `npm run eval:duplicates -- <folder> [--split dev|test] [--out DIR] [--recluster] [--no-sentence-encoder]`: the recurring-question similarity
 * and clustering on a folder in the dup-questions format (default ../shared/eval/dup-questions), through a
 * fresh PostgreSQL database (DATABASE_URL's server, or embedded PostgreSQL when unset), scored by the
 * folder's score.mjs and printed next to its baselines.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { runMigrations } from '../database/prepare-database';
import { evaluateDuplicates, formatResult } from '../staleness/recurring/eval/evaluate-duplicates';

function parseArgs(argv: string[]): { folder: string; split: 'dev' | 'test'; out: string; clustering: 'incremental' | 'recluster'; sentenceEncoder: boolean } {
  let folder = join(__dirname, '../../../shared/eval/dup-questions');
  let split: 'dev' | 'test' = 'test';
  let out = mkdtempSync(join(tmpdir(), 'evergreen-eval-duplicates-'));
  let clustering: 'incremental' | 'recluster' = 'incremental';
  let sentenceEncoder = true;
  for (let i = 0; i < argv.length; i += 1) {
    const a = argv[i];
    if (a === '--split') {
      const s = argv[++i];
      if (s !== 'dev' && s !== 'test') throw new Error('--split must be dev or test');
      split = s;
    } else if (a === '--out') out = resolve(argv[++i]);
    else if (a === '--recluster') clustering = 'recluster';
    else if (a === '--no-sentence-encoder') sentenceEncoder = false;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else folder = resolve(a);
  }
  return { folder, split, out, clustering, sentenceEncoder };
}

async function withServerDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  let serverUrl = process.env.DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ dataDir: mkdtempSync(join(tmpdir(), 'evergreen-eval-pg-')), port: 0, database: 'evergreen_eval' });
    serverUrl = embedded.url;
    stop = embedded.stop;
  }
  const name = `evergreen_evaldup_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  // A throwaway database: commits need not wait for the disk (thousands of one-question transactions).
  await admin.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    if (stop) await stop();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  await withServerDatabase(async (url) => {
    await runMigrations(url);
    const dataSource = await new DataSource(dataSourceOptions(url, 4)).initialize();
    try {
      const result = await evaluateDuplicates(dataSource, {
        folder: args.folder,
        split: args.split,
        outDir: args.out,
        clustering: args.clustering,
        sentenceEncoder: args.sentenceEncoder,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`${formatResult(result, args.split)}\n`);
    } finally {
      await dataSource.destroy();
    }
  });
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
