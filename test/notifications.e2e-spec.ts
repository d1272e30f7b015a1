import { MemberNotificationEntity } from '../src/notifications/entities/member-notification.entity';
import { MemberNotificationKind } from '../src/notifications/member-notification-kind.enum';
import { MemberNotificationsService, NotifyInput } from '../src/notifications/member-notifications.service';
import { createTestApp, TestApp, TestUser } from './support/create-test-app';

const LIST = `query ($first: Int, $after: String, $unreadOnly: Boolean) {
  notifications(first: $first, after: $after, unreadOnly: $unreadOnly) {
    totalCount unreadCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id kind summary actorName isRead readAt createdAt } }
  }
}`;
const MARK = `mutation ($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { markedCount unreadCount } }`;

describe('member notifications (delivery API)', () => {
  let t: TestApp;
  let service: MemberNotificationsService;

  beforeAll(async () => {
    t = await createTestApp();
    service = t.app.get(MemberNotificationsService);
  });
  afterAll(() => t.close());

  const input = (recipient: TestUser, overrides: Partial<NotifyInput> = {}): NotifyInput => ({
    recipientId: recipient.user.id,
    kind: MemberNotificationKind.Mention,
    subjectKind: 'post',
    subjectId: '00000000-0000-4000-8000-000000000002',
    summary: 'You were mentioned in "Exporting invoices"',
    ...overrides,
  });
  const notify = (i: NotifyInput) => t.dataSource.transaction((tx) => service.notify(tx, i));
  const count = (recipient: TestUser) => t.dataSource.getRepository(MemberNotificationEntity).countBy({ recipientId: recipient.user.id });

  describe('notify (called by other modules inside their transactions)', () => {
    it('records nothing for the actor themselves, a deactivated recipient, a repeated dedupe key or a rolled-back transaction', async () => {
      const ana = await t.createUser();
      const gone = await t.createUser();
      await t.dataSource.query('UPDATE users SET deactivated_at = now() WHERE id = $1', [gone.user.id]);

      expect(await notify(input(ana, { actorId: ana.user.id }))).toBeNull();
      expect(await notify(input(gone))).toBeNull();
      expect(await notify(input(ana, { dedupeKey: 'mention:p1' }))).not.toBeNull();
      expect(await notify(input(ana, { dedupeKey: 'mention:p1' }))).toBeNull();
      await expect(
        t.dataSource.transaction(async (tx) => {
          await service.notify(tx, input(ana, { summary: 'rolled back' }));
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');

      expect(await count(ana)).toBe(1);
      expect(await count(gone)).toBe(0);
    });

    it('records many at once (a thread\'s followers) with the same rules, in two statements', async () => {
      const author = await t.createUser({ displayName: 'Author' });
      const followers = await Promise.all([t.createUser(), t.createUser(), t.createUser()]);
      const gone = await t.createUser();
      await t.dataSource.query('UPDATE users SET deactivated_at = now() WHERE id = $1', [gone.user.id]);
      const recipients = [...followers, author, gone, followers[0]];
      const { result, queries } = await t.countQueries(() =>
        t.dataSource.transaction((tx) =>
          service.notifyMany(
            tx,
            recipients.map((recipient) => input(recipient, { actorId: author.user.id, dedupeKey: 'reply:p9', kind: MemberNotificationKind.ReplyOnFollowedThread })),
          ),
        ),
      );
      expect(result.map((n) => n.recipientId).sort()).toEqual(followers.map((f) => f.user.id).sort());
      expect(result.every((n) => n.actorName === 'Author')).toBe(true);
      expect(queries).toHaveLength(2);
      expect(await count(author)).toBe(0);
      expect(await count(gone)).toBe(0);
      expect(await count(followers[0])).toBe(1);
      expect(await t.dataSource.transaction((tx) => service.notifyMany(tx, []))).toEqual([]);
    });

    it('cuts a long summary and refuses oversized data', async () => {
      const ana = await t.createUser();
      const long = await notify(input(ana, { summary: 'x'.repeat(1000) }));
      expect(long?.summary).toHaveLength(300);
      await expect(notify(input(ana, { data: { blob: 'y'.repeat(3000) } }))).rejects.toThrow(/limit/);
    });
  });

  it('lists the member\'s own notifications newest first, with cursors, totals and unread counts', async () => {
    const ana = await t.createUser();
    const bo = await t.createUser();
    const actor = await t.createUser({ displayName: 'Cy' });
    for (let i = 0; i < 5; i += 1) await notify(input(ana, { summary: `n${i}`, actorId: actor.user.id }));
    await notify(input(bo, { summary: 'for bo' }));
    const client = t.delivery(await t.login(ana));

    const first = await client.send(LIST, { first: 2 });
    expect(first.errors).toBeUndefined();
    const page1 = first.data!.notifications;
    expect(page1.edges.map((e: { node: { summary: string } }) => e.node.summary)).toEqual(['n4', 'n3']);
    expect(page1).toMatchObject({ totalCount: 5, unreadCount: 5, pageInfo: { hasNextPage: true } });
    expect(page1.edges[0].node).toMatchObject({ kind: 'Mention', actorName: 'Cy', isRead: false, readAt: null });

    const rest = (await client.send(LIST, { first: 10, after: page1.pageInfo.endCursor })).data!.notifications;
    expect(rest.edges.map((e: { node: { summary: string } }) => e.node.summary)).toEqual(['n2', 'n1', 'n0']);
    expect(rest.pageInfo).toEqual({ hasNextPage: false, endCursor: rest.edges[2].cursor });
  });

  it('marks given notifications read, then all, and filters unread ones', async () => {
    const ana = await t.createUser();
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await notify(input(ana, { summary: `n${i}` })))!.id);
    const client = t.delivery(await t.login(ana));

    const marked = await client.send(MARK, { input: { ids: [ids[0], ids[0]] } });
    expect(marked.data?.markNotificationsRead).toEqual({ markedCount: 1, unreadCount: 2 });
    const again = await client.send(MARK, { input: { ids: [ids[0]] } });
    expect(again.data?.markNotificationsRead).toEqual({ markedCount: 0, unreadCount: 2 });

    const unread = (await client.send(LIST, { unreadOnly: true })).data!.notifications;
    expect(unread.edges.map((e: { node: { summary: string } }) => e.node.summary)).toEqual(['n2', 'n1']);
    expect(unread).toMatchObject({ totalCount: 2, unreadCount: 2 });

    expect((await client.send(MARK, { input: { all: true } })).data?.markNotificationsRead).toEqual({ markedCount: 2, unreadCount: 0 });
    const all = (await client.send(LIST, {})).data!.notifications;
    expect(all.edges.every((e: { node: { isRead: boolean; readAt: string | null } }) => e.node.isRead && e.node.readAt)).toBe(true);
  });

  describe('bad input and other members\' notifications', () => {
    let ana: TestUser;
    let bo: TestUser;
    let anaToken: string;
    let bosNotification: string;
    let anasNotification: string;

    beforeAll(async () => {
      ana = await t.createUser();
      bo = await t.createUser();
      anaToken = await t.login(ana);
      anasNotification = (await notify(input(ana)))!.id;
      bosNotification = (await notify(input(bo)))!.id;
    });

    it.each([
      ["someone else's notification", 'NOT_FOUND', () => ({ ids: [bosNotification] })],
      ["one's own next to someone else's", 'NOT_FOUND', () => ({ ids: [anasNotification, bosNotification] })],
      ['a notification that does not exist', 'NOT_FOUND', () => ({ ids: ['00000000-0000-4000-8000-00000000dead'] })],
      ['an id that is not a uuid', 'BAD_USER_INPUT', () => ({ ids: ['nope'] })],
      ['an empty list', 'BAD_USER_INPUT', () => ({ ids: [] })],
      ['more than 100 ids', 'BAD_USER_INPUT', () => ({ ids: Array.from({ length: 101 }, () => anasNotification) })],
      ['both ids and all', 'BAD_USER_INPUT', () => ({ ids: [anasNotification], all: true })],
      ['neither ids nor all', 'BAD_USER_INPUT', () => ({})],
      ['all: false', 'BAD_USER_INPUT', () => ({ all: false })],
    ])('refuses marking %s read with %s, and marks nothing', async (_, code, make) => {
      const res = await t.delivery(anaToken).send(MARK, { input: make() });
      expect(res.errors?.[0].extensions.code).toBe(code);
      const unread = (await t.dataSource.query(
        'SELECT count(*)::int AS n FROM member_notifications WHERE id = ANY($1::uuid[]) AND read_at IS NULL',
        [[anasNotification, bosNotification]],
      )) as { n: number }[];
      expect(unread[0].n).toBe(2);
    });

    it('does not tell a missing notification from someone else\'s', async () => {
      const other = await t.delivery(anaToken).send(MARK, { input: { ids: [bosNotification] } });
      const missing = await t.delivery(anaToken).send(MARK, { input: { ids: ['00000000-0000-4000-8000-00000000dead'] } });
      expect(other.errors?.[0].message.replace(bosNotification, 'X')).toBe(missing.errors?.[0].message.replace('00000000-0000-4000-8000-00000000dead', 'X'));
    });

    it.each([
      ['notifications', LIST, {}],
      ['markNotificationsRead', MARK, { input: { all: true } }],
      ['notificationSettings', '{ notificationSettings { emailDigest } }', {}],
      ['updateNotificationSettings', 'mutation { updateNotificationSettings(input: { emailDigest: true }) { emailDigest } }', {}],
    ])('refuses %s to an anonymous caller with UNAUTHENTICATED', async (_, query, variables) => {
      const res = await t.delivery().send(query, variables);
      expect(res.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a cursor that was not made by the list', async () => {
      const res = await t.delivery(anaToken).send(LIST, { after: Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url') });
      expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    });
  });

  it('stores the email digest preference, off by default and without email configured', async () => {
    const client = t.delivery(await t.login(await t.createUser()));
    expect((await client.send('{ notificationSettings { emailDigest emailAvailable } }')).data?.notificationSettings).toEqual({
      emailDigest: false,
      emailAvailable: false,
    });
    const on = await client.send('mutation { updateNotificationSettings(input: { emailDigest: true }) { emailDigest } }');
    expect(on.data?.updateNotificationSettings).toEqual({ emailDigest: true });
    expect((await client.send('{ notificationSettings { emailDigest } }')).data?.notificationSettings.emailDigest).toBe(true);
  });
});
