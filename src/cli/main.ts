import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { SingleBar, Presets } from 'cli-progress';
import { AppError } from '../common/errors/app-error';
import { createRootLogger, logDestination } from '../common/logging';
import { AppConfig } from '../config/app-config';
import { InvalidConfigError, loadConfig } from '../config/load-config';
import { embeddedStopSignal } from '../database/embedded-postgres';
import { DatabaseUnavailableError, prepareDatabase, runMigrations } from '../database/prepare-database';
import { IndexingWorker } from '../search/indexing-worker';
import { SearchIndexService } from '../search/search-index.service';
import { SearchVectors } from '../search/search-vectors';
import { UsersService } from '../users/users.service';
import { SCAN_STEPS, StalenessScanService } from '../staleness/staleness-scan.service';
import { CliModule } from './cli.module';
import { CliUsageError } from './cli-options';
import { createAdmin, parseCreateAdmin } from './create-admin';
import { parseSetPassword, setPassword } from './set-password';
import { parseRerender, RERENDER_KINDS, RERENDER_LABELS, rerenderStoredHtml } from './rerender';
import { ArticleAssetsService } from '../articles/article-assets.service';
import { AssetsService } from '../assets/assets.service';
import { runtimeConfig } from '../config/runtime-config';

const COMMANDS = {
  reindex: 'rebuild the search index from PostgreSQL (zero-downtime swap on Meilisearch)',
  'search:check': 'compare database and index; exit code 1 when documents are missing, extra or outdated',
  'search:worker': 'drain the search outbox until stopped (for SEARCH_WORKER=false API processes)',
  'search:embed': "compute the titles' sentence vectors still missing (semantic rerank; the API's search-embeddings job does it in the background)",
  scan: 'run every staleness detector once (new releases, review dates, feedback, translations, search gaps); CONFLICT while another scan runs',
  'create-admin': 'create an admin: --email <email> [--name <name>] [--password-stdin]; without it a password is generated and printed once',
  'set-password': "set a user's password and end their sessions: --email <email> [--password-stdin]; without it a password is generated and printed once",
  rerender: "render every stored article and post revision again with today's renderer and sanitizer, writing only what changed (reindexed, caches purged): [--dry-run]",
  'assets:sweep': 'remove stored asset files that no asset names (left by an interrupted upload or a failed file deletion)',
  'delivery:repair': 'recount published articles per category and recopy what list pages read onto locale rows (after manual SQL with triggers off)',
} as const;

type Command = keyof typeof COMMANDS;

function usage(): string {
  return `Usage: npm run cli -- <command> [options]\n${Object.entries(COMMANDS).map(([name, what]) => `  ${name.padEnd(14)} ${what}`).join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const command = argv[0] as Command | undefined;
  if (!command || !(command in COMMANDS)) {
    process.stderr.write(usage());
    return command ? 2 : 0;
  }
  // Options are checked (and a piped password read) before the database is touched. Only create-admin, set-password
  // and rerender (--dry-run) take any: another command given one (`scan --release <id>`) would silently do its
  // whole job instead of what was meant.
  if (command !== 'create-admin' && command !== 'set-password' && command !== 'rerender' && argv.length > 1) {
    process.stderr.write(`\`${command}\` takes no options or arguments (got ${argv.slice(1).join(' ')}).\n${usage()}`);
    return 2;
  }
  let adminOptions: Awaited<ReturnType<typeof parseCreateAdmin>> | null;
  let passwordOptions: Awaited<ReturnType<typeof parseSetPassword>> | null;
  let rerenderOptions: ReturnType<typeof parseRerender> | null;
  try {
    adminOptions = command === 'create-admin' ? await parseCreateAdmin(argv.slice(1), readStdin) : null;
    passwordOptions = command === 'set-password' ? await parseSetPassword(argv.slice(1), readStdin) : null;
    rerenderOptions = command === 'rerender' ? parseRerender(argv.slice(1)) : null;
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    process.stderr.write(`${command}: ${error.message}\n${usage()}`);
    return 2;
  }
  const envConfig = loadConfig();
  const database = await prepareDatabase(envConfig);
  const resolved = await runtimeConfig(envConfig, database);
  const config: AppConfig = {
    ...resolved,
    // Only `search:worker` drains the outbox; other commands must not race the API's workers.
    search: { ...resolved.search, worker: false },
    // Commands run no background jobs (scheduled publishing, flushes): the API instances do.
    jobs: { ...resolved.jobs, enabled: false },
    // Commands log warnings and errors only; progress goes to the terminal.
    logLevel: resolved.logLevel === 'info' ? 'warn' : resolved.logLevel,
  };
  try {
    await runMigrations(database.url);
    const app = await NestFactory.createApplicationContext(CliModule.forRoot(config, createRootLogger(config.logLevel, logDestination(config.logFormat))), { logger: ['error', 'warn'] });
    try {
      if (command === 'create-admin') {
        if (!adminOptions) throw new Error('create-admin options were not parsed');
        const admin = await createAdmin(app.get(UsersService), adminOptions);
        process.stdout.write(`Created admin ${admin.email} (${admin.id}).\n`);
        if (admin.generated) process.stdout.write(`Password (shown once, not stored anywhere): ${admin.password}\n`);
        return 0;
      }
      if (command === 'set-password') {
        if (!passwordOptions) throw new Error('set-password options were not parsed');
        const user = await setPassword(app.get(UsersService), passwordOptions);
        process.stdout.write(`Set a new password for ${user.email} (${user.id}); every session signed in before has ended.\n`);
        if (user.generated) process.stdout.write(`Password (shown once, not stored anywhere): ${user.password}\n`);
        return 0;
      }
      if (command === 'scan') return await scan(app.get(StalenessScanService));
      if (command === 'rerender') {
        if (!rerenderOptions) throw new Error('rerender options were not parsed');
        return await rerender(app.get(DataSource), app.get(ArticleAssetsService), config, rerenderOptions.dryRun);
      }
      if (command === 'search:embed') return await embedTitles(app.get(SearchVectors));
      if (command === 'assets:sweep') {
        const { hashes, removed } = await app.get(AssetsService).sweepOrphanFiles();
        process.stdout.write(`Checked the files of ${hashes} hash(es); removed ${removed} file(s) no asset names.\n`);
        return 0;
      }
      if (command === 'delivery:repair') {
        // The SQL function of migration DeliveryListingCopies: one transaction, returns the rows it corrected.
        const [{ fixed }] = await app.get(DataSource).query(`SELECT repair_delivery_listing() AS fixed`);
        process.stdout.write(fixed ? `Repaired ${fixed} row(s) of category counts and list copies.\n` : 'Category counts and list copies were right; nothing changed.\n');
        return 0;
      }
      return await run(command, app.get(SearchIndexService), app.get(IndexingWorker), config);
    } finally {
      await app.close();
    }
  } finally {
    await database.stop();
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliUsageError('--password-stdin reads the password from a pipe, e.g. `printf %s "$PASSWORD" | npm run cli -- set-password …`');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function scan(scans: StalenessScanService): Promise<number> {
  const bar = new SingleBar({ format: 'Scanning [{bar}] {value}/{total} detectors | {step}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 }, Presets.shades_classic);
  bar.start(SCAN_STEPS.length, 0, { step: 'starting' });
  try {
    const summary = await scans.scanAll((step, done) => bar.update(done, { step }));
    bar.stop();
    const bySignal = Object.entries(summary.bySignal).map(([signal, n]) => `${signal} ${n}`).join(', ');
    process.stdout.write(`Scanned ${summary.releases} new release(s): ${summary.flagsRaised} flag(s) raised (${bySignal}), ${summary.gapsCreated} content gap(s) created.\n`);
    return 0;
  } finally {
    bar.stop();
  }
}

async function rerender(dataSource: DataSource, articleAssets: ArticleAssetsService, config: AppConfig, dryRun: boolean): Promise<number> {
  const bar = new SingleBar({ format: 'Re-rendering [{bar}] {value}/{total} {kind}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 }, Presets.shades_classic);
  let current: string | null = null;
  try {
    const counts = await rerenderStoredHtml(dataSource, {
      dryRun,
      renderableAssets: (manager, ids) => articleAssets.renderable(manager, ids),
      imageHosts: config.forum.imageHosts,
      onProgress: (kind, done, total) => {
        if (current !== kind) {
          if (current !== null) bar.stop();
          current = kind;
          bar.start(total, done, { kind: RERENDER_LABELS[kind] });
        }
        bar.setTotal(total);
        bar.update(done);
      },
    });
    bar.stop();
    process.stdout.write(dryRun ? 'Dry run: nothing was written. Would change:\n' : 'Re-rendered stored HTML:\n');
    for (const kind of RERENDER_KINDS) {
      process.stdout.write(`  ${RERENDER_LABELS[kind]}: ${counts[kind].scanned} scanned, ${counts[kind].changed} ${dryRun ? 'to change' : 'changed'}\n`);
    }
    const changed = RERENDER_KINDS.reduce((sum, kind) => sum + counts[kind].changed, 0);
    if (!dryRun && changed > 0) process.stdout.write('Changed published content is queued for search reindexing and cache purges (outbox, webhooks).\n');
    return 0;
  } finally {
    bar.stop();
  }
}

async function embedTitles(vectors: SearchVectors): Promise<number> {
  if (!vectors.enabled) {
    process.stdout.write('SEARCH_SEMANTIC_RERANK is false: search embeds nothing.\n');
    return 0;
  }
  const total = await vectors.pendingCount();
  const bar = new SingleBar({ format: 'Embedding titles [{bar}] {value}/{total} | {eta_formatted} left', hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 }, Presets.shades_classic);
  bar.start(total, 0);
  const started = Date.now();
  const embedded = await vectors.embedAllPending(Number.POSITIVE_INFINITY, (done) => bar.update(Math.min(done, total)));
  bar.stop();
  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(`Embedded ${embedded} title(s) in ${seconds.toFixed(1)} s.\n`);
  const left = await vectors.pendingCount();
  if (left > 0 && embedded < total) {
    process.stderr.write(`${left} title(s) still without a vector: the sentence encoder is unavailable (see the warning above).\n`);
    return 1;
  }
  return 0;
}

async function run(command: Exclude<Command, 'create-admin' | 'set-password' | 'scan' | 'rerender' | 'delivery:repair' | 'search:embed' | 'assets:sweep'>, index: SearchIndexService, worker: IndexingWorker, config: AppConfig): Promise<number> {
  switch (command) {
    case 'reindex': {
      const bar = new SingleBar({ format: 'Reindexing [{bar}] {percentage}% | {value}/{total} articles | {eta_formatted} left', hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 }, Presets.shades_classic);
      let started = false;
      const result = await index.reindex((done, total) => {
        if (!started) bar.start(total, 0);
        started = true;
        bar.update(done);
      });
      if (started) bar.stop();
      process.stdout.write(`Indexed ${result.documents} documents into ${config.search.engine} in ${result.seconds.toFixed(1)} s (${Math.round(result.documents / Math.max(result.seconds, 0.001))} documents/s)\n`);
      return 0;
    }
    case 'search:check': {
      const report = await index.check();
      const show = (label: string, keys: string[]): void => {
        process.stdout.write(`${label}: ${keys.length}\n`);
        for (const key of keys.slice(0, 20)) process.stdout.write(`  ${key}\n`);
        if (keys.length > 20) process.stdout.write(`  … and ${keys.length - 20} more\n`);
      };
      process.stdout.write(`Database: ${report.expected} documents; ${config.search.engine} index: ${report.indexed}\n`);
      show('Missing from the index', report.missing);
      show('In the index but not in the database', report.extra);
      show('Outdated in the index', report.outdated);
      const drift = report.missing.length + report.extra.length + report.outdated.length;
      process.stdout.write(drift === 0 ? 'No drift.\n' : `Drift: ${drift} document(s). Run \`npm run cli -- reindex\` or let the worker catch up.\n`);
      return drift === 0 ? 0 : 1;
    }
    case 'search:worker': {
      process.stdout.write('Draining the search outbox; Ctrl-C to stop.\n');
      worker.start();
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await worker.stop();
      return 0;
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (!embeddedStopSignal()) process.exit(code);
  },
  (error: unknown) => {
    // Interrupted: the command failed because its embedded database is stopping; the process ends when it is down.
    if (embeddedStopSignal()) return;
    const known = error instanceof InvalidConfigError || error instanceof DatabaseUnavailableError || error instanceof AppError;
    process.stderr.write(`${known ? '' : 'Command failed: '}${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
