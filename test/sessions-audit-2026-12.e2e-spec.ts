import { Client } from 'graphql-ws';
import { DataSource } from 'typeorm';
import { SubscriptionAccess } from '../src/auth/subscription-access';
import { MemberNotificationKind } from '../src/notifications/member-notification-kind.enum';
import { MemberNotificationsService } from '../src/notifications/member-notifications.service';
import { verifyPassword } from '../src/users/passwords';
import { Role } from '../src/users/role.enum';
import { ASK, FLAG, FOLLOW, ForumFactory, REPLY, THREAD, VOTE } from './factories/forum';
import { expectData } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, GraphqlResponse, TestApp, TestUser } from './support/create-test-app';
import { eventually } from './support/eventually';
import { listenForWebsockets, subscribed, SubscriptionProbe, wsClient } from './support/subscriptions';

const MEMBER_LOGIN = 'mutation ($input: LoginInput!) { login(input: $input) { accessToken } }';
const ADMIN_LOGIN = 'mutation ($input: AdminLoginInput!) { login(input: $input) { accessToken } }';
const SIGN_UP = 'mutation ($input: SignUpInput!) { signUp(input: $input) { accessToken } }';
const SUSPEND = 'mutation ($input: RestrictMemberInput!) { suspendMember(input: $input) { id suspendedUntil } }';
const UNSUSPEND = 'mutation ($input: LiftRestrictionInput!) { unsuspendMember(input: $input) { id suspendedUntil } }';
const SILENCE = 'mutation ($input: RestrictMemberInput!) { silenceMember(input: $input) { id silencedUntil } }';
const DEACTIVATE = 'mutation ($input: UserIdInput!) { deactivateUser(input: $input) { id isActive } }';
const REACTIVATE = 'mutation ($input: UserIdInput!) { reactivateUser(input: $input) { id isActive } }';
const CHANGE_ROLE = 'mutation ($input: ChangeUserRoleInput!) { changeUserRole(input: $input) { id role } }';
const MEMBER_CHANGE = 'mutation ($input: ChangePasswordInput!) { changePassword(input: $input) { accessToken } }';
const ADMIN_CHANGE = 'mutation ($input: AdminChangePasswordInput!) { changePassword(input: $input) { accessToken } }';
const DELETE_ACCOUNT = 'mutation ($input: DeleteMyAccountInput!) { deleteMyAccount(input: $input) { deletedAt } }';
const ME = '{ me { id } }';
const NOTIFICATIONS = '{ notifications(first: 10) { totalCount edges { node { kind summary } } } }';
const NOTIFICATION_SETTINGS = '{ notificationSettings { emailDigest } }';
const EXPORT = '{ exportMyData { json } }';
const NOTIFICATION_ADDED = 'subscription { notificationAdded { summary } }';
const ENDED = 'This session has ended (the password was changed, or the account was suspended or deactivated); sign in again';
const ACCOUNT_LIMIT = 5;
const SIGNUP_LIMIT = 4;

function code(res: GraphqlResponse): string | undefined {
  return res.errors?.[0]?.extensions.code;
}

async function sessionVersion(t: TestApp, userId: string): Promise<number> {
  return (await t.dataSource.query('SELECT session_version AS v FROM users WHERE id = $1', [userId]))[0].v;
}

/**
 * Findings of the December 2026 audit of accounts and sessions (decision 0033): suspension and deactivation end
 * sessions, the password confirmations of changePassword and deleteMyAccount answer alike and share the login
 * throttle, and sign-up probing is bounded per client network. Each test is the smallest sequence of real API calls
 * that showed a defect, then the behaviour now.
 */
describe('sessions audit 2026-12', () => {
  let t: TestApp;
  let moderator: GraphqlClient;
  let admin: GraphqlClient;
  let forum: ForumFactory;
  let boardId: string;
  let base: string;
  const clients: Client[] = [];
  let addressCounter = 0;
  /** A client address no other test uses (TRUST_PROXY: the address comes from X-Forwarded-For). */
  const newAddress = (): string => {
    addressCounter += 1;
    return `198.51.${Math.floor(addressCounter / 250)}.${addressCounter % 250}`;
  };

  const member = async (name = 'Member'): Promise<TestUser & { token: string }> => {
    const user = await t.createUser({ displayName: `${name} ${Math.random().toString(36).slice(2, 8)}` });
    return { ...user, token: await t.login(user) };
  };
  const suspend = async (userId: string, until = new Date(Date.now() + 86_400_000)) =>
    expectData<{ suspendedUntil: string }>(await moderator.send(SUSPEND, { input: { userId, until: until.toISOString(), reason: 'abuse' } }), 'suspendMember');
  const memberLogin = (user: TestUser) => t.delivery().send(MEMBER_LOGIN, { input: { email: user.user.email, password: user.password } });
  const from = (ip: string, path: string, query: string, variables: Record<string, unknown>, token?: string) => {
    const req = t.http().post(path).set('x-forwarded-for', ip);
    if (token) req.set('authorization', `Bearer ${token}`);
    return req.send({ query, variables }).then((res) => res.body as { data: Record<string, any> | null; errors?: { extensions: Record<string, unknown> }[] });
  };

  beforeAll(async () => {
    t = await createTestApp({
      TRUST_PROXY: 'loopback',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: String(ACCOUNT_LIMIT),
      LOGIN_MAX_FAILURES_PER_IP: '1000',
      SIGNUP_MAX_PER_IP: String(SIGNUP_LIMIT),
      SEARCH_WORKER: 'false',
    });
    base = await listenForWebsockets(t);
    moderator = t.admin(await t.login(await t.createUser({ role: Role.Moderator, displayName: 'Audit Moderator' })));
    admin = t.admin(await t.login(await t.createUser({ role: Role.Admin, displayName: 'Audit Admin' })));
    forum = new ForumFactory(admin);
    boardId = (await forum.board()).id;
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });
  afterAll(() => t.close());

  describe('suspension ends every session of the member', () => {
    it('refuses every earlier token at once, wherever a caller counts: reads of their own data, votes, posts, flags, follows, thread reads', async () => {
      const sam = await member('Sam');
      const second = await t.login(sam);
      const asker = await member('Asker');
      const thread = await forum.thread(t.delivery(asker.token), boardId);
      const reply = await forum.reply(t.delivery(asker.token), thread.id);
      expect(expectData<{ id: string }>(await t.delivery(sam.token).send(ME), 'me').id).toBe(sam.user.id);

      await suspend(sam.user.id);

      for (const token of [sam.token, second]) {
        const client = t.delivery(token);
        const answers = {
          me: await client.send(ME),
          notifications: await client.send(NOTIFICATIONS),
          notificationSettings: await client.send(NOTIFICATION_SETTINGS),
          exportMyData: await client.send(EXPORT),
          vote: await client.send(VOTE, { input: { postId: reply.id, value: 'Up' } }),
          ask: await client.send(ASK, { input: { boardId, title: 'Still here?', bodyMarkdown: 'Can I post?' } }),
          reply: await client.send(REPLY, { input: { threadId: thread.id, bodyMarkdown: 'Can I reply?' } }),
          flag: await client.send(FLAG, { input: { postId: reply.id, kind: 'Spam' } }),
          follow: await client.send(FOLLOW, { input: { threadId: thread.id } }),
          // A public read sent with the token: a token that does not verify is refused, not read as anonymous.
          thread: await client.send(THREAD, { id: thread.id }),
        };
        for (const [field, res] of Object.entries(answers)) {
          expect({ field, code: code(res), message: res.errors?.[0]?.message }).toEqual({
            field,
            code: 'UNAUTHENTICATED',
            message: expect.stringMatching(/^This account is suspended until \d{4}-\d\d-\d\dT/),
          });
        }
      }
      // Nothing was written for the refused calls.
      const [written] = await t.dataSource.query(
        `SELECT (SELECT count(*)::int FROM post_votes WHERE voter_id = $1) AS votes, (SELECT count(*)::int FROM posts WHERE author_id = $1) AS posts,
                (SELECT count(*)::int FROM flags WHERE flagger_id = $1) AS flags, (SELECT count(*)::int FROM thread_follows WHERE user_id = $1) AS follows`,
        [sam.user.id],
      );
      expect(written).toEqual({ votes: 0, posts: 0, flags: 0, follows: 0 });
      // The sessions are ended for good (the session version moved), audited with the suspension.
      expect(await sessionVersion(t, sam.user.id)).toBe(1);
      const [audit] = await t.dataSource.query(`SELECT before, after FROM audit_entries WHERE subject_id = $1 AND action = 'user.suspend'`, [sam.user.id]);
      expect(audit).toMatchObject({ before: { suspendedUntil: null, sessionVersion: 0 }, after: { sessionVersion: 1 } });
      // Sign-in says why, with the end of the suspension.
      expect((await memberLogin(sam)).errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SUSPENDED' });
    });

    it('after unsuspendMember: sign-in works again, the tokens from before the suspension stay ended', async () => {
      const sam = await member('Unsuspended');
      await suspend(sam.user.id);
      expectData(await moderator.send(UNSUSPEND, { input: { userId: sam.user.id, reason: 'appeal granted' } }), 'unsuspendMember');

      expect(await t.delivery(sam.token).send(ME)).toMatchObject({ errors: [{ message: ENDED, extensions: { code: 'UNAUTHENTICATED' } }] });
      const fresh = expectData<{ accessToken: string }>(await memberLogin(sam), 'login').accessToken;
      expect(expectData<{ id: string }>(await t.delivery(fresh).send(ME), 'me').id).toBe(sam.user.id);
      expect(expectData<{ id: string }>(await t.delivery(fresh).send(ASK, { input: { boardId, title: 'Back again', bodyMarkdown: 'Hello.' } }), 'askQuestion').id).toEqual(
        expect.any(String),
      );
    });

    it('after the suspension ends by itself: sign-in works again, the tokens from before stay ended', async () => {
      const sam = await member('Expired');
      await suspend(sam.user.id);
      // The clock is the only thing faked: the suspension's end moves into the past.
      await t.dataSource.query(`UPDATE users SET suspended_until = now() - interval '1 second' WHERE id = $1`, [sam.user.id]);

      expect((await t.delivery(sam.token).send(ME)).errors?.[0]).toMatchObject({ message: ENDED, extensions: { code: 'UNAUTHENTICATED' } });
      const fresh = expectData<{ accessToken: string }>(await memberLogin(sam), 'login').accessToken;
      expect(expectData<{ id: string }>(await t.delivery(fresh).send(ME), 'me').id).toBe(sam.user.id);
    });

    it('refuses a session while the account is suspended however the suspension was written (no session version change)', async () => {
      const sam = await member('Raw');
      await t.dataSource.query(`UPDATE users SET suspended_until = now() + interval '1 day' WHERE id = $1`, [sam.user.id]);
      expect((await t.delivery(sam.token).send(ME)).errors?.[0]).toMatchObject({ message: expect.stringMatching(/^This account is suspended until/), extensions: { code: 'UNAUTHENTICATED' } });
      // Once it has ended, that token (whose version never moved) works again: the row, not the token, was suspended.
      await t.dataSource.query(`UPDATE users SET suspended_until = now() - interval '1 second' WHERE id = $1`, [sam.user.id]);
      expect(expectData<{ id: string }>(await t.delivery(sam.token).send(ME), 'me').id).toBe(sam.user.id);
    });

    it('stops a live notification subscription (at its re-check, as a password change does) and refuses new ones on the open socket', async () => {
      const access = t.app.get(SubscriptionAccess);
      access.recheckMs = 0;
      try {
        const sam = await member('Live');
        const stays = await member('Stays');
        const socket = wsClient(`${base}/graphql`, sam.token);
        clients.push(socket, wsClient(`${base}/graphql`, stays.token));
        const samProbe = new SubscriptionProbe(socket, NOTIFICATION_ADDED);
        const staysProbe = new SubscriptionProbe(clients[1], NOTIFICATION_ADDED);
        await subscribed(t, 'member-notification-added', 2);

        await suspend(sam.user.id);
        const notifications = t.app.get(MemberNotificationsService);
        await t.app.get(DataSource).transaction(async (tx) => {
          for (const recipient of [sam, stays]) {
            await notifications.notify(tx, {
              recipientId: recipient.user.id,
              kind: MemberNotificationKind.ReplyOnFollowedThread,
              subjectKind: 'thread',
              subjectId: '00000000-0000-4000-8000-0000000000a1',
              summary: `For ${recipient.user.displayName}`,
              data: { threadSlug: 'x' },
            });
          }
        });
        expect((await staysProbe.nextResult()).data?.notificationAdded.summary).toBe(`For ${stays.user.displayName}`);
        // Both were sent at once: the suspended member's filter had run by the time the other's arrived.
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(samProbe.results).toEqual([]);
        const again = new SubscriptionProbe(socket, NOTIFICATION_ADDED);
        expect((await again.failure())[0]).toMatchObject({ message: expect.stringMatching(/^This account is suspended until/), extensions: { code: 'UNAUTHENTICATED' } });
      } finally {
        access.recheckMs = 30_000;
      }
    });

    it('silencing ends nothing: the member still reads and is refused only when writing', async () => {
      const sid = await member('Silenced');
      expectData(await moderator.send(SILENCE, { input: { userId: sid.user.id, until: new Date(Date.now() + 86_400_000).toISOString(), reason: 'rude' } }), 'silenceMember');
      expect(expectData<{ id: string }>(await t.delivery(sid.token).send(ME), 'me').id).toBe(sid.user.id);
      expect((await t.delivery(sid.token).send(ASK, { input: { boardId, title: 'Silenced?', bodyMarkdown: 'x' } })).errors?.[0].extensions).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'SILENCED',
      });
      expect(await sessionVersion(t, sid.user.id)).toBe(0);
    });

    it('costs the authenticated request no statement: the user row read for the token carries the suspension', async () => {
      const sam = await member('Counted');
      const { result, queries } = await t.countQueries(() => t.delivery(sam.token).send(ME));
      expect(result.errors).toBeUndefined();
      expect(queries).toHaveLength(1);
      expect(queries[0]).toMatch(/FROM "users"/);
    });
  });

  describe('staff: deactivation and role changes', () => {
    it('deactivation ends the sessions for good: after reactivateUser the old token stays refused, a new sign-in works', async () => {
      const editor = await t.createUser({ role: Role.Editor });
      const token = await t.login(editor);
      expectData(await admin.send(DEACTIVATE, { input: { userId: editor.user.id } }), 'deactivateUser');
      expect((await t.admin(token).send(ME)).errors?.[0]).toMatchObject({ message: 'This account has been deactivated', extensions: { code: 'UNAUTHENTICATED' } });

      expectData(await admin.send(REACTIVATE, { input: { userId: editor.user.id } }), 'reactivateUser');

      expect((await t.admin(token).send(ME)).errors?.[0]).toMatchObject({ message: ENDED, extensions: { code: 'UNAUTHENTICATED' } });
      const fresh = expectData<{ accessToken: string }>(await t.admin().send(ADMIN_LOGIN, { input: { email: editor.user.email, password: editor.password } }), 'login').accessToken;
      expect(expectData<{ id: string }>(await t.admin(fresh).send(ME), 'me').id).toBe(editor.user.id);
    });

    it('a role change keeps the session and applies at the next request', async () => {
      const moderatorToBe = await t.createUser({ role: Role.Editor });
      const token = await t.login(moderatorToBe);
      expectData(await admin.send(CHANGE_ROLE, { input: { userId: moderatorToBe.user.id, role: 'Moderator' } }), 'changeUserRole');
      expect(expectData<{ id: string }>(await t.admin(token).send(ME), 'me').id).toBe(moderatorToBe.user.id);
      expect(code(await t.admin(token).send('{ moderationQueue(first: 1) { totalCount } }'))).toBeUndefined();
      expect(await sessionVersion(t, moderatorToBe.user.id)).toBe(0);
    });
  });

  describe('a wrong confirming password (changePassword, deleteMyAccount)', () => {
    type Call = (password: string) => [string, Record<string, unknown>];
    const changeOn =
      (mutation: string): Call =>
      (password) => [mutation, { input: { currentPassword: password, newPassword: 'a-brand-new-password' } }];
    const deleteAccount: Call = (password) => [DELETE_ACCOUNT, { input: { password } }];
    const calls: [string, 'member' | 'staff', Call, string][] = [
      ['changePassword (delivery)', 'member', changeOn(MEMBER_CHANGE), 'input.currentPassword'],
      ['changePassword (admin)', 'staff', changeOn(ADMIN_CHANGE), 'input.currentPassword'],
      ['deleteMyAccount', 'member', deleteAccount, 'input.password'],
    ];

    async function caller(kind: 'member' | 'staff'): Promise<{ user: TestUser; client: (ip?: string) => (query: string, variables: Record<string, unknown>) => Promise<GraphqlResponse> }> {
      const user = await t.createUser({ role: kind === 'member' ? Role.Member : Role.Editor });
      const token = await t.login(user);
      const path = kind === 'member' ? '/graphql' : '/admin/graphql';
      return {
        user,
        client: (ip = newAddress()) => async (query, variables) => {
          const body = await from(ip, path, query, variables, token);
          return { status: 200, data: body.data, errors: body.errors as GraphqlResponse['errors'], headers: {} };
        },
      };
    }

    it.each(calls)('%s: BAD_USER_INPUT on the password field, reason WRONG_PASSWORD; the session goes on and nothing changes', async (_, kind, call, field) => {
      const { user, client } = await caller(kind);
      const [query, variables] = call('not-the-password');
      const res = await client()(query, variables);
      expect(res.data).toBeNull();
      expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', reason: 'WRONG_PASSWORD', fields: [{ field, messages: [expect.any(String)] }] } });
      const [row] = await t.dataSource.query('SELECT password_hash, session_version, deactivated_at FROM users WHERE id = $1', [user.user.id]);
      expect(row).toMatchObject({ session_version: 0, deactivated_at: null });
      expect(await verifyPassword(row.password_hash, user.password)).toBe(true);
      expect(code(await client()(ME, {}))).toBeUndefined();
    });

    it.each(calls)('%s: parallel wrong guesses are bounded by the account limit of the login throttle, then even the right password is RATE_LIMITED', async (_, kind, call) => {
      const { user, client } = await caller(kind);
      // Each guess from its own address: only the account's limit can stop them.
      const guesses = await Promise.all(Array.from({ length: 3 * ACCOUNT_LIMIT }, (_, i) => client()(...call(`wrong-guess-${i}`))));
      const codes = guesses.map(code);
      expect(codes.filter((c) => c === 'BAD_USER_INPUT')).toHaveLength(ACCOUNT_LIMIT);
      expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(2 * ACCOUNT_LIMIT);
      expect(code(await client()(...call(user.password)))).toBe('RATE_LIMITED');
      const login = kind === 'member' ? MEMBER_LOGIN : ADMIN_LOGIN;
      expect((await from(newAddress(), kind === 'member' ? '/graphql' : '/admin/graphql', login, { input: { email: user.user.email, password: user.password } })).errors?.[0].extensions.code).toBe(
        'RATE_LIMITED',
      );
      expect(await sessionVersion(t, user.user.id)).toBe(0);
    });

    it('shares one budget between sign-in, changePassword and deleteMyAccount', async () => {
      const { user, client } = await caller('member');
      const wrongLogin = () => from(newAddress(), '/graphql', MEMBER_LOGIN, { input: { email: user.user.email, password: 'wrong-login-password' } });
      const answers = await Promise.all([
        wrongLogin(),
        wrongLogin(),
        client()(...changeOn(MEMBER_CHANGE)('wrong-change-1')),
        client()(...changeOn(MEMBER_CHANGE)('wrong-change-2')),
        client()(...deleteAccount('wrong-delete-1')),
      ]);
      expect(answers.map((res) => res.errors?.[0].extensions.code).sort()).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'UNAUTHENTICATED', 'UNAUTHENTICATED']);
      expect(code(await client()(...deleteAccount(user.password)))).toBe('RATE_LIMITED');
      expect(code(await client()(...changeOn(MEMBER_CHANGE)(user.password)))).toBe('RATE_LIMITED');
    });

    it('deleteMyAccount checks the password before taking the admin-changes lock: a wrong guess neither waits for it nor holds it', async () => {
      const { client } = await caller('member');
      const runner = t.dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      try {
        // Another account change (a deactivation, a deletion) holding the lock.
        await runner.query(`SELECT pg_advisory_xact_lock(hashtextextended('users:admin-changes', 0))`);
        const answer = await Promise.race([
          client()(...deleteAccount('a-wrong-password')),
          new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 10_000)),
        ]);
        expect(answer === 'waited' ? 'waited' : code(answer)).toBe('BAD_USER_INPUT');
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    });
    it('deleteMyAccount deletes nothing when the password changed between its check and the lock (CONFLICT CONCURRENT_CHANGE)', async () => {
      const { user, client } = await caller('member');
      const runner = t.dataSource.createQueryRunner();
      await runner.connect();
      await runner.startTransaction();
      let deletion: Promise<GraphqlResponse> | undefined;
      try {
        await runner.query(`SELECT pg_advisory_xact_lock(hashtextextended('users:admin-changes', 0))`);
        deletion = client()(...deleteAccount(user.password));
        // The right password was verified; the deletion now waits for the lock.
        await eventually(async () => {
          const [{ waiting }] = await t.dataSource.query(`SELECT count(*)::int AS waiting FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`);
          if (waiting === 0) throw new Error('the deletion is not waiting for the lock yet');
        }, 10_000);
        await runner.query(`UPDATE users SET password_hash = 'changed-meanwhile' WHERE id = $1`, [user.user.id]);
      } finally {
        await runner.commitTransaction();
        await runner.release();
      }
      expect((await deletion)?.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'CONCURRENT_CHANGE' });
      const [row] = await t.dataSource.query('SELECT email, deactivated_at FROM users WHERE id = $1', [user.user.id]);
      expect(row).toEqual({ email: user.user.email, deactivated_at: null });
    });
  });

  describe('sign-up and registered emails', () => {
    const signUp = (ip: string, email: string) =>
      from(ip, '/graphql', SIGN_UP, { input: { email, password: 'a long enough password', displayName: 'New member' } }).then((body) =>
        body.data?.signUp ? 'OK' : String(body.errors?.[0].extensions.code) + (body.errors?.[0].extensions.reason ? ` ${body.errors[0].extensions.reason}` : ''),
      );

    it('answers a registered email clearly (CONFLICT EMAIL_TAKEN), counted by the address limit', async () => {
      const taken = await t.createUser();
      const ip = newAddress();
      expect(await signUp(ip, taken.user.email.toUpperCase())).toBe('CONFLICT EMAIL_TAKEN');
      for (let i = 1; i < SIGNUP_LIMIT; i++) await signUp(ip, `probe-${i}-${addressCounter}@example.test`);
      expect(await signUp(ip, taken.user.email)).toBe('RATE_LIMITED');
    });

    it('refuses parallel probing from one address past the limit with RATE_LIMITED, registered or not, having created nothing for them', async () => {
      const registered = await Promise.all(Array.from({ length: 10 }, () => t.createUser()));
      const ip = newAddress();
      const emails = registered.flatMap((user, i) => [user.user.email, `free-${i}-${addressCounter}@example.test`]);
      const before = (await t.dataSource.query('SELECT count(*)::int AS n FROM users'))[0].n;
      const answers = await Promise.all(emails.map((email) => signUp(ip, email)));
      expect(answers.filter((a) => a !== 'RATE_LIMITED')).toHaveLength(SIGNUP_LIMIT);
      expect(answers.filter((a) => a === 'RATE_LIMITED')).toHaveLength(emails.length - SIGNUP_LIMIT);
      const created = (await t.dataSource.query('SELECT count(*)::int AS n FROM users'))[0].n - before;
      expect(created).toBe(answers.filter((a) => a === 'OK').length);
    });

    it('counts the addresses of one IPv6 /64 as one client: rotating through a subnet does not reset the limit', async () => {
      const answers = await Promise.all(Array.from({ length: 3 * SIGNUP_LIMIT }, (_, i) => signUp(`2001:db8:5:7:${(i + 1).toString(16)}::${i + 1}`, `v6-${i}@example.test`)));
      expect(answers.filter((a) => a === 'OK')).toHaveLength(SIGNUP_LIMIT);
      expect(answers.filter((a) => a === 'RATE_LIMITED')).toHaveLength(2 * SIGNUP_LIMIT);
      // Another /64 is another client; an IPv4-mapped address is its IPv4 address.
      expect(await signUp('2001:db8:5:8::1', 'v6-other-subnet@example.test')).toBe('OK');
      const ip = newAddress();
      for (let i = 0; i < SIGNUP_LIMIT; i++) expect(await signUp(i % 2 === 0 ? ip : `::ffff:${ip}`, `mapped-${i}@example.test`)).toBe('OK');
      expect(await signUp(`::ffff:${ip}`, 'mapped-refused@example.test')).toBe('RATE_LIMITED');
    });

    it('counts failed sign-ins per /64 too', async () => {
      const strict = await createTestApp({ TRUST_PROXY: 'loopback', LOGIN_MAX_FAILURES_PER_IP: '3', LOGIN_MAX_FAILURES_PER_ACCOUNT: '100' });
      try {
        const users = await Promise.all(Array.from({ length: 6 }, () => strict.createUser()));
        const answers = await Promise.all(
          users.map((user, i) =>
            strict
              .http()
              .post('/graphql')
              .set('x-forwarded-for', `2001:db8:9:9::${i + 1}`)
              .send({ query: MEMBER_LOGIN, variables: { input: { email: user.user.email, password: 'a wrong password' } } })
              .then((res) => res.body.errors[0].extensions.code as string),
          ),
        );
        expect(answers.filter((a) => a === 'UNAUTHENTICATED')).toHaveLength(3);
        expect(answers.filter((a) => a === 'RATE_LIMITED')).toHaveLength(3);
      } finally {
        await strict.close();
      }
    });
  });
});
