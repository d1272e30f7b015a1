import { MemberNotificationKind } from '../src/notifications/member-notification-kind.enum';
import { MemberNotificationsService } from '../src/notifications/member-notifications.service';
import { Role } from '../src/users/role.enum';
import { KnowledgeBaseFactory } from './factories/knowledge-base';
import { createTestApp, TestApp, TestUser } from './support/create-test-app';

const EXPORT = '{ exportMyData { exportedAt json } }';
const DELETE = 'mutation ($input: DeleteMyAccountInput!) { deleteMyAccount(input: $input) { deletedAt } }';
const NOTIFICATIONS = '{ notifications { edges { node { summary actorName } } } }';

describe('privacy: export my data, delete my account', () => {
  let t: TestApp;
  let kb: KnowledgeBaseFactory;
  let articleId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const editor = await t.createUser({ role: Role.Editor });
    kb = new KnowledgeBaseFactory(t.admin(await t.login(editor)));
    const category = await kb.category('Billing');
    articleId = (await kb.published(category.id, { title: 'Download invoices' })).id;
  });
  afterAll(() => t.close());

  async function notify(recipient: TestUser, summary: string, actor?: TestUser): Promise<void> {
    const service = t.app.get(MemberNotificationsService);
    await t.dataSource.transaction((tx) =>
      service.notify(tx, { recipientId: recipient.user.id, kind: MemberNotificationKind.Mention, actorId: actor?.user.id ?? null, subjectKind: 'post', subjectId: articleId, summary }),
    );
  }

  async function memberWithData(): Promise<{ member: TestUser; token: string }> {
    const member = await t.createUser({ displayName: 'Ana Privacy' });
    const token = await t.login(member);
    const client = t.delivery(token);
    const feedback = await client.send('mutation ($input: ArticleFeedbackInput!) { submitArticleFeedback(input: $input) { __typename } }', {
      input: { articleId, locale: 'en', helpful: false, comment: 'The export button is gone' },
    });
    expect(feedback.errors).toBeUndefined();
    await client.send('mutation { updateNotificationSettings(input: { emailDigest: true }) { emailDigest } }');
    await notify(member, 'Someone mentioned you');
    await t.dataSource.query(
      `INSERT INTO access_tokens (user_id, name, token_hash, token_prefix, role) VALUES ($1, 'CI token', 'hash-' || gen_random_uuid(), 'egp_abcd', 'member')`,
      [member.user.id],
    );
    return { member, token };
  }

  it('exports profile, tokens (metadata only), notification settings, notifications and feedback as JSON', async () => {
    const { member, token } = await memberWithData();
    const res = await t.delivery(token).send(EXPORT);
    expect(res.errors).toBeUndefined();
    const data = JSON.parse(res.data!.exportMyData.json);
    expect(data).toMatchObject({
      format: 'evergreen-personal-data/1',
      profile: { id: member.user.id, email: member.user.email, displayName: 'Ana Privacy', role: 'member' },
      accessTokens: [{ name: 'CI token', tokenPrefix: 'egp_abcd', role: 'member' }],
      notificationSettings: { emailDigest: true },
      notifications: [{ kind: 'mention', summary: 'Someone mentioned you' }],
      articleFeedback: [{ articleId, locale: 'en', isHelpful: false, comment: 'The export button is gone' }],
      auditTrail: [],
    });
    expect(res.data!.exportMyData.json).not.toMatch(/hash-|password/i);
  });

  it('refuses an anonymous export and deletion with UNAUTHENTICATED', async () => {
    expect((await t.delivery().send(EXPORT)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await t.delivery().send(DELETE, { input: { password: 'x' } })).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a wrong password with BAD_USER_INPUT and changes nothing', async () => {
    const { member, token } = await memberWithData();
    const res = await t.delivery(token).send(DELETE, { input: { password: 'not the password' } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'WRONG_PASSWORD', fields: [{ field: 'input.password' }] });
    expect((await t.delivery(token).send('{ me { email } }')).data?.me.email).toBe(member.user.email);
    const [row] = (await t.dataSource.query('SELECT count(*)::int AS n FROM access_tokens WHERE user_id = $1', [member.user.id])) as { n: number }[];
    expect(row.n).toBe(1);
  });

  it('counts wrong passwords like failed sign-ins: RATE_LIMITED after the limit, even with the right one', async () => {
    const member = await t.createUser();
    const token = await t.login(member);
    const codes: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const res = await t.delivery(token).send(DELETE, { input: { password: `guess-${i}` } });
      codes.push(res.errors?.[0].extensions.code ?? 'none');
    }
    expect(codes).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'RATE_LIMITED']);
    const right = await t.delivery(token).send(DELETE, { input: { password: member.password } });
    expect(right.errors?.[0].extensions.code).toBe('RATE_LIMITED');
    expect((await t.delivery(token).send('{ me { email } }')).data?.me.email).toBe(member.user.email);
  });

  it('erases personal data, ends sign-in and keeps content by "Deleted member"', async () => {
    const { member, token } = await memberWithData();
    const friend = await t.createUser();
    await notify(friend, 'Ana mentioned you', member);

    const res = await t.delivery(token).send(DELETE, { input: { password: member.password } });
    expect(res.errors).toBeUndefined();
    expect(res.data?.deleteMyAccount.deletedAt).toEqual(expect.any(String));

    // The session is over and the password no longer signs in, under the old email or any.
    expect((await t.delivery(token).send('{ me { email } }')).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const login = await t.delivery().send('mutation ($input: LoginInput!) { login(input: $input) { accessToken } }', {
      input: { email: member.user.email, password: member.password },
    });
    expect(login.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');

    const [user] = (await t.dataSource.query('SELECT email, display_name, deactivated_at FROM users WHERE id = $1', [member.user.id])) as {
      email: string;
      display_name: string;
      deactivated_at: Date | null;
    }[];
    expect(user.email).not.toContain(member.user.email.split('@')[0]);
    expect(user.display_name).toBe('Deleted member');
    expect(user.deactivated_at).not.toBeNull();
    const counts = (await t.dataSource.query(
      `SELECT (SELECT count(*)::int FROM access_tokens WHERE user_id = $1) AS tokens,
              (SELECT count(*)::int FROM member_notifications WHERE recipient_id = $1) AS notifications,
              (SELECT count(*)::int FROM notification_settings WHERE user_id = $1) AS settings,
              (SELECT count(*)::int FROM article_feedback WHERE member_id = $1) AS linked_feedback,
              (SELECT count(*)::int FROM article_feedback WHERE comment = 'The export button is gone' AND member_id IS NULL) AS kept_feedback,
              (SELECT count(*)::int FROM audit_entries WHERE subject_id = $1 AND action = 'user.delete-own-account') AS audited`,
      [member.user.id],
    )) as Record<string, number>[];
    expect(counts[0]).toEqual({ tokens: 0, notifications: 0, settings: 0, linked_feedback: 0, kept_feedback: 1, audited: 1 });

    // What the member caused for others stays, by "Deleted member".
    const friendView = await t.delivery(await t.login(friend)).send(NOTIFICATIONS);
    expect(friendView.data?.notifications.edges).toEqual([{ node: { summary: 'Ana mentioned you', actorName: 'Deleted member' } }]);
  });

  it('refuses to delete the last admin with CONFLICT, and deletes an admin when another remains', async () => {
    await t.dataSource.query(`UPDATE users SET deactivated_at = now() WHERE role = 'admin'`);
    const admin = await t.createUser({ role: Role.Admin });
    const adminToken = await t.login(admin);
    const refused = await t.delivery(adminToken).send(DELETE, { input: { password: admin.password } });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'LAST_ADMIN' });
    expect((await t.delivery(adminToken).send('{ me { email } }')).data?.me.email).toBe(admin.user.email);

    await t.createUser({ role: Role.Admin });
    const deleted = await t.delivery(adminToken).send(DELETE, { input: { password: admin.password } });
    expect(deleted.errors).toBeUndefined();
  });

  it('lets three admins delete their accounts at once: two go, the last is refused, no deadlock', async () => {
    await t.dataSource.query(`UPDATE users SET deactivated_at = now() WHERE role = 'admin'`);
    const admins = await Promise.all(Array.from({ length: 3 }, () => t.createUser({ role: Role.Admin })));
    const tokens = await Promise.all(admins.map((admin) => t.login(admin)));
    const answers = await Promise.all(admins.map((admin, i) => t.delivery(tokens[i]).send(DELETE, { input: { password: admin.password } })));
    expect(answers.map((res) => res.errors?.[0].extensions.reason ?? 'deleted').sort()).toEqual(['LAST_ADMIN', 'deleted', 'deleted']);
  });
});
