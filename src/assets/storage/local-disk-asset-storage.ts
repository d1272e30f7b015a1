import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { AssetStorage, assertAssetKey, isAssetKey, StoredObject } from './asset-storage';

/** Files under one folder (`DATA_DIR/assets`): `<root>/<sha256>/<file>`. */
export class LocalDiskAssetStorage implements AssetStorage {
  readonly name = 'local';

  constructor(private readonly root: string) {}

  async put(key: string, body: Buffer): Promise<void> {
    const target = this.pathOf(key);
    await mkdir(path.dirname(target), { recursive: true });
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, body);
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<StoredObject | null> {
    const target = this.pathOf(key);
    try {
      const { size } = await stat(target);
      return { body: createReadStream(target), byteSize: size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    const folders = new Set<string>();
    for (const key of keys) {
      const target = this.pathOf(key);
      await rm(target, { force: true });
      folders.add(path.dirname(target));
    }
    for (const folder of folders) {
      await rmdir(folder).catch(() => undefined);
    }
  }

  async *list(): AsyncIterable<string> {
    const hashes = await readdir(this.root).catch(() => [] as string[]);
    for (const hash of hashes) {
      const files = await readdir(path.join(this.root, hash)).catch(() => [] as string[]);
      for (const file of files) if (isAssetKey(`${hash}/${file}`)) yield `${hash}/${file}`;
    }
  }

  private pathOf(key: string): string {
    assertAssetKey(key);
    return path.join(this.root, ...key.split('/'));
  }
}
