import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BrowserContext, chromium } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it); CHROMIUM_PATH points elsewhere. */
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
  (candidate): candidate is string => Boolean(candidate),
);

export const chromiumPath: string | undefined = CANDIDATES.find((candidate) => existsSync(candidate));

/** `describe`, or `describe.skip` with the reason printed, when no chromium can be found. */
export function describeWithBrowser(name: string, fn: () => void): void {
  if (!chromiumPath) {
    process.stdout.write(
      `Skipping browser tests "${name}": no chromium at ${CANDIDATES.join(' or ')} (apt-get install -y chromium, or set CHROMIUM_PATH)\n`,
    );
    describe.skip(name, fn);
    return;
  }
  describe(name, fn);
}

export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A headless chromium with a fresh profile, kept off the network except for what the test serves. */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!chromiumPath) throw new Error('no chromium');
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'evergreen-chromium-'));
  // Playwright takes the profile folder itself (it refuses --user-data-dir among the args).
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
