/**
 * Outgoing webhooks against real receivers on 127.0.0.1: endpoints through the admin API, events enqueued in
 * the changing transaction, signed deliveries by the background worker, retries, the delivery log, manual
 * redelivery, automatic disabling, the SSRF policy, and the surrogate keys of delivery responses.
 */
import { randomBytes } from 'node:crypto';
import { recordChange } from '../src/changes/content-changes';
import { SecretBox } from '../src/common/crypto/secret-box';
import { raiseFlags, upsertContentGaps } from '../src/staleness/stale-flags.store';
import { Role } from '../src/users/role.enum';
import { WebhookDeliveryWorker } from '../src/webhooks/webhook-delivery.worker';
import { enqueueWebhookEvents } from '../src/webhooks/webhook-events';
import { verifySignature } from '../src/webhooks/webhook-signature';
import { WebhooksService } from '../src/webhooks/webhooks.service';
import { ACCEPT, DELETE as DELETE_POST, EDIT, ForumFactory } from './factories/forum';
import { KnowledgeBaseFactory, localeOf, PUBLISH, UNPUBLISH } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';
import { eventually } from './support/eventually';
import { closedPort, WebhookReceiver } from './support/webhook-receiver';

const ENDPOINT_FIELDS = 'id url description eventTypes isEnabled disabledAt disabledReason consecutiveFailures previousSecretExpiresAt createdAt updatedAt';
const CREATE = `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { ${ENDPOINT_FIELDS} } } }`;
const UPDATE = `mutation ($input: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $input) { ${ENDPOINT_FIELDS} } }`;
const DISABLE = `mutation ($input: WebhookEndpointIdInput!) { disableWebhookEndpoint(input: $input) { ${ENDPOINT_FIELDS} } }`;
const ENABLE = `mutation ($input: WebhookEndpointIdInput!) { enableWebhookEndpoint(input: $input) { ${ENDPOINT_FIELDS} } }`;
const DELETE = `mutation ($input: WebhookEndpointIdInput!) { deleteWebhookEndpoint(input: $input) { id } }`;
const ROTATE = `mutation ($input: WebhookEndpointIdInput!) { rotateWebhookEndpointSecret(input: $input) { secret endpoint { id } } }`;
const ENDPOINTS = `{ webhookEndpoints { ${ENDPOINT_FIELDS} } }`;
const ENDPOINT = `query ($id: ID!) { webhookEndpoint(id: $id) { ${ENDPOINT_FIELDS} } }`;
const DELIVERY_FIELDS = 'id endpointId eventId eventType status attempts nextAttemptAt lastAttemptAt payload log { attempt isManual isSuccess statusCode durationMs responseBody error }';
const DELIVERIES = `query ($endpointId: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) {
  webhookDeliveries(endpointId: $endpointId, status: $status, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${DELIVERY_FIELDS} } } }
}`;
const REDELIVER = `mutation ($input: RedeliverWebhookInput!) { redeliverWebhook(input: $input) { ${DELIVERY_FIELDS} } }`;

/** Short timings: the worker polls every 250 ms; retries wait 50–200 ms. */
const FAST = {
  WEBHOOK_TIMEOUT_MS: '400',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_RETRY_MAX_MS: '200',
  WEBHOOK_MAX_ATTEMPTS: '3',
  WEBHOOK_DISABLE_AFTER_FAILURES: '5',
};

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  payload: string;
  log: { attempt: number; isManual: boolean; isSuccess: boolean; statusCode: number | null; durationMs: number; responseBody: string | null; error: string | null }[];
}

describe('outgoing webhooks', () => {
  let t: TestApp;
  let admin: GraphqlClient;
  let kb: KnowledgeBaseFactory;
  let categoryId: string;
  const receivers: WebhookReceiver[] = [];

  const receiver = async (port?: number): Promise<WebhookReceiver> => {
    const r = await new WebhookReceiver().start(port);
    receivers.push(r);
    return r;
  };

  const register = async (url: string, eventTypes: string[] | null = null): Promise<{ id: string; secret: string }> => {
    const res = await admin.send(CREATE, { input: { url, description: 'test', eventTypes } });
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return { id: res.data.createWebhookEndpoint.endpoint.id, secret: res.data.createWebhookEndpoint.secret };
  };

  const deliveries = async (endpointId: string): Promise<Delivery[]> => {
    const res = await admin.send(DELIVERIES, { endpointId, first: 50 });
    if (!res.data) throw new Error(JSON.stringify(res.errors));
    return res.data.webhookDeliveries.edges.map((edge: { node: Delivery }) => edge.node);
  };

  const count = async (table: string): Promise<number> => (await t.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  beforeAll(async () => {
    t = await createTestApp(FAST);
    admin = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
    kb = new KnowledgeBaseFactory(admin);
    categoryId = (await kb.category('Billing')).id;
  });

  afterEach(async () => {
    // Every test registers its own endpoints; none outlives it.
    await t.dataSource.query('DELETE FROM webhook_endpoints');
    await t.dataSource.query('DELETE FROM webhook_events');
    for (const r of receivers.splice(0)) await r.stop();
  });

  afterAll(() => t.close());

  describe('endpoints', () => {
    it('are registered with a secret shown once, updated, disabled, enabled, rotated and deleted', async () => {
      const created = await admin.send(CREATE, { input: { url: 'https://hooks.example.com/evergreen', description: ' Static site ', eventTypes: ['ArticlePublished', 'ArticlePublished'] } });
      const { secret, endpoint } = created.data!.createWebhookEndpoint;
      expect(secret).toMatch(/^whsec_/);
      expect(endpoint).toMatchObject({ url: 'https://hooks.example.com/evergreen', description: 'Static site', eventTypes: ['ArticlePublished'], isEnabled: true, consecutiveFailures: 0 });

      const listed = await admin.send(ENDPOINTS);
      expect(listed.data!.webhookEndpoints).toEqual([expect.objectContaining({ id: endpoint.id })]);
      expect(JSON.stringify(listed.data)).not.toContain(secret);

      const updated = await admin.send(UPDATE, { input: { id: endpoint.id, eventTypes: [], description: 'All events' } });
      expect(updated.errors).toBeUndefined();
      expect(updated.data!.updateWebhookEndpoint).toMatchObject({ eventTypes: [], description: 'All events', url: 'https://hooks.example.com/evergreen' });

      const disabled = await admin.send(DISABLE, { input: { id: endpoint.id } });
      expect(disabled.data!.disableWebhookEndpoint).toMatchObject({ isEnabled: false, disabledReason: 'Disabled by an admin' });
      const enabled = await admin.send(ENABLE, { input: { id: endpoint.id } });
      expect(enabled.data!.enableWebhookEndpoint).toMatchObject({ isEnabled: true, disabledReason: null, disabledAt: null });

      const rotated = await admin.send(ROTATE, { input: { id: endpoint.id } });
      expect(rotated.data!.rotateWebhookEndpointSecret.secret).toMatch(/^whsec_/);
      expect(rotated.data!.rotateWebhookEndpointSecret.secret).not.toBe(secret);

      expect((await admin.send(DELETE, { input: { id: endpoint.id } })).data!.deleteWebhookEndpoint.id).toBe(endpoint.id);
      expect((await admin.send(ENDPOINT, { id: endpoint.id })).errors?.[0].extensions.code).toBe('NOT_FOUND');
      const audit = await t.dataSource.query(`SELECT action FROM audit_entries WHERE subject_id = $1 ORDER BY occurred_at, action`, [endpoint.id]);
      expect(audit.map((row: { action: string }) => row.action).sort()).toEqual(
        ['webhook-endpoint.created', 'webhook-endpoint.deleted', 'webhook-endpoint.disabled', 'webhook-endpoint.enabled', 'webhook-endpoint.secret-rotated', 'webhook-endpoint.updated'].sort(),
      );
    });

    it.each([
      ['an ftp URL', { url: 'ftp://hooks.example.com/x' }, 'BAD_USER_INPUT'],
      ['a URL with credentials', { url: 'https://user:pw@hooks.example.com/x' }, 'BAD_USER_INPUT'],
      ['no URL at all', { url: 'hooks' }, 'BAD_USER_INPUT'],
      ['an unknown event type', { url: 'https://hooks.example.com/x', eventTypes: ['ArticleExploded'] }, 'BAD_USER_INPUT'],
      ['a description too long', { url: 'https://hooks.example.com/x', description: 'x'.repeat(501) }, 'BAD_USER_INPUT'],
    ])('refuses %s with %s and writes nothing', async (_, input, code) => {
      const res = await admin.send(CREATE, { input });
      expect(res.errors?.[0].extensions.code).toBe(code);
      expect(await count('webhook_endpoints')).toBe(0);
    });

    it('are for admins only', async () => {
      const editor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
      expect((await editor.send(CREATE, { input: { url: 'https://hooks.example.com/x' } })).errors?.[0].extensions.code).toBe('FORBIDDEN');
      expect((await t.admin().send(ENDPOINTS)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(await count('webhook_endpoints')).toBe(0);
    });

    it('answer NOT_FOUND for an unknown id', async () => {
      const id = '00000000-0000-4000-8000-000000000000';
      expect((await admin.send(DISABLE, { input: { id } })).errors?.[0].extensions.code).toBe('NOT_FOUND');
      expect((await admin.send(DELIVERIES, { endpointId: id })).errors?.[0].extensions.code).toBe('NOT_FOUND');
      expect((await admin.send(REDELIVER, { input: { deliveryId: id } })).errors?.[0].extensions.code).toBe('NOT_FOUND');
    });
  });

  describe('signing secrets at rest', () => {
    const storedSecret = async (id: string): Promise<string> => (await t.dataSource.query('SELECT secret FROM webhook_endpoints WHERE id = $1', [id]))[0].secret;

    it('are stored sealed, never as shown, and still sign what the receiver verifies', async () => {
      const r = await receiver();
      const endpoint = await register(r.url, ['ReleaseRecorded']);
      const stored = await storedSecret(endpoint.id);
      expect(stored).toMatch(/^sealed:v1:[0-9a-f]{8}:/);
      expect(stored).not.toContain(endpoint.secret);
      expect(stored).not.toContain(endpoint.secret.slice(6));
      const rotated = (await admin.send(ROTATE, { input: { id: endpoint.id } })).data!.rotateWebhookEndpointSecret.secret as string;
      expect(await storedSecret(endpoint.id)).not.toContain(rotated);

      await t.dataSource.transaction((tx) => enqueueWebhookEvents(tx, [{ type: 'release.recorded', data: { version: 'sealed' } }]));
      await eventually(async () => expect(r.of('release.recorded')).toHaveLength(1), 10_000);
      const hook = r.of('release.recorded')[0];
      expect(verifySignature(rotated, hook.body, hook.headers['evergreen-signature'] as string, Math.floor(Date.now() / 1000))).toBe(true);
    });

    it('seals a secret stored in clear (before sealing existed) once, at start, and keeps signing with it', async () => {
      const r = await receiver();
      const [{ id }] = await t.dataSource.query(
        `INSERT INTO webhook_endpoints (url, secret, previous_secret, previous_secret_expires_at, event_types)
         VALUES ($1, 'whsec_stored_in_clear', 'whsec_previous_in_clear', now() + interval '1 hour', '{release.recorded}') RETURNING id`,
        [r.url],
      );
      const webhooks = t.app.get(WebhooksService);
      const [first, second] = await Promise.all([webhooks.resealSecrets(), webhooks.resealSecrets()]);
      expect(first.resealed + second.resealed).toBe(2);
      expect(await storedSecret(id)).toMatch(/^sealed:v1:/);
      expect((await t.dataSource.query('SELECT previous_secret FROM webhook_endpoints WHERE id = $1', [id]))[0].previous_secret).toMatch(/^sealed:v1:/);
      expect(await webhooks.resealSecrets()).toEqual({ resealed: 0, unreadable: [] });

      await t.dataSource.transaction((tx) => enqueueWebhookEvents(tx, [{ type: 'release.recorded', data: { version: 'legacy' } }]));
      await eventually(async () => expect(r.of('release.recorded')).toHaveLength(1), 10_000);
      const hook = r.of('release.recorded')[0];
      expect(verifySignature('whsec_stored_in_clear', hook.body, hook.headers['evergreen-signature'] as string, Math.floor(Date.now() / 1000))).toBe(true);
      expect(verifySignature('whsec_previous_in_clear', hook.body, hook.headers['evergreen-signature'] as string, Math.floor(Date.now() / 1000))).toBe(true);
    });

    it('keeps signing with the replaced secret for keepPreviousForSeconds after a rotation, then only with the new one', async () => {
      const r = await receiver();
      const endpoint = await register(r.url, ['ReleaseRecorded']);
      const ROTATE_KEEP = `mutation ($input: WebhookEndpointIdInput!, $keep: Int) { rotateWebhookEndpointSecret(input: $input, keepPreviousForSeconds: $keep) { secret endpoint { id previousSecretExpiresAt } } }`;
      const before = Date.now();
      const rotated = await admin.send(ROTATE_KEEP, { input: { id: endpoint.id }, keep: 3600 });
      expect(rotated.errors).toBeUndefined();
      const { secret: current, endpoint: after } = rotated.data!.rotateWebhookEndpointSecret;
      expect(new Date(after.previousSecretExpiresAt).getTime()).toBeGreaterThanOrEqual(before + 3600_000 - 5_000);
      const [stored] = await t.dataSource.query('SELECT secret, previous_secret FROM webhook_endpoints WHERE id = $1', [endpoint.id]);
      expect(stored.previous_secret).toMatch(/^sealed:v1:/);
      expect(stored.previous_secret).not.toContain(endpoint.secret);

      const sendRelease = async (version: string): Promise<{ body: string; signature: string }> => {
        await t.dataSource.transaction((tx) => enqueueWebhookEvents(tx, [{ type: 'release.recorded', data: { version } }]));
        await eventually(async () => expect(r.of('release.recorded').some((h) => h.json.data.version === version)).toBe(true), 10_000);
        const hook = r.of('release.recorded').find((h) => h.json.data.version === version)!;
        return { body: hook.body, signature: hook.headers['evergreen-signature'] as string };
      };
      const now = (): number => Math.floor(Date.now() / 1000);
      const during = await sendRelease('during');
      expect(during.signature.match(/v1=/g)).toHaveLength(2);
      expect(verifySignature(current, during.body, during.signature, now())).toBe(true);
      expect(verifySignature(endpoint.secret, during.body, during.signature, now())).toBe(true);

      await t.dataSource.query(`UPDATE webhook_endpoints SET previous_secret_expires_at = now() - interval '1 second' WHERE id = $1`, [endpoint.id]);
      expect((await admin.send(ENDPOINT, { id: endpoint.id })).data!.webhookEndpoint.previousSecretExpiresAt).toBeNull();
      const afterwards = await sendRelease('afterwards');
      expect(afterwards.signature.match(/v1=/g)).toHaveLength(1);
      expect(verifySignature(current, afterwards.body, afterwards.signature, now())).toBe(true);
      expect(verifySignature(endpoint.secret, afterwards.body, afterwards.signature, now())).toBe(false);

      // Rotating without an overlap retires the replaced secret at once, and clears an earlier overlap.
      await admin.send(ROTATE_KEEP, { input: { id: endpoint.id }, keep: 600 });
      await admin.send(ROTATE, { input: { id: endpoint.id } });
      expect(await t.dataSource.query('SELECT previous_secret, previous_secret_expires_at FROM webhook_endpoints WHERE id = $1', [endpoint.id])).toEqual([
        { previous_secret: null, previous_secret_expires_at: null },
      ]);
      const audit = await t.dataSource.query(`SELECT after FROM audit_entries WHERE subject_id = $1 AND action = 'webhook-endpoint.secret-rotated' ORDER BY occurred_at`, [endpoint.id]);
      expect(audit.map((row: { after: { previousSecretExpiresAt: string | null } }) => row.after.previousSecretExpiresAt === null)).toEqual([false, false, true]);
    });

    it.each([-1, 604801, 2 ** 31])('refuses keepPreviousForSeconds %s with BAD_USER_INPUT and keeps the secret', async (keep) => {
      const endpoint = await register('https://hooks.example.com/keep', ['ReleaseRecorded']);
      const [before] = await t.dataSource.query('SELECT secret FROM webhook_endpoints WHERE id = $1', [endpoint.id]);
      const res = await admin.send(`mutation ($input: WebhookEndpointIdInput!, $keep: Int) { rotateWebhookEndpointSecret(input: $input, keepPreviousForSeconds: $keep) { secret } }`, { input: { id: endpoint.id }, keep });
      expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(await t.dataSource.query('SELECT secret, previous_secret FROM webhook_endpoints WHERE id = $1', [endpoint.id])).toEqual([{ secret: before.secret, previous_secret: null }]);
    });

    it('sends nothing unsigned when a secret was sealed with a key this server lacks: the attempt fails and says why', async () => {
      const r = await receiver();
      const foreign = new SecretBox([randomBytes(32)]).seal('whsec_elsewhere', 'webhook_endpoints.secret');
      const [{ id }] = await t.dataSource.query(`INSERT INTO webhook_endpoints (url, secret, event_types) VALUES ($1, $2, '{release.recorded}') RETURNING id`, [r.url, foreign]);
      expect((await t.app.get(WebhooksService).resealSecrets()).unreadable).toEqual([id]);
      await t.dataSource.transaction((tx) => enqueueWebhookEvents(tx, [{ type: 'release.recorded', data: { version: 'foreign' } }]));
      await eventually(async () => expect((await deliveries(id))[0]?.log.length).toBeGreaterThan(0), 10_000);
      expect((await deliveries(id))[0].log[0]).toMatchObject({ isSuccess: false, statusCode: null, error: expect.stringContaining('SECRETS_ENCRYPTION_KEY') });
      expect(r.received).toEqual([]);
    });
  });

  describe('delivery', () => {
    it('sends a signed article.published event with the keys to purge; an endpoint filtering other events gets nothing', async () => {
      const r = await receiver();
      const all = await register(r.url);
      const threadsOnly = await register(r.url, ['ThreadCreated']);
      const article = await kb.published(categoryId, { title: 'Export invoices' });

      await eventually(async () => expect(r.of('article.published')).toHaveLength(1), 10_000);
      const hook = r.of('article.published')[0];
      expect(verifySignature(all.secret, hook.body, hook.headers['evergreen-signature'] as string, Math.floor(Date.now() / 1000))).toBe(true);
      expect(verifySignature(threadsOnly.secret, hook.body, hook.headers['evergreen-signature'] as string, Math.floor(Date.now() / 1000))).toBe(false);
      expect(hook.headers['evergreen-event-id']).toBe(hook.json.id);
      expect(hook.headers['evergreen-event-type']).toBe('article.published');
      expect(hook.headers['content-type']).toBe('application/json');
      expect(hook.json).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: 'article.published',
        occurredAt: expect.any(String),
        data: { articleId: article.id, locale: 'en', change: 'published', slug: localeOf(article).slug, categoryId, isInternal: false },
        purge: { surrogateKeys: [`article:${article.id}`, 'articles'] },
      });

      await eventually(async () => expect((await deliveries(all.id))[0]).toMatchObject({ status: 'Succeeded', attempts: 1, eventType: 'article.published' }), 10_000);
      const [delivered] = await deliveries(all.id);
      expect(delivered.log).toEqual([expect.objectContaining({ attempt: 1, isSuccess: true, statusCode: 204, isManual: false, error: null })]);
      expect(JSON.parse(delivered.payload)).toEqual(hook.json);
      expect(await deliveries(threadsOnly.id)).toEqual([]);
    });

    it('sends unpublish, slug change, deletion, category and release events', async () => {
      const r = await receiver();
      await register(r.url);
      const article = await kb.published(categoryId);
      await kb.locale(article, UNPUBLISH);
      await kb.deleted(article);
      await admin.send(`mutation { createProduct(input: { key: "hooks", name: "Hooks" }) { id } }`);
      const product = await t.dataSource.query(`SELECT id FROM products WHERE key = 'hooks'`);
      const release = await admin.send(`mutation ($input: RecordReleaseInput!) { recordRelease(input: $input) { created } }`, {
        input: { productId: product[0].id, version: '1.2.0', releasedAt: new Date().toISOString(), notesMarkdown: 'Notes', changes: [{ kind: 'Removed', summary: 'CSV export', featureKeys: ['billing.csv'] }] },
      });
      expect(release.errors).toBeUndefined();
      expect(release.data?.recordRelease.created).toBe(true);
      const category = await kb.category('Webhooks');

      await eventually(async () => {
        expect(r.of('article.unpublished').map((h) => h.json.data.articleId)).toEqual([article.id]);
        expect(r.of('article.deleted').map((h) => h.json.data.articleId)).toEqual([article.id]);
        expect(r.of('category.changed').map((h) => h.json.data.categoryId)).toEqual([category.id]);
        expect(r.of('release.recorded').map((h) => h.json.data)).toEqual([
          expect.objectContaining({ productKey: 'hooks', version: '1.2.0', changes: [{ kind: 'removed', summary: 'CSV export', featureKeys: ['billing.csv'] }] }),
        ]);
      }, 10_000);
      expect(r.of('category.changed')[0].json.purge.surrogateKeys).toEqual(['evergreen']);
      expect(r.of('release.recorded')[0].json.purge.surrogateKeys).toEqual([]);
    });

    it('sends stale flag raised and resolved and content gap created', async () => {
      const r = await receiver();
      await register(r.url, ['StaleFlagRaised', 'StaleFlagResolved', 'ContentGapCreated']);
      const article = await kb.published(categoryId);
      const [flagId] = await t.dataSource.transaction((tx) =>
        raiseFlags(tx, [{ articleId: article.id, locale: 'en', signal: 'review_overdue', severity: 'low', score: 0.2, evidence: { signal: 'review_overdue' } as never, fingerprint: `hooks:${article.id}` }]),
      );
      await t.dataSource.transaction((tx) => upsertContentGaps(tx, 'search_gap', [{ locale: 'en', title: 'Refund a card payment', weight: 3, fingerprint: 'hooks-gap', evidence: {} as never }]));
      const resolved = await admin.send(`mutation ($input: ResolveStaleFlagInput!) { resolveStaleFlag(input: $input) { status } }`, { input: { flagId, note: 'Checked' } });
      expect(resolved.data?.resolveStaleFlag.status).toBe('Resolved');

      await eventually(async () => {
        expect(r.of('stale_flag.raised').map((h) => h.json.data)).toEqual([{ flagId, articleId: article.id, locale: 'en', signal: 'review_overdue', severity: 'low' }]);
        expect(r.of('stale_flag.resolved').map((h) => h.json.data)).toEqual([{ flagId, articleId: article.id, locale: 'en', signal: 'review_overdue', reason: 'Checked' }]);
        expect(r.of('content_gap.created').map((h) => h.json.data)).toEqual([expect.objectContaining({ source: 'search_gap', locale: 'en', title: 'Refund a card payment' })]);
      }, 10_000);
      expect(r.received.map((h) => h.json.type).sort()).toEqual(['content_gap.created', 'stale_flag.raised', 'stale_flag.resolved']);
    });

    it('sends thread created and solved; a thread held for moderation is not announced', async () => {
      const r = await receiver();
      await register(r.url, ['ThreadCreated', 'ThreadSolved']);
      const forum = new ForumFactory(admin);
      const board = await forum.board({ name: 'Hooks board' });
      const held = await forum.board({ name: 'Held board', moderationPolicy: 'HoldAll' });
      const asker = await t.createUser({ displayName: 'Asker' });
      await t.dataSource.query('UPDATE users SET trust_level = 2 WHERE id = $1', [asker.user.id]);
      const member = t.delivery(await t.login(asker));
      const thread = await forum.thread(member, board.id);
      await forum.thread(member, held.id);
      const replier = await t.createUser({ displayName: 'Replier' });
      await t.dataSource.query('UPDATE users SET trust_level = 2 WHERE id = $1', [replier.user.id]);
      const reply = await forum.reply(t.delivery(await t.login(replier)), thread.id);
      const accepted = await member.send(ACCEPT, { input: { postId: reply.id } });
      expect(accepted.errors).toBeUndefined();

      await eventually(async () => {
        expect(r.of('thread.created').map((h) => h.json.data.threadId)).toEqual([thread.id]);
        expect(r.of('thread.solved').map((h) => h.json.data.threadId)).toEqual([thread.id]);
      }, 10_000);
      expect(r.of('thread.created')[0].json.purge.surrogateKeys).toEqual([`thread:${thread.id}`, 'threads']);
    });

    it('sends thread and post changes: edits, replies, moderation, deletion; a held thread is announced when approved', async () => {
      const r = await receiver();
      await register(r.url, ['ThreadCreated', 'ThreadChanged', 'PostChanged']);
      const forum = new ForumFactory(admin);
      const held = await forum.board({ name: 'Changes held board', moderationPolicy: 'HoldAll' });
      const open = await forum.board({ name: 'Changes board' });
      const asker = await t.createUser({ displayName: 'Changer' });
      await t.dataSource.query('UPDATE users SET trust_level = 2 WHERE id = $1', [asker.user.id]);
      const member = t.delivery(await t.login(asker));
      const heldThread = await forum.thread(member, held.id);
      const thread = await forum.thread(member, open.id);
      const reply = await forum.reply(member, thread.id, 'A first reply.');

      // Nothing about the held thread (nor its question) while it waits.
      await eventually(async () => expect(r.of('post.changed').map((h) => h.json.data.postId)).toEqual(expect.arrayContaining([reply.id])), 10_000);
      expect(r.received.filter((h) => h.json.data.threadId === heldThread.id)).toEqual([]);

      const approved = await admin.send(`mutation ($input: ContentActionInput!) { approveContent(input: $input) { threadId } }`, { input: { threadId: heldThread.id } });
      expect(approved.errors).toBeUndefined();
      const edited = await member.send(EDIT, { input: { postId: reply.id, baseRevisionNumber: 1, bodyMarkdown: 'An edited reply.' } });
      expect(edited.errors).toBeUndefined();
      const hidden = await admin.send(`mutation ($input: ContentActionInput!) { hideContent(input: $input) { postId } }`, { input: { postId: reply.id, reason: 'Off topic' } });
      expect(hidden.errors).toBeUndefined();
      const deleted = await member.send(DELETE_POST, { input: { postId: thread.question.id } });
      expect(deleted.errors).toBeUndefined();

      await eventually(async () => {
        expect(r.of('thread.created').map((h) => h.json.data)).toEqual([
          { threadId: thread.id, locale: 'en' },
          { threadId: heldThread.id, locale: 'en' },
        ]);
        expect(r.of('post.changed').filter((h) => h.json.data.postId === reply.id).map((h) => h.json.data.change)).toEqual(['created', 'updated', 'updated']);
        expect(r.of('thread.changed').filter((h) => h.json.data.threadId === thread.id).map((h) => h.json.data.change)).toEqual(
          expect.arrayContaining(['updated', 'deleted']),
        );
      }, 10_000);
      const change = r.of('post.changed').find((h) => h.json.data.postId === reply.id)!;
      expect(change.json.data).toEqual({ postId: reply.id, threadId: thread.id, change: 'created' });
      expect(change.json.purge.surrogateKeys).toEqual([`thread:${thread.id}`, 'threads']);
    });

    it('sends nothing for a change whose transaction rolls back', async () => {
      const r = await receiver();
      const endpoint = await register(r.url);
      const article = await kb.draft(categoryId);
      await expect(
        t.dataSource.transaction(async (tx) => {
          await recordChange(tx, { kind: 'article', id: article.id, locale: 'en', change: 'published' });
          await enqueueWebhookEvents(tx, [{ type: 'release.recorded', data: { releaseId: 'none' } }]);
          expect((await tx.query('SELECT count(*)::int AS n FROM webhook_deliveries WHERE endpoint_id = $1', [endpoint.id]))[0].n).toBe(2);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await count('webhook_events')).toBe(0);
      expect(await count('webhook_deliveries')).toBe(0);
      // A later committed event is delivered: the worker was running all along.
      await t.dataSource.transaction((tx) => enqueueWebhookEvents(tx, [{ type: 'release.recorded', data: { releaseId: 'later' } }]));
      await eventually(async () => expect(r.received.map((h) => h.json.data.releaseId)).toEqual(['later']), 10_000);
    });

    it('publishes while endpoints are deleted at the same moment: every publish and deletion succeeds', async () => {
      const r = await receiver();
      for (let round = 0; round < 3; round += 1) {
        const endpoints = await Promise.all(Array.from({ length: 6 }, () => register(r.url, ['ArticlePublished'])));
        const drafts = await Promise.all(Array.from({ length: 6 }, (_, i) => kb.draft(categoryId, { title: `Race ${round} ${i}` })));
        const answers = await Promise.all([
          ...drafts.map((draft) => admin.send(PUBLISH, { input: { articleId: draft.id, revisionId: localeOf(draft).headRevision.id } })),
          ...endpoints.map((endpoint) => admin.send(DELETE, { input: { id: endpoint.id } })),
        ]);
        expect(answers.map((res) => res.errors?.[0].extensions.code ?? 'OK')).toEqual(answers.map(() => 'OK'));
      }
      expect(await count('webhook_endpoints')).toBe(0);
      expect(await count('webhook_deliveries')).toBe(0);
    });

    it('retries a receiver answering 500, logs each attempt, and marks the delivery failed after the last one', async () => {
      const r = await receiver();
      r.mode = 'fail';
      const endpoint = await register(r.url, ['ReleaseRecorded']);
      await t.dataSource.transaction((tx) => enqueueWebhookEvents(tx, [{ type: 'release.recorded', data: { n: 1 } }]));

      await eventually(async () => expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: 'Failed', attempts: 3 }), 10_000);
      const [delivery] = await deliveries(endpoint.id);
      expect(delivery.log.map((entry) => [entry.attempt, entry.statusCode, entry.isSuccess, entry.error])).toEqual([
        [3, 500, false, 'HTTP 500'],
        [2, 500, false, 'HTTP 500'],
        [1, 500, false, 'HTTP 500'],
      ]);
      expect(delivery.log[0].responseBody!.startsWith('receiver broke: ')).toBe(true);
      expect(delivery.log[0].responseBody!.length).toBeLessThanOrEqual(2048);
      expect(r.received).toHaveLength(3);
      expect(new Set(r.received.map((h) => h.json.id)).size).toBe(1);
      const endpointNow = (await admin.send(ENDPOINT, { id: endpoint.id })).data!.webhookEndpoint;
      expect(endpointNow).toMatchObject({ isEnabled: true, consecutiveFailures: 3 });
    });

    it('gives up on a receiver that hangs after the timeout, while the API keeps answering', async () => {
      const r = await receiver();
      r.mode = 'hang';
      const endpoint = await register(r.url, ['ArticlePublished']);
      await kb.published(categoryId);
      await eventually(async () => expect(r.hanging.size).toBeGreaterThan(0), 10_000);

      // The receiver holds a delivery open; a publish sent meanwhile still answers. (Whether the hang is still open
      // when the answer arrives depends on machine speed against the 400 ms timeout, so only the start is asserted.)
      const heldWhenSent = r.hanging.size;
      const second = await kb.published(categoryId);
      expect(heldWhenSent).toBeGreaterThan(0);
      expect(second.id).toBeDefined();

      await eventually(async () => expect((await deliveries(endpoint.id)).every((d) => d.log.length > 0)).toBe(true), 10_000);
      const logged = (await deliveries(endpoint.id)).flatMap((d) => d.log);
      expect(logged[0]).toMatchObject({ isSuccess: false, statusCode: null, error: 'No answer within 400 ms' });
      expect(logged[0].durationMs).toBeGreaterThanOrEqual(350);
    });

    it('does not follow a redirect: a 3xx is a failed attempt', async () => {
      const r = await receiver();
      r.mode = 'redirect';
      const endpoint = await register(r.url, ['ReleaseRecorded']);
      await t.dataSource.transaction((tx) => enqueueWebhookEvents(tx, [{ type: 'release.recorded', data: {} }]));
      await eventually(async () => expect((await deliveries(endpoint.id))[0].log.length).toBeGreaterThan(0), 10_000);
      const [delivery] = await deliveries(endpoint.id);
      expect(delivery.log[delivery.log.length - 1]).toMatchObject({ isSuccess: false, statusCode: 302, error: expect.stringContaining('Redirect (HTTP 302') });
      expect(r.received.every((h) => h.path === '/hooks/evergreen')).toBe(true);
    });

    it('disables an endpoint after repeated failures, shows why, and resumes when enabled', async () => {
      const r = await receiver();
      r.mode = 'fail';
      const endpoint = await register(r.url, ['ReleaseRecorded']);
      await t.dataSource.transaction((tx) =>
        enqueueWebhookEvents(tx, [1, 2, 3].map((n) => ({ type: 'release.recorded' as const, data: { n } }))),
      );
      await eventually(async () => expect((await admin.send(ENDPOINT, { id: endpoint.id })).data!.webhookEndpoint.isEnabled).toBe(false), 10_000);
      const disabled = (await admin.send(ENDPOINT, { id: endpoint.id })).data!.webhookEndpoint;
      expect(disabled.disabledReason).toBe('Disabled automatically after 5 consecutive failed attempts; last: HTTP 500');
      // Attempts already in flight when it was disabled still count.
      expect(disabled.consecutiveFailures).toBeGreaterThanOrEqual(5);
      await eventually(async () => expect((await admin.send(ENDPOINT, { id: endpoint.id })).data!.webhookEndpoint.consecutiveFailures).toBe(r.received.length), 10_000);
      // What is left waits, even once due: the worker claims nothing for a disabled endpoint.
      const waiting = (await deliveries(endpoint.id)).filter((d) => d.status === 'Pending');
      expect(waiting.length).toBeGreaterThan(0);
      await t.dataSource.query(`UPDATE webhook_deliveries SET next_attempt_at = now() WHERE endpoint_id = $1 AND status = 'pending'`, [endpoint.id]);
      expect(await t.app.get(WebhookDeliveryWorker).processBatch()).toBe(0);
      const audit = await t.dataSource.query(`SELECT actor_rule, reason FROM audit_entries WHERE subject_id = $1 AND action = 'webhook-endpoint.disabled'`, [endpoint.id]);
      expect(audit).toEqual([{ actor_rule: 'auto:webhook-failures', reason: disabled.disabledReason }]);

      r.mode = 'ok';
      await admin.send(ENABLE, { input: { id: endpoint.id } });
      await eventually(async () => expect((await deliveries(endpoint.id)).filter((d) => d.status === 'Pending')).toEqual([]), 10_000);
      expect((await admin.send(ENDPOINT, { id: endpoint.id })).data!.webhookEndpoint).toMatchObject({ isEnabled: true, consecutiveFailures: 0, disabledReason: null });
    });

    it('sends a signed test event on request, whatever the endpoint subscribes to; not to a disabled endpoint', async () => {
      const r = await receiver();
      const endpoint = await register(r.url, ['ThreadSolved']);
      const SEND_TEST = `mutation ($input: WebhookEndpointIdInput!) { sendTestWebhook(input: $input) { ${DELIVERY_FIELDS} } }`;
      const sent = await admin.send(SEND_TEST, { input: { id: endpoint.id } });
      expect(sent.errors).toBeUndefined();
      expect(sent.data!.sendTestWebhook).toMatchObject({ endpointId: endpoint.id, eventType: 'webhook.test', status: 'Pending', attempts: 0 });
      await eventually(async () => expect(r.of('webhook.test')).toHaveLength(1), 10_000);
      const hook = r.of('webhook.test')[0];
      expect(hook.json.data).toEqual({ endpointId: endpoint.id, message: 'A test event sent from the admin API' });
      expect(verifySignature(endpoint.secret, hook.body, hook.headers['evergreen-signature'] as string, Math.floor(Date.now() / 1000))).toBe(true);
      await eventually(async () => expect((await deliveries(endpoint.id))[0]).toMatchObject({ eventType: 'webhook.test', status: 'Succeeded' }), 10_000);
      expect((await deliveries(endpoint.id))[0].log).toEqual([expect.objectContaining({ isManual: true, isSuccess: true })]);

      await admin.send(DISABLE, { input: { id: endpoint.id } });
      const refused = await admin.send(SEND_TEST, { input: { id: endpoint.id } });
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ENDPOINT_DISABLED' });
      expect(await deliveries(endpoint.id)).toHaveLength(1);
      expect((await admin.send(SEND_TEST, { input: { id: '00000000-0000-4000-8000-000000000000' } })).errors?.[0].extensions.code).toBe('NOT_FOUND');
      const editor = t.admin(await t.login(await t.createUser({ role: Role.Editor })));
      expect((await editor.send(SEND_TEST, { input: { id: endpoint.id } })).errors?.[0].extensions.code).toBe('FORBIDDEN');
      const audit = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_entries WHERE subject_id = $1 AND action = 'webhook-endpoint.test-sent'`, [endpoint.id]);
      expect(audit[0].n).toBe(1);
    });

    it('redelivers on request with the same event id, logged as manual; not to a disabled endpoint', async () => {
      const r = await receiver();
      const endpoint = await register(r.url, ['ReleaseRecorded']);
      await t.dataSource.transaction((tx) => enqueueWebhookEvents(tx, [{ type: 'release.recorded', data: { again: true } }]));
      await eventually(async () => expect((await deliveries(endpoint.id))[0]?.status).toBe('Succeeded'), 10_000);
      const [delivery] = await deliveries(endpoint.id);

      const res = await admin.send(REDELIVER, { input: { deliveryId: delivery.id } });
      expect(res.data!.redeliverWebhook).toMatchObject({ id: delivery.id, status: 'Pending' });
      await eventually(async () => expect(r.received).toHaveLength(2), 10_000);
      expect(r.received[1].json.id).toBe(r.received[0].json.id);
      await eventually(async () => expect((await deliveries(endpoint.id))[0]).toMatchObject({ status: 'Succeeded', attempts: 2 }), 10_000);
      expect((await deliveries(endpoint.id))[0].log.map((entry) => [entry.attempt, entry.isManual])).toEqual([
        [2, true],
        [1, false],
      ]);

      await admin.send(DISABLE, { input: { id: endpoint.id } });
      const refused = await admin.send(REDELIVER, { input: { deliveryId: delivery.id } });
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ENDPOINT_DISABLED' });
    });

    it('pages the delivery log newest first and filters it by status', async () => {
      const r = await receiver();
      const endpoint = await register(r.url, ['ReleaseRecorded']);
      await t.dataSource.transaction((tx) => enqueueWebhookEvents(tx, [1, 2, 3].map((n) => ({ type: 'release.recorded' as const, data: { n } }))));
      await eventually(async () => expect(r.received).toHaveLength(3), 10_000);
      await eventually(async () => expect((await admin.send(DELIVERIES, { endpointId: endpoint.id, status: 'Succeeded' })).data!.webhookDeliveries.totalCount).toBe(3), 10_000);
      const first = (await admin.send(DELIVERIES, { endpointId: endpoint.id, first: 2 })).data!.webhookDeliveries;
      expect(first.edges.map((e: { node: Delivery }) => JSON.parse(e.node.payload).data.n)).toEqual([3, 2]);
      expect(first.pageInfo.hasNextPage).toBe(true);
      const second = (await admin.send(DELIVERIES, { endpointId: endpoint.id, first: 2, after: first.pageInfo.endCursor })).data!.webhookDeliveries;
      expect(second.edges.map((e: { node: Delivery }) => JSON.parse(e.node.payload).data.n)).toEqual([1]);
      expect((await admin.send(DELIVERIES, { endpointId: endpoint.id, status: 'Failed' })).data!.webhookDeliveries.totalCount).toBe(0);
      expect((await admin.send(DELIVERIES, { endpointId: endpoint.id, after: 'nonsense' })).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    });

    it('keeps events for WEBHOOK_RETENTION_DAYS, longer while still being delivered; the jobs are on /health', async () => {
      // Rows written directly: a disabled endpoint, so the worker leaves them alone.
      const endpoint = await register('https://hooks.example.com/retention', ['ReleaseRecorded']);
      await t.dataSource.query('UPDATE webhook_endpoints SET is_enabled = false WHERE id = $1', [endpoint.id]);
      await t.dataSource.query(
        `WITH ev AS (
           INSERT INTO webhook_events (id, type, occurred_at, data)
           SELECT gen_random_uuid(), 'release.recorded', now() - make_interval(days => days), jsonb_build_object('n', n)
           FROM (VALUES (1, 31), (2, 31), (3, 1)) AS v(n, days) RETURNING id, data)
         INSERT INTO webhook_deliveries (event_id, endpoint_id, status)
         SELECT ev.id, $1, CASE WHEN ev.data->>'n' = '1' THEN 'succeeded' ELSE 'pending' END FROM ev`,
        [endpoint.id],
      );

      expect(await t.app.get(WebhookDeliveryWorker).deleteExpired()).toBe(1);
      const left = await t.dataSource.query(`SELECT data->>'n' AS n FROM webhook_events ORDER BY 1`);
      expect(left).toEqual([{ n: '2' }, { n: '3' }]);
      const health = (await t.http().get('/health')).body.details.jobs.jobs;
      expect(health).toMatchObject({ 'webhook-delivery': { mode: 'loop', running: true }, 'webhook-retention': { mode: 'queue', running: true } });
      expect(health['webhook-delivery'].backlog).toEqual(expect.any(Number));
    });

    it('stores no event when no endpoint wants it', async () => {
      await register('https://hooks.example.com/x', ['ThreadSolved']);
      await kb.published(categoryId);
      expect(await count('webhook_events')).toBe(0);
    });
  });

  describe('surrogate keys', () => {
    it('tag delivery answers with the keys that webhook events purge', async () => {
      const r = await receiver();
      await register(r.url, ['ArticlePublished']);
      const article = await kb.published(categoryId, { title: 'Tagged article' });
      const query = `{ article(id: "${article.id}") { id title categoryId breadcrumbs { id name } } }`;
      const res = await t.http().get('/graphql').query({ query });
      expect(res.status).toBe(200);
      const keys = String(res.headers['surrogate-key']).split(' ');
      expect(keys).toEqual(expect.arrayContaining(['evergreen', `article:${article.id}`, `category:${categoryId}`]));
      expect(String(res.headers['cache-tag']).split(',')).toEqual(keys);

      await eventually(async () => expect(r.of('article.published')).toHaveLength(1), 10_000);
      expect(r.of('article.published')[0].json.purge.surrogateKeys).toContain(`article:${article.id}`);

      const list = await t.http().get('/graphql').query({ query: `{ articles(first: 5) { edges { node { id } } } }` });
      expect(String(list.headers['surrogate-key']).split(' ')).toEqual(expect.arrayContaining(['evergreen', 'articles', `article:${article.id}`]));
      const categories = await t.http().get('/graphql').query({ query: '{ categories { id } }' });
      expect(String(categories.headers['surrogate-key']).split(' ')).toEqual(expect.arrayContaining(['evergreen', 'articles', `category:${categoryId}`]));
      const revalidated = await t.http().get('/graphql').query({ query }).set('if-none-match', res.headers.etag);
      expect(revalidated.status).toBe(304);
      expect(revalidated.headers['surrogate-key']).toBe(res.headers['surrogate-key']);
    });

    it('are left off POST answers (no-store), errors, mutations and authenticated answers', async () => {
      const post = await t.http().post('/graphql').send({ query: '{ categories { id } }' });
      expect(post.status).toBe(200);
      expect(post.headers['surrogate-key']).toBeUndefined();
      const missing = await t.http().get('/graphql').query({ query: '{ article(id: "00000000-0000-4000-8000-000000000000") { id } }' });
      expect(missing.headers['surrogate-key']).toBeUndefined();
      const mutation = await t.http().post('/graphql').send({ query: 'mutation { recordArticleView(input: { articleId: "00000000-0000-4000-8000-000000000000" }) }' });
      expect(mutation.headers['surrogate-key']).toBeUndefined();
      const authed = await t.http().post('/graphql').set('authorization', 'Bearer x').send({ query: '{ categories { id } }' });
      expect(authed.headers['surrogate-key']).toBeUndefined();
    });
  });
});

describe('outgoing webhooks to a receiver that is down for a while', () => {
  // Retries spread over seconds rather than FAST's half second, so a loaded machine still sees the receiver come
  // back before the attempts run out.
  let t: TestApp;
  let admin: GraphqlClient;

  beforeAll(async () => {
    t = await createTestApp({ ...FAST, WEBHOOK_RETRY_BASE_MS: '500', WEBHOOK_RETRY_MAX_MS: '2000', WEBHOOK_MAX_ATTEMPTS: '12', WEBHOOK_DISABLE_AFTER_FAILURES: '20' });
    admin = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
  });
  afterAll(() => t.close());

  const attempts = async (): Promise<{ status: string; error: string | null; status_code: number | null }[]> =>
    t.dataSource.query(
      `SELECT d.status, a.error, a.status_code FROM webhook_deliveries d JOIN webhook_delivery_attempts a ON a.delivery_id = d.id ORDER BY a.id`,
    );

  it('retries an unreachable receiver and delivers when it comes back', async () => {
    const port = await closedPort();
    const res = await admin.send(CREATE, { input: { url: `http://127.0.0.1:${port}/hooks/evergreen`, eventTypes: ['ReleaseRecorded'] } });
    expect(res.errors).toBeUndefined();
    await t.dataSource.transaction((tx) => enqueueWebhookEvents(tx, [{ type: 'release.recorded', data: { version: 'back' } }]));
    await eventually(async () => expect((await attempts()).length).toBeGreaterThan(0), 10_000);
    expect((await attempts())[0]).toMatchObject({ status_code: null, error: expect.stringContaining('ECONNREFUSED') });

    const r = await new WebhookReceiver().start(port);
    try {
      await eventually(async () => expect((await attempts()).at(-1)).toMatchObject({ status: 'succeeded', error: null }), 30_000);
      expect(r.received.map((h) => h.json.data)).toEqual([{ version: 'back' }]);
    } finally {
      await r.stop();
    }
  });
});

describe('outgoing webhooks under the production SSRF policy', () => {
  let t: TestApp;
  let admin: GraphqlClient;

  beforeAll(async () => {
    t = await createTestApp({ ...FAST, WEBHOOK_BLOCK_PRIVATE_ADDRESSES: 'true', WEBHOOK_ALLOWED_PRIVATE_HOSTS: '127.0.0.2, 10.20.0.0/16' });
    admin = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
  });
  afterAll(() => t.close());

  it.each(['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://[::1]/hook', 'http://169.254.169.254/latest/meta-data', 'http://192.168.1.10/hook'])(
    'refuses %s with BAD_USER_INPUT',
    async (url) => {
      const res = await admin.send(CREATE, { input: { url } });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [expect.objectContaining({ field: 'url' })] });
      expect((await t.dataSource.query('SELECT count(*)::int AS n FROM webhook_endpoints'))[0].n).toBe(0);
    },
  );

  it('accepts internal addresses on the allow-list, and public hosts', async () => {
    for (const url of ['http://127.0.0.2:9000/hook', 'http://10.20.3.4/hook', 'https://hooks.example.com/hook']) {
      const res = await admin.send(CREATE, { input: { url } });
      expect(res.errors).toBeUndefined();
    }
  });

  it('refuses to connect to an internal address a host name resolves to', async () => {
    const r = await new WebhookReceiver().start();
    try {
      await t.dataSource.query(`INSERT INTO webhook_endpoints (url, secret, event_types) VALUES ($1, 'whsec_x', '{release.recorded}')`, [
        `http://localhost:${r.port}/hooks/evergreen`,
      ]);
      await t.dataSource.query(`DELETE FROM webhook_endpoints WHERE url NOT LIKE 'http://localhost:%'`);
      await t.dataSource.transaction((tx) => enqueueWebhookEvents(tx, [{ type: 'release.recorded', data: {} }]));
      await eventually(async () => {
        const [row] = await t.dataSource.query('SELECT error FROM webhook_delivery_attempts ORDER BY id LIMIT 1');
        expect(row?.error).toContain('resolves to an internal address');
      }, 10_000);
      expect(r.received).toEqual([]);
    } finally {
      await r.stop();
    }
  });
});

describe('outgoing webhooks in production without SECRETS_ENCRYPTION_KEY', () => {
  let t: TestApp;
  let admin: GraphqlClient;

  beforeAll(async () => {
    t = await createTestApp({ ...FAST, NODE_ENV: 'production', SECRETS_ENCRYPTION_KEY: '', WEBHOOK_BLOCK_PRIVATE_ADDRESSES: 'false' });
    admin = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
  });
  afterAll(() => t.close());

  it('refuses to create or rotate a signing secret (FAILED_PRECONDITION naming the setting) and writes nothing', async () => {
    const created = await admin.send(CREATE, { input: { url: 'https://hooks.example.com/hook' } });
    expect(created.errors?.[0]).toMatchObject({ message: expect.stringContaining('SECRETS_ENCRYPTION_KEY'), extensions: { code: 'FAILED_PRECONDITION', setting: 'SECRETS_ENCRYPTION_KEY' } });
    expect(created.data).toBeNull();
    expect((await t.dataSource.query('SELECT count(*)::int AS n FROM webhook_endpoints'))[0].n).toBe(0);
    expect((await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_entries WHERE action LIKE 'webhook-endpoint.%'`))[0].n).toBe(0);

    const [{ id }] = await t.dataSource.query(`INSERT INTO webhook_endpoints (url, secret) VALUES ('https://hooks.example.com/old', 'whsec_old') RETURNING id`);
    const rotated = await admin.send(ROTATE, { input: { id } });
    expect(rotated.errors?.[0].extensions.code).toBe('FAILED_PRECONDITION');
    expect((await t.dataSource.query('SELECT secret FROM webhook_endpoints WHERE id = $1', [id]))[0].secret).toBe('whsec_old');
  });
});
