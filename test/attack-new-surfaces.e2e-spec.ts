/**
 * Targeted attacks on the surfaces added for issues 10/14: asset uploads and delivery paths, draft preview
 * tokens (header and admin API), backward pagination cursors, webhook endpoints and redelivery, and the
 * /metrics label set. Every hostile input must get a client error with a stable code (never a 5xx or
 * INTERNAL_SERVER_ERROR), and a refused request must leave nothing behind.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { Role } from '../src/users/role.enum';
import { expectData, KnowledgeBaseFactory } from './factories/knowledge-base';
import { WebhookDeliveryWorker } from '../src/webhooks/webhook-delivery.worker';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';
import { eventually } from './support/eventually';
import { closedPort } from './support/webhook-receiver';

const CREATE_TOKEN = `mutation ($input: CreatePreviewTokenInput!) { createPreviewToken(input: $input) { token previewToken { id label } } }`;
const REVOKE_TOKEN = `mutation ($input: PreviewTokenIdInput!) { revokePreviewToken(input: $input) { id revokedAt isActive } }`;
const CREATE_WEBHOOK = `mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id url } } }`;
const DELIVERIES = `query ($endpointId: ID!) { webhookDeliveries(endpointId: $endpointId, first: 10) { edges { node { id status attempts log { isManual } } } } }`;
const DELIVERIES_WITH_BODY = `query ($endpointId: ID!) { webhookDeliveries(endpointId: $endpointId, first: 10) { edges { node { id status attempts log { statusCode responseBody error } } } } }`;
const REDELIVER = `mutation ($input: RedeliverWebhookInput!) { redeliverWebhook(input: $input) { id status } }`;
const ARTICLE = `query ($slug: String, $locale: String) { article(slug: $slug, locale: $locale) { id title isPreview } }`;
const BAD_STRINGS = ['a\u0000b', 'x\ud800y', '\udc00', 'ok\ud83d'];

interface Raw {
  status: number;
  text: string;
}

function codesOf(text: string): string[] {
  return [...text.matchAll(/"code":"([A-Z_]+)"/g)].map((m) => m[1]);
}

/** A client error with a stable code: never a 5xx, never INTERNAL_SERVER_ERROR. */
function expectClientError(res: Raw, code?: string): void {
  expect(res.status).toBeLessThan(500);
  expect(res.text).not.toContain('INTERNAL_SERVER_ERROR');
  if (code) expect(codesOf(res.text)).toContain(code);
}

/** One multipart body written by hand, so that file names and values can carry what clients refuse to send. */
function multipart(parts: { name: string; filename?: string; value: Buffer | string }[], boundary = 'attackBoundary7MA4YWxk'): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename !== undefined ? 'content-type: application/octet-stream\r\n' : '';
    chunks.push(Buffer.from(`--${boundary}\r\ncontent-disposition: ${disposition}\r\n${type}\r\n`, 'utf8'));
    chunks.push(typeof part.value === 'string' ? Buffer.from(part.value, 'utf8') : part.value);
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** An HTTP/1.1 request written to the socket as bytes (header values a client library would refuse). */
async function rawHttp(port: number, head: Buffer): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
    socket.write(head);
  });
}

describe('attacks on the new surfaces', () => {
  let t: TestApp;
  let dataDir: string;
  let editorToken: string;
  let adminToken: string;
  let editor: GraphqlClient;
  let admin: GraphqlClient;
  let kb: KnowledgeBaseFactory;
  let categoryId: string;
  let port: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'evergreen-attack-'));
    t = await createTestApp({
      DATA_DIR: dataDir,
      ASSET_MAX_BYTES: '200000',
      // 20 uploads at once race on one content hash here; the limit on concurrent uploads has its own spec (assets audit).
      ASSET_MAX_CONCURRENT_UPLOADS: '20',
      WEBHOOK_BLOCK_PRIVATE_ADDRESSES: 'true',
      WEBHOOK_ALLOWED_PRIVATE_HOSTS: '127.0.0.2',
      WEBHOOK_TIMEOUT_MS: '400',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_RETRY_MAX_MS: '200',
      WEBHOOK_MAX_ATTEMPTS: '1',
    });
    editorToken = await t.login(await t.createUser({ role: Role.Editor }));
    adminToken = await t.login(await t.createUser({ role: Role.Admin }));
    editor = t.admin(editorToken);
    admin = t.admin(adminToken);
    kb = new KnowledgeBaseFactory(editor);
    categoryId = (await kb.category('Attacks')).id;
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as { port: number }).port;
  });
  afterAll(async () => {
    await t.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const count = async (table: string): Promise<number> => (await t.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  async function storedFiles(): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else found.push(full);
      }
    };
    await walk(dataDir);
    return found;
  }

  async function post(form: { body: Buffer; contentType: string }): Promise<Raw & { body: any }> {
    const res = await t.http().post('/admin/assets').set('authorization', `Bearer ${editorToken}`).set('content-type', form.contentType).send(form.body);
    return { status: res.status, text: res.text, body: res.body };
  }

  let colour = 0;
  async function freshPng(): Promise<Buffer> {
    colour += 1;
    return sharp({ create: { width: 4, height: 4, channels: 3, background: { r: colour % 256, g: Math.floor(colour / 256), b: 7 } } }).png().toBuffer();
  }

  describe('multipart uploads', () => {
    it('refuses NUL and unpaired surrogates in the alt field, storing neither a row nor a file', async () => {
      const assetsBefore = await count('assets');
      const filesBefore = (await storedFiles()).length;
      for (const alt of ['cat\u0000dog', '\u0000']) {
        const res = await post(multipart([{ name: 'alt', value: alt }, { name: 'file', filename: 'cat.png', value: await freshPng() }]));
        expectClientError(res, 'BAD_USER_INPUT');
        expect(res.status).toBe(400);
      }
      // An unpaired surrogate cannot travel as UTF-8; its CESU-8 bytes arrive as replacement characters.
      const cesu = await post(multipart([{ name: 'alt', value: Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x62]) }, { name: 'file', filename: 'cat.png', value: await freshPng() }]));
      expectClientError(cesu);
      if (cesu.status === 201) {
        expect(cesu.body.asset.alt).not.toMatch(/[\ud800-\udfff]/);
        await t.dataSource.query('DELETE FROM assets WHERE id = $1', [cesu.body.asset.id]);
      }
      expect(await count('assets')).toBe(assetsBefore);
      expect(cesu.status === 201 || (await storedFiles()).length === filesBefore).toBe(true);
    });

    it('refuses NUL in articleId and an unknown article without keeping the upload', async () => {
      const assetsBefore = await count('assets');
      const nul = await post(multipart([{ name: 'articleId', value: '00000000-0000-0000-0000-00000000000\u0000' }, { name: 'file', filename: 'a.png', value: await freshPng() }]));
      expectClientError(nul, 'BAD_USER_INPUT');
      const unknown = await post(multipart([{ name: 'articleId', value: '00000000-0000-4000-8000-000000000000' }, { name: 'file', filename: 'a.png', value: await freshPng() }]));
      expectClientError(unknown, 'NOT_FOUND');
      expect(await count('assets')).toBe(assetsBefore);
    });

    it('cleans a file name with ../, NUL and control characters', async () => {
      const res = await post(multipart([{ name: 'file', filename: '../../etc/pa\u0000ss\u0007wd.png', value: await freshPng() }]));
      expect(res.status).toBe(201);
      expect(res.body.asset.filename).not.toMatch(/[\u0000-\u001f/\\]/);
      expect(res.body.asset.filename).not.toContain('..\u002f');
      for (const file of await storedFiles()) expect(path.relative(dataDir, file).startsWith('..')).toBe(false);
    });

    it('shortens a long file name without splitting a character in two', async () => {
      const res = await post(multipart([{ name: 'file', filename: `${'a'.repeat(199)}\u{1f600}\u{1f600}.png`, value: await freshPng() }]));
      expectClientError(res);
      expect(res.status).toBe(201);
      // Cut to 200 characters with the extension kept (docs/assets.md, "Download names").
      expect(res.body.asset.filename).toBe(`${'a'.repeat(196)}.png`);
      const huge = await post(multipart([{ name: 'file', filename: `${'\u{1f600}'.repeat(5000)}.png`, value: await freshPng() }]));
      expectClientError(huge);
    });

    it('20 parallel uploads of the same bytes store one asset and answer 201 once', async () => {
      const bytes = await freshPng();
      const form = multipart([{ name: 'file', filename: 'same.png', value: bytes }]);
      const answers = await Promise.all(Array.from({ length: 20 }, () => post(form)));
      for (const res of answers) expectClientError(res);
      expect(answers.filter((res) => res.status === 201)).toHaveLength(1);
      expect(answers.filter((res) => res.status === 200)).toHaveLength(19);
      expect(new Set(answers.map((res) => res.body.asset.id)).size).toBe(1);
    });

    it('refuses 1,000 fields, two file parts, an empty file and unknown fields with BAD_USER_INPUT', async () => {
      const assetsBefore = await count('assets');
      const many = Array.from({ length: 1000 }, (_, i) => ({ name: i % 2 ? 'alt' : `f${i}`, value: 'x' }));
      expectClientError(await post(multipart([...many, { name: 'file', filename: 'a.png', value: await freshPng() }])), 'BAD_USER_INPUT');
      expectClientError(await post(multipart([{ name: 'alt', value: 'a' }, { name: 'alt', value: 'b' }, { name: 'alt', value: 'c' }, { name: 'file', filename: 'a.png', value: await freshPng() }])), 'BAD_USER_INPUT');
      const two = await post(multipart([{ name: 'file', filename: 'a.png', value: await freshPng() }, { name: 'file', filename: 'b.png', value: await freshPng() }]));
      expectClientError(two, 'BAD_USER_INPUT');
      expectClientError(await post(multipart([{ name: 'file', filename: 'empty.png', value: Buffer.alloc(0) }])), 'BAD_USER_INPUT');
      expectClientError(await post(multipart([{ name: 'fi\u0000le', filename: 'a.png', value: await freshPng() }])), 'BAD_USER_INPUT');
      expect(await count('assets')).toBe(assetsBefore);
    });

    it('answers a truncated or boundary-less body with a client error', async () => {
      const form = multipart([{ name: 'file', filename: 'a.png', value: await freshPng() }]);
      expectClientError(await post({ body: form.body.subarray(0, form.body.length - 30), contentType: form.contentType }), 'BAD_USER_INPUT');
      expectClientError(await post({ body: form.body, contentType: 'multipart/form-data' }));
      expectClientError(await post({ body: form.body, contentType: 'multipart/form-data; boundary=other' }));
    });
  });

  describe('asset delivery paths', () => {
    it('answers encoded traversal, NUL and oversized paths with 404', async () => {
      const hash = 'a'.repeat(64);
      for (const p of [
        '/assets/%2e%2e/%2e%2e',
        '/assets/%2e%2e%2f%2e%2e/etc%2fpasswd',
        `/assets/${hash}/%2e%2e%2f%2e%2e%2fpackage.json`,
        `/assets/${hash}/original.png%00.txt`,
        `/assets/${hash}%00/original.png`,
        `/assets/..%2f..%2f/original.png`,
        `/assets/${hash}/..%5c..%5coriginal.png`,
        `/assets/${hash}/${'x'.repeat(5000)}`,
        `/assets/${hash}/%ff%fe`,
        `/assets/${hash}/%`,
      ]) {
        const res = await t.http().get(p);
        expectClientError({ status: res.status, text: res.text });
        expect([400, 404, 414]).toContain(res.status);
      }
    });
  });

  describe('preview tokens', () => {
    it('answers hostile X-Preview-Token headers with a client error', async () => {
      const article = await kb.published(categoryId, { title: 'Header attacks' });
      const query = JSON.stringify({ query: ARTICLE, variables: { slug: 'header-attacks', locale: 'en' } });
      const send = (value: Buffer): Promise<Raw> =>
        rawHttp(
          port,
          Buffer.concat([
            Buffer.from(`POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(query)}\r\nx-preview-token: `),
            value,
            Buffer.from(`\r\n\r\n${query}`),
          ]),
        );
      for (const value of [
        Buffer.from('egpv_' + 'A'.repeat(100_000)),
        Buffer.from('egpv_' + 'A'.repeat(10_000)),
        Buffer.from('egpv_abc\u0000def', 'latin1'),
        Buffer.from('egpv_élan-ünïcödé-😀', 'utf8'),
        Buffer.from([0x65, 0x67, 0x70, 0x76, 0x5f, 0xff, 0xfe, 0x80]),
        Buffer.from(''),
        Buffer.from('   '),
      ]) {
        const res = await send(value);
        expectClientError(res);
        // 431 from the HTTP parser for an oversized header, 400 for a NUL; else the GraphQL error of a bad token.
        if (res.status === 200) expect(codesOf(res.text)).toEqual(['UNAUTHENTICATED']);
        else expect([400, 431]).toContain(res.status);
        expect(res.text).not.toContain('SECRET');
      }
      expect(article.id).toBeDefined();
    });

    it('refuses out-of-range lifetimes and hostile labels', async () => {
      const article = await kb.published(categoryId, { title: 'Token ranges' });
      for (const expiresInSeconds of [1e9, -1, 0, 59, 7 * 24 * 3600 + 1, 2 ** 31, 1.5]) {
        const res = await editor.send(CREATE_TOKEN, { input: { articleId: article.id, expiresInSeconds } });
        expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      }
      for (const label of [...BAD_STRINGS, 'x'.repeat(201)]) {
        const res = await editor.send(CREATE_TOKEN, { input: { articleId: article.id, label } });
        expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      }
    });

    it('50 parallel revocations of one token: all answer, one revocation is recorded', async () => {
      const article = await kb.published(categoryId, { title: 'Parallel revoke' });
      const created = expectData<{ previewToken: { id: string } }>(await editor.send(CREATE_TOKEN, { input: { articleId: article.id } }), 'createPreviewToken');
      const id = created.previewToken.id;
      const answers = await Promise.all(Array.from({ length: 50 }, () => editor.send(REVOKE_TOKEN, { input: { id } })));
      for (const res of answers) expect(res.errors).toBeUndefined();
      expect(new Set(answers.map((res) => res.data?.revokePreviewToken.revokedAt)).size).toBe(1);
      const audits = await t.dataSource.query(`SELECT count(*)::int AS n FROM audit_entries WHERE action = 'preview-token.revoke' AND subject_id = $1`, [id]);
      expect(audits[0].n).toBe(1);

      const minted = await Promise.all(Array.from({ length: 50 }, () => editor.send(CREATE_TOKEN, { input: { articleId: article.id } })));
      for (const res of minted) expect(res.errors).toBeUndefined();
      expect(new Set(minted.map((res) => res.data?.createPreviewToken.token)).size).toBe(50);
    });
  });

  describe('SEO and asset text through GraphQL', () => {
    it('refuses NUL, unpaired surrogates and non-http URLs in SEO fields and alt text, writing nothing', async () => {
      const CREATE = `mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id } }`;
      const DESCRIBE = `mutation ($input: DescribeAssetInput!) { describeAsset(input: $input) { id alt } }`;
      const categories = await count('categories');
      const translation = (extra: Record<string, unknown>) => ({ translations: [{ locale: 'en', name: 'SEO attack', ...extra }] });
      const attempts: Record<string, unknown>[] = [];
      for (const bad of BAD_STRINGS) {
        attempts.push(translation({ seoTitle: bad }), translation({ seoDescription: bad }), translation({ ogImageUrl: `https://example.com/${bad}.png` }), { ...translation({}), robots: bad });
      }
      for (const url of ['javascript:alert(1)', 'data:image/png;base64,AAAA', 'file:///etc/passwd', '//example.com/x.png', 'https://' + 'a'.repeat(2100) + '.com/']) {
        attempts.push(translation({ ogImageUrl: url }));
      }
      attempts.push({ ...translation({}), robots: 'noindex,nofollow,noarchive,' + 'x'.repeat(5000) });
      const failures: string[] = [];
      for (const input of attempts) {
        const res = await editor.send(CREATE, { input });
        if (res.errors?.[0].extensions.code !== 'BAD_USER_INPUT') failures.push(`${JSON.stringify(input).slice(0, 120)} → ${res.status} ${res.errors?.[0].extensions.code ?? 'accepted'}`);
      }
      expect(failures).toEqual([]);
      expect(await count('categories')).toBe(categories);

      const uploaded = await post(multipart([{ name: 'alt', value: 'before' }, { name: 'file', filename: 'd.png', value: await freshPng() }]));
      for (const alt of [...BAD_STRINGS, 'x'.repeat(1001)]) {
        expect((await editor.send(DESCRIBE, { input: { assetId: uploaded.body.asset.id, alt } })).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      }
      expect((await t.dataSource.query('SELECT alt FROM assets WHERE id = $1', [uploaded.body.asset.id]))[0].alt).toBe('before');
    });
  });

  describe('backward pagination', () => {
    it('refuses out-of-range last and forged or oversized before cursors on every delivery connection', async () => {
      const member = t.delivery(await t.login(await t.createUser({ role: Role.Member })));
      const connections = ['articles', 'threads', 'sitemap', 'threadSitemap', 'notifications'];
      const forged = [
        'x',
        'AAAA',
        Buffer.from('["2026-01-01T00:00:00Z","not-a-uuid"]').toString('base64url'),
        Buffer.from('["not-a-date","00000000-0000-4000-8000-000000000000"]').toString('base64url'),
        Buffer.from('[1e400,{}]').toString('base64url'),
        Buffer.from('{"__proto__":1}').toString('base64url'),
        Buffer.from('["+275760-09-13T00:00:00.000Z","00000000-0000-4000-8000-000000000000",1,2,3]').toString('base64url'),
        'A'.repeat(100_000),
      ];
      for (const field of connections) {
        const query = `query ($last: Int, $before: String, $first: Int) { ${field}(last: $last, before: $before, first: $first) { pageInfo { hasPreviousPage } } }`;
        for (const last of [1e9, -1, 0, 101, 2 ** 31 - 1]) {
          const res = await member.send(query, { last });
          expect(res.status).toBeLessThan(500);
          expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
        }
        const both = await member.send(query, { last: 2, first: 2 });
        expect(both.status).toBeLessThan(500);
        for (const before of forged) {
          const res = await member.send(query, { last: 5, before });
          expect(res.status).toBeLessThan(500);
          expect(JSON.stringify(res.errors ?? [])).not.toContain('INTERNAL_SERVER_ERROR');
          if (res.errors) expect(['BAD_USER_INPUT', 'PAYLOAD_TOO_LARGE']).toContain(res.errors[0].extensions.code);
        }
      }
    });
  });

  describe('forged cursors on the new admin lists', () => {
    const cursor = (parts: unknown[]): string => Buffer.from(JSON.stringify(parts)).toString('base64url');
    const forged = [
      cursor(['2026-01-01T00:00:00.000Z', 'not-a-uuid']),
      cursor(['not-a-date', '00000000-0000-4000-8000-000000000000']),
      cursor(['+275760-09-13T00:00:00.000Z', '00000000-0000-4000-8000-000000000000']),
      cursor([1e308, -1]),
      cursor(['2026-01-01T00:00:00.000Z\u0000', '00000000-0000-4000-8000-000000000000']),
      cursor(['', '']),
      cursor(['not-a-uuid']),
      cursor(['abc']),
      cursor([1.5]),
      cursor(['1', '2', '3']),
      'A'.repeat(100_000),
    ];

    it.each([
      ['previewTokens', 'query ($after: String) { previewTokens(after: $after, includeInactive: true) { totalCount } }', {}],
      ['assets', 'query ($after: String) { assets(after: $after) { totalCount } }', {}],
      ['webhookDeliveries', 'query ($after: String, $endpointId: ID!) { webhookDeliveries(after: $after, endpointId: $endpointId) { totalCount } }', { endpointId: 'endpoint' }],
      ['articles', 'query ($after: String) { articles(after: $after) { totalCount } }', {}],
      ['articlesDueForReview', 'query ($after: String) { articlesDueForReview(after: $after) { totalCount } }', {}],
      ['outdatedTranslations', 'query ($after: String) { outdatedTranslations(after: $after) { totalCount } }', {}],
      ['articleRevisions', 'query ($after: String, $articleId: ID!) { articleRevisions(after: $after, articleId: $articleId, locale: "en") { totalCount } }', { articleId: 'article' }],
      ['articleFeedbackComments', 'query ($after: String, $articleId: ID!) { articleFeedbackComments(after: $after, articleId: $articleId) { totalCount } }', { articleId: 'article' }],
      ['auditLog', 'query ($after: String) { auditLog(after: $after) { totalCount } }', {}],
      ['moderationQueue', 'query ($after: String) { moderationQueue(after: $after) { __typename } }', {}],
      ['products', 'query ($after: String) { products(after: $after) { totalCount } }', {}],
      ['users', 'query ($after: String) { users(after: $after) { totalCount } }', {}],
    ])('%s refuses forged after cursors with BAD_USER_INPUT', async (_name, query, extra) => {
      let variables: Record<string, unknown> = { ...extra };
      if ('articleId' in extra) variables = { articleId: (await kb.published(categoryId, { title: `Cursor target ${_name}` })).id };
      if ('endpointId' in extra) {
        const created = await admin.send(CREATE_WEBHOOK, { input: { url: 'https://hooks.example.com/cursor' } });
        variables = { endpointId: created.data!.createWebhookEndpoint.endpoint.id };
      }
      // A forged cursor of the right shape may simply select a page; anything else is BAD_USER_INPUT, never a 500.
      const failures: string[] = [];
      for (const after of forged) {
        const res = await admin.send(query, { ...variables, after });
        const code = res.errors?.[0].extensions.code ?? 'accepted';
        if (res.status >= 500 || !['BAD_USER_INPUT', 'accepted'].includes(code)) failures.push(`${Buffer.from(after, 'base64url').toString().slice(0, 60)} → ${res.status} ${code}`);
      }
      expect(failures).toEqual([]);
    });
  });

  describe('webhooks', () => {
    it('refuses NUL and unpaired surrogates in URL and description, and the API itself as a target', async () => {
      const before = await count('webhook_endpoints');
      for (const bad of BAD_STRINGS) {
        expect((await admin.send(CREATE_WEBHOOK, { input: { url: `https://hooks.example.com/${bad}` } })).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
        expect((await admin.send(CREATE_WEBHOOK, { input: { url: 'https://hooks.example.com/x', description: bad } })).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      }
      for (const url of [
        `http://127.0.0.1:${port}/admin/graphql`,
        `http://localhost:${port}/graphql`,
        `http://[::1]:${port}/graphql`,
        `http://[::ffff:127.0.0.1]:${port}/graphql`,
        `http://2130706433:${port}/graphql`,
        `http://0x7f.1:${port}/graphql`,
        `http://0.0.0.0:${port}/graphql`,
        `http://127.0.0.1.:${port}/graphql`,
        `http://[0:0:0:0:0:ffff:7f00:1]:${port}/graphql`,
        `http://017700000001:${port}/graphql`,
        `http://127.1:${port}/graphql`,
        'file:///etc/passwd',
        'gopher://127.0.0.1:6379/_FLUSHALL',
        `http://user:pass@hooks.example.com/`,
        'https://hooks.example.com/' + 'x'.repeat(5000),
      ]) {
        const res = await admin.send(CREATE_WEBHOOK, { input: { url } });
        expect(res.status).toBeLessThan(500);
        expect([url, res.errors?.[0].extensions.code]).toEqual([url, 'BAD_USER_INPUT']);
      }
      expect(await count('webhook_endpoints')).toBe(before);
    });

    it('records the answer of a receiver whose body holds NUL bytes and broken UTF-8', async () => {
      const hostile = createServer((req, res) => {
        req.resume();
        req.on('end', () => res.writeHead(500, { 'content-type': 'text/plain' }).end(Buffer.from([0x62, 0x61, 0x64, 0x00, 0xed, 0xa0, 0x80, 0x00, 0x21])));
      });
      await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.2', resolve));
      try {
        const hostilePort = (hostile.address() as AddressInfo).port;
        const created = await admin.send(CREATE_WEBHOOK, { input: { url: `http://127.0.0.2:${hostilePort}/hook`, eventTypes: ['ArticlePublished'] } });
        const endpointId = created.data!.createWebhookEndpoint.endpoint.id as string;
        await kb.published(categoryId, { title: 'Answered with NUL' });
        await eventually(async () => {
          const res = await admin.send(DELIVERIES_WITH_BODY, { endpointId });
          const [delivery] = res.data!.webhookDeliveries.edges.map((e: { node: any }) => e.node);
          expect(delivery).toMatchObject({ status: 'Failed', attempts: 1 });
          expect(delivery.log[0].statusCode).toBe(500);
          expect(delivery.log[0].responseBody).toMatch(/^bad.*!$/);
          expect(delivery.log[0].responseBody).not.toContain('\u0000');
        }, 10_000);
      } finally {
        hostile.closeAllConnections();
        await new Promise((resolve) => hostile.close(resolve));
      }
    });

    it('parallel redeliveries of one delivery coalesce into exactly one extra attempt', async () => {
      const port2 = await closedPort();
      const created = await admin.send(CREATE_WEBHOOK, { input: { url: `http://127.0.0.2:${port2}/hook`, eventTypes: ['ArticlePublished'] } });
      const endpointId = created.data!.createWebhookEndpoint.endpoint.id as string;
      await kb.published(categoryId, { title: 'Redelivered in parallel' });
      const list = async (): Promise<{ id: string; status: string; attempts: number; log: { isManual: boolean }[] }[]> =>
        (await admin.send(DELIVERIES, { endpointId })).data!.webhookDeliveries.edges.map((e: { node: unknown }) => e.node);
      await eventually(async () => expect((await list())[0]?.status).toBe('Failed'), 10_000);
      const [delivery] = await list();

      const worker = t.app.get(WebhookDeliveryWorker);
      await worker.stop();
      const answers = await Promise.all(Array.from({ length: 20 }, () => admin.send(REDELIVER, { input: { deliveryId: delivery.id } })));
      for (const res of answers) expect(res.errors).toBeUndefined();
      worker.start();
      await eventually(async () => expect((await list())[0]).toMatchObject({ status: 'Failed', attempts: 2 }), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const [after] = await list();
      expect(after.attempts).toBe(2);
      expect(after.log.filter((entry) => entry.isManual)).toHaveLength(1);
    });
  });

  describe('/metrics', () => {
    const seriesOf = (text: string): number => text.split('\n').filter((line) => line.startsWith('evergreen_graphql_request_duration_seconds')).length;

    it('keeps the series count bounded under 400 distinct operation names (twice the cap)', async () => {
      for (let i = 0; i < 400; i += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, j) => t.delivery().send(`query Op${i + j} { __typename }`)));
      }
      const hostileNames = (prefix: string) => Promise.all(Array.from({ length: 20 }, (_, j) => t.http().post('/graphql').send({ query: '{ __typename }', operationName: `${prefix}\u0000${j}` })));
      await hostileNames('a');
      const filled = (await t.http().get('/metrics').expect(200)).text;
      // At most OPERATION_NAMES_PER_API (200) names per API plus (anonymous)/(other), each with 12 buckets, +Inf, sum and count.
      expect(seriesOf(filled)).toBeLessThanOrEqual(2 * 2 * 202 * 15);
      expect(filled).toContain('operation="(other)"');
      // 200 further new names, some not GraphQL names at all: not one series more.
      await hostileNames('b');
      for (let i = 0; i < 200; i += 50) {
        await Promise.all(Array.from({ length: 50 }, (_, j) => t.delivery().send(`query Late${i + j} { __typename }`)));
      }
      const later = (await t.http().get('/metrics').expect(200)).text;
      expect(seriesOf(later)).toBe(seriesOf(filled));
      expect(later).not.toContain('\u0000');
      expect(later).not.toContain('Late1');
    }, 180_000);
  });
});
