import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { loadConfig } from '../config/load-config';
import { prepareDatabase } from '../database/prepare-database';

/**
 * `npm run migration:*`: runs the TypeORM CLI against DATABASE_URL, or against embedded
 * PostgreSQL (started for the duration of the command) when it is unset.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const database = await prepareDatabase(config);
  try {
    const cli = require.resolve('typeorm/cli-ts-node-commonjs.js');
    const args = [cli, '-d', path.join('src', 'database', 'cli-data-source.ts'), ...process.argv.slice(2)];
    const result = spawnSync(process.execPath, args, { stdio: 'inherit', env: { ...process.env, DATABASE_URL: database.url } });
    return result.status ?? 1;
  } finally {
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
