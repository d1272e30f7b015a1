import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { AssetStorage } from '../../src/assets/storage/asset-storage';

export interface StorageUnderTest {
  storage: AssetStorage;
  close(): Promise<void>;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

function newHash(): string {
  return createHash('sha256').update(randomBytes(16)).digest('hex');
}

/** What every AssetStorage must do; run per implementation (local disk always, S3 when S3_ENDPOINT is set). */
export function describeAssetStorageContract(name: string, start: () => Promise<StorageUnderTest>): void {
  describe(`asset storage contract: ${name}`, () => {
    let under: StorageUnderTest;
    let storage: AssetStorage;

    beforeAll(async () => {
      under = await start();
      storage = under.storage;
    });
    afterAll(() => under.close());

    it('gives back exactly the bytes written, with their size', async () => {
      const key = `${newHash()}/original.png`;
      const body = randomBytes(70_000);
      await storage.put(key, body, 'image/png');

      const stored = await storage.get(key);

      expect(stored).not.toBeNull();
      expect(stored!.byteSize).toBe(body.length);
      expect((await readAll(stored!.body)).equals(body)).toBe(true);
    });

    it('answers null for a key never written', async () => {
      expect(await storage.get(`${newHash()}/w320.webp`)).toBeNull();
    });

    it('replaces a key written again', async () => {
      const key = `${newHash()}/original.txt`;
      await storage.put(key, Buffer.from('first'), 'text/plain');
      await storage.put(key, Buffer.from('second'), 'text/plain');
      expect((await readAll((await storage.get(key))!.body)).toString()).toBe('second');
    });

    it('deletes keys, ignoring ones that do not exist', async () => {
      const hash = newHash();
      const keys = [`${hash}/original.jpg`, `${hash}/w320.webp`];
      for (const key of keys) await storage.put(key, Buffer.from(key), 'application/octet-stream');

      await storage.delete([...keys, `${hash}/w640.webp`]);

      for (const key of keys) expect(await storage.get(key)).toBeNull();
      await expect(storage.delete([`${newHash()}/original.png`])).resolves.toBeUndefined();
    });

    it('lists every stored key, a deleted one no longer', async () => {
      const hash = newHash();
      const keys = [`${hash}/original.png`, `${hash}/w320.webp`];
      for (const key of keys) await storage.put(key, Buffer.from(key), 'application/octet-stream');
      const listed = async (): Promise<string[]> => {
        const all: string[] = [];
        for await (const key of storage.list()) if (key.startsWith(hash)) all.push(key);
        return all.sort();
      };

      expect(await listed()).toEqual(keys);
      await storage.delete([keys[1]]);
      expect(await listed()).toEqual([keys[0]]);
    });

    it.each(['../../etc/passwd', `${'a'.repeat(64)}/../../x.png`, `${'a'.repeat(64)}/sub/original.png`, 'original.png', `${'A'.repeat(64)}/original.png`])(
      'refuses the key %s',
      async (key) => {
        await expect(storage.put(key, Buffer.from('x'), 'text/plain')).rejects.toThrow(/invalid asset key/);
        await expect(storage.get(key)).rejects.toThrow(/invalid asset key/);
      },
    );
  });
}
