import { Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { DataSource } from 'typeorm';
import { ModerationQueueChange } from '../src/notifications/moderation-queue-change.enum';
import { ModerationQueueEvents } from '../src/notifications/moderation-queue-events.service';
import { MemberNotificationKind } from '../src/notifications/member-notification-kind.enum';
import { MemberNotificationsService, NotifyInput } from '../src/notifications/member-notifications.service';
import { SubscriptionAccess } from '../src/auth/subscription-access';
import { MAX_SUBSCRIPTIONS_PER_CONNECTION } from '../src/common/graphql/websocket-subscriptions';
import { Role } from '../src/users/role.enum';
import { createTestApp, TestApp } from './support/create-test-app';
import { listenForWebsockets, subscribed, SubscriptionProbe, wsClient } from './support/subscriptions';

const NOTIFICATION_ADDED = `subscription { notificationAdded { id kind summary subjectKind subjectId actorName isRead } }`;
const QUEUE_CHANGED = `subscription ($boardId: ID) { moderationQueueChanged(boardId: $boardId) { change itemKind itemId boardId reason occurredAt } }`;

describe('GraphQL subscriptions over WebSocket (graphql-transport-ws)', () => {
  let t: TestApp;
  let base: string;
  const clients: Client[] = [];
  const open = (path: string, token?: string): Client => {
    const client = wsClient(`${base}${path}`, token);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    // A low depth limit, so a subscription document can exceed it (the notification types are shallow).
    t = await createTestApp({ GRAPHQL_MAX_DEPTH: '2' });
    base = await listenForWebsockets(t);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });
  afterAll(() => t.close());

  function notifyInput(recipientId: string, overrides: Partial<NotifyInput> = {}): NotifyInput {
    return {
      recipientId,
      kind: MemberNotificationKind.ReplyOnFollowedThread,
      subjectKind: 'thread',
      subjectId: '00000000-0000-4000-8000-000000000001',
      summary: 'How do I export invoices?',
      data: { threadSlug: 'export-invoices' },
      ...overrides,
    };
  }

  async function notify(app: TestApp, input: NotifyInput): Promise<void> {
    const service = app.app.get(MemberNotificationsService);
    await app.app.get(DataSource).transaction((tx) => service.notify(tx, input));
  }

  describe('notificationAdded (delivery)', () => {
    it('pushes a new notification to its recipient only, after the transaction commits', async () => {
      const ana = await t.createUser({ displayName: 'Ana' });
      const bo = await t.createUser({ displayName: 'Bo' });
      const replier = await t.createUser({ displayName: 'Cy' });
      const anaProbe = new SubscriptionProbe(open('/graphql', await t.login(ana)), NOTIFICATION_ADDED);
      const boProbe = new SubscriptionProbe(open('/graphql', await t.login(bo)), NOTIFICATION_ADDED);
      await subscribed(t, 'member-notification-added', 2);

      // Rolled back: nobody hears of it.
      const service = t.app.get(MemberNotificationsService);
      await expect(
        t.dataSource.transaction(async (tx) => {
          await service.notify(tx, notifyInput(ana.user.id, { summary: 'never committed' }));
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      await notify(t, notifyInput(ana.user.id, { actorId: replier.user.id }));

      const first = await anaProbe.nextResult();
      expect(first.errors).toBeUndefined();
      expect(first.data?.notificationAdded).toEqual({
        id: expect.any(String),
        kind: 'ReplyOnFollowedThread',
        summary: 'How do I export invoices?',
        subjectKind: 'thread',
        subjectId: '00000000-0000-4000-8000-000000000001',
        actorName: 'Cy',
        isRead: false,
      });
      // Bo's subscription saw neither; his own notification arrives as his first result.
      await notify(t, notifyInput(bo.user.id, { summary: 'For Bo' }));
      expect((await boProbe.nextResult()).data?.notificationAdded.summary).toBe('For Bo');
      expect(boProbe.results).toHaveLength(1);
      expect(anaProbe.results).toHaveLength(1);
    });

    it('delivers each of a batch (notifyMany) to its own recipient', async () => {
      const ana = await t.createUser();
      const bo = await t.createUser();
      const anaProbe = new SubscriptionProbe(open('/graphql', await t.login(ana)), NOTIFICATION_ADDED);
      const boProbe = new SubscriptionProbe(open('/graphql', await t.login(bo)), NOTIFICATION_ADDED);
      await subscribed(t, 'member-notification-added', 2);
      await t.dataSource.transaction((tx) =>
        t.app.get(MemberNotificationsService).notifyMany(tx, [
          notifyInput(ana.user.id, { summary: 'batch for Ana' }),
          notifyInput(bo.user.id, { summary: 'batch for Bo' }),
        ]),
      );
      expect((await anaProbe.nextResult()).data?.notificationAdded.summary).toBe('batch for Ana');
      expect((await boProbe.nextResult()).data?.notificationAdded.summary).toBe('batch for Bo');
      expect([anaProbe.results.length, boProbe.results.length]).toEqual([1, 1]);
    });

    it('reaches a subscriber on another API instance (PostgreSQL NOTIFY between instances)', async () => {
      const other = await createTestApp({}, { database: { name: t.databaseName, url: t.databaseUrl } });
      try {
        const ana = await t.createUser();
        const probe = new SubscriptionProbe(open('/graphql', await t.login(ana)), NOTIFICATION_ADDED);
        await subscribed(t, 'member-notification-added', 1);
        await notify(other, notifyInput(ana.user.id, { summary: 'Raised on the other instance' }));
        expect((await probe.nextResult()).data?.notificationAdded.summary).toBe('Raised on the other instance');
      } finally {
        await other.stop();
      }
    });

    it.each([
      ['no token', undefined, 'UNAUTHENTICATED'],
      ['a token that is not valid', 'not-a-token', 'UNAUTHENTICATED'],
    ])('refuses a subscription with %s', async (_, token, code) => {
      const probe = new SubscriptionProbe(open('/graphql', token), NOTIFICATION_ADDED);
      const [error] = await probe.failure();
      expect(error.extensions?.code).toBe(code);
    });

    it('refuses an authorization that is not a string', async () => {
      const client = createClient({ url: `${base}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: 42 }, retryAttempts: 0 });
      clients.push(client);
      const bad = new SubscriptionProbe(client, NOTIFICATION_ADDED);
      const [error] = await bad.failure();
      expect(error.extensions?.code).toBe('UNAUTHENTICATED');
      expect(error.message).toContain('connection_init');
    });

    it('stops new subscriptions of an account deactivated since it connected', async () => {
      const ana = await t.createUser();
      const client = open('/graphql', await t.login(ana));
      const before = new SubscriptionProbe(client, NOTIFICATION_ADDED);
      await subscribed(t, 'member-notification-added', 1);
      expect(before.errors).toBeNull();
      await t.dataSource.query('UPDATE users SET deactivated_at = now() WHERE id = $1', [ana.user.id]);
      const after = new SubscriptionProbe(client, NOTIFICATION_ADDED);
      expect((await after.failure())[0].extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('moderationQueueChanged (admin, staff only)', () => {
    it('is FORBIDDEN to a member and to an editor, UNAUTHENTICATED anonymously', async () => {
      const member = await t.createUser();
      const editor = await t.createUser({ role: Role.Editor });
      const memberToken = await t.login(member);
      const editorToken = await t.login(editor);
      for (const [token, code] of [
        [memberToken, 'FORBIDDEN'],
        [editorToken, 'FORBIDDEN'],
        [undefined, 'UNAUTHENTICATED'],
      ] as const) {
        const probe = new SubscriptionProbe(open('/admin/graphql', token), QUEUE_CHANGED);
        expect((await probe.failure())[0].extensions?.code).toBe(code);
      }
    });

    it('accepts a personal access token, read-only too (a subscription only reads)', async () => {
      const moderator = await t.createUser({ role: Role.Moderator });
      const created = await t.admin(await t.login(moderator)).send(
        'mutation { createAccessToken(input: { name: "queue screen", readOnly: true }) { token } }',
      );
      const pat = created.data?.createAccessToken.token as string;
      expect(pat).toEqual(expect.any(String));
      const probe = new SubscriptionProbe(open('/admin/graphql', pat), QUEUE_CHANGED);
      await subscribed(t, 'moderation-queue-changed', 1);
      const itemId = '00000000-0000-4000-8000-0000000000f2';
      await t.dataSource.transaction((tx) =>
        t.app.get(ModerationQueueEvents).publish(tx, { change: ModerationQueueChange.Added, itemKind: 'flag', itemId, boardId: null, reason: 'spam' }),
      );
      expect((await probe.nextResult()).data?.moderationQueueChanged).toMatchObject({ itemKind: 'flag', itemId, reason: 'spam' });
    });

    it('stops delivering to a subscriber who lost the role while connected (checked again after recheckMs)', async () => {
      const access = t.app.get(SubscriptionAccess);
      access.recheckMs = 0;
      try {
        const demoted = await t.createUser({ role: Role.Moderator });
        const stays = await t.createUser({ role: Role.Moderator });
        const demotedProbe = new SubscriptionProbe(open('/admin/graphql', await t.login(demoted)), QUEUE_CHANGED);
        const staysProbe = new SubscriptionProbe(open('/admin/graphql', await t.login(stays)), QUEUE_CHANGED);
        await subscribed(t, 'moderation-queue-changed', 2);
        await t.dataSource.query(`UPDATE users SET role = 'member' WHERE id = $1`, [demoted.user.id]);
        const itemId = '00000000-0000-4000-8000-0000000000f3';
        await t.dataSource.transaction((tx) =>
          t.app.get(ModerationQueueEvents).publish(tx, { change: ModerationQueueChange.Added, itemKind: 'post', itemId, boardId: null, reason: null }),
        );
        expect((await staysProbe.nextResult()).data?.moderationQueueChanged.itemId).toBe(itemId);
        // Sent to both at once: the demoted moderator's filter ran by the time the other's event arrived.
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(demotedProbe.results).toHaveLength(0);
      } finally {
        access.recheckMs = 30_000;
      }
    });

    it('delivers committed queue changes to moderators, filtered by board when asked', async () => {
      const moderator = await t.createUser({ role: Role.Moderator });
      const token = await t.login(moderator);
      const boardA = '00000000-0000-4000-8000-00000000000a';
      const boardB = '00000000-0000-4000-8000-00000000000b';
      const all = new SubscriptionProbe(open('/admin/graphql', token), QUEUE_CHANGED);
      const onlyB = new SubscriptionProbe(open('/admin/graphql', token), QUEUE_CHANGED, { boardId: boardB });
      await subscribed(t, 'moderation-queue-changed', 2);
      const events = t.app.get(ModerationQueueEvents);
      const itemId = '00000000-0000-4000-8000-0000000000f1';
      await t.dataSource.transaction((tx) =>
        events.publish(tx, { change: ModerationQueueChange.Added, itemKind: 'post', itemId, boardId: boardA, reason: 'trust-level-0' }),
      );
      await t.dataSource.transaction((tx) =>
        events.publish(tx, { change: ModerationQueueChange.Removed, itemKind: 'post', itemId, boardId: boardB, reason: 'approved' }),
      );
      await all.nextResult(2);
      expect(all.results.map((r) => r.data?.moderationQueueChanged)).toEqual([
        { change: 'Added', itemKind: 'post', itemId, boardId: boardA, reason: 'trust-level-0', occurredAt: expect.any(String) },
        { change: 'Removed', itemKind: 'post', itemId, boardId: boardB, reason: 'approved', occurredAt: expect.any(String) },
      ]);
      await onlyB.nextResult();
      expect(onlyB.results.map((r) => r.data?.moderationQueueChanged.change)).toEqual(['Removed']);
    });
  });

  describe('request checks apply to websocket documents', () => {
    let token: string;
    beforeAll(async () => {
      token = await t.login(await t.createUser());
    });

    it.each([
      ['an unknown field', 'subscription { nope }', 'GRAPHQL_VALIDATION_FAILED'],
      ['two root fields', 'subscription { a: notificationAdded { id } b: notificationAdded { id } }', 'GRAPHQL_VALIDATION_FAILED'],
      ['too many tokens', `subscription { notificationAdded { ${'id '.repeat(6000)} } }`, 'QUERY_TOO_COMPLEX'],
      ['a document nested deeper than the limit', 'subscription { notificationAdded { details { key } } }', 'QUERY_TOO_COMPLEX'],
      ['too many aliases', `subscription { notificationAdded { ${Array.from({ length: 40 }, (_, i) => `a${i}: id`).join(' ')} } }`, 'QUERY_TOO_COMPLEX'],
      ['a query (queries go over HTTP)', '{ __typename }', 'BAD_REQUEST'],
      ['a mutation (mutations go over HTTP)', 'mutation { markNotificationsRead(input: { all: true }) { count } }', 'BAD_REQUEST'],
      ['a syntax error', 'subscription {', 'GRAPHQL_PARSE_FAILED'],
      ['two operations and no operationName', 'subscription A { notificationAdded { id } } subscription B { notificationAdded { id } }', 'BAD_REQUEST'],
    ])('refuses %s', async (_, query, code) => {
      const probe = new SubscriptionProbe(open('/graphql', token), query);
      const [error] = await probe.failure();
      if (code) expect(error.extensions?.code).toBe(code);
      expect(error.message).not.toMatch(/at .+\.js:\d+/);
    });

    it('refuses a NUL character in a string argument or a variable with BAD_USER_INPUT', async () => {
      const moderator = await t.login(await t.createUser({ role: Role.Moderator }));
      const client = open('/admin/graphql', moderator);
      const literal = new SubscriptionProbe(client, 'subscription { moderationQueueChanged(boardId: "a\\u0000b") { itemId } }');
      expect((await literal.failure())[0].extensions?.code).toBe('BAD_USER_INPUT');
      const variable = new SubscriptionProbe(client, QUEUE_CHANGED, { boardId: 'a\u0000b' });
      expect((await variable.failure())[0].extensions?.code).toBe('BAD_USER_INPUT');
    });

    it(`holds at most ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions per connection (RATE_LIMITED beyond), freeing a slot when one completes`, async () => {
      const client = open('/graphql', token);
      const probes = Array.from({ length: MAX_SUBSCRIPTIONS_PER_CONNECTION }, () => new SubscriptionProbe(client, NOTIFICATION_ADDED));
      await subscribed(t, 'member-notification-added', MAX_SUBSCRIPTIONS_PER_CONNECTION);
      const over = new SubscriptionProbe(client, NOTIFICATION_ADDED);
      expect((await over.failure())[0].extensions?.code).toBe('RATE_LIMITED');
      expect(probes.every((probe) => probe.errors === null)).toBe(true);

      // Another connection is not affected; a completed subscription frees its slot.
      const elsewhere = new SubscriptionProbe(open('/graphql', token), NOTIFICATION_ADDED);
      probes[0].unsubscribe();
      const again = new SubscriptionProbe(client, NOTIFICATION_ADDED);
      await subscribed(t, 'member-notification-added', MAX_SUBSCRIPTIONS_PER_CONNECTION + 1);
      expect(again.errors).toBeNull();
      expect(elsewhere.errors).toBeNull();
    });

    it('answers a subscription sent over HTTP with a client error', async () => {
      const res = await t.delivery(token).send(NOTIFICATION_ADDED);
      expect(res.status).toBe(400);
      expect(res.errors?.[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(res.errors?.[0].message).toContain('WebSocket');
    });
  });
});
