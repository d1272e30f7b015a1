import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import sharp from 'sharp';
import request from 'supertest';
import { AssetsService } from '../src/assets/assets.service';
import { AssetEntity } from '../src/assets/entities/asset.entity';
import { ASSET_STORAGE, AssetStorage } from '../src/assets/storage/asset-storage';
import { Role } from '../src/users/role.enum';
import { KnowledgeBaseFactory } from './factories/knowledge-base';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

/**
 * Races around assets (December 2026): a deletion against a re-upload of the same bytes, an upload that attaches
 * against the article's deletion, a revision referencing an asset being deleted, and clients that leave mid-upload.
 * Interleavings are forced with locks held from the test's own connection (and, where the race is outside the
 * database, by pausing the real storage's delete), never by timing.
 */

const MAX_CONCURRENT_UPLOADS = 2;
const DELETE = `mutation ($input: DeleteAssetInput!) { deleteAsset(input: $input) { id } }`;

interface UploadedAsset {
  id: string;
  sha256: string;
  url: string;
  files: { file: string; url: string }[];
}

async function png(width: number, height: number, color: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer();
}

describe('assets races 2026-12', () => {
  let t: TestApp;
  let dataDir: string;
  let editorToken: string;
  let editor: GraphqlClient;
  let kb: KnowledgeBaseFactory;
  let port: number;
  /** The app's JSON log lines (stdout), kept from the terminal. */
  const logLines: { level: number; msg: string; err?: { message?: string }; res?: { statusCode?: number } }[] = [];
  const captured: jest.SpyInstance[] = [];

  function captureStdout(): void {
    // Only pino's JSON lines are kept back; anything else written to stdout passes.
    const keep = (fd: unknown, data: unknown): boolean => {
      const text = String(data);
      if (fd !== 1 || !text.startsWith('{"level":')) return false;
      for (const line of text.split('\n')) if (line.startsWith('{')) logLines.push(JSON.parse(line));
      return true;
    };
    const realWrite = fs.write;
    const realWriteSync = fs.writeSync;
    captured.push(
      jest.spyOn(fs, 'write').mockImplementation(((fd: number, data: string | Buffer, ...rest: unknown[]) => {
        const callback = rest[rest.length - 1] as (error: null, written: number) => void;
        if (keep(fd, data)) return void process.nextTick(() => callback(null, Buffer.byteLength(data)));
        return (realWrite as (...args: unknown[]) => void)(fd, data, ...rest);
      }) as typeof fs.write),
      jest.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: string | Buffer, ...rest: unknown[]) =>
        keep(fd, data) ? Buffer.byteLength(data) : (realWriteSync as (...args: unknown[]) => number)(fd, data, ...rest)) as typeof fs.writeSync),
    );
  }

  beforeAll(async () => {
    captureStdout();
    dataDir = await mkdtemp(path.join(tmpdir(), 'evergreen-assets-races-'));
    t = await createTestApp({
      DATA_DIR: dataDir,
      ASSET_MAX_CONCURRENT_UPLOADS: String(MAX_CONCURRENT_UPLOADS),
      METRICS: 'on',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      DB_POOL_ACQUIRE_TIMEOUT_MS: '30000',
    });
    editorToken = await t.login(await t.createUser({ role: Role.Editor }));
    editor = t.admin(editorToken);
    kb = new KnowledgeBaseFactory(t.admin(await t.login(await t.createUser({ role: Role.Admin }))));
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await t.close();
    for (const spy of captured) spy.mockRestore();
    await rm(dataDir, { recursive: true, force: true });
  });

  function upload(bytes: Buffer, filename: string, options: { articleId?: string } = {}): request.Test {
    const req = request(t.app.getHttpServer()).post('/admin/assets').set('authorization', `Bearer ${editorToken}`);
    if (options.articleId !== undefined) req.field('articleId', options.articleId);
    return req.attach('file', bytes, { filename, contentType: 'application/octet-stream' });
  }

  async function uploaded(bytes: Buffer, filename: string): Promise<UploadedAsset> {
    const res = await upload(bytes, filename);
    if (res.status !== 201 && res.status !== 200) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.asset as UploadedAsset;
  }

  async function filesOnDisk(sha256: string): Promise<string[]> {
    return (await readdir(path.join(dataDir, 'assets', sha256)).catch(() => [] as string[])).sort();
  }

  async function everyFileOnDisk(): Promise<string[]> {
    const root = path.join(dataDir, 'assets');
    const hashes = await readdir(root).catch(() => [] as string[]);
    const files = await Promise.all(hashes.map(async (hash) => (await readdir(path.join(root, hash)).catch(() => [] as string[])).map((f) => `${hash}/${f}`)));
    return files.flat().sort();
  }

  /** "Nothing lost": the row of `sha256` exists with every file on storage (and served), or neither exists. */
  async function expectWholeOrGone(sha256: string): Promise<'whole' | 'gone'> {
    const row = await t.dataSource.manager.findOne(AssetEntity, { where: { sha256 } });
    const onDisk = await filesOnDisk(sha256);
    if (!row) {
      expect(onDisk).toEqual([]);
      return 'gone';
    }
    expect(onDisk).toEqual(row.files.map((f) => f.file).sort());
    for (const f of row.files) expect((await request(t.app.getHttpServer()).get(`/assets/${sha256}/${f.file}`)).status).toBe(200);
    return 'whole';
  }

  /** Runs `steps` while a transaction on the test's own connection holds what `lockSql` takes, then commits it. */
  async function whileLocked(lockSql: { sql: string; params: unknown[] }[], steps: (waiters: (n: number, done?: () => boolean) => Promise<number>) => Promise<void>): Promise<void> {
    const holder = new Client({ connectionString: t.databaseUrl });
    const watcher = new Client({ connectionString: t.databaseUrl });
    await holder.connect();
    await watcher.connect();
    const count = async (): Promise<number> => {
      const { rows } = await watcher.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
      return (rows[0] as { n: number }).n;
    };
    const waiters = async (n: number, done: () => boolean = () => false): Promise<number> => {
      for (let i = 0; i < 100 && !done() && (await count()) < n; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      return count();
    };
    try {
      await holder.query('BEGIN');
      for (const { sql, params } of lockSql) await holder.query(sql, params);
      await steps(waiters);
    } finally {
      await holder.query('COMMIT');
      await holder.end();
      await watcher.end();
    }
  }

  function settled<T>(promise: PromiseLike<T>): { promise: Promise<T>; done: () => boolean } {
    let finished = false;
    const tracked = Promise.resolve(promise).finally(() => (finished = true));
    return { promise: tracked, done: () => finished };
  }

  it('a deletion whose files are being removed while the same bytes are uploaded again never leaves a row without its files', async () => {
    const bytes = await png(300, 200, '#aa3311');
    const first = await uploaded(bytes, 'twice.png');
    const storage = t.app.get<AssetStorage>(ASSET_STORAGE);
    const realDelete = storage.delete.bind(storage);
    let reached!: () => void;
    const deleting = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The real deletion of the files, paused once it starts: the window between the row's deletion and its files'.
    const spy = jest.spyOn(storage, 'delete').mockImplementationOnce(async (keys) => {
      reached();
      await gate;
      return realDelete(keys);
    });
    try {
      const removal = settled(editor.send(DELETE, { input: { assetId: first.id } }));
      await deleting;
      const reupload = settled(upload(bytes, 'twice-again.png'));
      await whileLocked([], async (waiters) => void (await waiters(1, reupload.done)));
      release();
      const [removed, again] = await Promise.all([removal.promise, reupload.promise]);

      expect(removed.errors).toBeUndefined();
      expect(again.status).toBe(201);
      expect(again.body.created).toBe(true);
      // Before: the upload's new row stood while the deletion removed the files under the same hash (404s).
      expect(await expectWholeOrGone(first.sha256)).toBe('whole');
    } finally {
      release();
      spy.mockRestore();
    }
  });

  it('an upload racing the deletion of the same bytes answers an asset that exists, never a gone one with created: false', async () => {
    const bytes = await png(120, 90, '#1188aa');
    const first = await uploaded(bytes, 'racing.png');
    let answer: request.Response | undefined;
    let removed: Awaited<ReturnType<GraphqlClient['send']>> | undefined;
    // The deletion has removed the row but not committed yet (its audit entry waits for the table lock).
    await whileLocked([{ sql: 'LOCK TABLE audit_entries IN SHARE MODE', params: [] }], async (waiters) => {
      const removal = settled(editor.send(DELETE, { input: { assetId: first.id } }));
      await waiters(1, removal.done);
      const reupload = settled(upload(bytes, 'racing-again.png'));
      await waiters(2, reupload.done);
      void removal.promise.then((res) => (removed = res));
      void reupload.promise.then((res) => (answer = res));
    });
    for (let i = 0; i < 200 && (!answer || !removed); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));

    expect(removed?.errors).toBeUndefined();
    expect(answer?.status).toBe(201);
    const named = answer?.body.asset as UploadedAsset;
    // Before: 200 { created: false } naming the asset the deletion removed a moment later.
    expect(await t.dataSource.manager.count(AssetEntity, { where: { id: named.id } })).toBe(1);
    expect(await expectWholeOrGone(first.sha256)).toBe('whole');
  });

  it('an upload that attaches to an article deleted meanwhile gets NOT_FOUND and stores nothing', async () => {
    const category = await kb.category('Attach races');
    const article = await kb.published(category.id, { title: 'Purged while uploading', bodyMarkdown: 'Text.' });
    const bytes = await png(64, 48, '#55aa22');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    let answer: request.Response | undefined;
    // The article is purged by a transaction that commits once the upload has checked it.
    await whileLocked(
      [
        { sql: 'SELECT 1 FROM articles WHERE id = $1 FOR UPDATE', params: [article.id] },
        { sql: 'DELETE FROM article_locales WHERE article_id = $1', params: [article.id] },
        { sql: 'DELETE FROM articles WHERE id = $1', params: [article.id] },
      ],
      async (waiters) => {
        const sent = settled(upload(bytes, 'orphan.png', { articleId: article.id }));
        await waiters(1, sent.done);
        void sent.promise.then((res) => (answer = res));
      },
    );
    for (let i = 0; i < 200 && !answer; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));

    expect(answer?.status).toBe(404);
    expect(answer?.body.error.code).toBe('NOT_FOUND');
    // Before: the asset was stored, then the attach failed: a row and files nobody asked to keep.
    expect(await t.dataSource.manager.count(AssetEntity, { where: { sha256 } })).toBe(0);
    expect(await filesOnDisk(sha256)).toEqual([]);
  });

  it('a revision that references an asset being deleted either keeps it (ASSET_IN_USE) or renders no image of it', async () => {
    const asset = await uploaded(await png(200, 100, '#7744cc'), 'referenced.png');
    const category = await kb.category('Reference races');
    const article = await kb.published(category.id, { title: 'Referencing', bodyMarkdown: 'No image yet.' });
    let saved: Awaited<ReturnType<KnowledgeBaseFactory['save']>> | undefined;
    // The asset is deleted by a transaction that commits while the revision is being saved.
    await whileLocked(
      [
        { sql: 'SELECT 1 FROM assets WHERE id = $1 FOR UPDATE', params: [asset.id] },
        { sql: 'DELETE FROM assets WHERE id = $1', params: [asset.id] },
      ],
      async (waiters) => {
        const save = settled(kb.save(article, 'en', { title: 'Referencing', bodyMarkdown: `Now: ![chart](asset:${asset.id})` }));
        await waiters(1, save.done);
        void save.promise.then((res) => (saved = res));
      },
    );
    for (let i = 0; i < 200 && !saved; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));

    const html = saved!.locales[0].headRevision.bodyHtml as string;
    const [{ n: links }] = (await t.dataSource.query('SELECT count(*)::int AS n FROM article_assets WHERE asset_id = $1', [asset.id])) as { n: number }[];
    expect(links).toBe(0);
    // Before: the revision was rendered from the asset read before the deletion: an <img> of files that are gone.
    expect(html).not.toContain(asset.sha256);
  });

  it('a revision saved while the asset it references is being deleted keeps it: the deletion is ASSET_IN_USE', async () => {
    const asset = await uploaded(await png(160, 80, '#2266aa'), 'kept.png');
    const category = await kb.category('In-use races');
    const article = await kb.published(category.id, { title: 'Keeping', bodyMarkdown: 'No image yet.' });
    let saved: Awaited<ReturnType<KnowledgeBaseFactory['save']>> | undefined;
    let removed: Awaited<ReturnType<GraphqlClient['send']>> | undefined;
    // Both requests queue behind the test's row lock: the save first, then the deletion.
    await whileLocked([{ sql: 'SELECT 1 FROM assets WHERE id = $1 FOR UPDATE', params: [asset.id] }], async (waiters) => {
      const save = settled(kb.save(article, 'en', { title: 'Keeping', bodyMarkdown: `Now: ![chart](asset:${asset.id})` }));
      await waiters(1, save.done);
      const removal = settled(editor.send(DELETE, { input: { assetId: asset.id } }));
      await waiters(2, removal.done);
      void save.promise.then((res) => (saved = res));
      void removal.promise.then((res) => (removed = res));
    });
    for (let i = 0; i < 200 && (!saved || !removed); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));

    expect(saved!.locales[0].headRevision.bodyHtml).toContain(asset.sha256);
    expect(removed?.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ASSET_IN_USE' });
    expect(await expectWholeOrGone(asset.sha256)).toBe('whole');
  });

  it('the sweep removes files no asset names (an interrupted upload, a failed removal) and keeps every file of a live asset', async () => {
    const live = await uploaded(await png(90, 60, '#c0ffee'), 'live.png');
    const storage = t.app.get<AssetStorage>(ASSET_STORAGE);
    const orphanHash = createHash('sha256').update('an upload the process never committed').digest('hex');
    await storage.put(`${orphanHash}/original.txt`, Buffer.from('orphan'), 'text/plain');
    await storage.put(`${live.sha256}/w4000.webp`, Buffer.from('stray'), 'image/webp');
    const liveFiles = await filesOnDisk(live.sha256);

    const swept = await t.app.get(AssetsService).sweepOrphanFiles();

    expect(swept.removed).toBeGreaterThanOrEqual(2);
    expect(await filesOnDisk(orphanHash)).toEqual([]);
    expect(await filesOnDisk(live.sha256)).toEqual(liveFiles.filter((f) => f !== 'w4000.webp'));
    expect(await expectWholeOrGone(live.sha256)).toBe('whole');
  });

  it('clients that disconnect mid-upload are client aborts: no 5xx, no slot kept, nothing left on storage', async () => {
    const before = await everyFileOnDisk();
    logLines.length = 0;
    const started = (): ReturnType<typeof connect> => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write(
        `POST /admin/assets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${editorToken}\r\n` +
          `Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n` +
          `--b\r\nContent-Disposition: form-data; name="file"; filename="gone.txt"\r\n\r\n${'half a file '.repeat(100)}`,
      );
      return socket;
    };
    const metricLine = async (): Promise<string> => {
      const res = await request(t.app.getHttpServer()).get('/metrics');
      return res.text
        .split('\n')
        .filter((line) => line.startsWith('evergreen_http_requests_total') && line.includes('route="/admin/assets"'))
        .join('\n');
    };
    for (let round = 0; round < MAX_CONCURRENT_UPLOADS + 1; round += 1) {
      const socket = started();
      await new Promise((resolve) => setTimeout(resolve, 300));
      socket.destroy();
    }
    const handled = (): number => logLines.filter((line) => /uploaded asset|aborted/i.test(line.msg)).length;
    for (let i = 0; i < 100 && handled() < MAX_CONCURRENT_UPLOADS + 1; i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handled()).toBe(MAX_CONCURRENT_UPLOADS + 1);
    const counted = await metricLine();

    // Before: each one was logged at error level, "Unexpected error while storing an uploaded asset" (ECONNRESET, aborted).
    expect(logLines.filter((line) => line.level >= 50).map((line) => `${line.msg}: ${line.err?.message ?? ''}`)).toEqual([]);
    expect(logLines.filter((line) => line.res?.statusCode !== undefined && line.res.statusCode >= 500)).toEqual([]);
    expect(counted).not.toContain('status_class="5xx"');
    expect(await everyFileOnDisk()).toEqual(before);
    expect((await upload(await png(30, 30, '#010203'), 'after-aborts.png')).status).toBe(201);
  });
});
