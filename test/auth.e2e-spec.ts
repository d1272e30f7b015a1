import { JwtService } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { createTestApp, TestApp } from './support/create-test-app';
import { Role } from '../src/users/role.enum';

const ADMIN_LOGIN = 'mutation ($input: AdminLoginInput!) { login(input: $input) { accessToken expiresAt user { id email role } } }';
const ADMIN_ME = '{ me { id email role } }';
const DELIVERY_ME = '{ me { id email displayName } }';
const SIGN_UP =
  'mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken viewer { id email displayName trustLevel } } }';
const MEMBER_LOGIN = 'mutation ($input: LoginInput!) { login(input: $input) { accessToken viewer { id } } }';
const CREATE_PAT =
  'mutation ($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { token accessToken { id name tokenPrefix expiresAt } } }';
const REVOKE_PAT = 'mutation ($input: RevokeAccessTokenInput!) { revokeAccessToken(input: $input) { id revokedAt } }';

describe('authentication', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_IP: '8' });
  });
  afterAll(() => t.close());

  async function countRows(table: string): Promise<number> {
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM ${table}`);
    return count;
  }

  describe('admin login', () => {
    it('gives staff an expiring token that authenticates admin requests', async () => {
      const editor = await t.createUser({ role: Role.Editor, email: 'Editor.One@Example.test' });
      const res = await t.admin().send(ADMIN_LOGIN, { input: { email: '  editor.one@example.TEST ', password: editor.password } });
      expect(res.errors).toBeUndefined();
      const login = res.data!.login;
      expect(login.user).toMatchObject({ email: 'editor.one@example.test', role: 'Editor' });
      const ttlMs = new Date(login.expiresAt).getTime() - Date.now();
      expect(ttlMs).toBeGreaterThan(3500_000);
      expect(ttlMs).toBeLessThanOrEqual(3600_000);

      const me = await t.admin(login.accessToken).send(ADMIN_ME);
      expect(me.data?.me).toMatchObject({ id: editor.user.id, role: 'Editor' });
    });

    it.each([
      ['a wrong password', async () => ({ email: (await t.createUser({ role: Role.Admin })).user.email, password: 'not-the-password' })],
      ['an unknown email', async () => ({ email: 'nobody@example.test', password: 'whatever-password' })],
    ])('refuses %s with UNAUTHENTICATED and the same message', async (_, credentials) => {
      const res = await t.admin().send(ADMIN_LOGIN, { input: await credentials() });
      expect(res.data).toBeNull();
      expect(res.errors?.[0]).toMatchObject({ message: 'The email or password is wrong', extensions: { code: 'UNAUTHENTICATED' } });
    });

    it('refuses a deactivated user', async () => {
      const moderator = await t.createUser({ role: Role.Moderator });
      await t.dataSource.query('UPDATE users SET deactivated_at = now() WHERE id = $1', [moderator.user.id]);
      const res = await t.admin().send(ADMIN_LOGIN, { input: { email: moderator.user.email, password: moderator.password } });
      expect(res.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a member with FORBIDDEN: members use the delivery API', async () => {
      const member = await t.createUser({ role: Role.Member });
      const res = await t.admin().send(ADMIN_LOGIN, { input: { email: member.user.email, password: member.password } });
      expect(res.errors?.[0].extensions.code).toBe('FORBIDDEN');
    });

    it('throttles repeated failures for one account with RATE_LIMITED, even with the right password afterwards', async () => {
      const admin = await t.createUser({ role: Role.Admin });
      for (let i = 0; i < 3; i++) {
        const res = await t.admin().send(ADMIN_LOGIN, { input: { email: admin.user.email, password: `wrong-${i}-password` } });
        expect(res.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      }
      const res = await t.admin().send(ADMIN_LOGIN, { input: { email: admin.user.email, password: admin.password } });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
      expect(res.errors?.[0].extensions.retryAfterSeconds).toBeGreaterThan(0);
    });

    it('throttles one client address guessing across many accounts', async () => {
      await t.dataSource.query('DELETE FROM login_attempts');
      const codes: string[] = [];
      for (let i = 0; i < 9; i++) {
        const res = await t.admin().send(ADMIN_LOGIN, { input: { email: `guess${i}@example.test`, password: 'guessed-password' } });
        codes.push(res.errors![0].extensions.code);
      }
      expect(codes.slice(0, 8)).toEqual(Array(8).fill('UNAUTHENTICATED'));
      expect(codes[8]).toBe('RATE_LIMITED');
      const stored: { throttle_key: string }[] = await t.dataSource.query('SELECT throttle_key FROM login_attempts');
      expect(stored.map((r) => r.throttle_key).join(' ')).not.toMatch(/127\.0\.0\.1|guess/);
      await t.dataSource.query('DELETE FROM login_attempts');
    });
  });

  describe('tokens', () => {
    let editorToken: string;
    let editorId: string;
    beforeAll(async () => {
      const editor = await t.createUser({ role: Role.Editor });
      editorId = editor.user.id;
      editorToken = await t.login(editor);
    });

    it('refuses an expired token with UNAUTHENTICATED', async () => {
      const jwt = new JwtService({ secret: t.config.auth.jwtSecret });
      const expired = await jwt.signAsync({ sub: editorId, typ: 'access' }, { issuer: 'evergreen', expiresIn: -10 });
      const res = await t.admin(expired).send(ADMIN_ME);
      expect(res.errors?.[0]).toMatchObject({ message: 'The access token has expired', extensions: { code: 'UNAUTHENTICATED' } });
    });

    it('refuses a token signed with another secret', async () => {
      const jwt = new JwtService({ secret: randomBytes(32).toString('hex') });
      const forged = await jwt.signAsync({ sub: editorId, typ: 'access' }, { issuer: 'evergreen', expiresIn: 600 });
      const res = await t.admin(forged).send(ADMIN_ME);
      expect(res.errors?.[0]).toMatchObject({ message: 'The access token is not valid', extensions: { code: 'UNAUTHENTICATED' } });
    });

    it.each(['not-a-jwt', 'egp_unknown-token'])('refuses the made-up token %s', async (token) => {
      const res = await t.admin(token).send(ADMIN_ME);
      expect(res.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a malformed Authorization header', async () => {
      const res = await t.http().post('/admin/graphql').set('authorization', 'Basic abc').send({ query: ADMIN_ME });
      expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('stops accepting the token of a user deactivated after sign-in', async () => {
      const moderator = await t.createUser({ role: Role.Moderator });
      const token = await t.login(moderator);
      expect((await t.admin(token).send(ADMIN_ME)).data?.me.id).toBe(moderator.user.id);
      await t.dataSource.query('UPDATE users SET deactivated_at = now() WHERE id = $1', [moderator.user.id]);
      const res = await t.admin(token).send(ADMIN_ME);
      expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: 'This account has been deactivated' });
    });

    it('creates a personal access token shown once and stored hashed, usable until revoked', async () => {
      const created = await t.admin(editorToken).send(CREATE_PAT, { input: { name: 'CI release sync', expiresInDays: 30 } });
      expect(created.errors).toBeUndefined();
      const { token, accessToken } = created.data!.createAccessToken;
      expect(token).toMatch(/^egp_[A-Za-z0-9_-]{40,}$/);
      expect(token.startsWith(accessToken.tokenPrefix)).toBe(true);

      const rows: { token_hash: string }[] = await t.dataSource.query('SELECT token_hash FROM access_tokens WHERE id = $1', [accessToken.id]);
      expect(rows[0].token_hash).not.toContain(token);
      expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);

      const listed = await t.admin(editorToken).send('{ accessTokens { id name tokenPrefix lastUsedAt } }');
      expect(listed.data?.accessTokens).toEqual([expect.objectContaining({ id: accessToken.id, name: 'CI release sync' })]);
      expect(JSON.stringify(listed.data)).not.toContain(token);

      const viaPat = await t.admin(token).send(ADMIN_ME);
      expect(viaPat.data?.me.id).toBe(editorId);

      const revoked = await t.admin(editorToken).send(REVOKE_PAT, { input: { accessTokenId: accessToken.id } });
      expect(revoked.data?.revokeAccessToken.revokedAt).toEqual(expect.any(String));
      const afterRevoke = await t.admin(token).send(ADMIN_ME);
      expect(afterRevoke.errors?.[0]).toMatchObject({
        message: 'The personal access token has been revoked',
        extensions: { code: 'UNAUTHENTICATED' },
      });
    });

    it('refuses an expired personal access token', async () => {
      const created = await t.admin(editorToken).send(CREATE_PAT, { input: { name: 'short-lived', expiresInDays: 1 } });
      const { token, accessToken } = created.data!.createAccessToken;
      await t.dataSource.query(`UPDATE access_tokens SET expires_at = now() - interval '1 minute' WHERE id = $1`, [accessToken.id]);
      const res = await t.admin(token).send(ADMIN_ME);
      expect(res.errors?.[0].message).toBe('The personal access token has expired');
    });

    it("does not let an editor revoke someone else's token", async () => {
      const other = await t.createUser({ role: Role.Moderator });
      const otherToken = await t.login(other);
      const created = await t.admin(otherToken).send(CREATE_PAT, { input: { name: 'mine' } });
      const res = await t.admin(editorToken).send(REVOKE_PAT, { input: { accessTokenId: created.data!.createAccessToken.accessToken.id } });
      expect(res.errors?.[0].extensions.code).toBe('FORBIDDEN');
      const [{ revoked_at }] = await t.dataSource.query('SELECT revoked_at FROM access_tokens WHERE id = $1', [
        created.data!.createAccessToken.accessToken.id,
      ]);
      expect(revoked_at).toBeNull();
    });
  });

  describe('personal access token scopes', () => {
    const CREATE_SCOPED =
      'mutation ($input: CreateAccessTokenInput!) { createAccessToken(input: $input) { token accessToken { id userId role readOnly lastUsedAt } } }';
    const USER_TOKENS = 'query ($userId: ID!) { userAccessTokens(userId: $userId, includeRevoked: true) { id userId name role readOnly lastUsedAt revokedAt } }';

    async function tokenFor(session: string, input: Record<string, unknown>): Promise<{ token: string; id: string }> {
      const res = await t.admin(session).send(CREATE_SCOPED, { input: { name: 'scoped', ...input } });
      expect(res.errors).toBeUndefined();
      return { token: res.data!.createAccessToken.token, id: res.data!.createAccessToken.accessToken.id };
    }

    it('refuses a token creating a token with FORBIDDEN, writing nothing', async () => {
      const editor = await t.createUser({ role: Role.Editor });
      const { token } = await tokenFor(await t.login(editor), {});
      const before = await countRows('access_tokens');
      const res = await t.admin(token).send(CREATE_SCOPED, { input: { name: 'child' } });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'TOKEN_CANNOT_MINT_TOKENS' });
      expect(await countRows('access_tokens')).toBe(before);
    });

    it("carries its owner's role by default and at most the owner's role", async () => {
      const editor = await t.createUser({ role: Role.Editor });
      const session = await t.login(editor);
      const created = await t.admin(session).send(CREATE_SCOPED, { input: { name: 'default role' } });
      expect(created.data?.createAccessToken.accessToken).toMatchObject({ role: 'Editor', readOnly: false, userId: editor.user.id });

      const above = await t.admin(session).send(CREATE_SCOPED, { input: { name: 'too strong', role: 'Admin' } });
      expect(above.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'ROLE_ABOVE_OWNER' });
    });

    it('lets an admin issue a narrower token that acts only with that role', async () => {
      const admin = await t.createUser({ role: Role.Admin });
      const { token } = await tokenFor(await t.login(admin), { role: 'Editor' });
      expect((await t.admin(token).send('{ searchStopWords { word } }')).errors).toBeUndefined();
      const res = await t.admin(token).send('{ users(first: 1) { totalCount } }');
      expect(res.errors?.[0].extensions.code).toBe('FORBIDDEN');
    });

    it("stops a token whose role is above its owner's new role", async () => {
      const admin = await t.createUser({ role: Role.Admin });
      const { token } = await tokenFor(await t.login(admin), {});
      expect((await t.admin(token).send(ADMIN_ME)).errors).toBeUndefined();
      await t.dataSource.query(`UPDATE users SET role = 'editor' WHERE id = $1`, [admin.user.id]);
      const res = await t.admin(token).send(ADMIN_ME);
      expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' }, message: expect.stringContaining('above its owner') });
    });

    it('refuses every mutation to a read-only token with FORBIDDEN, while it reads', async () => {
      const admin = await t.createUser({ role: Role.Admin });
      const { token, id } = await tokenFor(await t.login(admin), { readOnly: true });
      expect((await t.admin(token).send('{ users(first: 1) { totalCount } }')).errors).toBeUndefined();

      const mutations: [string, Record<string, unknown>][] = [
        [REVOKE_PAT, { input: { accessTokenId: id } }],
        ['mutation ($input: SearchStopWordInput!) { addSearchStopWord(input: $input) { word } }', { input: { locale: 'en', word: 'readonly' } }],
        ['mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }', { input: { email: 'ro@example.test', displayName: 'RO', role: 'Editor', password: 'long enough pass' } }],
      ];
      for (const [mutation, variables] of mutations) {
        const res = await t.admin(token).send(mutation, variables);
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'READ_ONLY_TOKEN' });
      }
      const [{ revoked_at }] = await t.dataSource.query('SELECT revoked_at FROM access_tokens WHERE id = $1', [id]);
      expect(revoked_at).toBeNull();
      expect(await t.dataSource.query(`SELECT 1 FROM search_stop_words WHERE word = 'readonly'`)).toEqual([]);
      expect(await t.dataSource.query(`SELECT 1 FROM users WHERE email = 'ro@example.test'`)).toEqual([]);
    });

    it("shows when a token was last used, and lets an admin list and revoke anyone's token, which stops at once", async () => {
      const admin = await t.createUser({ role: Role.Admin });
      const adminSession = await t.login(admin);
      const editor = await t.createUser({ role: Role.Editor });
      const editorSession = await t.login(editor);
      const { token, id } = await tokenFor(editorSession, { name: 'editor script' });

      const before = await t.admin(adminSession).send(USER_TOKENS, { userId: editor.user.id });
      expect(before.data?.userAccessTokens).toEqual([expect.objectContaining({ id, userId: editor.user.id, lastUsedAt: null, revokedAt: null })]);
      expect((await t.admin(token).send(ADMIN_ME)).data?.me.id).toBe(editor.user.id);
      const used = await t.admin(adminSession).send(USER_TOKENS, { userId: editor.user.id });
      expect(Date.parse(used.data?.userAccessTokens[0].lastUsedAt)).toBeGreaterThan(Date.now() - 60_000);

      expect((await t.admin(editorSession).send(USER_TOKENS, { userId: admin.user.id })).errors?.[0].extensions.code).toBe('FORBIDDEN');

      const revoked = await t.admin(adminSession).send(REVOKE_PAT, { input: { accessTokenId: id } });
      expect(revoked.data?.revokeAccessToken.revokedAt).toEqual(expect.any(String));
      expect((await t.admin(token).send(ADMIN_ME)).errors?.[0]).toMatchObject({
        message: 'The personal access token has been revoked',
        extensions: { code: 'UNAUTHENTICATED' },
      });
    });
  });

  describe('delivery sign-up and login', () => {
    it('signs a member up and answers me with their own account', async () => {
      const res = await t.delivery().send(SIGN_UP, { input: { email: 'Reader@Example.test', password: 'correct horse battery', displayName: ' Reader ' } });
      expect(res.errors).toBeUndefined();
      expect(res.data!.signUp.viewer).toMatchObject({ email: 'reader@example.test', displayName: 'Reader', trustLevel: 0 });
      const me = await t.delivery(res.data!.signUp.accessToken).send(DELIVERY_ME);
      expect(me.data?.me.email).toBe('reader@example.test');

      const [{ role, password_hash }] = await t.dataSource.query('SELECT role, password_hash FROM users WHERE email = $1', ['reader@example.test']);
      expect(role).toBe('member');
      expect(password_hash).toMatch(/^\$argon2id\$/);

      const login = await t.delivery().send(MEMBER_LOGIN, { input: { email: 'reader@example.test', password: 'correct horse battery' } });
      expect(login.data?.login.viewer.id).toBe(res.data!.signUp.viewer.id);
    });

    it('refuses a second account with the same email (any case) with CONFLICT', async () => {
      const input = { email: 'twice@example.test', password: 'long enough pass', displayName: 'Twice' };
      await t.delivery().send(SIGN_UP, { input });
      const res = await t.delivery().send(SIGN_UP, { input: { ...input, email: 'TWICE@example.test' } });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'EMAIL_TAKEN' });
    });

    it.each([
      ['a malformed email', { email: 'not-an-email', password: 'long enough pass', displayName: 'X' }, 'email'],
      ['a short password', { email: 'short@example.test', password: 'short', displayName: 'X' }, 'password'],
      ['an empty display name', { email: 'empty@example.test', password: 'long enough pass', displayName: '   ' }, 'displayName'],
    ])('refuses %s with BAD_USER_INPUT naming the field, writing nothing', async (_, input, field) => {
      const before = await countRows('users');
      const res = await t.delivery().send(SIGN_UP, { input });
      expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].extensions.fields).toEqual([expect.objectContaining({ field: `input.${field}` })]);
      expect(await countRows('users')).toBe(before);
    });

    it('answers me without a token with UNAUTHENTICATED', async () => {
      const res = await t.delivery().send(DELIVERY_ME);
      expect(res.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('lets a member token read the delivery API but nothing on the admin API', async () => {
      const member = await t.createUser({ role: Role.Member });
      const token = await t.login(member);
      expect((await t.delivery(token).send(DELIVERY_ME)).data?.me.id).toBe(member.user.id);
      expect((await t.admin(token).send(ADMIN_ME)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    });
  });
});
