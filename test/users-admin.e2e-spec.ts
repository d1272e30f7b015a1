import { Role } from '../src/users/role.enum';
import { createTestApp, GraphqlResponse, TestApp } from './support/create-test-app';

const CREATE_USER = 'mutation ($input: CreateUserInput!) { createUser(input: $input) { id email role isActive } }';
const CHANGE_ROLE = 'mutation ($input: ChangeUserRoleInput!) { changeUserRole(input: $input) { id role } }';
const DEACTIVATE = 'mutation ($input: UserIdInput!) { deactivateUser(input: $input) { id isActive deactivatedAt } }';
const REACTIVATE = 'mutation ($input: UserIdInput!) { reactivateUser(input: $input) { id isActive } }';
const USERS = `query ($first: Int, $after: String, $role: Role) {
  users(first: $first, after: $after, role: $role) { totalCount edges { cursor node { id email role } } pageInfo { hasNextPage endCursor } }
}`;

describe('users management (admin API)', () => {
  let t: TestApp;
  let adminToken: string;
  let adminId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.createUser({ role: Role.Admin });
    adminId = admin.user.id;
    adminToken = await t.login(admin);
  });
  afterAll(() => t.close());

  it('creates a user with a role who can then sign in', async () => {
    const res = await t.admin(adminToken).send(CREATE_USER, {
      input: { email: 'New.Editor@example.test', displayName: 'New Editor', role: 'Editor', password: 'first-password-1' },
    });
    expect(res.data?.createUser).toMatchObject({ email: 'new.editor@example.test', role: 'Editor', isActive: true });
    const login = await t.admin().send('mutation { login(input: { email: "new.editor@example.test", password: "first-password-1" }) { user { role } } }');
    expect(login.data?.login.user.role).toBe('Editor');
  });

  it.each([
    ['an unknown role', { email: 'x1@example.test', displayName: 'X', role: 'Owner', password: 'first-password-1' }, 'BAD_USER_INPUT'],
    ['a missing password', { email: 'x2@example.test', displayName: 'X', role: 'Editor' }, 'BAD_USER_INPUT'],
    ['an unexpected field', { email: 'x3@example.test', displayName: 'X', role: 'Editor', password: 'first-password-1', isAdmin: true }, 'BAD_USER_INPUT'],
    ['a bad email', { email: 'x4', displayName: 'X', role: 'Editor', password: 'first-password-1' }, 'BAD_USER_INPUT'],
  ])('refuses %s and writes nothing', async (_, input, code) => {
    const [{ count: before }] = await t.dataSource.query('SELECT count(*)::int AS count FROM users');
    const res = await t.admin(adminToken).send(CREATE_USER, { input });
    expect(res.errors?.[0].extensions.code).toBe(code);
    const [{ count: after }] = await t.dataSource.query('SELECT count(*)::int AS count FROM users');
    expect(after).toBe(before);
  });

  it('refuses an email that is taken with CONFLICT', async () => {
    const existing = await t.createUser({ role: Role.Member });
    const res = await t.admin(adminToken).send(CREATE_USER, {
      input: { email: existing.user.email.toUpperCase(), displayName: 'Dup', role: 'Moderator', password: 'first-password-1' },
    });
    expect(res.errors?.[0].extensions.code).toBe('CONFLICT');
  });

  it('changes a role, effective on the next request of that user', async () => {
    const moderator = await t.createUser({ role: Role.Moderator });
    const token = await t.login(moderator);
    const res = await t.admin(adminToken).send(CHANGE_ROLE, { input: { userId: moderator.user.id, role: 'Member' } });
    expect(res.data?.changeUserRole.role).toBe('Member');
    expect((await t.admin(token).send('{ me { id } }')).errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('deactivates and reactivates a user; a deactivated user cannot sign in', async () => {
    const editor = await t.createUser({ role: Role.Editor });
    const res = await t.admin(adminToken).send(DEACTIVATE, { input: { userId: editor.user.id } });
    expect(res.data?.deactivateUser).toMatchObject({ isActive: false, deactivatedAt: expect.any(String) });
    const login = await t.admin().send('mutation ($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }', {
      e: editor.user.email,
      p: editor.password,
    });
    expect(login.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    await t.admin(adminToken).send(REACTIVATE, { input: { userId: editor.user.id } });
    expect(await t.login(editor)).toEqual(expect.any(String));
  });

  it('refuses to deactivate yourself, and to demote the last active admin', async () => {
    const self = await t.admin(adminToken).send(DEACTIVATE, { input: { userId: adminId } });
    expect(self.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    await t.dataSource.query(`UPDATE users SET deactivated_at = now() WHERE role = 'admin' AND id <> $1`, [adminId]);
    const demote = await t.admin(adminToken).send(CHANGE_ROLE, { input: { userId: adminId, role: 'Editor' } });
    expect(demote.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'LAST_ADMIN' });
    const [{ role }] = await t.dataSource.query('SELECT role FROM users WHERE id = $1', [adminId]);
    expect(role).toBe('admin');
  });

  it('lets admins demote and deactivate each other at once without a deadlock, always keeping an active admin', async () => {
    await t.dataSource.query(`UPDATE users SET deactivated_at = now() WHERE role = 'admin'`);
    const admins = await Promise.all(Array.from({ length: 4 }, () => t.createUser({ role: Role.Admin })));
    const tokens = await Promise.all(admins.map((admin) => t.login(admin)));
    const calls = admins.flatMap((actor, i) =>
      admins.flatMap((target) => [
        t.admin(tokens[i]).send(CHANGE_ROLE, { input: { userId: target.user.id, role: 'Editor' } }),
        t.admin(tokens[i]).send(DEACTIVATE, { input: { userId: target.user.id } }),
      ]),
    );
    const codes = (await Promise.all(calls)).map((res): string => String(res.errors?.[0].extensions.reason ?? res.errors?.[0].extensions.code ?? 'OK'));
    // A caller demoted or deactivated meanwhile is refused (FORBIDDEN, UNAUTHENTICATED); never CONCURRENT_CHANGE.
    expect(codes.filter((code) => !['OK', 'LAST_ADMIN', 'FORBIDDEN', 'UNAUTHENTICATED', 'BAD_USER_INPUT'].includes(code))).toEqual([]);
    const [{ active }] = await t.dataSource.query(`SELECT count(*)::int AS active FROM users WHERE role = 'admin' AND deactivated_at IS NULL`);
    expect(active).toBe(1);
    await t.dataSource.query(`UPDATE users SET deactivated_at = NULL, role = 'admin' WHERE id = $1`, [adminId]);
  });

  it('answers NOT_FOUND for an unknown user', async () => {
    const res = await t.admin(adminToken).send('{ user(id: "00000000-0000-4000-8000-000000000000") { id } }');
    expect(res.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('pages through users with cursors, and filters by role', async () => {
    for (let i = 0; i < 3; i++) await t.createUser({ role: Role.Moderator });
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    do {
      const res: GraphqlResponse = await t.admin(adminToken).send(USERS, { first: 2, after });
      const page: { totalCount: number; edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } = res.data!.users;
      total = page.totalCount;
      seen.push(...page.edges.map((e: { node: { id: string } }) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(total);

    const moderators = await t.admin(adminToken).send(USERS, { first: 100, role: 'Moderator' });
    expect(moderators.data!.users.edges.every((e: { node: { role: string } }) => e.node.role === 'Moderator')).toBe(true);

    const forged = Buffer.from(JSON.stringify(['yesterday', "1' OR 1=1"])).toString('base64url');
    for (const cursor of ['garbage', forged]) {
      const badCursor = await t.admin(adminToken).send(USERS, { first: 2, after: cursor });
      expect(badCursor.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    }
    const tooMany = await t.admin(adminToken).send(USERS, { first: 1000 });
    expect(tooMany.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('does not let an editor manage users', async () => {
    const editorToken = await t.login(await t.createUser({ role: Role.Editor }));
    const res = await t.admin(editorToken).send(USERS, { first: 5 });
    expect(res.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});
