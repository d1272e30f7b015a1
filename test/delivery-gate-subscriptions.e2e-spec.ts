import { Client, createClient } from 'graphql-ws';
import { DataSource } from 'typeorm';
import WebSocket from 'ws';
import { MemberNotificationKind } from '../src/notifications/member-notification-kind.enum';
import { MemberNotificationsService } from '../src/notifications/member-notifications.service';
import { Role } from '../src/users/role.enum';
import { createTestApp, TestApp } from './support/create-test-app';
import { listenForWebsockets, subscribed, SubscriptionProbe } from './support/subscriptions';

const NOTIFICATION_ADDED = `subscription { notificationAdded { summary } }`;
const CREATE_KEY = `mutation ($input: CreateDeliveryApiKeyInput!) { createDeliveryApiKey(input: $input) { key } }`;

/**
 * The delivery API's key and rate limits hold for subscriptions too: browsers cannot send headers with a websocket
 * upgrade, so the key travels in the connection_init payload and is checked at each subscription start; upgrades
 * count against their address.
 */
describe('delivery gate: subscriptions over WebSocket', () => {
  let t: TestApp;
  let base: string;
  let staffToken: string;
  const clients: Client[] = [];

  /** A graphql-ws client on the delivery path with a member token and, optionally, a key in connection_init. */
  const open = (token: string, init: Record<string, unknown> = {}): Client => {
    const client = createClient({
      url: `${base}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}`, ...init },
      retryAttempts: 0,
      lazy: true,
      lazyCloseTimeout: 0,
    });
    clients.push(client);
    return client;
  };
  /** Members sign in through the delivery API, which needs a key here. */
  const memberToken = async (): Promise<{ token: string; name: string; id: string }> => {
    const { user, password } = await t.createUser();
    const res = await t
      .http()
      .post('/graphql')
      .set('x-api-key', signInKey)
      .send({ query: 'mutation ($input: LoginInput!) { login(input: $input) { accessToken } }', variables: { input: { email: user.email, password } } });
    return { token: res.body.data.login.accessToken as string, name: user.displayName, id: user.id };
  };
  let signInKey: string;
  const createKey = async (rateLimit?: number): Promise<string> =>
    (await t.admin(staffToken).send(CREATE_KEY, { input: { label: 'Live help centre', rateLimit } })).data!.createDeliveryApiKey.key as string;

  beforeAll(async () => {
    // 30 upgrades (and lookups of keys not yet known) per address and window; keys have their own limits.
    t = await createTestApp({ DELIVERY_API_KEYS: 'required', RATE_LIMIT_PER_IP: '30', RATE_LIMIT_WINDOW_SECONDS: '3600' });
    base = await listenForWebsockets(t);
    staffToken = await t.login(await t.createUser({ role: Role.Admin }));
    signInKey = await createKey();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });
  afterAll(() => t.close());

  it('refuses a subscription without a key or with a wrong one, with the codes HTTP uses', async () => {
    const { token: member } = await memberToken();
    const keyless = await new SubscriptionProbe(open(member), NOTIFICATION_ADDED).failure();
    expect(keyless).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED', reason: 'API_KEY_REQUIRED' }) })]);
    const wrong = await new SubscriptionProbe(open(member, { 'x-api-key': 'egk_not-a-real-key' }), NOTIFICATION_ADDED).failure();
    expect(wrong).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED', reason: 'API_KEY_INVALID' }) })]);
    const notText = await new SubscriptionProbe(open(member, { headers: { 'x-api-key': 42 } }), NOTIFICATION_ADDED).failure();
    expect(notText[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'API_KEY_INVALID' });
  });

  it('runs a subscription whose connection_init carries a valid key (top level or under headers)', async () => {
    const key = await createKey();
    const ana = await memberToken();
    const bo = await memberToken();
    const anaProbe = new SubscriptionProbe(open(ana.token, { 'x-api-key': key }), NOTIFICATION_ADDED);
    const boProbe = new SubscriptionProbe(open(bo.token, { headers: { 'x-api-key': key } }), NOTIFICATION_ADDED);
    await subscribed(t, 'member-notification-added', 2);
    const notifications = t.app.get(MemberNotificationsService);
    for (const recipient of [ana, bo]) {
      await t.app.get(DataSource).transaction((tx) =>
        notifications.notify(tx, {
          recipientId: recipient.id,
          kind: MemberNotificationKind.ReplyOnFollowedThread,
          subjectKind: 'thread',
          subjectId: '00000000-0000-4000-8000-000000000001',
          summary: `For ${recipient.name}`,
          data: {},
        }),
      );
    }
    expect((await anaProbe.nextResult()).data?.notificationAdded.summary).toBe(`For ${ana.name}`);
    expect((await boProbe.nextResult()).data?.notificationAdded.summary).toBe(`For ${bo.name}`);
  });

  it("counts each subscription start against its key's limit: parallel starts beyond it are RATE_LIMITED", async () => {
    const key = await createKey(5);
    const { token: member } = await memberToken();
    // One request with the key first: a key not yet known is looked up, counting against the address meanwhile.
    expect((await t.http().post('/graphql').set('x-api-key', key).send({ query: '{ __typename }' })).status).toBe(200);
    const client = open(member, { 'x-api-key': key });
    const probes = Array.from({ length: 8 }, () => new SubscriptionProbe(client, NOTIFICATION_ADDED));
    const refused = await Promise.all(
      probes.map(async (probe) => {
        await probe.until(() => probe.errors !== null, 1500).catch(() => undefined);
        return probe.errors?.[0]?.extensions?.code ?? null;
      }),
    );
    expect(refused.filter((code) => code === 'RATE_LIMITED')).toHaveLength(4);
    expect(refused.filter((code) => code === null)).toHaveLength(4);
  });

  it('counts websocket upgrades against the address: an upgrade beyond the limit is answered 429', async () => {
    // This suite's earlier upgrades and key lookups used part of the address's 30; open upgrades until one is refused.
    const statuses: number[] = [];
    for (let i = 0; i < 32 && !statuses.includes(429); i += 1) {
      statuses.push(
        await new Promise<number>((resolve) => {
          const socket = new WebSocket(`${base}/graphql`, 'graphql-transport-ws');
          socket.on('open', () => {
            socket.close();
            resolve(101);
          });
          socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
          socket.on('error', () => resolve(0));
        }),
      );
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status !== 101 && status !== 429)).toEqual([]);
  });
});
