import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DEMO_EDITOR_EMAIL, DEMO_MEMBER_EMAIL, warnOfDemoAccounts } from '../src/cli/demo-seed';
import { verifyPassword } from '../src/users/passwords';
import { Role } from '../src/users/role.enum';
import { createTestApp, GraphqlClient, TestApp, TestUser } from './support/create-test-app';
import { runEntry, runUntilReady } from './support/run-entry';

const ADMIN_LOGIN = 'mutation ($input: AdminLoginInput!) { login(input: $input) { accessToken } }';
const MEMBER_LOGIN = 'mutation ($input: LoginInput!) { login(input: $input) { accessToken } }';
const ADMIN_CHANGE =
  'mutation ($input: AdminChangePasswordInput!) { changePassword(input: $input) { accessToken expiresAt user { id email role } } }';
const MEMBER_CHANGE = 'mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { accessToken expiresAt viewer { id email } } }';
const ADMIN_ME = '{ me { id } }';
const DELIVERY_ME = '{ me { id } }';
const SIGN_UP = 'mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken } }';
const CREATE_PAT = 'mutation ($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { token } }';
const PROCESS_TIMEOUT_MS = 120_000;
const DEMO_PASSWORD = 'evergreen-demo-admin';
const SESSION_ENDED = 'This session has ended (the password was changed, or the account was suspended or deactivated); sign in again';

interface Account {
  kind: 'staff' | 'member';
  api: (t: TestApp, token?: string) => GraphqlClient;
  role: Role;
  login: string;
  change: string;
}

const STAFF: Account = { kind: 'staff', api: (t, token) => t.admin(token), role: Role.Editor, login: ADMIN_LOGIN, change: ADMIN_CHANGE };
const MEMBER: Account = { kind: 'member', api: (t, token) => t.delivery(token), role: Role.Member, login: MEMBER_LOGIN, change: MEMBER_CHANGE };

async function storedUser(t: TestApp, id: string): Promise<{ passwordHash: string; sessionVersion: number }> {
  const [row] = await t.dataSource.query('SELECT password_hash AS "passwordHash", session_version AS "sessionVersion" FROM users WHERE id = $1', [id]);
  return row;
}

async function auditActions(t: TestApp, userId: string): Promise<{ action: string; actor_id: string | null; actor_rule: string | null; before: unknown; after: unknown }[]> {
  return t.dataSource.query(`SELECT action, actor_id, actor_rule, before, after FROM audit_entries WHERE subject_kind = 'user' AND subject_id = $1 ORDER BY occurred_at`, [userId]);
}

describe('changePassword', () => {
  let t: TestApp;
  beforeAll(async () => {
    // 20 failures per account: the parallel calls below all reach the password check; the address limit stays out of the way.
    t = await createTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '20', LOGIN_MAX_FAILURES_PER_IP: '1000' });
  });
  afterAll(() => t.close());

  const login = (account: Account, email: string, password: string) => account.api(t).send(account.login, { input: { email, password } });

  describe.each([STAFF, MEMBER])('for $kind', (account) => {
    it('changes the password, ends every earlier session and answers a fresh one', async () => {
      const user = await t.createUser({ role: account.role });
      const first = await t.login(user);
      const second = await t.login(user);
      const newPassword = `new-password-${randomBytes(4).toString('hex')}`;

      const res = await account.api(t, first).send(account.change, { input: { currentPassword: user.password, newPassword } });

      expect(res.errors).toBeUndefined();
      const session = res.data!.changePassword;
      expect(session.user ?? session.viewer).toMatchObject({ id: user.user.id, email: user.user.email });
      expect(new Date(session.expiresAt).getTime()).toBeGreaterThan(Date.now());
      // Both sessions from before, the caller's own included, are refused; the fresh one works.
      for (const old of [first, second]) {
        const me = await account.api(t, old).send(account.kind === 'staff' ? ADMIN_ME : DELIVERY_ME);
        expect(me.errors?.[0]).toMatchObject({ message: SESSION_ENDED, extensions: { code: 'UNAUTHENTICATED' } });
      }
      expect((await account.api(t, session.accessToken).send(account.kind === 'staff' ? ADMIN_ME : DELIVERY_ME)).data?.me).toEqual({ id: user.user.id });
      // The old password signs in no more, the new one does.
      expect((await login(account, user.user.email, user.password)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      expect((await login(account, user.user.email, newPassword)).data?.login.accessToken).toEqual(expect.any(String));
      // Audited without a secret.
      const audit = await auditActions(t, user.user.id);
      expect(audit).toEqual([{ action: 'user.change-password', actor_id: user.user.id, actor_rule: null, before: { sessionVersion: 0 }, after: { sessionVersion: 1 } }]);
    });
  });

  it('lets a staff member change the password on the delivery API too (they sign in there as well)', async () => {
    const editor = await t.createUser({ role: Role.Editor });
    const token = (await t.delivery().send(MEMBER_LOGIN, { input: { email: editor.user.email, password: editor.password } })).data!.login.accessToken;
    const res = await t.delivery(token).send(MEMBER_CHANGE, { input: { currentPassword: editor.password, newPassword: 'another-long-password' } });
    expect(res.errors).toBeUndefined();
    expect((await t.admin().send(ADMIN_LOGIN, { input: { email: editor.user.email, password: 'another-long-password' } })).data?.login.accessToken).toEqual(expect.any(String));
  });

  it('refuses a wrong current password with BAD_USER_INPUT (reason WRONG_PASSWORD), changes nothing, keeps the session, and counts it as a failed sign-in', async () => {
    const user = await t.createUser({ role: Role.Member });
    const token = await t.login(user);
    const wrong = () => t.delivery(token).send(MEMBER_CHANGE, { input: { currentPassword: 'not-the-password', newPassword: 'a-new-long-password' } });

    const res = await wrong();
    expect(res.data).toBeNull();
    expect(res.errors?.[0]).toMatchObject({
      message: 'The current password is wrong',
      extensions: { code: 'BAD_USER_INPUT', reason: 'WRONG_PASSWORD', fields: [{ field: 'input.currentPassword' }] },
    });
    expect(await storedUser(t, user.user.id)).toMatchObject({ sessionVersion: 0 });
    expect(await verifyPassword((await storedUser(t, user.user.id)).passwordHash, user.password)).toBe(true);
    expect(await auditActions(t, user.user.id)).toEqual([]);
    expect((await t.delivery(token).send(DELIVERY_ME)).data?.me).toEqual({ id: user.user.id });

    // 19 more guesses, at once, fill the account's 20 failures: then even the right password is RATE_LIMITED, on sign-in too.
    const guesses = await Promise.all(Array.from({ length: 19 }, wrong));
    expect(guesses.map((r) => r.errors?.[0].extensions.code)).toEqual(Array(19).fill('BAD_USER_INPUT'));
    const right = await t.delivery(token).send(MEMBER_CHANGE, { input: { currentPassword: user.password, newPassword: 'a-new-long-password' } });
    expect(right.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect((await login(MEMBER, user.user.email, user.password)).errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect(await storedUser(t, user.user.id)).toMatchObject({ sessionVersion: 0 });
  });

  describe('refuses bad input with BAD_USER_INPUT and writes nothing', () => {
    let user: TestUser;
    let token: string;
    beforeAll(async () => {
      user = await t.createUser({ role: Role.Moderator });
      token = await t.login(user);
    });

    it.each([
      ['a new password under 10 characters', () => ({ currentPassword: user.password, newPassword: 'short-pw1' }), 'input.newPassword'],
      ['a new password over 200 characters', () => ({ currentPassword: user.password, newPassword: 'x'.repeat(201) }), 'input.newPassword'],
      ['an empty current password', () => ({ currentPassword: '', newPassword: 'a-new-long-password' }), 'input.currentPassword'],
      ['the current password as the new one', () => ({ currentPassword: user.password, newPassword: user.password }), 'input.newPassword'],
    ])('%s', async (_, input, field) => {
      const res = await t.admin(token).send(ADMIN_CHANGE, { input: input() });
      expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].extensions.fields).toEqual([expect.objectContaining({ field })]);
      expect(await storedUser(t, user.user.id)).toMatchObject({ sessionVersion: 0 });
      expect(await verifyPassword((await storedUser(t, user.user.id)).passwordHash, user.password)).toBe(true);
      expect((await t.admin(token).send(ADMIN_ME)).data?.me).toEqual({ id: user.user.id });
    });
  });

  it('refuses callers without a session: anonymous (UNAUTHENTICATED), a member on the admin API and a personal access token (FORBIDDEN)', async () => {
    const input = { currentPassword: 'whatever-password', newPassword: 'a-new-long-password' };
    expect((await t.admin().send(ADMIN_CHANGE, { input })).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await t.delivery().send(MEMBER_CHANGE, { input })).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');

    const member = await t.createUser({ role: Role.Member });
    const memberToken = await t.login(member);
    expect((await t.admin(memberToken).send(ADMIN_CHANGE, { input: { ...input, currentPassword: member.password } })).errors?.[0].extensions.code).toBe('FORBIDDEN');

    // A token (here narrower than its owner) must not turn into a full session, even with the right password.
    const admin = await t.createUser({ role: Role.Admin });
    const pat = (await t.admin(await t.login(admin)).send(CREATE_PAT, { input: { name: 'ci', role: 'Editor' } })).data!.createAccessToken.token;
    const res = await t.admin(pat).send(ADMIN_CHANGE, { input: { ...input, currentPassword: admin.password } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SESSION_REQUIRED' });
    for (const { user } of [member, admin]) expect(await storedUser(t, user.id)).toMatchObject({ sessionVersion: 0 });
  });

  it('answers 20 parallel changes with the right current password with one success and client errors, leaving exactly one new password', async () => {
    const user = await t.createUser({ role: Role.Admin });
    const token = await t.login(user);
    const newPasswords = Array.from({ length: 20 }, (_, i) => `parallel-password-${i}`);

    const answers = await Promise.all(newPasswords.map((newPassword) => t.admin(token).send(ADMIN_CHANGE, { input: { currentPassword: user.password, newPassword } })));

    const codes = answers.map((res) => res.errors?.[0].extensions.code ?? 'OK');
    expect(answers.every((res) => res.status === 200)).toBe(true);
    expect(codes.filter((code) => code === 'OK')).toHaveLength(1);
    // The others lost the race: CONFLICT (verified before the winner committed) or BAD_USER_INPUT WRONG_PASSWORD (after).
    expect(codes.filter((code) => code !== 'OK').every((code) => code === 'CONFLICT' || code === 'BAD_USER_INPUT')).toBe(true);
    const winner = newPasswords[codes.indexOf('OK')];
    const stored = await storedUser(t, user.user.id);
    expect(stored.sessionVersion).toBe(1);
    const matching = [];
    for (const candidate of [user.password, ...newPasswords]) if (await verifyPassword(stored.passwordHash, candidate)) matching.push(candidate);
    expect(matching).toEqual([winner]);
    expect((await auditActions(t, user.user.id)).map((entry) => entry.action)).toEqual(['user.change-password']);
  });

  describe('npm run cli -- set-password', () => {
    let env: Record<string, string>;
    beforeAll(() => {
      env = { NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex'), DATABASE_URL: t.databaseUrl };
    });

    it('sets a piped password, ends the sessions, and says so without printing the password', async () => {
      const user = await t.createUser({ role: Role.Editor });
      const token = await t.login(user);

      const run = await runEntry('src/cli/main.ts', ['set-password', '--email', ` ${user.user.email.toUpperCase()} `, '--password-stdin'], env, 'an operator password\nignored\n');

      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toContain(`Set a new password for ${user.user.email} (${user.user.id}); every session signed in before has ended.`);
      expect(run.stdout).not.toContain('an operator password');
      expect((await t.admin(token).send(ADMIN_ME)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      expect((await login(STAFF, user.user.email, user.password)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      expect((await login(STAFF, user.user.email, 'an operator password')).data?.login.accessToken).toEqual(expect.any(String));
      expect(await auditActions(t, user.user.id)).toEqual([{ action: 'user.set-password', actor_id: null, actor_rule: 'cli:set-password', before: { sessionVersion: 0 }, after: { sessionVersion: 1 } }]);
    }, PROCESS_TIMEOUT_MS);

    it('generates a password and prints it once when none is piped', async () => {
      const member = await t.createUser({ role: Role.Member });
      const run = await runEntry('src/cli/main.ts', ['set-password', '--email', member.user.email], env);
      expect(run.code).toBe(0);
      const password = /Password \(shown once, not stored anywhere\): (\S+)/.exec(run.stdout)?.[1];
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect((await login(MEMBER, member.user.email, password!)).data?.login.accessToken).toEqual(expect.any(String));
    }, PROCESS_TIMEOUT_MS);

    it('refuses a bad command line with exit code 2 and the usage, before touching the database', async () => {
      const unreachable = { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
      const cases: [string[], string | undefined, string][] = [
        [['set-password', '--email', 'someone@example.test', '--role', 'admin'], undefined, 'Unknown option --role'],
        [['set-password', '--password-stdin'], 'a long piped password', '--email is required'],
        [['set-password', '--email', 'someone@example.test', '--password-stdin'], 'too-short\n', 'password must be 10 to 200 characters long'],
      ];
      const runs = await Promise.all(cases.map(([args, stdin]) => runEntry('src/cli/main.ts', args, unreachable, stdin)));
      runs.forEach((run, i) => {
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(`set-password: ${cases[i][2]}`);
        expect(run.stderr).toContain('Usage: npm run cli');
        expect(run.stderr).not.toContain('Cannot reach the database');
      });
    }, PROCESS_TIMEOUT_MS);

    it('refuses an unknown email (exit 1), and in production the published demo password, changing nothing', async () => {
      const unknown = await runEntry('src/cli/main.ts', ['set-password', '--email', 'nobody@example.test'], env);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('User nobody@example.test was not found');

      const user = await t.createUser({ role: Role.Admin });
      const demo = await runEntry('src/cli/main.ts', ['set-password', '--email', user.user.email, '--password-stdin'], env, DEMO_PASSWORD);
      expect(demo.code).toBe(1);
      expect(demo.stderr).toContain('This is the published demo password, which production refuses; choose another');
      expect(await storedUser(t, user.user.id)).toMatchObject({ sessionVersion: 0 });
    }, PROCESS_TIMEOUT_MS);
  });
});

describe('the published demo password in production', () => {
  const CONFIGURED_DEMO_PASSWORD = 'configured-demo-password';
  let prod: TestApp;
  let productionEnv: Record<string, string>;
  const demoEmails = ['admin@evergreen.test', DEMO_EDITOR_EMAIL, DEMO_MEMBER_EMAIL];

  beforeAll(async () => {
    // An earlier development start seeded the demo accounts into this database (the documented passwords) …
    const dev = await createTestApp();
    await dev.createUser({ role: Role.Admin, email: 'admin@evergreen.test', password: DEMO_PASSWORD });
    await dev.createUser({ role: Role.Editor, email: DEMO_EDITOR_EMAIL, password: CONFIGURED_DEMO_PASSWORD });
    await dev.createUser({ role: Role.Member, email: DEMO_MEMBER_EMAIL, password: DEMO_PASSWORD });
    await dev.stop();
    // … and production starts on it.
    prod = await createTestApp({ NODE_ENV: 'production', DEMO_ADMIN_PASSWORD: CONFIGURED_DEMO_PASSWORD }, { database: { name: dev.databaseName, url: dev.databaseUrl } });
    productionEnv = { NODE_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex'), DATABASE_URL: prod.databaseUrl, DEMO_ADMIN_PASSWORD: CONFIGURED_DEMO_PASSWORD };
  }, PROCESS_TIMEOUT_MS);
  afterAll(() => prod.close());

  const attempts = async (): Promise<number> => (await prod.dataSource.query('SELECT count(*)::int AS n FROM login_attempts'))[0].n;

  it.each([
    ['the demo admin, default password, admin API', 'admin@evergreen.test', DEMO_PASSWORD, ADMIN_LOGIN, 'admin'],
    ['the demo editor, configured password, admin API', DEMO_EDITOR_EMAIL, CONFIGURED_DEMO_PASSWORD, ADMIN_LOGIN, 'admin'],
    ['the demo member, default password, delivery API', DEMO_MEMBER_EMAIL, DEMO_PASSWORD, MEMBER_LOGIN, 'delivery'],
    ['an email with no account (the same answer: nothing is revealed)', 'nobody@example.test', DEMO_PASSWORD, MEMBER_LOGIN, 'delivery'],
  ])('refuses %s with FORBIDDEN DEMO_PASSWORD, even though it is right, before any lookup', async (_, email, password, mutation, api) => {
    const before = await attempts();
    const res = await (api === 'admin' ? prod.admin() : prod.delivery()).send(mutation, { input: { email, password } });
    expect(res.data).toBeNull();
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'DEMO_PASSWORD' });
    expect(res.errors?.[0].message).toContain('npm run cli -- set-password --email <email>');
    expect(await attempts()).toBe(before);
  });

  it('refuses a published demo password as a new one (sign-up, changePassword) with BAD_USER_INPUT, writing nothing', async () => {
    const signUp = await prod.delivery().send(SIGN_UP, { input: { email: 'newcomer@example.test', password: DEMO_PASSWORD, displayName: 'Newcomer' } });
    expect(signUp.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.password', messages: ['password must not be the published demo password'] }] });
    expect(await prod.dataSource.query(`SELECT id FROM users WHERE email = 'newcomer@example.test'`)).toEqual([]);

    const editor = await prod.createUser({ role: Role.Editor });
    const change = await prod.admin(await prod.login(editor)).send(ADMIN_CHANGE, { input: { currentPassword: editor.password, newPassword: CONFIGURED_DEMO_PASSWORD } });
    expect(change.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.newPassword', messages: ['newPassword must not be the published demo password'] }] });
    expect(await storedUser(prod, editor.user.id)).toMatchObject({ sessionVersion: 0 });
  });

  it('warns once at a production start, naming the demo accounts and the command', async () => {
    const run = await runUntilReady('src/main.ts', { ...productionEnv, PORT: '0', HOST: '127.0.0.1' }, 'Evergreen is running');
    const output = run.stdout + run.stderr;
    const warnings = output.split('\n').filter((line) => line.includes('Demo accounts with the published demo password'));
    expect(warnings).toHaveLength(1);
    for (const email of demoEmails) expect(warnings[0]).toContain(email);
    expect(warnings[0]).toContain('npm run cli -- set-password --email <email>');
  }, PROCESS_TIMEOUT_MS);

  it('stops naming an account once set-password gave it a new password, which then signs in', async () => {
    const run = await runEntry('src/cli/main.ts', ['set-password', '--email', 'admin@evergreen.test', '--password-stdin'], productionEnv, 'the-real-admin-password\n');
    expect(run.code).toBe(0);
    expect((await prod.admin().send(ADMIN_LOGIN, { input: { email: 'admin@evergreen.test', password: 'the-real-admin-password' } })).data?.login.accessToken).toEqual(expect.any(String));

    const logger = new Logger('test');
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    expect(await warnOfDemoAccounts(prod.app, prod.config, logger)).toEqual([DEMO_EDITOR_EMAIL, DEMO_MEMBER_EMAIL]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).not.toContain('admin@evergreen.test');
  }, PROCESS_TIMEOUT_MS);
});
