import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalDiskAssetStorage } from '../../src/assets/storage/local-disk-asset-storage';
import { describeAssetStorageContract } from './asset-storage.contract';

let root = '';

describeAssetStorageContract('local disk', async () => {
  root = await mkdtemp(path.join(tmpdir(), 'evergreen-storage-'));
  return { storage: new LocalDiskAssetStorage(root), close: () => rm(root, { recursive: true, force: true }) };
});

describe('local disk asset storage', () => {
  it('leaves no temporary file and removes the emptied hash folder', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'evergreen-storage-'));
    try {
      const storage = new LocalDiskAssetStorage(folder);
      const hash = 'b'.repeat(64);
      await storage.put(`${hash}/original.png`, Buffer.from('png'));
      expect(await readdir(path.join(folder, hash))).toEqual(['original.png']);

      await storage.delete([`${hash}/original.png`]);

      expect(await readdir(folder)).toEqual([]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
