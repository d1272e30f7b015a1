import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { crc32, deflateSync, gzipSync } from 'node:zlib';
import sharp from 'sharp';
import request from 'supertest';
import { AssetEntity } from '../src/assets/entities/asset.entity';
import { Role } from '../src/users/role.enum';
import { createTestApp, GraphqlClient, TestApp } from './support/create-test-app';

/**
 * Attacker audit of assets (December 2026): bombs, type confusion, names, limits under load, access and caching.
 * docs/assets.md ("Security notes") lists what each test guards.
 */

const MAX_BYTES = 300_000;
const MAX_PIXELS = 2_000_000;
const MAX_CONCURRENT_UPLOADS = 2;
const REQUEST_TIMEOUT_SECONDS = 3;

const DELETE = `mutation ($input: DeleteAssetInput!) { deleteAsset(input: $input) { id } }`;

interface UploadedAsset {
  id: string;
  kind: 'image' | 'attachment';
  sha256: string;
  filename: string;
  url: string;
  files: { file: string; url: string }[];
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A PNG with extra chunks inserted after IHDR (33 bytes in). */
function withChunks(png: Buffer, ...chunks: Buffer[]): Buffer {
  return Buffer.concat([png.subarray(0, 33), ...chunks, png.subarray(33)]);
}

/** A baseline JPEG header (SOF0, SOS) declaring `width` × `height`, with no image data worth the name. */
function jpegHeader(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0, 11, 8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.from([0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0]), Buffer.alloc(64), Buffer.from([0xff, 0xd9])]);
}

/** A GIF whose logical screen is 10 × 10 but whose one frame declares 60,000 × 60,000 pixels. */
function gifWithHugeFrame(): Buffer {
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(10, 0);
  screen.writeUInt16LE(10, 2);
  screen[4] = 0x80;
  const descriptor = Buffer.alloc(10);
  descriptor[0] = 0x2c;
  descriptor.writeUInt16LE(60_000, 5);
  descriptor.writeUInt16LE(60_000, 7);
  return Buffer.concat([Buffer.from('GIF89a', 'latin1'), screen, Buffer.from([0, 0, 0, 255, 255, 255]), descriptor, Buffer.from([2, 2, 0x4c, 0x01, 0, 0x3b])]);
}

/** An animation of `frames` distinct 100 × 100 frames: few bytes, `frames` × 10,000 pixels. */
async function animation(frames: number, format: 'gif' | 'webp'): Promise<Buffer> {
  const stills = await Promise.all(
    Array.from({ length: frames }, (_, i) =>
      sharp({ create: { width: 100, height: 100, channels: 3, background: { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 13) % 256 } } }).png().toBuffer(),
    ),
  );
  const joined = sharp(stills, { join: { animated: true } });
  return format === 'gif' ? joined.gif().toBuffer() : joined.webp().toBuffer();
}

async function noisyPng(width: number, height: number, seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  let x = seed * 7919 + 1;
  for (let i = 0; i < pixels.length; i += 1) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    pixels[i] = x >> 16;
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1');

describe('assets audit 2026-12', () => {
  let t: TestApp;
  let dataDir: string;
  let editorToken: string;
  let editor: GraphqlClient;
  let port: number;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'evergreen-assets-audit-'));
    t = await createTestApp({
      DATA_DIR: dataDir,
      ASSET_MAX_BYTES: String(MAX_BYTES),
      ASSET_MAX_PIXELS: String(MAX_PIXELS),
      ASSET_MAX_CONCURRENT_UPLOADS: String(MAX_CONCURRENT_UPLOADS),
      HTTP_REQUEST_TIMEOUT_SECONDS: String(REQUEST_TIMEOUT_SECONDS),
    });
    editorToken = await t.login(await t.createUser({ role: Role.Editor }));
    editor = t.admin(editorToken);
    const server = t.app.getHttpServer();
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await t.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  function upload(bytes: Buffer, filename: string, options: { contentType?: string } = {}): request.Test {
    return request(t.app.getHttpServer())
      .post('/admin/assets')
      .set('authorization', `Bearer ${editorToken}`)
      .attach('file', bytes, { filename, contentType: options.contentType ?? 'application/octet-stream' });
  }

  async function uploaded(bytes: Buffer, filename: string): Promise<UploadedAsset> {
    const res = await upload(bytes, filename);
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
    return request(t.app.getHttpServer())
      .get(url)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  }

  describe('decompression and pixel bombs are refused before decoding, writing nothing', () => {
    it.each<[string, () => Promise<Buffer>, string, string]>([
      ['a JPEG header declaring 60,000 × 60,000 pixels', async () => jpegHeader(60_000, 60_000), 'bomb.jpg', 'TOO_MANY_PIXELS'],
      ['a GIF whose frame is 60,000 × 60,000 on a 10 × 10 screen', async () => gifWithHugeFrame(), 'bomb.gif', 'TOO_MANY_PIXELS'],
      ['an animated GIF of 250 frames (2.5 megapixels in all)', () => animation(250, 'gif'), 'frames.gif', 'TOO_MANY_PIXELS'],
      ['an animated WebP of 250 frames (2.5 megapixels in all)', () => animation(250, 'webp'), 'frames.webp', 'TOO_MANY_PIXELS'],
      ['a gzip-compressed SVG named .svgz', async () => gzipSync('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'logo.svgz', 'SVG_REFUSED'],
      ['a gzip-compressed SVG named .txt', async () => gzipSync('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'logo.txt', 'UNKNOWN_TYPE'],
    ])('%s', async (_, bytes, filename, reason) => {
      const rowsBefore = await t.dataSource.manager.count(AssetEntity);
      const filesBefore = await storedFiles();

      const res = await upload(await bytes(), filename);

      expect(res.status).toBe(415);
      expect(res.body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', reason });
      expect(await t.dataSource.manager.count(AssetEntity)).toBe(rowsBefore);
      expect(await storedFiles()).toEqual(filesBefore);
    });

    it('a PNG carrying compressed text and ICC chunks that inflate to 100 MB each is stored without them', async () => {
      const bomb = deflateSync(Buffer.alloc(100 * 1024 * 1024, 'A'), { level: 9 });
      const source = withChunks(
        await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a6' } }).png().toBuffer(),
        pngChunk('iCCP', Buffer.concat([Buffer.from('icc\0\0', 'latin1'), bomb])),
        pngChunk('zTXt', Buffer.concat([Buffer.from('Comment\0\0', 'latin1'), bomb])),
        pngChunk('tEXt', Buffer.from('Author\0Jane Doe, 48.8584 N 2.2945 E', 'latin1')),
      );

      const asset = await uploaded(source, 'chunks.png');

      for (const file of asset.files) {
        const body = (await get(file.url)).body as Buffer;
        expect(body.length).toBeLessThan(10_000);
        expect(body.includes(Buffer.from('Jane Doe'))).toBe(false);
        expect(body.includes(Buffer.from('zTXt'))).toBe(false);
        expect(body.includes(Buffer.from('iCCP'))).toBe(false);
      }
    });
  });

  it('a JPEG carrying 260 KB of EXIF, XMP and ICC segments is stored without them', async () => {
    const base = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#abc' } }).jpeg().toBuffer();
    const segments = ['Exif\0\0', 'http://ns.adobe.com/xap/1.0/\0', 'ICC_PROFILE\0', 'Exif\0\0'].map((marker, i) => {
      const payload = Buffer.concat([Buffer.from(marker, 'latin1'), Buffer.alloc(65_000, 0x41 + i)]);
      const length = Buffer.alloc(2);
      length.writeUInt16BE(payload.length + 2);
      return Buffer.concat([Buffer.from([0xff, marker.startsWith('ICC') ? 0xe2 : 0xe1]), length, payload]);
    });

    const asset = await uploaded(Buffer.concat([base.subarray(0, 2), ...segments, base.subarray(2)]), 'fat.jpg');

    for (const file of asset.files) {
      const body = (await get(file.url)).body as Buffer;
      expect(body.length).toBeLessThan(5_000);
    }
  });

  it('an AVIF photo is re-encoded within a CPU budget (AV1 at its default effort took 4.9 s of CPU here, 38 s for 12 megapixels)', async () => {
    const side = 1400;
    const pixels = Buffer.alloc(side * side * 3);
    let x = 7;
    for (let i = 0; i < pixels.length; i += 1) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      pixels[i] = x >> 16;
    }
    const avif = await sharp(pixels, { raw: { width: side, height: side, channels: 3 } }).blur(2).avif({ quality: 40, effort: 0 }).toBuffer();
    expect(avif.length).toBeLessThan(MAX_BYTES);

    // Process CPU time counts libvips' worker threads too, and does not grow with the machine's load as wall time does.
    const before = process.cpuUsage();
    const res = await upload(avif, 'photo.avif');
    const cpu = process.cpuUsage(before);

    expect(res.status).toBe(201);
    expect((cpu.user + cpu.system) / 1e6).toBeLessThan(2.5);
  }, 60_000);

  describe('metadata a photo carries is removed from every stored copy', () => {
    it.each<[string, () => Promise<Buffer>, string]>([
      [
        'a JPEG with GPS position, XMP and an ICC profile',
        () =>
          sharp({ create: { width: 400, height: 300, channels: 3, background: '#c33' } })
            .withIccProfile('p3')
            .withExif({ IFD0: { Artist: 'Jane Doe' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 3000/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 4000/100' } })
            .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Jane Doe</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>')
            .jpeg()
            .toBuffer(),
        'gps.jpg',
      ],
      [
        'a WebP with EXIF and XMP',
        () =>
          sharp({ create: { width: 300, height: 200, channels: 3, background: '#33c' } })
            .withExif({ IFD0: { Artist: 'Jane Doe' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 3000/100' } })
            .webp()
            .toBuffer(),
        'gps.webp',
      ],
    ])('%s', async (_, bytes, filename) => {
      const source = await bytes();
      const before = await sharp(source).metadata();
      expect(before.exif).toBeDefined();

      const asset = await uploaded(source, filename);

      for (const file of asset.files) {
        const body = (await get(file.url)).body as Buffer;
        const metadata = await sharp(body).metadata();
        expect([metadata.exif, metadata.xmp, metadata.icc]).toEqual([undefined, undefined, undefined]);
        expect(body.includes(Buffer.from('Jane Doe'))).toBe(false);
      }
    });
  });

  describe('type confusion', () => {
    it.each<[string, Buffer, string, string]>([
      ['HTML named .png', Buffer.from('<!doctype html><script>alert(document.domain)</script>'), 'cat.png', 'EXTENSION_MISMATCH'],
      ['HTML named .html', Buffer.from('<!doctype html><script>alert(document.domain)</script>'), 'page.html', 'EXTENSION_MISMATCH'],
      ['HTML named .html. (Windows drops the trailing dot when saving)', Buffer.from('<!doctype html><script>alert(document.domain)</script>'), 'page.html.', 'EXTENSION_MISMATCH'],
      ['HTML named ".html " (trailing space)', Buffer.from('<!doctype html><script>alert(document.domain)</script>'), 'page.html ', 'EXTENSION_MISMATCH'],
      ['a PDF named .html...', PDF, 'page.html...', 'EXTENSION_MISMATCH'],
      ['SVG in a text file with no extension', Buffer.from('<svg onload="alert(1)"></svg>'), 'logo', 'SVG_REFUSED'],
    ])('%s is refused', async (_, bytes, filename, reason) => {
      const rowsBefore = await t.dataSource.manager.count(AssetEntity);

      const res = await upload(bytes, filename, { contentType: 'image/png' });

      expect(res.status).toBe(415);
      expect(res.body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', reason });
      expect(await t.dataSource.manager.count(AssetEntity)).toBe(rowsBefore);
    });

    it('a GIF/HTML polyglot is served re-encoded as image/gif, never its uploaded bytes', async () => {
      const gif = await sharp({ create: { width: 30, height: 30, channels: 3, background: '#0a0' } }).gif().toBuffer();
      const polyglot = Buffer.concat([gif.subarray(0, gif.length - 1), Buffer.from('<script>alert(document.domain)</script>'), gif.subarray(gif.length - 1)]);

      const asset = await uploaded(polyglot, 'poly.gif');

      const res = await get(asset.url);
      expect(res.headers['content-type']).toBe('image/gif');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain('sandbox');
      expect((res.body as Buffer).includes(Buffer.from('<script>'))).toBe(false);
    });

    it('HTML uploaded as a .txt attachment is served as text/plain for download, sandboxed', async () => {
      const asset = await uploaded(Buffer.from('<!doctype html><title>notes</title><script>alert(document.domain)</script>'), 'notes.txt');

      const res = await get(asset.url);
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="notes\.txt"/);
      expect(res.headers['content-security-policy']).toContain('sandbox');
    });
  });

  describe('file names', () => {
    it.each<[string, string, string]>([
      ['path traversal', '../../../etc/passwd.txt', 'passwd.txt'],
      ['a NUL byte', 'notes\u0000.html.txt', 'notes.html.txt'],
      ['a right-to-left override (shows as "invoicetxt.exe")', 'invoice\u202Eexe.txt', 'invoiceexe.txt'],
      ['isolates and marks', 'a\u2066b\u2067c\u2068d\u2069e\u200Ef\u200Fg\u061C.txt', 'abcdefg.txt'],
      ['no extension', 'README', 'README.txt'],
      ['10,000 characters', `${'a'.repeat(10_000)}.txt`, `${'a'.repeat(196)}.txt`],
      ['a Windows device name', 'CON.txt', '_CON.txt'],
      ['a Windows device name with a port number', 'com1.notes.txt', '_com1.notes.txt'],
    ])('%s: the stored name is safe and keeps the sniffed type’s extension', async (_, filename, stored) => {
      const bytes = Buffer.from(`text for ${JSON.stringify(filename).slice(0, 40)} ${Math.random()}`);

      const asset = await uploaded(bytes, filename);

      expect(asset.filename).toBe(stored);
      expect(asset.files.map((f) => f.file)).toEqual(['original.txt']);
      const res = await get(asset.url);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${stored}"; filename*=UTF-8''${encodeURIComponent(stored)}`);
    });

    it('a name and an alt text carrying an encoded lone surrogate (invalid UTF-8) are stored with U+FFFD, never a 500', async () => {
      const surrogate = Buffer.from([0xed, 0xa0, 0x80]);
      const body = Buffer.concat([
        Buffer.from('--b\r\nContent-Disposition: form-data; name="alt"\r\n\r\nalt '),
        surrogate,
        Buffer.from('\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="name'),
        surrogate,
        Buffer.from(`.txt"\r\nContent-Type: text/plain\r\n\r\nsurrogates ${Math.random()}\r\n--b--\r\n`),
      ]);

      const res = await request(t.app.getHttpServer())
        .post('/admin/assets')
        .set('authorization', `Bearer ${editorToken}`)
        .set('content-type', 'multipart/form-data; boundary=b')
        .send(body);

      expect(res.status).toBe(201);
      expect(res.body.asset.filename).toMatch(/^name\ufffd+\.txt$/);
      expect(res.body.asset.alt).toMatch(/^alt \ufffd+$/);
    });

    it('a storage key never comes from the name: a name that looks like a key is only a name', async () => {
      const victim = await uploaded(Buffer.from('the victim'), 'victim.txt');

      const attacker = await uploaded(Buffer.from('the attacker'), `${victim.sha256}/original.txt`);

      expect(attacker.filename).toBe('original.txt');
      expect(attacker.sha256).not.toBe(victim.sha256);
      expect(((await get(victim.url)).body as Buffer).toString()).toBe('the victim');
    });
  });

  describe('limits under load', () => {
    it('20 parallel uploads: ASSET_MAX_CONCURRENT_UPLOADS are read at once, twice as many wait, the others get RATE_LIMITED with Retry-After', async () => {
      const images = await Promise.all(Array.from({ length: 20 }, (_, i) => noisyPng(300, 300, i + 1)));
      const rowsBefore = await t.dataSource.manager.count(AssetEntity);

      const answers = await Promise.all(images.map((bytes, i) => upload(bytes, `parallel-${i}.png`)));

      const statuses = answers.map((res) => res.status);
      expect(statuses.every((s) => s === 201 || s === 429)).toBe(true);
      const limited = answers.filter((res) => res.status === 429);
      expect(limited.length).toBeGreaterThan(0);
      // The first uploads to arrive are read at once or wait their turn: every one of them is stored.
      expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(MAX_CONCURRENT_UPLOADS * 3);
      for (const res of limited) {
        expect(res.body.error).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 1 });
        expect(res.headers['retry-after']).toBe('1');
      }
      expect(await t.dataSource.manager.count(AssetEntity)).toBe(rowsBefore + statuses.filter((s) => s === 201).length);

      // The slots are given back: one upload after the burst passes.
      expect((await upload(await noisyPng(50, 50, 99), 'after.png')).status).toBe(201);
    });

    it('uploads whose clients leave while they wait for a slot give their slot back', async () => {
      const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
      const started = (): ReturnType<typeof connect> => {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        socket.write(
          `POST /admin/assets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${editorToken}\r\n` +
            `Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n` +
            `--b\r\nContent-Disposition: form-data; name="file"; filename="slow.txt"\r\n\r\nslow`,
        );
        return socket;
      };
      const reading: ReturnType<typeof connect>[] = [];
      for (let i = 0; i < MAX_CONCURRENT_UPLOADS; i += 1) {
        reading.push(started());
        await pause(200);
      }
      const waiting = [started(), started()];
      await pause(200);
      for (const socket of waiting) socket.destroy();
      await pause(100);
      for (const socket of reading) socket.destroy();
      await pause(200);

      const res = await upload(await noisyPng(40, 40, 1234), 'after-leavers.png');

      expect(res.status).toBe(201);
    }, 15_000);

    it('an upload larger than ASSET_MAX_BYTES is answered 413 while the client is still sending (the rest is not read first)', async () => {
      const declared = 50 * 1024 * 1024;
      const socket = connect(port, '127.0.0.1');
      let sent = 0;
      let answer = '';
      const answered = new Promise<void>((resolve) => {
        socket.on('data', (chunk: Buffer) => {
          answer += chunk.toString('latin1');
          if (answer.includes('\r\n\r\n')) resolve();
        });
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
      let done = false;
      void answered.then(() => (done = true));
      socket.write(
        `POST /admin/assets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${editorToken}\r\n` +
          `Content-Type: multipart/form-data; boundary=b\r\nContent-Length: ${declared}\r\n\r\n` +
          `--b\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`,
      );
      // Up to 200 bytes short of the declared length: a server that reads the whole body first never answers.
      const chunk = Buffer.alloc(64 * 1024, 'a');
      while (!done && sent + chunk.length < declared - 200) {
        if (!socket.write(chunk)) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), answered]);
        sent += chunk.length;
      }
      await Promise.race([answered, new Promise((resolve) => setTimeout(resolve, 5000))]);
      socket.destroy();

      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(sent).toBeLessThan(declared / 4);
    });

    it('a slowloris upload (a byte every half second) is cut off by HTTP_REQUEST_TIMEOUT_SECONDS', async () => {
      const socket = connect(port, '127.0.0.1');
      const closed = new Promise<string>((resolve) => {
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
        socket.on('close', () => resolve(answer));
        socket.on('error', () => undefined);
      });
      socket.write(
        `POST /admin/assets HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${editorToken}\r\n` +
          `Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n`,
      );
      const drip = setInterval(() => socket.write('x'), 500);

      const answer = await closed;
      clearInterval(drip);

      expect(answer === '' || /^HTTP\/1\.1 408 /.test(answer)).toBe(true);
    }, 30_000);
  });

  describe('delivery: access, ranges, conditional requests, variants', () => {
    let pdf: UploadedAsset;
    let image: UploadedAsset;

    beforeAll(async () => {
      pdf = await uploaded(Buffer.concat([PDF, Buffer.from(`%${'x'.repeat(200)}\n`)]), 'manual.pdf');
      image = await uploaded(await sharp({ create: { width: 700, height: 400, channels: 3, background: '#159' } }).png().toBuffer(), 'wide.png');
    });

    it.each<[string, string]>([
      ['malformed', 'bytes=abc'],
      ['another unit', 'items=0-1'],
      ['multiple ranges', 'bytes=0-1,3-4,0-1,3-4,0-1,3-4,0-1,3-4'],
      ['past the end', 'bytes=100000-100010'],
      ['a single range', 'bytes=0-9'],
    ])('a Range header (%s) is ignored: 200 with the whole file, never a broken 206', async (_, range) => {
      const res = await get(pdf.url).set('range', range);

      expect(res.status).toBe(200);
      expect(res.headers['content-range']).toBeUndefined();
      expect(Number(res.headers['content-length'])).toBe((res.body as Buffer).length);
      expect((res.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    });

    it('HEAD answers the headers of GET without a body', async () => {
      const res = await request(t.app.getHttpServer()).head(pdf.url);

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    });

    it('conditional requests: a matching If-None-Match is 304; If-Modified-Since alone changes nothing', async () => {
      const first = await get(image.url);
      expect((await get(image.url).set('if-none-match', `W/${first.headers.etag}, "other"`)).status).toBe(304);
      expect((await get(image.url).set('if-modified-since', new Date(Date.now() + 86_400_000).toUTCString())).status).toBe(200);
    });

    it.each([
      (a: UploadedAsset) => `/assets/${a.sha256}/w99999.webp`,
      (a: UploadedAsset) => `/assets/${a.sha256}/w100.webp`,
      (a: UploadedAsset) => `/assets/${a.sha256}/original.webp`,
      (a: UploadedAsset) => `/assets/${a.sha256}/w320.png`,
      (a: UploadedAsset) => `/assets/${a.sha256}/w0320.webp`,
    ])('a variant the asset does not have is 404, never made on demand (%#)', async (url) => {
      const before = await storedFiles();

      const res = await get(url(image));

      expect(res.status).toBe(404);
      expect(await storedFiles()).toEqual(before);
    });

    it('resizing parameters in the query are ignored: the stored file is served as it is', async () => {
      const plain = await get(`/assets/${image.sha256}/w320.webp`);
      const asked = await get(`/assets/${image.sha256}/w320.webp?w=50000&h=50000&format=png&quality=1000`);

      expect(asked.status).toBe(200);
      expect((asked.body as Buffer).equals(plain.body as Buffer)).toBe(true);
    });

    it('deleting an asset tells CDNs to purge its files: an asset.deleted webhook with the surrogate key its answers carry', async () => {
      const admin = t.admin(await t.login(await t.createUser({ role: Role.Admin })));
      const endpoint = await admin.send(`mutation ($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }`, {
        input: { url: 'http://127.0.0.1:9/purge', eventTypes: ['AssetDeleted'] },
      });
      expect(endpoint.errors).toBeUndefined();
      const asset = await uploaded(await sharp({ create: { width: 400, height: 100, channels: 3, background: '#951' } }).png().toBuffer(), 'confidential.png');
      const served = await get(asset.url);
      expect(served.headers['surrogate-key']).toBe(`asset:${asset.sha256}`);
      expect(served.headers['cache-tag']).toBe(`asset:${asset.sha256}`);

      const deleted = await editor.send(DELETE, { input: { assetId: asset.id } });
      expect(deleted.errors).toBeUndefined();

      const events: { data: Record<string, unknown>; surrogate_keys: string[] }[] = await t.dataSource.query(
        `SELECT data, surrogate_keys FROM webhook_events WHERE type = 'asset.deleted' AND data->>'assetId' = $1`,
        [asset.id],
      );
      expect(events).toHaveLength(1);
      expect(events[0].surrogate_keys).toEqual([`asset:${asset.sha256}`]);
      expect(events[0].data).toEqual({ assetId: asset.id, sha256: asset.sha256, urls: asset.files.map((f) => f.url) });
    });

    it('a deleted asset is 404 at once, conditional requests included, and its answers are not cached', async () => {
      const asset = await uploaded(Buffer.from(`soon deleted ${Math.random()}`), 'gone.txt');
      const served = await get(asset.url);
      expect(served.status).toBe(200);

      const deleted = await editor.send(DELETE, { input: { assetId: asset.id } });
      expect(deleted.errors).toBeUndefined();

      for (const res of [await get(asset.url), await get(asset.url).set('if-none-match', served.headers.etag)]) {
        expect(res.status).toBe(404);
        expect(res.headers['cache-control']).toBe('no-store');
      }
    });
  });
});
