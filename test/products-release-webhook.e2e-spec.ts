import { ProductsService } from '../src/products/products.service';
import { signBody } from '../src/products/webhook/webhook-signature';
import { createTestApp, TestApp } from './support/create-test-app';

const SECRET = 'ci-release-webhook-secret-0123456789abcdef';
const PATH = '/webhooks/releases';

interface Sent {
  status: number;
  body: Record<string, any>;
}

function payload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    product: 'billing',
    version: '2.4.0',
    releasedAt: '2026-03-01T09:30:00Z',
    notes: '## Billing\n\nCSV export of invoices is gone.',
    changes: [
      { kind: 'removed', summary: 'CSV export of invoices', featureKeys: ['billing.invoices'] },
      { kind: 'added', summary: 'PDF receipts', featureKeys: ['billing.receipts', 'billing.pdf'] },
    ],
    ...overrides,
  };
}

async function post(t: TestApp, body: string | Buffer, headers: Record<string, string | undefined> = {}): Promise<Sent> {
  const req = t.http().post(PATH);
  const all: Record<string, string | undefined> = { 'content-type': 'application/json', 'x-evergreen-signature': signBody(SECRET, body), ...headers };
  for (const [name, value] of Object.entries(all)) if (value !== undefined) req.set(name, value);
  // Exact bytes: superagent would JSON-encode a Buffer sent as application/json.
  req.serialize(() => body as string);
  const res = await req.send(body);
  return { status: res.status, body: res.body };
}

const signed = (t: TestApp, value: unknown): Promise<Sent> => post(t, JSON.stringify(value));

async function stored(t: TestApp): Promise<{ releases: number; changes: number }> {
  const [row] = await t.dataSource.query(
    'SELECT (SELECT count(*)::int FROM releases) AS releases, (SELECT count(*)::int FROM release_changes) AS changes',
  );
  return row;
}

describe('POST /webhooks/releases', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ RELEASE_WEBHOOK_SECRET: SECRET });
    await t.app.get(ProductsService).createProduct({ key: 'billing', name: 'Billing' });
  });
  afterAll(() => t.close());

  it('records a signed release with its changes: 201', async () => {
    const before = await stored(t);
    const res = await signed(t, payload());

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      created: true,
      release: {
        id: expect.any(String),
        product: 'billing',
        version: '2.4.0',
        releasedAt: '2026-03-01T09:30:00.000Z',
        source: 'webhook',
        changeCount: 2,
      },
    });
    expect(await stored(t)).toEqual({ releases: before.releases + 1, changes: before.changes + 2 });
    const [release] = await t.dataSource.query('SELECT source, recorded_by, notes_markdown FROM releases WHERE id = $1', [res.body.release.id]);
    expect(release).toEqual({ source: 'webhook', recorded_by: null, notes_markdown: '## Billing\n\nCSV export of invoices is gone.' });
    const changes = await t.dataSource.query('SELECT position, kind, summary, feature_keys FROM release_changes WHERE release_id = $1 ORDER BY position', [
      res.body.release.id,
    ]);
    expect(changes).toEqual([
      { position: 0, kind: 'removed', summary: 'CSV export of invoices', feature_keys: ['billing.invoices'] },
      { position: 1, kind: 'added', summary: 'PDF receipts', feature_keys: ['billing.receipts', 'billing.pdf'] },
    ]);
  });

  it('answers 200 with the stored release when the same release is sent again, however the JSON is laid out', async () => {
    const first = await signed(t, payload({ version: '2.5.0' }));
    const before = await stored(t);
    const reformatted = JSON.stringify(payload({ version: '2.5.0', releasedAt: '2026-03-01T10:30:00+01:00' }), null, 2);

    for (const body of [JSON.stringify(payload({ version: '2.5.0' })), reformatted]) {
      const again = await post(t, body);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({ ...first.body, created: false });
    }
    expect(await stored(t)).toEqual(before);
  });

  it('refuses the same version with different content: 409 RELEASE_EXISTS, nothing changed', async () => {
    const first = await signed(t, payload({ version: '2.6.0' }));
    const before = await stored(t);

    const res = await signed(t, payload({ version: '2.6.0', changes: [{ kind: 'removed', summary: 'CSV export of invoices' }] }));

    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'CONFLICT', reason: 'RELEASE_EXISTS', releaseId: first.body.release.id, differences: ['changes'] });
    expect(await stored(t)).toEqual(before);
  });

  it('stores exactly one release when identical posts arrive at the same time', async () => {
    const before = await stored(t);
    const body = JSON.stringify(payload({ version: '3.0.0' }));
    const results = await Promise.all(Array.from({ length: 5 }, () => post(t, body)));

    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.release.id)).size).toBe(1);
    expect(await stored(t)).toEqual({ releases: before.releases + 1, changes: before.changes + 2 });
  });

  const body = JSON.stringify(payload({ version: '9.0.0' }));
  it.each<[string, () => [string | Buffer, Record<string, string | undefined>], number, string]>([
    ['no signature', () => [body, { 'x-evergreen-signature': undefined }], 401, 'UNAUTHENTICATED'],
    ['a signature made with another secret', () => [body, { 'x-evergreen-signature': signBody(`${SECRET}-old`, body) }], 401, 'UNAUTHENTICATED'],
    ['a signature over a different body', () => [body, { 'x-evergreen-signature': signBody(SECRET, body.replace('9.0.0', '9.0.1')) }], 401, 'UNAUTHENTICATED'],
    ['a signature of the body re-serialised', () => [`${body}\n`, { 'x-evergreen-signature': signBody(SECRET, body) }], 401, 'UNAUTHENTICATED'],
    ['a malformed signature header', () => [body, { 'x-evergreen-signature': 'sha256=xyz' }], 401, 'UNAUTHENTICATED'],
    ['unsigned malformed JSON', () => ['{"product": ', { 'x-evergreen-signature': undefined }], 401, 'UNAUTHENTICATED'],
    ['signed malformed JSON', () => ['{"product": ', {}], 400, 'BAD_USER_INPUT'],
    ['a signed body that is not UTF-8', () => [Buffer.from([0x22, 0xff, 0x22]), {}], 400, 'BAD_USER_INPUT'],
    ['a signed JSON array', () => ['[]', {}], 400, 'BAD_USER_INPUT'],
    ['an empty body', () => ['', {}], 400, 'BAD_USER_INPUT'],
    ['a body that is not JSON', () => [body, { 'content-type': 'text/plain' }], 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('refuses %s and stores nothing', async (_, build, status, code) => {
    const before = await stored(t);
    const [raw, headers] = build();
    const res = await post(t, raw, headers);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code, message: expect.any(String) });
    expect(await stored(t)).toEqual(before);
  });

  const change = { kind: 'changed', summary: 'Something' };
  it.each<[string, Record<string, unknown>, number, string, string]>([
    ['an unknown product', { product: 'no-such-product' }, 404, 'NOT_FOUND', ''],
    ['a malformed product key', { product: 'Billing' }, 400, 'BAD_USER_INPUT', 'product'],
    ['no version', { version: undefined }, 400, 'BAD_USER_INPUT', 'version'],
    ['a version of 65 characters', { version: 'v'.repeat(65) }, 400, 'BAD_USER_INPUT', 'version'],
    ['a date without an offset', { releasedAt: '2026-03-01T09:30:00' }, 400, 'BAD_USER_INPUT', 'releasedAt'],
    ['a date that is not one', { releasedAt: 'last tuesday' }, 400, 'BAD_USER_INPUT', 'releasedAt'],
    ['notes over 200 KiB', { notes: 'x'.repeat(200 * 1024 + 1) }, 400, 'BAD_USER_INPUT', 'notes'],
    ['changes that are not a list', { changes: { kind: 'added' } }, 400, 'BAD_USER_INPUT', 'changes'],
    ['501 changes', { changes: Array.from({ length: 501 }, () => change) }, 400, 'BAD_USER_INPUT', 'changes'],
    ['an invalid kind', { changes: [change, { ...change, kind: 'renamed' }] }, 400, 'BAD_USER_INPUT', 'changes.1.kind'],
    ['a kind in GraphQL case', { changes: [{ ...change, kind: 'Removed' }] }, 400, 'BAD_USER_INPUT', 'changes.0.kind'],
    ['an empty summary', { changes: [{ ...change, summary: '   ' }] }, 400, 'BAD_USER_INPUT', 'changes.0.summary'],
    ['a malformed feature key', { changes: [{ ...change, featureKeys: ['billing..invoices'] }] }, 400, 'BAD_USER_INPUT', 'changes.0.featureKeys'],
    ['51 feature keys', { changes: [{ ...change, featureKeys: Array.from({ length: 51 }, (_, i) => `k${i}`) }] }, 400, 'BAD_USER_INPUT', 'changes.0.featureKeys'],
    ['an unknown field', { channel: 'beta' }, 400, 'BAD_USER_INPUT', 'channel'],
  ])('refuses a signed payload with %s and stores nothing', async (_, overrides, status, code, field) => {
    const before = await stored(t);
    const res = await signed(t, payload({ version: '9.1.0', ...overrides }));
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    if (field) expect(res.body.error.fields).toEqual(expect.arrayContaining([{ field, messages: expect.any(Array) }]));
    expect(await stored(t)).toEqual(before);
  });

  it('refuses a body over the global body limit with 413 and stores nothing', async () => {
    const before = await stored(t);
    const huge = JSON.stringify(payload({ notes: 'x'.repeat(t.config.http.bodyLimitBytes) }));
    const res = await post(t, huge);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await stored(t)).toEqual(before);
  });

  it('leaves JSON parsing of the GraphQL endpoints as it was', async () => {
    const broken = await t.http().post('/admin/graphql').set('content-type', 'application/json').send('{"query": ');
    expect(broken.status).toBe(400);
    expect(broken.body.errors?.[0].extensions.code).toBe('BAD_REQUEST');
    const ok = await t.http().post('/graphql').set('content-type', 'application/json').send('{"query":"{ __typename }"}');
    expect(ok.body).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('POST /webhooks/releases without RELEASE_WEBHOOK_SECRET', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.get(ProductsService).createProduct({ key: 'billing', name: 'Billing' });
  });
  afterAll(() => t.close());

  it('answers 503 WEBHOOK_DISABLED, signed or not, and stores nothing', async () => {
    const body = JSON.stringify(payload());
    for (const headers of [{}, { 'x-evergreen-signature': undefined }]) {
      const res = await post(t, body, headers);
      expect(res.status).toBe(503);
      expect(res.body.error).toMatchObject({ code: 'WEBHOOK_DISABLED', message: expect.stringContaining('RELEASE_WEBHOOK_SECRET') });
    }
    expect(await stored(t)).toEqual({ releases: 0, changes: 0 });
  });
});
