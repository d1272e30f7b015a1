import * as path from 'node:path';
import { decodeEncryptionKey } from '../common/crypto/secret-box';
import { readOrCreateSecret } from '../common/secret-file';
import { AppConfig } from './app-config';

/**
 * The configuration a process runs with: the database actually prepared, and a JWT secret kept in DATA_DIR when none is
 * set; outside production also a key sealing stored secrets (production sets SECRETS_ENCRYPTION_KEY or stores none).
 */
export async function runtimeConfig(envConfig: AppConfig, database: { url: string }): Promise<AppConfig> {
  return {
    ...envConfig,
    database: { ...envConfig.database, url: database.url },
    auth: { ...envConfig.auth, jwtSecret: envConfig.auth.jwtSecret ?? (await readOrCreateSecret(path.join(envConfig.dataDir, 'jwt-secret'))) },
    secretsEncryptionKeys:
      envConfig.secretsEncryptionKeys.length > 0 || envConfig.nodeEnv === 'production'
        ? envConfig.secretsEncryptionKeys
        : [await dataDirEncryptionKey(path.join(envConfig.dataDir, 'secrets-encryption-key'))],
  };
}

async function dataDirEncryptionKey(file: string): Promise<Buffer> {
  const key = decodeEncryptionKey(await readOrCreateSecret(file));
  if (!key) throw new Error(`${file} does not hold a 32-byte key (hex or base64); set SECRETS_ENCRYPTION_KEY, or delete the file to generate a new key (secrets sealed with the old one then become unreadable)`);
  return key;
}
