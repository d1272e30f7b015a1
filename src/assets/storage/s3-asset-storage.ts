import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { AssetStorage, assertAssetKey, isAssetKey, StoredObject } from './asset-storage';

export interface S3AssetStorageOptions {
  bucket: string;
  /** Prepended to every key, e.g. `evergreen/`. */
  prefix: string;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const DELETE_BATCH = 1000;

/** An S3 bucket (AWS or an S3-compatible server such as MinIO), through the official SDK v3. */
export class S3AssetStorage implements AssetStorage {
  readonly name = 's3';

  constructor(
    private readonly client: S3Client,
    private readonly options: S3AssetStorageOptions,
  ) {}

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key), Body: body, ContentType: contentType, CacheControl: IMMUTABLE }),
    );
  }

  async get(key: string): Promise<StoredObject | null> {
    try {
      const object = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.keyOf(key) }));
      if (!(object.Body instanceof Readable)) throw new Error('The S3 client returned a body that is not a Node.js stream');
      return { body: object.Body, byteSize: object.ContentLength ?? 0 };
    } catch (error) {
      if (error instanceof NoSuchKey || (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)) return null;
      throw error;
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
      const batch = keys.slice(start, start + DELETE_BATCH);
      const result = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.options.bucket, Delete: { Objects: batch.map((key) => ({ Key: this.keyOf(key) })), Quiet: true } }),
      );
      const failed = (result.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length > 0) throw new Error(`S3 could not delete ${failed.length} asset file(s): ${failed[0].Code ?? 'unknown error'}`);
    }
  }

  async *list(): AsyncIterable<string> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.options.prefix, ContinuationToken }));
      for (const object of page.Contents ?? []) {
        const key = (object.Key ?? '').slice(this.options.prefix.length);
        if (isAssetKey(key)) yield key;
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  private keyOf(key: string): string {
    assertAssetKey(key);
    return `${this.options.prefix}${key}`;
  }
}
