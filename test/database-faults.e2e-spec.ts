import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Role } from '../src/users/role.enum';
import { createTestApp, TestApp } from './support/create-test-app';
import { withServer } from './support/test-database';

const ROOT = path.join(__dirname, '..');

/** Runs `src/main.ts` the way `npm start` runs the build, and collects how it ended. */
function startMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('database faults', () => {
  let t: TestApp;
  let adminToken: string;

  beforeAll(async () => {
    t = await createTestApp();
    adminToken = await t.login(await t.createUser({ role: Role.Admin }));
  });
  afterAll(async () => {
    await withServer((client) => client.query(`ALTER DATABASE "${t.databaseName}" ALLOW_CONNECTIONS true`));
    await t.close();
  });

  it('answers SERVICE_UNAVAILABLE while the database is gone, reports it on /health, and recovers by itself', async () => {
    expect((await t.admin(adminToken).send('{ me { id } }')).data?.me.id).toEqual(expect.any(String));

    await withServer(async (client) => {
      await client.query(`ALTER DATABASE "${t.databaseName}" ALLOW_CONNECTIONS false`);
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [t.databaseName]);
    });

    const during = await t.admin(adminToken).send('{ me { id } }');
    expect(during.errors?.[0]).toEqual(
      expect.objectContaining({
        message: 'The service is busy or cannot reach its database; try again shortly',
        extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: 1 },
      }),
    );
    expect(JSON.stringify(during)).not.toMatch(/accepting connections|terminat|pg_|at .*\.js/);
    const login = await t.admin().send('mutation { login(input: { email: "a@b.test", password: "whatever-pass" }) { accessToken } }');
    expect(login.errors?.[0].extensions.code).toBe('SERVICE_UNAVAILABLE');

    const healthDown = await t.http().get('/health');
    expect(healthDown.status).toBe(503);
    expect(healthDown.body.details.database.status).toBe('down');

    await withServer((client) => client.query(`ALTER DATABASE "${t.databaseName}" ALLOW_CONNECTIONS true`));

    const after = await t.admin(adminToken).send('{ me { id } }');
    expect(after.errors).toBeUndefined();
    expect((await t.http().get('/health')).status).toBe(200);
  });

  it('stops with a clear message and a non-zero exit when the database is unreachable at start', async () => {
    const result = await startMain({ DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/evergreen', JWT_SECRET: 'x'.repeat(40) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Evergreen cannot start. Cannot reach the database at postgres://postgres:***@127.0.0.1:1/evergreen');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain('secret');
  });

  it('stops naming each bad variable when the configuration is wrong', async () => {
    const result = await startMain({ PORT: 'eighty', NODE_ENV: 'staging', DATABASE_URL: 'mysql://x' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/PORT: .*eighty/);
    expect(result.stderr).toMatch(/NODE_ENV: /);
    expect(result.stderr).toMatch(/DATABASE_URL: must be a postgres:\/\//);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
