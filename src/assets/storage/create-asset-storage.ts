import { S3Client } from '@aws-sdk/client-s3';
import * as path from 'node:path';
import { AppConfig } from '../../config/app-config';
import { AssetStorage } from './asset-storage';
import { LocalDiskAssetStorage } from './local-disk-asset-storage';
import { S3AssetStorage } from './s3-asset-storage';

/** The storage ASSET_STORAGE selects: `DATA_DIR/assets` on local disk, or an S3 bucket. */
export function createAssetStorage(config: AppConfig): AssetStorage {
  const { s3 } = config.assets;
  if (config.assets.storage === 's3' && s3) {
    const client = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: s3.forcePathStyle,
      credentials: s3.accessKeyId && s3.secretAccessKey ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } : undefined,
    });
    return new S3AssetStorage(client, { bucket: s3.bucket, prefix: s3.prefix });
  }
  return new LocalDiskAssetStorage(path.join(config.dataDir, 'assets'));
}
