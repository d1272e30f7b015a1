import { rm } from 'node:fs/promises';
import { globalState } from './global-setup';
import { withServer } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const state = globalState.__evergreen;
  if (state?.template) {
    await withServer((client) => client.query(`DROP DATABASE IF EXISTS "${state.template}" WITH (FORCE)`));
  }
  await state?.stopEmbedded?.();
  if (state?.embeddedDataDir) await rm(state.embeddedDataDir, { recursive: true, force: true });
}
