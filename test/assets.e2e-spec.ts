import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import request from 'supertest';
import { AssetEntity } from '../src/assets/entities/asset.entity';
import { AuditEntryEntity } from '../src/common/audit/audit-entry.entity';
import { Role } from '../src/users/role.enum';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';
import { expectData, KnowledgeBaseFactory } from './factories/knowledge-base';

const MAX_BYTES = 200_000;
const MAX_PIXELS = 20_000_000;

const ASSET_FIELDS = 'id kind sha256 contentType filename byteSize width height alt url markdownReference files { file url contentType byteSize width height }';
const DESCRIBE = `mutation ($input: DescribeAssetInput!) { describeAsset(input: $input) { ${ASSET_FIELDS} } }`;
const ATTACH = `mutation ($input: ArticleAssetInput!) { attachAssetToArticle(input: $input) { id } }`;
const DETACH = `mutation ($input: ArticleAssetInput!) { detachAssetFromArticle(input: $input) { id } }`;
const DELETE = `mutation ($input: DeleteAssetInput!) { deleteAsset(input: $input) { id sha256 } }`;
const LIST = `query ($kind: AssetKind, $first: Int, $after: String) { assets(kind: $kind, first: $first, after: $after) { totalCount edges { cursor node { id kind } } pageInfo { hasNextPage endCursor } } }`;
const DELIVERED = `query ($id: ID!) { article(id: $id) { id bodyHtml assets { id kind url contentType filename width height alt variants { url width height } } } }`;

interface UploadedFile {
  file: string;
  url: string;
  contentType: string;
  byteSize: number;
  width: number | null;
  height: number | null;
}

interface UploadedAsset {
  id: string;
  kind: 'image' | 'attachment';
  sha256: string;
  contentType: string;
  filename: string;
  width: number | null;
  height: number | null;
  alt: string;
  url: string;
  files: UploadedFile[];
}

async function png(width: number, height: number, color = '#2a7'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer();
}

/** A JPEG carrying EXIF (camera, GPS-like text) that the stored copies must not keep. */
async function jpegWithExif(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#c33' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'SecretCam', Artist: 'Jane Doe', ImageDescription: 'GPS 48.8584 N 2.2945 E' } })
    .toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header declaring 100,000 × 100,000 pixels (10 gigapixels), in under 100 bytes. */
function decompressionBomb(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(100_000, 0);
  header.writeUInt32BE(100_000, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

describe('assets: upload, variants, delivery', () => {
  let t: TestApp;
  let dataDir: string;
  let editorToken: string;
  let admin: GraphqlClient;
  let editor: GraphqlClient;
  let member: string;
  let moderator: string;
  let kb: KnowledgeBaseFactory;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'evergreen-assets-'));
    t = await createTestApp({ DATA_DIR: dataDir, ASSET_MAX_BYTES: String(MAX_BYTES), ASSET_MAX_PIXELS: String(MAX_PIXELS) });
    admin = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
    editorToken = await t.login(await t.createUser({ role: Role.Editor }));
    editor = t.admin(editorToken);
    member = await t.login(await t.createUser({ role: Role.Member }));
    moderator = await t.login(await t.createUser({ role: Role.Moderator }));
    kb = new KnowledgeBaseFactory(admin);
  });

  afterAll(async () => {
    await t.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function upload(bytes: Buffer, filename: string, options: { token?: string | null; alt?: string; articleId?: string; contentType?: string } = {}): request.Test {
    const req = request(t.app.getHttpServer()).post('/admin/assets');
    const token = options.token === undefined ? editorToken : options.token;
    if (token) req.set('authorization', `Bearer ${token}`);
    if (options.alt !== undefined) req.field('alt', options.alt);
    if (options.articleId !== undefined) req.field('articleId', options.articleId);
    return req.attach('file', bytes, { filename, contentType: options.contentType ?? 'application/octet-stream' });
  }

  async function uploaded(bytes: Buffer, filename: string, options: { alt?: string } = {}): Promise<UploadedAsset> {
    const res = await upload(bytes, filename, options);
    if (res.status !== 201 && res.status !== 200) throw new Error(`upload failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.asset as UploadedAsset;
  }

  async function storedFiles(): Promise<string[]> {
    const root = path.join(dataDir, 'assets');
    const hashes = await readdir(root).catch(() => [] as string[]);
    const files = await Promise.all(hashes.map(async (hash) => (await readdir(path.join(root, hash))).map((f) => `${hash}/${f}`)));
    return files.flat().sort();
  }

  function get(url: string): request.Test {
    return request(t.app.getHttpServer()).get(url).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  }

  it('stores a PNG as its original format plus WebP variants at 320/640/1024/1600 and its own width, with their sizes', async () => {
    const res = await upload(await png(2000, 1200), 'diagram.png', { alt: 'Billing diagram', contentType: 'text/plain' });

    expect(res.status).toBe(201);
    expect(res.body.created).toBe(true);
    const asset = res.body.asset as UploadedAsset;
    expect(asset).toMatchObject({ kind: 'image', contentType: 'image/png', filename: 'diagram.png', width: 2000, height: 1200, alt: 'Billing diagram' });
    expect(asset.url).toBe(`/assets/${asset.sha256}/original.png`);
    expect(asset.files.map((f) => [f.file, f.width, f.height])).toEqual([
      ['original.png', 2000, 1200],
      ['w320.webp', 320, 192],
      ['w640.webp', 640, 384],
      ['w1024.webp', 1024, 614],
      ['w1600.webp', 1600, 960],
      ['w2000.webp', 2000, 1200],
    ]);

    const variant = await get(`/assets/${asset.sha256}/w640.webp`);
    expect(variant.status).toBe(200);
    expect(variant.headers['content-type']).toBe('image/webp');
    expect(variant.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(variant.headers['x-content-type-options']).toBe('nosniff');
    expect(variant.headers['content-disposition']).toBe('inline');
    const decoded = await sharp(variant.body as Buffer).metadata();
    expect([decoded.format, decoded.width, decoded.height]).toEqual(['webp', 640, 384]);

    const again = await get(`/assets/${asset.sha256}/w640.webp`).set('if-none-match', variant.headers.etag);
    expect(again.status).toBe(304);
  });

  it('does not upscale, and strips EXIF from every stored copy of a JPEG', async () => {
    const source = await jpegWithExif(800, 600);
    expect((await sharp(source).metadata()).exif).toBeDefined();

    const asset = await uploaded(source, 'photo.JPG');

    expect(asset.files.map((f) => f.file)).toEqual(['original.jpg', 'w320.webp', 'w640.webp', 'w800.webp']);
    for (const file of asset.files) {
      const body = (await get(file.url)).body as Buffer;
      const metadata = await sharp(body).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(body.includes(Buffer.from('SecretCam'))).toBe(false);
      expect(metadata.width).toBe(file.width);
    }
  });

  it('stores the same bytes once: a second upload answers 200 with the same asset', async () => {
    const bytes = await png(300, 200, '#123456');
    const first = await upload(bytes, 'a.png');
    const before = await storedFiles();

    const second = await upload(bytes, 'b.png');

    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body).toMatchObject({ created: false, asset: { id: first.body.asset.id, filename: 'a.png' } });
    expect(await storedFiles()).toEqual(before);
    expect(await t.dataSource.manager.count(AssetEntity, { where: { sha256: first.body.asset.sha256 } })).toBe(1);
  });

  it('accepts a PDF as an attachment, served for download', async () => {
    const asset = await uploaded(PDF, 'Setup guide (v2).pdf');

    expect(asset).toMatchObject({ kind: 'attachment', contentType: 'application/pdf', width: null, height: null });
    const res = await get(asset.url);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="Setup guide (v2).pdf"; filename*=UTF-8''Setup%20guide%20%28v2%29.pdf`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain('sandbox');
    expect((res.body as Buffer).equals(PDF)).toBe(true);
  });

  describe('refused uploads write nothing', () => {
    it.each<[string, () => Promise<Buffer>, string, number, string, string]>([
      ['a PNG renamed .pdf', () => png(50, 50), 'report.pdf', 415, 'UNSUPPORTED_MEDIA_TYPE', 'EXTENSION_MISMATCH'],
      ['a script renamed .png', async () => Buffer.from('<script>alert(document.cookie)</script>'), 'cat.png', 415, 'UNSUPPORTED_MEDIA_TYPE', 'EXTENSION_MISMATCH'],
      ['an SVG', async () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'logo.svg', 415, 'UNSUPPORTED_MEDIA_TYPE', 'SVG_REFUSED'],
      ['an SVG renamed .txt', async () => Buffer.from('<?xml version="1.0"?><svg onload="alert(1)"></svg>'), 'notes.txt', 415, 'UNSUPPORTED_MEDIA_TYPE', 'SVG_REFUSED'],
      ['an executable', async () => Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]), 'tool.zip', 415, 'UNSUPPORTED_MEDIA_TYPE', 'UNKNOWN_TYPE'],
      ['a PNG declaring 10 gigapixels (decompression bomb)', async () => decompressionBomb(), 'bomb.png', 415, 'UNSUPPORTED_MEDIA_TYPE', 'TOO_MANY_PIXELS'],
      ['a truncated PNG', async () => (await png(400, 400, '#abcdef')).subarray(0, 60), 'cut.png', 415, 'UNSUPPORTED_MEDIA_TYPE', 'UNREADABLE_IMAGE'],
    ])('%s', async (_, bytes, filename, status, code, reason) => {
      const filesBefore = await storedFiles();
      const rowsBefore = await t.dataSource.manager.count(AssetEntity);

      const res = await upload(await bytes(), filename, { contentType: 'image/png' });

      expect(res.status).toBe(status);
      expect(res.body.error).toMatchObject({ code, reason });
      expect(await t.dataSource.manager.count(AssetEntity)).toBe(rowsBefore);
      expect(await storedFiles()).toEqual(filesBefore);
    });

    it('a file larger than ASSET_MAX_BYTES gets PAYLOAD_TOO_LARGE', async () => {
      const rowsBefore = await t.dataSource.manager.count(AssetEntity);
      const filesBefore = await storedFiles();

      const res = await upload(Buffer.alloc(MAX_BYTES + 1, 'a'), 'big.txt');

      expect(res.status).toBe(413);
      expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', maxBytes: MAX_BYTES });
      expect(await t.dataSource.manager.count(AssetEntity)).toBe(rowsBefore);
      expect(await storedFiles()).toEqual(filesBefore);
    });

    it.each<[string, () => string | null, number, string]>([
      ['anonymous', () => null, 401, 'UNAUTHENTICATED'],
      ['a bad token', () => 'not-a-token', 401, 'UNAUTHENTICATED'],
      ['a member', () => member, 403, 'FORBIDDEN'],
      ['a moderator', () => moderator, 403, 'FORBIDDEN'],
    ])('%s is refused', async (_, token, status, code) => {
      const rowsBefore = await t.dataSource.manager.count(AssetEntity);

      const res = await upload(await png(20, 20, '#010203'), 'x.png', { token: token() });

      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(await t.dataSource.manager.count(AssetEntity)).toBe(rowsBefore);
    });

    it('a request that is not multipart gets UNSUPPORTED_MEDIA_TYPE', async () => {
      const res = await request(t.app.getHttpServer()).post('/admin/assets').set('authorization', `Bearer ${editorToken}`).send({ file: 'x' });
      expect(res.status).toBe(415);
      expect(res.body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', reason: 'NOT_MULTIPART' });
    });

    it('a malformed articleId gets BAD_USER_INPUT', async () => {
      const rowsBefore = await t.dataSource.manager.count(AssetEntity);
      const res = await upload(await png(21, 21, '#040506'), 'x.png', { articleId: '../../etc' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('BAD_USER_INPUT');
      expect(await t.dataSource.manager.count(AssetEntity)).toBe(rowsBefore);
    });
  });

  it('renders asset: references in article Markdown as <img srcset> and delivers Article.assets', async () => {
    const image = await uploaded(await png(1200, 800, '#345678'), 'chart.png', { alt: 'Default alt' });
    const pdf = await uploaded(Buffer.from('%PDF-1.7\n% manual\n%%EOF\n'), 'manual.pdf');
    const category = await kb.category('Assets');
    const article = await kb.published(category.id, {
      title: 'Invoices with pictures',
      bodyMarkdown: `Intro.\n\n![Monthly chart](asset:${image.id})\n\nGet the [manual](asset:${pdf.id}).\n\n![](asset:00000000-0000-4000-8000-000000000000)`,
    });

    const res = await t.delivery().send(DELIVERED, { id: article.id });

    const html = res.data?.article.bodyHtml as string;
    const base = `/assets/${image.sha256}`;
    expect(html).toContain(
      `<img src="${base}/original.png" alt="Monthly chart" width="1200" height="800" ` +
        `srcset="${base}/w320.webp 320w, ${base}/w640.webp 640w, ${base}/w1024.webp 1024w, ${base}/w1200.webp 1200w" ` +
        `sizes="(max-width: 1200px) 100vw, 1200px" loading="lazy" decoding="async" />`,
    );
    expect(html).toContain(`<a href="/assets/${pdf.sha256}/original.pdf">manual</a>`);
    expect(html).not.toContain('asset:');
    expect(html.match(/<img/g)).toHaveLength(1);
    expect(res.data?.article.assets).toEqual([
      {
        id: image.id,
        kind: 'Image',
        url: `${base}/original.png`,
        contentType: 'image/png',
        filename: 'chart.png',
        width: 1200,
        height: 800,
        alt: 'Default alt',
        variants: [320, 640, 1024, 1200].map((w) => ({ url: `${base}/w${w}.webp`, width: w, height: Math.round((w * 800) / 1200) })),
      },
      expect.objectContaining({ id: pdf.id, kind: 'Attachment', url: `/assets/${pdf.sha256}/original.pdf`, variants: [] }),
    ]);
  });

  it('keeps the renderer’s XSS guarantees around asset images', async () => {
    const category = await kb.category('Hostile');
    const article = await kb.published(category.id, {
      title: 'Hostile',
      bodyMarkdown: '<img src="https://example.com/a.png" srcset="javascript:alert(1) 1x" onerror="alert(1)" loading="eager">\n\n![x](asset:javascript:alert(1))',
    });
    const html = (await t.delivery().send(DELIVERED, { id: article.id })).data?.article.bodyHtml as string;
    expect(html).toContain('<img src="https://example.com/a.png" />');
    expect(html).not.toMatch(/javascript|onerror|srcset|eager/);
  });

  it('describes, attaches, lists, refuses to delete an asset in use, then deletes it and its files', async () => {
    const asset = await uploaded(await png(700, 300, '#777777'), 'banner.png');
    const category = await kb.category('Lifecycle');
    const article = await kb.published(category.id, { title: 'Lifecycle', bodyMarkdown: 'No images yet.' });

    const withDraft = await kb.save(article, 'en', { title: 'Lifecycle', bodyMarkdown: `Draft only: ![banner](asset:${asset.id})` });
    expect(withDraft.locales[0].headRevision.bodyHtml).toContain(`src="/assets/${asset.sha256}/original.png"`);
    const beforeAttach = await t.delivery().send(DELIVERED, { id: article.id });
    expect(beforeAttach.data?.article.assets).toEqual([]);

    const described = expectData<UploadedAsset>(await editor.send(DESCRIBE, { input: { assetId: asset.id, alt: '  A grey banner ' } }), 'describeAsset');
    expect(described.alt).toBe('A grey banner');
    expectData(await editor.send(ATTACH, { input: { assetId: asset.id, articleId: article.id } }), 'attachAssetToArticle');
    const delivered = await t.delivery().send(DELIVERED, { id: article.id });
    expect(delivered.data?.article.assets).toEqual([expect.objectContaining({ id: asset.id, alt: 'A grey banner' })]);

    const images = expectData<{ edges: { node: { id: string; kind: string } }[] }>(await editor.send(LIST, { kind: 'Image', first: 100 }), 'assets');
    expect(images.edges.map((e) => e.node.id)).toContain(asset.id);
    expect(images.edges.every((e) => e.node.kind === 'Image')).toBe(true);

    const inUse = await editor.send(DELETE, { input: { assetId: asset.id } });
    expect(inUse.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ASSET_IN_USE' });
    expect((await get(`/assets/${asset.sha256}/w320.webp`)).status).toBe(200);

    const forbidden = await t.admin(moderator).send(DELETE, { input: { assetId: asset.id } });
    expect(forbidden.errors?.[0].extensions.code).toBe('FORBIDDEN');

    expectData(await editor.send(DETACH, { input: { assetId: asset.id, articleId: article.id } }), 'detachAssetFromArticle');
    const deleted = expectData<{ id: string }>(await editor.send(DELETE, { input: { assetId: asset.id } }), 'deleteAsset');

    expect(deleted.id).toBe(asset.id);
    expect(await t.dataSource.manager.count(AssetEntity, { where: { id: asset.id } })).toBe(0);
    expect((await storedFiles()).filter((f) => f.startsWith(asset.sha256))).toEqual([]);
    expect((await get(`/assets/${asset.sha256}/w320.webp`)).status).toBe(404);
    expect(await t.dataSource.manager.count(AuditEntryEntity, { where: { subjectId: asset.id, action: 'asset.delete' } })).toBe(1);
    const missing = await editor.send(DELETE, { input: { assetId: asset.id } });
    expect(missing.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('attaches and deletes one asset at the same moment: either it is attached and stays, or it is gone', async () => {
    const category = await kb.category('Asset races');
    const article = await kb.published(category.id, { title: 'Asset races', bodyMarkdown: 'Text.' });
    const later = <T>(ms: number, send: () => Promise<T>): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(send()), ms));
    for (let round = 0; round < 10; round += 1) {
      const asset = await uploaded(await png(40 + round, 20, '#336699'), `race-${round}.png`);
      const [attach, remove] = await Promise.all([
        later(round % 2, () => editor.send(ATTACH, { input: { assetId: asset.id, articleId: article.id } })),
        later((round + 1) % 2, () => editor.send(DELETE, { input: { assetId: asset.id } })),
      ]);
      // Before, the attach read the asset unlocked and its insert met the deletion: a foreign-key violation.
      const codes = [attach, remove].map((res) => (res.errors ? `${res.errors[0].extensions.code}:${res.errors[0].extensions.reason ?? ''}` : 'OK'));
      expect([['OK', 'CONFLICT:ASSET_IN_USE'], ['NOT_FOUND:', 'OK']]).toContainEqual(codes);
    }
  });

  it.each([
    '/assets/../../package.json',
    '/assets/..%2F..%2Fpackage.json/original.png',
    '/assets/%2e%2e/%2e%2e%2fpackage.json',
    `/assets/${'a'.repeat(64)}/..%2F..%2F..%2Fpackage.json`,
    `/assets/${'a'.repeat(64)}/original.exe`,
    `/assets/${'a'.repeat(64)}/original.png`,
    `/assets/${'A'.repeat(64)}/original.png`,
  ])('GET %s is 404', async (url) => {
    const res = await request(t.app.getHttpServer()).get(url);
    expect(res.status).toBe(404);
  });
});
