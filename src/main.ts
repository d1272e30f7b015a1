import 'reflect-metadata';
import { createApp } from './app.factory';
import { DEMO_EDITOR_EMAIL, DEMO_MEMBER_EMAIL, seedDemoOnStart, warnOfDemoAccounts } from './cli/demo-seed';
import { AppConfig } from './config/app-config';
import { InvalidConfigError, loadConfig } from './config/load-config';
import { EmbeddedPostgresAccessError } from './database/embedded-postgres';
import { DatabaseUnavailableError, prepareDatabase, runMigrations } from './database/prepare-database';
import { PortInUseError, assertPortAvailable } from './config/port-check';
import { runtimeConfig } from './config/runtime-config';

async function bootstrap(): Promise<void> {
  const envConfig = loadConfig();
  await assertPortAvailable(envConfig.http.host, envConfig.http.port);
  const database = await prepareDatabase(envConfig);
  const config = await runtimeConfig(envConfig, database);
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let shuttingDown = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    process.stdout.write(`\n${signal} received: finishing in-flight requests and stopping\n`);
    try {
      await app?.close();
    } finally {
      await database.stop();
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGHUP', () => void shutdown('SIGHUP'));

  try {
    const applied = await runMigrations(database.url);
    app = await createApp(config);
    const seeded = await seedDemoOnStart(app, config);
    await warnOfDemoAccounts(app, config);
    await listen(app, config);
    printBanner(config, await app.getUrl(), database.description, applied, seeded !== null);
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.stop();
    throw error;
  }
}

/** A port taken after `assertPortAvailable` looked (a race) is reported the same way. */
async function listen(app: Awaited<ReturnType<typeof createApp>>, config: AppConfig): Promise<void> {
  try {
    await app.listen(config.http.port, config.http.host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new PortInUseError(config.http.host, config.http.port);
    throw error;
  }
}

function printBanner(config: AppConfig, url: string, database: string, migrations: string[], demo: boolean): void {
  const base = url.replace('[::1]', 'localhost');
  const lines = [
    '',
    'Evergreen is running',
    `  Delivery API   ${base}/graphql${config.graphql.ide ? `    GraphiQL: ${base}/graphiql` : ''}`,
    `  Admin API      ${base}/admin/graphql${config.graphql.ide ? `    GraphiQL: ${base}/admin/graphiql` : ''}`,
    `  Health         ${base}/health`,
    `  Database       ${database}${migrations.length ? `, applied ${migrations.length} migration(s)` : ''}`,
  ];
  if (demo) {
    const password = config.nodeEnv === 'production' ? '(DEMO_ADMIN_PASSWORD)' : config.demo.adminPassword;
    lines.push(`  Demo admin     ${config.demo.adminEmail} / ${password}`);
    lines.push(`  Demo editor    ${DEMO_EDITOR_EMAIL} / ${password}`);
    lines.push(`  Demo member    ${DEMO_MEMBER_EMAIL} / ${password} (delivery API login)`);
    lines.push(`  Help center    ${base}/sitemap.xml, or { categories { name } } on the delivery API`);
    lines.push(`  Community      { threads { edges { node { title url } } } } on the delivery API`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

bootstrap().catch((error: unknown) => {
  if (error instanceof InvalidConfigError || error instanceof DatabaseUnavailableError || error instanceof EmbeddedPostgresAccessError) {
    process.stderr.write(`Evergreen cannot start. ${error.message}\n`);
  } else if (error instanceof PortInUseError) {
    process.stderr.write(`Evergreen cannot start: ${error.message}\n`);
  } else {
    process.stderr.write(`Evergreen cannot start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
