import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig } from './load-config';
import { runtimeConfig } from './runtime-config';

describe('runtimeConfig: the key sealing stored secrets', () => {
  const database = { url: 'postgres://localhost/x' };
  const dataDir = (): string => mkdtempSync(path.join(tmpdir(), 'evergreen-runtime-'));

  it('outside production, generates a key into DATA_DIR once (mode 600) and keeps using it', async () => {
    const dir = dataDir();
    const first = await runtimeConfig(loadConfig({ DATA_DIR: dir }), database);
    const second = await runtimeConfig(loadConfig({ DATA_DIR: dir }), database);
    expect(first.secretsEncryptionKeys).toHaveLength(1);
    expect(first.secretsEncryptionKeys[0]).toHaveLength(32);
    expect(second.secretsEncryptionKeys).toEqual(first.secretsEncryptionKeys);
    const file = path.join(dir, 'secrets-encryption-key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secretsEncryptionKeys[0].toString('base64url'));
  });

  it('prefers SECRETS_ENCRYPTION_KEY, and in production never invents a key', async () => {
    const dir = dataDir();
    const configured = Buffer.alloc(32, 9);
    expect((await runtimeConfig(loadConfig({ DATA_DIR: dir, SECRETS_ENCRYPTION_KEY: configured.toString('hex') }), database)).secretsEncryptionKeys).toEqual([configured]);
    expect((await runtimeConfig(loadConfig({ DATA_DIR: dir, NODE_ENV: 'production', JWT_SECRET: 'k'.repeat(32) }), database)).secretsEncryptionKeys).toEqual([]);
  });

  it('refuses a key file that holds no key, saying how to recover', async () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, 'secrets-encryption-key'), 'not a key\n');
    await expect(runtimeConfig(loadConfig({ DATA_DIR: dir }), database)).rejects.toThrow(/does not hold a 32-byte key.*SECRETS_ENCRYPTION_KEY/);
  });
});
