import { createHash } from 'node:crypto';
import { DeliveryApiKeyEntity } from '../src/api-keys/entities/delivery-api-key.entity';
import { AuditEntryEntity } from '../src/common/audit/audit-entry.entity';
import { Role } from '../src/users/role.enum';
import { createTestApp, TestApp } from './support/create-test-app';
import { eventually } from './support/eventually';

const CREATE = `mutation ($input: CreateDeliveryApiKeyInput!) {
  createDeliveryApiKey(input: $input) { key deliveryApiKey { id label keyPrefix rateLimit createdById revokedAt createdAt } }
}`;
const UPDATE = 'mutation ($input: UpdateDeliveryApiKeyInput!) { updateDeliveryApiKey(input: $input) { id label rateLimit } }';
const REVOKE = 'mutation ($input: RevokeDeliveryApiKeyInput!) { revokeDeliveryApiKey(input: $input) { id revokedAt } }';
const LIST = 'query ($includeRevoked: Boolean!) { deliveryApiKeys(includeRevoked: $includeRevoked) { id label keyPrefix revokedAt } }';

interface Answer {
  status: number;
  body: { data?: Record<string, any> | null; errors?: { message: string; extensions: Record<string, unknown> }[] };
}

async function deliver(t: TestApp, headers: Record<string, string> = {}, query = '{ __typename }', variables?: Record<string, unknown>): Promise<Answer> {
  const req = t.http().post('/graphql');
  for (const [name, value] of Object.entries(headers)) req.set(name, value);
  const res = await req.send({ query, variables });
  return { status: res.status, body: res.body };
}

async function adminToken(t: TestApp, role = Role.Admin): Promise<string> {
  return t.login(await t.createUser({ role }));
}

async function createKey(t: TestApp, token: string, label = 'Help centre'): Promise<{ key: string; id: string }> {
  const res = await t.admin(token).send(CREATE, { input: { label } });
  return { key: res.data!.createDeliveryApiKey.key, id: res.data!.createDeliveryApiKey.deliveryApiKey.id };
}

describe('delivery API keys: administration', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    token = await adminToken(t);
  });
  afterAll(() => t.close());

  it('shows the key once, stores only its hash, and audits the creation', async () => {
    const res = await t.admin(token).send(CREATE, { input: { label: '  Help centre (Next.js) ', rateLimit: 100 } });
    expect(res.errors).toBeUndefined();
    const { key, deliveryApiKey } = res.data!.createDeliveryApiKey;
    expect(key).toMatch(/^egk_[A-Za-z0-9_-]{43}$/);
    expect(deliveryApiKey).toMatchObject({ label: 'Help centre (Next.js)', keyPrefix: key.slice(0, 10), rateLimit: 100, revokedAt: null });
    const row = await t.dataSource.getRepository(DeliveryApiKeyEntity).findOneByOrFail({ id: deliveryApiKey.id });
    expect(row.keyHash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(key);
    expect(await t.dataSource.getRepository(AuditEntryEntity).countBy({ subjectId: deliveryApiKey.id, action: 'delivery_api_key.create' })).toBe(1);

    const list = await t.admin(token).send(LIST, { includeRevoked: false });
    expect(list.data!.deliveryApiKeys).toContainEqual({ id: deliveryApiKey.id, label: 'Help centre (Next.js)', keyPrefix: key.slice(0, 10), revokedAt: null });
  });

  it('relabels a key and changes its limit; null goes back to the default', async () => {
    const { id } = await createKey(t, token);
    const relabelled = await t.admin(token).send(UPDATE, { input: { deliveryApiKeyId: id, label: 'Docs site', rateLimit: 50 } });
    expect(relabelled.data!.updateDeliveryApiKey).toEqual({ id, label: 'Docs site', rateLimit: 50 });
    const labelOnly = await t.admin(token).send(UPDATE, { input: { deliveryApiKeyId: id, label: 'Docs' } });
    expect(labelOnly.data!.updateDeliveryApiKey).toEqual({ id, label: 'Docs', rateLimit: 50 });
    const reset = await t.admin(token).send(UPDATE, { input: { deliveryApiKeyId: id, rateLimit: null } });
    expect(reset.data!.updateDeliveryApiKey).toEqual({ id, label: 'Docs', rateLimit: null });
  });

  it('revokes (twice is harmless) and lists revoked keys only when asked', async () => {
    const { id } = await createKey(t, token);
    const first = await t.admin(token).send(REVOKE, { input: { deliveryApiKeyId: id } });
    const second = await t.admin(token).send(REVOKE, { input: { deliveryApiKeyId: id } });
    expect(first.data!.revokeDeliveryApiKey.revokedAt).not.toBeNull();
    expect(second.data!.revokeDeliveryApiKey.revokedAt).toBe(first.data!.revokeDeliveryApiKey.revokedAt);
    const live = await t.admin(token).send(LIST, { includeRevoked: false });
    const all = await t.admin(token).send(LIST, { includeRevoked: true });
    expect(live.data!.deliveryApiKeys.map((k: { id: string }) => k.id)).not.toContain(id);
    expect(all.data!.deliveryApiKeys.map((k: { id: string }) => k.id)).toContain(id);
    expect(await t.dataSource.getRepository(AuditEntryEntity).countBy({ subjectId: id, action: 'delivery_api_key.revoke' })).toBe(1);
  });

  it.each([
    ['an empty label', CREATE, { label: '' }, 'BAD_USER_INPUT'],
    ['a negative limit', CREATE, { label: 'x', rateLimit: -1 }, 'BAD_USER_INPUT'],
    ['a key id that is not a uuid', REVOKE, { deliveryApiKeyId: 'nope' }, 'BAD_USER_INPUT'],
    ['an unknown key', REVOKE, { deliveryApiKeyId: '00000000-0000-4000-8000-000000000000' }, 'NOT_FOUND'],
    ['an unknown key to update', UPDATE, { deliveryApiKeyId: '00000000-0000-4000-8000-000000000000', label: 'x' }, 'NOT_FOUND'],
  ])('refuses %s and writes nothing', async (_, mutation, input, code) => {
    const keysBefore = await t.dataSource.getRepository(DeliveryApiKeyEntity).count();
    const auditBefore = await t.dataSource.getRepository(AuditEntryEntity).countBy({ subjectKind: 'delivery_api_key' });
    const res = await t.admin(token).send(mutation, { input });
    expect(res.errors?.[0].extensions.code).toBe(code);
    expect(await t.dataSource.getRepository(DeliveryApiKeyEntity).count()).toBe(keysBefore);
    expect(await t.dataSource.getRepository(AuditEntryEntity).countBy({ subjectKind: 'delivery_api_key' })).toBe(auditBefore);
  });

  it('is for admins only', async () => {
    const editor = await adminToken(t, Role.Editor);
    expect((await t.admin(editor).send(CREATE, { input: { label: 'x' } })).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await t.admin(editor).send(LIST, { includeRevoked: false })).errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect((await t.admin().send(LIST, { includeRevoked: false })).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('delivery API keys: DELIVERY_API_KEYS=optional (the default)', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp();
    token = await adminToken(t);
  });
  afterAll(() => t.close());

  it('answers without a key and with a valid one', async () => {
    const { key } = await createKey(t, token);
    expect((await deliver(t)).status).toBe(200);
    expect((await deliver(t, { 'x-api-key': key })).body.data).toEqual({ __typename: 'Query' });
  });

  it.each([
    ['an unknown key', 'egk_unknown', 'The API key is not valid'],
    ['a key of another format', 'Bearer abc', 'The API key is not valid'],
    ['an empty header', '', 'The API key is not valid'],
  ])('refuses %s with 401 UNAUTHENTICATED', async (_, key, message) => {
    const res = await deliver(t, { 'x-api-key': key });
    expect(res.status).toBe(401);
    expect(res.body.errors).toEqual([{ message, extensions: { code: 'UNAUTHENTICATED', reason: 'API_KEY_INVALID' } }]);
  });

  it('refuses a revoked key', async () => {
    const { key, id } = await createKey(t, token);
    expect((await deliver(t, { 'x-api-key': key })).status).toBe(200);
    await t.admin(token).send(REVOKE, { input: { deliveryApiKeyId: id } });
    await eventually(async () => {
      const res = await deliver(t, { 'x-api-key': key });
      expect(res.status).toBe(401);
      expect(res.body.errors?.[0]).toEqual({ message: 'The API key has been revoked', extensions: { code: 'UNAUTHENTICATED', reason: 'API_KEY_INVALID' } });
    });
  });

  it('looks a key up once: later requests with it run no SQL', async () => {
    const { key } = await createKey(t, token);
    await deliver(t, { 'x-api-key': key });
    const { queries } = await t.countQueries(() => deliver(t, { 'x-api-key': key }));
    expect(queries).toEqual([]);
    // The check is real: the same count for a first lookup sees the key's SELECT.
    const fresh = await createKey(t, token);
    const first = await t.countQueries(() => deliver(t, { 'x-api-key': fresh.key }));
    expect(first.queries.filter((q) => q.includes('delivery_api_keys'))).toHaveLength(1);
    // A burst with a key no request has used yet looks it up once, not once per request.
    const burstKey = await createKey(t, token);
    const burst = await t.countQueries(() => Promise.all(Array.from({ length: 10 }, () => deliver(t, { 'x-api-key': burstKey.key }))));
    expect(burst.result.every((res) => res.status === 200)).toBe(true);
    expect(burst.queries.filter((q) => q.includes('delivery_api_keys'))).toHaveLength(1);
  });
});

describe('delivery API keys when the lookup fails', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers 500 INTERNAL_SERVER_ERROR with the generic message, and keyless requests still pass', async () => {
    await t.dataSource.query('ALTER TABLE delivery_api_keys RENAME TO delivery_api_keys_away');
    try {
      const res = await deliver(t, { 'x-api-key': 'egk_some-key-while-the-table-is-gone' });
      expect(res.status).toBe(500);
      expect(res.body.errors).toEqual([{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }]);
      expect((await deliver(t)).status).toBe(200);
    } finally {
      await t.dataSource.query('ALTER TABLE delivery_api_keys_away RENAME TO delivery_api_keys');
    }
    // Not cached as unknown: once the lookup works, the same key is checked for real.
    expect((await deliver(t, { 'x-api-key': 'egk_some-key-while-the-table-is-gone' })).body.errors?.[0].message).toBe('The API key is not valid');
  });
});

describe('delivery API keys: DELIVERY_API_KEYS=required', () => {
  let t: TestApp;
  let token: string;
  beforeAll(async () => {
    t = await createTestApp({ DELIVERY_API_KEYS: 'required' });
    token = await adminToken(t);
  });
  afterAll(() => t.close());

  it('refuses a request without a key, GET or POST, with 401 UNAUTHENTICATED', async () => {
    const post = await deliver(t);
    const get = await t.http().get('/graphql').query({ query: '{ __typename }' });
    for (const res of [post, get]) {
      expect(res.status).toBe(401);
      expect(res.body.errors).toEqual([
        { message: 'This API needs an API key: send it as "X-Api-Key: <key>"', extensions: { code: 'UNAUTHENTICATED', reason: 'API_KEY_REQUIRED' } },
      ]);
    }
  });

  it('lets members sign in and act with their token in Authorization next to the key', async () => {
    const { key } = await createKey(t, token);
    const member = await t.createUser();
    const login = await deliver(t, { 'x-api-key': key }, 'mutation ($input: LoginInput!) { login(input: $input) { accessToken } }', {
      input: { email: member.user.email, password: member.password },
    });
    const memberToken = login.body.data!.login.accessToken as string;
    const me = await deliver(t, { 'x-api-key': key, authorization: `Bearer ${memberToken}` }, '{ me { email } }');
    expect(me.body.data).toEqual({ me: { email: member.user.email } });
    expect((await deliver(t, { authorization: `Bearer ${memberToken}` }, '{ me { email } }')).status).toBe(401);
  });

  it('lets browser front ends on allowed origins send the key and read the rate-limit headers (CORS)', async () => {
    const preflight = await t
      .http()
      .options('/graphql')
      .set('origin', 'http://localhost:5173')
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'content-type, x-api-key');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/x-api-key/i);
    const { key } = await createKey(t, token);
    const res = await t.http().post('/graphql').set('origin', 'http://localhost:5173').set('x-api-key', key).send({ query: '{ __typename }' });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-expose-headers']).toMatch(/ratelimit-remaining/i);
    expect(res.headers['access-control-expose-headers']).toMatch(/retry-after/i);
  });

  it('leaves the admin API alone', async () => {
    expect((await t.admin(token).send('{ me { email } }')).errors).toBeUndefined();
  });
});

describe('delivery API keys: DELIVERY_API_KEYS=off', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ DELIVERY_API_KEYS: 'off' });
  });
  afterAll(() => t.close());

  it('ignores the header', async () => {
    expect((await deliver(t, { 'x-api-key': 'egk_whatever' })).status).toBe(200);
  });
});

describe('delivery API keys: revocation across instances', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await createTestApp();
    second = await createTestApp({}, { database: { name: first.databaseName, url: first.databaseUrl } });
  });
  afterAll(async () => {
    await second.stop();
    await first.close();
  });

  it('a key revoked through one instance stops working on the other, which had it cached', async () => {
    const token = await adminToken(first);
    const { key, id } = await createKey(first, token);
    expect((await deliver(second, { 'x-api-key': key })).status).toBe(200);
    const cached = await second.countQueries(() => deliver(second, { 'x-api-key': key }));
    expect(cached.queries).toEqual([]);
    await first.admin(token).send(REVOKE, { input: { deliveryApiKeyId: id } });
    // The NOTIFY arrives well within the cache's lifetime (60 s).
    await eventually(async () => expect((await deliver(second, { 'x-api-key': key })).status).toBe(401), 3000);
  });
});
