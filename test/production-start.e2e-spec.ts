import { randomBytes } from 'node:crypto';
import { AddressInfo, createServer } from 'node:net';
import { createAdmin, parseCreateAdmin } from '../src/cli/create-admin';
import { seedDemoOnStart } from '../src/cli/demo-seed';
import { UsersService } from '../src/users/users.service';
import { createTestApp, TestApp } from './support/create-test-app';
import { runEntry } from './support/run-entry';

const ADMIN_LOGIN = 'mutation ($input: AdminLoginInput!) { login(input: $input) { accessToken user { email role } } }';
const PROCESS_TIMEOUT_MS = 120_000;

describe('a production start', () => {
  let t: TestApp;
  let productionEnv: Record<string, string>;
  beforeAll(async () => {
    t = await createTestApp({ NODE_ENV: 'production' });
    productionEnv = { NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex'), DATABASE_URL: t.databaseUrl };
  });
  afterAll(() => t.close());

  it('seeds no demo data, so the documented demo password signs nobody in', async () => {
    expect(t.config.demo.seed).toBe(false);
    expect(await seedDemoOnStart(t.app, t.config)).toBeNull();
    const [{ users }] = await t.dataSource.query('SELECT count(*)::int AS users FROM users');
    expect(users).toBe(0);
    const res = await t.admin().send(ADMIN_LOGIN, { input: { email: t.config.demo.adminEmail, password: 'evergreen-demo-admin' } });
    // Refused before any lookup (test/account-passwords.e2e-spec.ts): the same answer whether the account exists or not.
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'DEMO_PASSWORD' });
  });

  it('refuses to start with SEED_DEMO=true, naming the variable', async () => {
    const run = await runEntry('src/main.ts', [], { ...productionEnv, SEED_DEMO: 'true', PORT: '0' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/SEED_DEMO: .*never seeded/);
    expect(run.stdout).not.toContain('Evergreen is running');
  }, PROCESS_TIMEOUT_MS);

  it('says which port is taken and how to choose another when something already listens there', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const run = await runEntry('src/main.ts', [], { ...productionEnv, PORT: String(port), HOST: '127.0.0.1' });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`127.0.0.1:${port} is already in use`);
      expect(run.stderr).toContain('PORT=');
      expect(run.stderr).not.toMatch(/EADDRINUSE|\n\s+at /);
      expect(run.stdout).not.toContain('Evergreen is running');

      // Said before any database work: an unreachable database is not even tried.
      const early = await runEntry('src/main.ts', [], { ...productionEnv, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', PORT: String(port), HOST: '127.0.0.1' });
      expect(early.code).toBe(1);
      expect(early.stderr).toContain(`127.0.0.1:${port} is already in use`);
      expect(early.stderr).not.toContain('Cannot reach the database');
    } finally {
      busy.close();
    }
  }, PROCESS_TIMEOUT_MS);

  it('creates the first admin from the CLI with a password read from stdin', async () => {
    const run = await runEntry('src/cli/main.ts', ['create-admin', '--email', 'Owner@Example.test', '--name', 'Site Owner', '--password-stdin'], productionEnv, 'a long piped password\n');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/Created admin owner@example\.test/);
    expect(run.stdout).not.toContain('a long piped password');

    const res = await t.admin().send(ADMIN_LOGIN, { input: { email: 'owner@example.test', password: 'a long piped password' } });
    expect(res.errors).toBeUndefined();
    expect(res.data?.login.user).toEqual({ email: 'owner@example.test', role: 'Admin' });
  }, PROCESS_TIMEOUT_MS);

  it('creates an admin with a generated password printed once', async () => {
    const run = await runEntry('src/cli/main.ts', ['create-admin', '--email', 'second-admin@example.test'], productionEnv);
    expect(run.code).toBe(0);
    const password = /Password \(shown once, not stored anywhere\): (\S+)/.exec(run.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const res = await t.admin().send(ADMIN_LOGIN, { input: { email: 'second-admin@example.test', password } });
    expect(res.data?.login.user.role).toBe('Admin');
  }, PROCESS_TIMEOUT_MS);

  it('refuses options a CLI command does not take, before touching the database', async () => {
    for (const args of [['scan', '--release', 'v2']]) {
      const run = await runEntry('src/cli/main.ts', args, { ...productionEnv, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`\`${args[0]}\` takes no options or arguments (got ${args.slice(1).join(' ')})`);
      expect(run.stderr).toContain('Usage: npm run cli');
    }
  }, PROCESS_TIMEOUT_MS);

  it('refuses a taken email with CONFLICT', async () => {
    await t.createUser({ email: 'taken@example.test' });
    const options = await parseCreateAdmin(['--email', 'TAKEN@example.test'], async () => '');
    await expect(createAdmin(t.app.get(UsersService), options)).rejects.toMatchObject({ code: 'CONFLICT', message: 'A user with this email already exists' });
  });
});
