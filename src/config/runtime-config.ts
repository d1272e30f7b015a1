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
        : [decodeEncryptionKey(await readOrCreateSecret(path.join(envConfig.dataDir, 'secrets-encryption-key')))!],
  };
}
