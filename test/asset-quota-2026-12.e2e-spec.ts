import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { AssetEntity } from '../src/assets/entities/asset.entity';
import { Role } from '../src/users/role.enum';
import { expectData, KnowledgeBaseFactory } from './factories/knowledge-base';
import { createTestApp, GraphqlResponse, TestApp } from './support/create-test-app';

const QUOTA = 10_000;
const FILE_BYTES = 1000;
const DELETE = 'mutation ($input: DeleteAssetInput!) { deleteAsset(input: $input) { id } }';
const ATTACH = 'mutation ($input: ArticleAssetInput!) { attachAssetToArticle(input: $input) { id } }';
const DETACH = 'mutation ($input: ArticleAssetInput!) { detachAssetFromArticle(input: $input) { id } }';
const CREATE_TOKEN = 'mutation ($input: CreatePreviewTokenInput!) { createPreviewToken(input: $input) { previewToken { id isActive } } }';
const TOKENS = 'query { previewTokens(includeInactive: true, first: 100) { edges { node { id isActive } } } }';
const DEACTIVATE = 'mutation ($input: UserIdInput!) { deactivateUser(input: $input) { id isActive } }';
const CHANGE_ROLE = 'mutation ($input: ChangeUserRoleInput!) { changeUserRole(input: $input) { id role } }';

/** A text attachment of exactly FILE_BYTES bytes, stored as it is (one file of that size). */
function textFile(): Buffer {
  return Buffer.from(randomBytes(FILE_BYTES / 2).toString('hex'));
}

function errorOf(res: GraphqlResponse): { code: unknown; reason?: unknown } {
  const extensions = res.errors?.[0]?.extensions as { code?: unknown; reason?: unknown } | undefined;
  return extensions ? { code: extensions.code, ...(extensions.reason !== undefined ? { reason: extensions.reason } : {}) } : { code: 'ok' };
}

/** Follow-ups of the December 2026 asset audits: a storage quota, preview tokens of staff who left, detaching from a deleted article. */
describe('asset quota 2026-12', () => {
  let t: TestApp;
  let dataDir: string;
  let editorToken: string;
  let adminToken: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'evergreen-asset-quota-'));
    t = await createTestApp({ DATA_DIR: dataDir, ASSET_STORAGE_QUOTA_BYTES: String(QUOTA), ASSET_MAX_CONCURRENT_UPLOADS: '20', DB_POOL_SIZE: '30', DB_POOL_ACQUIRE_TIMEOUT_MS: '30000' });
    editorToken = await t.login(await t.createUser({ role: Role.Editor }));
    adminToken = await t.login(await t.createUser({ role: Role.Admin }));
  });

  afterAll(async () => {
    await t.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function upload(bytes: Buffer, filename: string): request.Test {
    return request(t.app.getHttpServer())
      .post('/admin/assets')
      .set('authorization', `Bearer ${editorToken}`)
      .attach('file', bytes, { filename, contentType: 'application/octet-stream' });
  }

  async function bytesOnDisk(): Promise<number> {
    const root = path.join(dataDir, 'assets');
    let total = 0;
    for (const hash of await readdir(root).catch(() => [] as string[])) {
      for (const file of await readdir(path.join(root, hash))) total += (await stat(path.join(root, hash, file))).size;
    }
    return total;
  }

  describe('storage quota (ASSET_STORAGE_QUOTA_BYTES)', () => {
    it('holds under 20 parallel uploads of distinct files near the limit: what is stored never exceeds the quota', async () => {
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => upload(textFile(), `parallel-${i}.txt`)));

      const statuses = answers.map((res) => res.status).sort();
      expect(statuses).toEqual([...Array(10).fill(201), ...Array(10).fill(413)]);
      for (const res of answers.filter((r) => r.status === 413)) {
        expect(res.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', quotaBytes: QUOTA });
      }
      expect(await bytesOnDisk()).toBeLessThanOrEqual(QUOTA);
      expect(await t.dataSource.manager.count(AssetEntity)).toBe(10);
    });

    it('refuses a new file at the quota before writing it, while the same bytes again cost nothing', async () => {
      const before = await bytesOnDisk();
      const refused = await upload(textFile(), 'one-too-many.txt');
      expect(refused.status).toBe(413);
      expect(refused.body.error).toMatchObject({ code: 'QUOTA_EXCEEDED', quotaBytes: QUOTA, usedBytes: QUOTA, neededBytes: FILE_BYTES });
      expect(await bytesOnDisk()).toBe(before);
      expect(await t.dataSource.manager.count(AssetEntity)).toBe(10);

      const stored = await t.dataSource.manager.findOneOrFail(AssetEntity, { where: {}, order: { createdAt: 'ASC' } });
      const [original] = await readdir(path.join(dataDir, 'assets', stored.sha256));
      const again = await upload(await readFile(path.join(dataDir, 'assets', stored.sha256, original)), 'again.txt');
      expect(again.status).toBe(200);
      expect(again.body.created).toBe(false);
    });

    it('gives the bytes of a deleted asset back', async () => {
      const stored = await t.dataSource.manager.findOneOrFail(AssetEntity, { where: {}, order: { createdAt: 'ASC' } });
      expectData(await t.admin(editorToken).send(DELETE, { input: { assetId: stored.id } }), 'deleteAsset');
      const next = await upload(textFile(), 'after-delete.txt');
      expect(next.status).toBe(201);
      expect(await upload(textFile(), 'full-again.txt')).toMatchObject({ status: 413 });
      expect(await bytesOnDisk()).toBe(QUOTA);
      const usage = expectData(await t.admin(editorToken).send('{ assetStorageUsage { usedBytes quotaBytes } }'), 'assetStorageUsage');
      expect(usage).toEqual({ usedBytes: QUOTA, quotaBytes: QUOTA });
    });

    it('counts what is stored, and the migration backfills the count from the existing assets', async () => {
      const used = async (): Promise<number> => Number(((await t.dataSource.query('SELECT used_bytes::text AS n FROM asset_storage_usage')) as { n: string }[])[0].n);
      expect(await used()).toBe(await bytesOnDisk());
      await t.dataSource.query('DROP TABLE asset_storage_usage');
      await t.dataSource.query(`DELETE FROM migrations WHERE name = 'AssetStorageUsage1765510000000'`);
      await t.dataSource.runMigrations();
      expect(await used()).toBe(await bytesOnDisk());
    });
  });

  describe('previewTokens of editors who left', () => {
    it.each([
      ['deactivated', (id: string) => t.admin(adminToken).send(DEACTIVATE, { input: { userId: id } }), 'deactivateUser'],
      ['demoted to moderator', (id: string) => t.admin(adminToken).send(CHANGE_ROLE, { input: { userId: id, role: 'Moderator' } }), 'changeUserRole'],
    ] as const)('list the tokens of an editor who was %s as inactive, as they are refused at use', async (_case, leave, field) => {
      const editor = await t.createUser({ role: Role.Editor });
      const token = await t.login(editor);
      const created = expectData(await t.admin(token).send(CREATE_TOKEN, { input: { locale: 'en' } }), 'createPreviewToken') as { previewToken: { id: string; isActive: boolean } };
      expect(created.previewToken.isActive).toBe(true);
      expectData(await leave(editor.user.id), field);

      const listed = expectData(await t.admin(adminToken).send(TOKENS), 'previewTokens') as { edges: { node: { id: string; isActive: boolean } }[] };
      expect(listed.edges.find((e) => e.node.id === created.previewToken.id)?.node.isActive).toBe(false);
    });
  });

  describe('metrics of requests the client left', () => {
    it('counts a request closed by its client before an answer, by route', async () => {
      const server = t.app.getHttpServer();
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const aborted = async (): Promise<number> => {
        const text = (await request(server).get('/metrics')).text;
        const line = text.split('\n').find((l) => l.startsWith('evergreen_http_requests_aborted_total{method="POST",route="/admin/assets"}'));
        return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
      };
      const before = await aborted();
      // Headers and the start of a body, then the client goes away: onResponse never runs for it.
      const socket = connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(`POST /admin/assets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${editorToken}\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 100000\r\n\r\n--x\r\n`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      socket.destroy();

      let after = before;
      for (let i = 0; i < 50 && after === before; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        after = await aborted();
      }
      expect(after).toBe(before + 1);
    });
  });

  describe('detachAssetFromArticle', () => {
    it('refuses a soft-deleted article with CONFLICT ARTICLE_DELETED and keeps the link', async () => {
      const kb = new KnowledgeBaseFactory(t.admin(editorToken));
      const article = await kb.draft((await kb.category('Detach deleted')).id, { title: 'Detached after deletion' });
      const asset = await t.dataSource.manager.findOneOrFail(AssetEntity, { where: {}, order: { createdAt: 'DESC' } });
      expectData(await t.admin(editorToken).send(ATTACH, { input: { assetId: asset.id, articleId: article.id } }), 'attachAssetToArticle');
      await kb.deleted(article);

      const res = await t.admin(editorToken).send(DETACH, { input: { assetId: asset.id, articleId: article.id } });

      expect(errorOf(res)).toEqual({ code: 'CONFLICT', reason: 'ARTICLE_DELETED' });
      const links = (await t.dataSource.query('SELECT count(*)::int AS n FROM article_assets WHERE article_id = $1 AND asset_id = $2', [article.id, asset.id])) as { n: number }[];
      expect(links[0].n).toBe(1);
    });
  });
});
