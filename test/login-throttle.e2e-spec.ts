import { Role } from '../src/users/role.enum';
import { createTestApp, TestApp, TestUser } from './support/create-test-app';

const ADMIN_LOGIN = 'mutation ($input: AdminLoginInput!) { login(input: $input) { accessToken } }';
const SIGN_UP = 'mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken } }';
const ACCOUNT_LIMIT = 5;
const IP_LIMIT = 10;
const SIGNUP_LIMIT = 4;

interface Outcome {
  code: string;
  right: boolean;
}

describe('login throttling under parallel guesses', () => {
  let t: TestApp;
  let address = 0;
  beforeAll(async () => {
    t = await createTestApp({
      LOGIN_MAX_FAILURES_PER_ACCOUNT: String(ACCOUNT_LIMIT),
      LOGIN_MAX_FAILURES_PER_IP: String(IP_LIMIT),
      SIGNUP_MAX_PER_IP: String(SIGNUP_LIMIT),
      TRUST_PROXY: 'true',
    });
  });
  afterAll(() => t.close());

  /** A client address no other case uses (TRUST_PROXY: the address comes from X-Forwarded-For). */
  function newAddress(): string {
    address += 1;
    return `203.0.113.${address}`;
  }

  async function login(ip: string, email: string, password: string): Promise<string> {
    const res = await t
      .http()
      .post('/admin/graphql')
      .set('x-forwarded-for', ip)
      .send({ query: ADMIN_LOGIN, variables: { input: { email, password } } });
    return res.body.data?.login?.accessToken ? 'OK' : res.body.errors[0].extensions.code;
  }

  /** `count` logins at once; the right password at a random position among the wrong ones. */
  async function burst(count: number, ip: string, target: TestUser, emailOf: (i: number) => string): Promise<Outcome[]> {
    const rightAt = Math.floor(Math.random() * count);
    return Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const right = i === rightAt;
        const code = await login(ip, right ? target.user.email : emailOf(i), right ? target.password : `wrong-guess-${i}`);
        return { code, right };
      }),
    );
  }

  function tally(outcomes: Outcome[]): { failures: number; successes: number; limited: number; other: string[] } {
    const codes = outcomes.map((o) => o.code);
    return {
      failures: codes.filter((c) => c === 'UNAUTHENTICATED').length,
      successes: codes.filter((c) => c === 'OK').length,
      limited: codes.filter((c) => c === 'RATE_LIMITED').length,
      other: codes.filter((c) => !['UNAUTHENTICATED', 'OK', 'RATE_LIMITED'].includes(c)),
    };
  }

  /** Sequential wrong guesses until one is refused; the total of wrong guesses evaluated, counting `evaluated` earlier ones. */
  async function guessUntilRefused(ipOf: () => string, emailOf: (i: number) => string, evaluated: number): Promise<number> {
    for (let i = 0; ; i++) {
      const code = await login(ipOf(), emailOf(i), `later-wrong-${i}`);
      if (code === 'RATE_LIMITED') return evaluated;
      expect(code).toBe('UNAUTHENTICATED');
      evaluated += 1;
    }
  }

  it.each([30, 100])('evaluates at most the account limit of %i parallel guesses at one account', async (count) => {
    const admin = await t.createUser({ role: Role.Admin });
    const outcomes = await burst(count, newAddress(), admin, () => admin.user.email);
    const { failures, successes, limited, other } = tally(outcomes);

    expect(other).toEqual([]);
    // Wrong guesses evaluated never exceed the limit; every slot of the window was used.
    expect(failures).toBeLessThanOrEqual(ACCOUNT_LIMIT);
    expect(failures + successes).toBeGreaterThanOrEqual(ACCOUNT_LIMIT);
    expect(limited).toBe(count - failures - successes);
    // The right password either got one of the slots (and signed in) or was refused like the rest.
    expect(outcomes.find((o) => o.right)?.code).toMatch(/^(OK|RATE_LIMITED)$/);

    // What the burst left of the window (a success gives its slot back) is all that later guesses get.
    expect(await guessUntilRefused(newAddress, () => admin.user.email, failures)).toBe(ACCOUNT_LIMIT);
    expect(await login(newAddress(), admin.user.email, admin.password)).toBe('RATE_LIMITED');
  });

  it.each([30, 100])('evaluates at most the address limit of %i parallel guesses across accounts from one address', async (count) => {
    const editor = await t.createUser({ role: Role.Editor });
    const ip = newAddress();
    const outcomes = await burst(count, ip, editor, (i) => `spray-${count}-${i}@example.test`);
    const { failures, successes, limited, other } = tally(outcomes);

    expect(other).toEqual([]);
    expect(failures).toBeLessThanOrEqual(IP_LIMIT);
    expect(failures + successes).toBeGreaterThanOrEqual(Math.min(count, IP_LIMIT));
    expect(limited).toBe(count - failures - successes);
    expect(await guessUntilRefused(() => ip, (i) => `later-${count}-${i}@example.test`, failures)).toBe(IP_LIMIT);
  });

  it('does not count successful sign-ins against the limits', async () => {
    const moderator = await t.createUser({ role: Role.Moderator });
    const ip = newAddress();
    for (let i = 0; i < 2; i++) {
      expect(await login(ip, moderator.user.email, moderator.password)).toBe('OK');
    }
    for (let i = 0; i < ACCOUNT_LIMIT; i++) {
      expect(await login(ip, moderator.user.email, `wrong-${i}-password`)).toBe('UNAUTHENTICATED');
    }
    expect(await login(ip, moderator.user.email, moderator.password)).toBe('RATE_LIMITED');
  });

  it('answers RATE_LIMITED with the seconds until the window ends, and stores no email or address', async () => {
    const admin = await t.createUser({ role: Role.Admin });
    const ip = newAddress();
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await login(ip, admin.user.email, `wrong-${i}-password`);
    const res = await t
      .http()
      .post('/admin/graphql')
      .set('x-forwarded-for', ip)
      .send({ query: ADMIN_LOGIN, variables: { input: { email: admin.user.email, password: admin.password } } });
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(res.body.errors[0].extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(res.body.errors[0].extensions.retryAfterSeconds).toBeLessThanOrEqual(t.config.auth.loginFailureWindowSeconds);

    const stored: { throttle_key: string }[] = await t.dataSource.query('SELECT throttle_key FROM login_attempts');
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.map((r) => r.throttle_key).join(' ')).not.toMatch(/203\.0\.113|example\.test/);
  });

  it('starts a new window once the last one has ended', async () => {
    const admin = await t.createUser({ role: Role.Admin });
    const ip = newAddress();
    for (let i = 0; i < ACCOUNT_LIMIT; i++) await login(ip, admin.user.email, `wrong-${i}-password`);
    expect(await login(ip, admin.user.email, admin.password)).toBe('RATE_LIMITED');
    await t.dataSource.query(`UPDATE login_attempts SET window_started_at = window_started_at - make_interval(secs => $1)`, [
      t.config.auth.loginFailureWindowSeconds,
    ]);
    expect(await login(ip, admin.user.email, admin.password)).toBe('OK');
  });

  describe('sign-ups', () => {
    async function signUp(ip: string, email: string): Promise<{ code: string; retryAfterSeconds?: number }> {
      const res = await t
        .http()
        .post('/graphql')
        .set('x-forwarded-for', ip)
        .send({ query: SIGN_UP, variables: { input: { email, password: 'a long enough password', displayName: 'New member' } } });
      return res.body.data?.signUp?.accessToken ? { code: 'OK' } : res.body.errors[0].extensions;
    }

    it('creates at most the address limit of 40 parallel sign-ups from one address, and refuses the rest before any work', async () => {
      const ip = newAddress();
      const before = await t.dataSource.query(`SELECT count(*)::int AS n FROM users`);
      const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => signUp(ip, `burst-${i}@example.test`)));
      const codes = outcomes.map((o) => o.code);
      expect(codes.filter((c) => c === 'OK')).toHaveLength(SIGNUP_LIMIT);
      expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(40 - SIGNUP_LIMIT);
      for (const refused of outcomes.filter((o) => o.code === 'RATE_LIMITED')) {
        expect(refused.retryAfterSeconds).toBeGreaterThan(0);
        expect(refused.retryAfterSeconds).toBeLessThanOrEqual(t.config.auth.signUpWindowSeconds);
      }
      const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM users`);
      expect(n - before[0].n).toBe(SIGNUP_LIMIT);
      // Another address is not held back by this one.
      expect((await signUp(newAddress(), 'other-address@example.test')).code).toBe('OK');
    });

    it('counts a refused sign-up (email taken) too, and sign-ups do not use up the sign-in limit', async () => {
      const ip = newAddress();
      const member = await t.createUser({ role: Role.Member });
      for (let i = 0; i < SIGNUP_LIMIT; i++) expect((await signUp(ip, member.user.email)).code).toBe('CONFLICT');
      expect((await signUp(ip, 'after-conflicts@example.test')).code).toBe('RATE_LIMITED');
      expect(await login(ip, (await t.createUser({ role: Role.Admin })).user.email, 'wrong password here')).toBe('UNAUTHENTICATED');
    });

    it('allows sign-ups again once the window has ended, and keeps the window across login clean-ups', async () => {
      const ip = newAddress();
      for (let i = 0; i < SIGNUP_LIMIT; i++) expect((await signUp(ip, `window-${i}@example.test`)).code).toBe('OK');
      expect((await signUp(ip, 'window-refused@example.test')).code).toBe('RATE_LIMITED');
      // A login's clean-up drops ended login windows, not a sign-up window still running.
      await t.dataSource.query(`UPDATE login_attempts SET window_started_at = now() - make_interval(secs => $1) WHERE throttle_key LIKE 'signup-ip:%'`, [
        t.config.auth.loginFailureWindowSeconds + 1,
      ]);
      const admin = await t.createUser({ role: Role.Admin });
      expect(await login(newAddress(), admin.user.email, admin.password)).toBe('OK');
      expect((await signUp(ip, 'window-still-refused@example.test')).code).toBe('RATE_LIMITED');
      await t.dataSource.query(`UPDATE login_attempts SET window_started_at = now() - make_interval(secs => $1) WHERE throttle_key LIKE 'signup-ip:%'`, [
        t.config.auth.signUpWindowSeconds,
      ]);
      expect((await signUp(ip, 'window-again@example.test')).code).toBe('OK');
    });
  });
});
