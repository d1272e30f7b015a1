import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { S3AssetStorage } from '../../src/assets/storage/s3-asset-storage';
import { describeAssetStorageContract } from './asset-storage.contract';

const endpoint = process.env.S3_ENDPOINT;

if (!endpoint) {
  // Printed, not silent: the run is skipped only because no S3-compatible server was given.
  process.stdout.write(
    'S3 asset storage contract suite SKIPPED: S3_ENDPOINT is not set (no S3-compatible server runs on this machine); ' +
      'set S3_ENDPOINT, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY (and S3_BUCKET, default evergreen-test) to run it, e.g. against MinIO.\n',
  );
  describe('asset storage contract: s3', () => {
    it.skip('needs S3_ENDPOINT', () => undefined);
  });
} else {
  describeAssetStorageContract('s3', async () => {
    const bucket = process.env.S3_BUCKET || 'evergreen-test';
    const client = new S3Client({
      endpoint,
      region: process.env.S3_REGION || 'us-east-1',
      forcePathStyle: process.env.S3_FORCE_PATH_STYLE !== 'false',
      credentials:
        process.env.S3_ACCESS_KEY_ID && process.env.S3_SECRET_ACCESS_KEY
          ? { accessKeyId: process.env.S3_ACCESS_KEY_ID, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY }
          : undefined,
    });
    try {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    }
    const prefix = `evergreen-test-${randomBytes(4).toString('hex')}/`;
    return { storage: new S3AssetStorage(client, { bucket, prefix }), close: async () => client.destroy() };
  });
}
