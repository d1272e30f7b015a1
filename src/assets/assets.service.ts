import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager, In, QueryFailedError, QueryRunner } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { ARTICLE_CHANGED_CHANNEL } from '../changes/content-changes';
import { recordAudit } from '../common/audit/record-audit';
import { ConflictError, NotFoundError, QuotaExceededError, RateLimitedError, UnsupportedMediaTypeError } from '../common/errors/app-error';
import { Connection, decodeTimeIdCursor, encodeCursor } from '../common/graphql/connection';
import { AppConfig } from '../config/app-config';
import { assetKey, enqueueWebhookEvents } from '../webhooks/webhook-events';
import { ImageRefusedError, processImage } from './content/process-image';
import { extensionOf, FILE_TYPES, sniffFileType, SniffedType } from './content/sniff-file-type';
import { AssetEntity, AssetFile } from './entities/asset.entity';
import { ASSET_STORAGE } from './storage/asset-storage';
import type { AssetStorage } from './storage/asset-storage';
import { assetUrl } from './asset-urls';

export interface AssetUpload {
  filename: string;
  bytes: Buffer;
  alt?: string;
}

export interface UploadedAsset {
  asset: AssetEntity;
  /** False when the same bytes had been uploaded before: the existing asset is returned. */
  created: boolean;
}

export interface AssetListFilter {
  kind?: 'image' | 'attachment' | null;
  first: number;
  after?: string | null;
}

/** What the Markdown renderer needs to turn `asset:<id>` into a URL (and an image into srcset). */
export interface RenderableAsset {
  id: string;
  kind: 'image' | 'attachment';
  alt: string;
  /** URL of `original.<ext>`. */
  url: string;
  width: number | null;
  height: number | null;
  /** WebP width variants, narrowest first (images only). */
  variants: { url: string; width: number; height: number }[];
}

interface PreparedFile {
  file: string;
  body: Buffer;
  contentType: string;
  width: number | null;
  height: number | null;
}

/** ON DELETE RESTRICT: foreign_key_violation up to PostgreSQL 17, restrict_violation from 18 (the embedded server). */
const REFERENCED_ROW_CODES = new Set(['23503', '23001']);
/** C0 and C1 control characters, quotes, slashes, and the bidirectional controls that make `invoice\u202eexe.txt` show as "invoicetxt.exe". */
const FILENAME_UNSAFE = /[\u0000-\u001f\u007f-\u009f"\\/\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Names Windows reserves for devices, with any extension (`CON.txt`, `com1.notes.txt`). */
const WINDOWS_DEVICE_NAME = /^(?:con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])\s*(?:\.|$)/i;
const FILENAME_MAX_LENGTH = 200;
/** Uploads that may wait (their bodies unread) for each of the ASSET_MAX_CONCURRENT_UPLOADS slots. */
export const UPLOADS_WAITING_PER_SLOT = 2;

/** Uploads (sniffed, processed, stored content-addressed), descriptions and deletion of assets. */
@Injectable()
export class AssetsService {
  private readonly logger = new Logger(AssetsService.name);
  private uploadsInFlight = 0;
  private readonly uploadsWaiting: (() => void)[] = [];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(ASSET_STORAGE) private readonly storage: AssetStorage,
    private readonly config: AppConfig,
  ) {}

  /**
   * One of this instance's ASSET_MAX_CONCURRENT_UPLOADS upload slots, taken before the body is read (each upload
   * holds its whole file, then a decoded image, in memory). When none is free the upload waits for one, its body
   * unread, behind at most UPLOADS_WAITING_PER_SLOT × the limit others; beyond that, RATE_LIMITED. Call the
   * returned function once the upload is answered.
   */
  async takeUploadSlot(): Promise<() => void> {
    const limit = this.config.assets.maxConcurrentUploads;
    if (this.uploadsInFlight < limit) {
      this.uploadsInFlight += 1;
    } else {
      if (this.uploadsWaiting.length >= limit * UPLOADS_WAITING_PER_SLOT) {
        throw new RateLimitedError('Too many uploads at once on this server; try again in a moment', 1);
      }
      // The slot is handed over by the upload that frees it: uploadsInFlight stays as it is.
      await new Promise<void>((resolve) => this.uploadsWaiting.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.uploadsWaiting.shift();
      if (next) next();
      else this.uploadsInFlight -= 1;
    };
  }

  /**
   * Stores the upload, or finds the asset of the same bytes, and runs `alsoInTransaction` (e.g. attaching it to an
   * article) in the same transaction: when it fails nothing is kept, neither the row nor the files just written.
   * Runs under the lock of the bytes' hash, as deletion does, so the asset answered exists when the answer is sent
   * and a deletion of the same bytes never removes the files of this upload.
   */
  async upload(uploader: AuthUser, upload: AssetUpload, alsoInTransaction?: (tx: EntityManager, asset: AssetEntity) => Promise<void>): Promise<UploadedAsset> {
    const type = this.sniff(upload);
    const sha256 = createHash('sha256').update(upload.bytes).digest('hex');
    // Decoding takes seconds: done before the lock, unless the bytes are already stored.
    let prepared = (await this.dataSource.manager.existsBy(AssetEntity, { sha256 })) ? null : await this.prepareFiles(type, upload.bytes);
    return this.underHashLock(sha256, async (runner) => {
      const written: string[] = [];
      await runner.startTransaction();
      try {
        const tx = runner.manager;
        const existing = await tx.findOne(AssetEntity, { where: { sha256 } });
        if (existing) {
          await alsoInTransaction?.(tx, existing);
          await runner.commitTransaction();
          return { asset: existing, created: false };
        }
        prepared ??= await this.prepareFiles(type, upload.bytes);
        await this.addStoredBytes(tx, prepared.reduce((sum, f) => sum + f.body.length, 0));
        for (const file of prepared) {
          const key = `${sha256}/${file.file}`;
          written.push(key);
          await this.storage.put(key, file.body, file.contentType);
        }
        const files = prepared.map((f) => ({ file: f.file, contentType: f.contentType, byteSize: f.body.length, width: f.width, height: f.height }));
        const image = files.find((f) => f.file.startsWith('original.'));
        const saved = await tx.save(
          tx.create(AssetEntity, {
            sha256,
            kind: type.kind,
            contentType: type.contentType,
            filename: cleanFilename(upload.filename, type),
            byteSize: upload.bytes.length,
            width: image?.width ?? null,
            height: image?.height ?? null,
            alt: upload.alt?.trim() ?? '',
            files,
            uploadedById: uploader.id,
          }),
        );
        await recordAudit(tx, {
          actorId: uploader.id,
          action: 'asset.upload',
          subjectKind: 'asset',
          subjectId: saved.id,
          after: { sha256, kind: saved.kind, contentType: saved.contentType, filename: saved.filename, byteSize: saved.byteSize },
        });
        await alsoInTransaction?.(tx, saved);
        await runner.commitTransaction();
        return { asset: saved, created: true };
      } catch (error) {
        if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
        // No row names these files (the lock keeps every other upload and deletion of the hash out).
        if (written.length > 0) await this.deleteFiles(written, { sha256 });
        throw error;
      }
    });
  }

  async get(id: string): Promise<AssetEntity> {
    const asset = await this.dataSource.manager.findOne(AssetEntity, { where: { id } });
    if (!asset) throw new NotFoundError('Asset', id);
    return asset;
  }

  async list(filter: AssetListFilter): Promise<Connection<AssetEntity>> {
    const query = this.dataSource.manager
      .createQueryBuilder(AssetEntity, 'a')
      .orderBy('a.created_at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .take(filter.first + 1);
    if (filter.kind) query.andWhere('a.kind = :kind', { kind: filter.kind });
    const totalCount = await query.clone().getCount();
    if (filter.after) {
      const [createdAt, id] = decodeTimeIdCursor(filter.after);
      query.andWhere('(a.created_at, a.id) < (:createdAt, :id)', { createdAt, id });
    }
    const rows = await query.getMany();
    const page = rows.slice(0, filter.first);
    const edges = page.map((node) => ({ node, cursor: encodeCursor([node.createdAt.toISOString(), node.id]) }));
    return { edges, totalCount, pageInfo: { hasNextPage: rows.length > filter.first, endCursor: edges[edges.length - 1]?.cursor ?? null } };
  }

  async describe(editor: AuthUser, id: string, alt: string): Promise<AssetEntity> {
    return this.dataSource.transaction(async (tx) => {
      const asset = await tx.findOne(AssetEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!asset) throw new NotFoundError('Asset', id);
      const before = asset.alt;
      asset.alt = alt.trim();
      const saved = await tx.save(asset);
      await recordAudit(tx, { actorId: editor.id, action: 'asset.describe', subjectKind: 'asset', subjectId: id, before: { alt: before }, after: { alt: saved.alt } });
      await announceArticlesChanged(tx);
      return saved;
    });
  }

  /**
   * Deletes the row, then the files, under the lock of the asset's hash: an upload of the same bytes waits until
   * the files are gone, then stores them again. CONFLICT `ASSET_IN_USE` while an article uses the asset.
   */
  async delete(admin: AuthUser, id: string): Promise<AssetEntity> {
    const found = await this.dataSource.manager.findOne(AssetEntity, { where: { id } });
    if (!found) throw new NotFoundError('Asset', id);
    return this.underHashLock(found.sha256, async (runner) => {
      const deleted = await runner.manager
        .transaction(async (tx) => {
          const asset = await tx.findOne(AssetEntity, { where: { id }, lock: { mode: 'pessimistic_write' } });
          if (!asset) throw new NotFoundError('Asset', id);
          await tx.delete(AssetEntity, { id });
          await tx.query('UPDATE asset_storage_usage SET used_bytes = GREATEST(used_bytes - $1, 0)', [storedBytes(asset.files)]);
          await recordAudit(tx, {
            actorId: admin.id,
            action: 'asset.delete',
            subjectKind: 'asset',
            subjectId: id,
            before: { sha256: asset.sha256, kind: asset.kind, filename: asset.filename, alt: asset.alt },
          });
          // Its files were sent as immutable for a year: CDNs purge them by key (or by URL).
          await enqueueWebhookEvents(tx, [
            {
              type: 'asset.deleted',
              data: { assetId: id, sha256: asset.sha256, urls: asset.files.map((f) => assetUrl(this.config.assets.publicUrl, asset.sha256, f.file)) },
              surrogateKeys: [assetKey(asset.sha256)],
            },
          ]);
          return asset;
        })
        .catch((error: unknown) => {
          if (error instanceof QueryFailedError && REFERENCED_ROW_CODES.has((error.driverError as { code?: string }).code ?? '')) {
            throw new ConflictError('The asset is used by an article: detach it (and remove it from the article text) first', { reason: 'ASSET_IN_USE' });
          }
          throw error;
        });
      await this.deleteFiles(
        deleted.files.map((f) => `${deleted.sha256}/${f.file}`),
        { assetId: id, sha256: deleted.sha256 },
      );
      return { ...deleted, id };
    });
  }

  /**
   * Removes the stored files no asset row names: left when removing a deleted asset's files failed, or when the
   * process stopped between writing an upload's files and committing its row. Each hash is checked and swept
   * under its lock, so files of an upload in progress are never taken. Answers how many files it removed.
   */
  async sweepOrphanFiles(): Promise<{ hashes: number; removed: number }> {
    const byHash = new Map<string, string[]>();
    for await (const key of this.storage.list()) {
      const [hash, file] = key.split('/');
      byHash.set(hash, [...(byHash.get(hash) ?? []), file]);
    }
    let removed = 0;
    for (const [sha256, files] of byHash) {
      removed += await this.underHashLock(sha256, async (runner) => {
        const asset = await runner.manager.findOne(AssetEntity, { where: { sha256 } });
        const named = new Set(asset?.files.map((f) => f.file) ?? []);
        const orphans = files.filter((file) => !named.has(file)).map((file) => `${sha256}/${file}`);
        if (orphans.length > 0) await this.storage.delete(orphans);
        return orphans.length;
      });
    }
    return { hashes: byHash.size, removed };
  }

  /** Bytes every stored asset file takes together, and the quota (0: none). */
  async storageUsage(): Promise<{ usedBytes: number; quotaBytes: number }> {
    const [row] = (await this.dataSource.query('SELECT used_bytes::text AS used FROM asset_storage_usage')) as { used: string }[];
    return { usedBytes: Number(row?.used ?? 0), quotaBytes: this.config.assets.storageQuotaBytes };
  }

  /** The assets among `ids` that exist, ready for rendering; run in the caller's transaction. */
  async renderable(manager: EntityManager, ids: readonly string[]): Promise<Map<string, RenderableAsset>> {
    if (ids.length === 0) return new Map();
    const assets = await manager.find(AssetEntity, { where: { id: In([...new Set(ids)]) } });
    return new Map(assets.map((asset) => [asset.id, this.toRenderable(asset)]));
  }

  toRenderable(asset: AssetEntity): RenderableAsset {
    const base = this.config.assets.publicUrl;
    const original = asset.files.find((f) => f.file.startsWith('original.')) ?? asset.files[0];
    return {
      id: asset.id,
      kind: asset.kind,
      alt: asset.alt,
      url: assetUrl(base, asset.sha256, original.file),
      width: asset.width,
      height: asset.height,
      variants: asset.files
        .filter((f) => f.file.startsWith('w') && f.width !== null && f.height !== null)
        .map((f) => ({ url: assetUrl(base, asset.sha256, f.file), width: f.width ?? 0, height: f.height ?? 0 }))
        .sort((a, b) => a.width - b.width),
    };
  }

  /** The asset row for a public file request, or null when no asset has that file. */
  async findServable(sha256: string, file: string): Promise<{ asset: AssetEntity; file: AssetFile } | null> {
    const asset = await this.dataSource.manager.findOne(AssetEntity, { where: { sha256 } });
    const found = asset?.files.find((f) => f.file === file);
    return asset && found ? { asset, file: found } : null;
  }

  private sniff(upload: AssetUpload): SniffedType {
    const sniffed = sniffFileType(upload.bytes, upload.filename);
    if (!sniffed.ok) throw new UnsupportedMediaTypeError(sniffed.message, { reason: sniffed.reason, ...(sniffed.detected ? { detected: sniffed.detected } : {}) });
    return sniffed.type;
  }

  /**
   * Holds the advisory lock of `sha256` on a connection of its own while `work` runs (its transactions included):
   * uploads and deletions of the same bytes, which share the storage keys, run one at a time across instances.
   */
  private async underHashLock<T>(sha256: string, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`asset-files:${sha256}`]);
      try {
        return await work(runner);
      } finally {
        // A broken connection has dropped the lock with it.
        await runner.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [`asset-files:${sha256}`]).catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * Counts `bytes` about to be written against ASSET_STORAGE_QUOTA_BYTES, in the upload's transaction: the counter
   * row stays locked until it commits or rolls back, so uploads of different bytes (different hash locks) cannot
   * both pass the quota. QUOTA_EXCEEDED before any file is written.
   */
  private async addStoredBytes(tx: EntityManager, bytes: number): Promise<void> {
    const [row] = (await tx.query('SELECT used_bytes::text AS used FROM asset_storage_usage FOR UPDATE')) as { used: string }[];
    const usedBytes = Number(row.used);
    const quotaBytes = this.config.assets.storageQuotaBytes;
    if (quotaBytes > 0 && usedBytes + bytes > quotaBytes) {
      throw new QuotaExceededError('Storing this file would pass the asset storage quota: delete unused assets, or ask an administrator to raise it', {
        quotaBytes,
        usedBytes,
        neededBytes: bytes,
      });
    }
    await tx.query('UPDATE asset_storage_usage SET used_bytes = used_bytes + $1', [bytes]);
  }

  /** Files no row names any more; what cannot be removed is logged (never served: serving checks the row). */
  private async deleteFiles(keys: string[], context: Record<string, string>): Promise<void> {
    try {
      await this.storage.delete(keys);
    } catch (error) {
      this.logger.warn({ err: error, ...context, keys }, 'Could not delete asset files that no asset row names');
    }
  }

  /** The files to store for the upload: the bytes as they are (attachments), or the re-encoded image and its variants. */
  private async prepareFiles(type: SniffedType, bytes: Buffer): Promise<PreparedFile[]> {
    if (type.kind === 'attachment') {
      return [{ file: `original.${type.ext}`, body: bytes, contentType: type.contentType, width: null, height: null }];
    }
    let processed;
    try {
      processed = await processImage(bytes, type.format as Parameters<typeof processImage>[1], this.config.assets.maxPixels);
    } catch (error) {
      if (!(error instanceof ImageRefusedError)) throw error;
      const { refusal } = error;
      if (refusal.reason === 'TOO_MANY_PIXELS') {
        throw new UnsupportedMediaTypeError(`The image has more than ${refusal.maxPixels} pixels`, { ...refusal });
      }
      throw new UnsupportedMediaTypeError('The image could not be decoded (damaged or truncated)', { reason: refusal.reason });
    }
    return processed.files.map((f) => ({ file: f.file, body: f.body, contentType: f.contentType, width: f.width, height: f.height }));
  }
}

/** Bytes an asset's stored files take (the original and every variant): what the storage quota counts. */
function storedBytes(files: readonly AssetFile[]): number {
  return files.reduce((sum, f) => sum + f.byteSize, 0);
}

/** Delivered article HTML and `Article.assets` show asset data: every instance's delivery cache drops it at commit. */
async function announceArticlesChanged(tx: EntityManager): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [ARTICLE_CHANGED_CHANNEL, '']);
}

/**
 * The name attachments are downloaded under: the base name without control characters, bidirectional controls,
 * quotes or slashes, never a Windows device name, at most 200 characters, and always ending in an extension of
 * the sniffed type (the uploader's when it is one, else the type's own), so a download is saved as what it is.
 */
export function cleanFilename(filename: string, type: SniffedType): string {
  const allowed = FILE_TYPES[type.format].extensions;
  let base = (filename.split(/[\\/]/).pop() ?? '').replace(FILENAME_UNSAFE, '').replace(/[.\s]+$/, '').trim();
  const ext = extensionOf(base);
  let suffix = `.${type.ext}`;
  if (ext !== null && allowed.includes(ext)) {
    suffix = base.slice(base.length - ext.length - 1);
    base = base.slice(0, base.length - suffix.length);
  }
  // Cut without leaving half of a surrogate pair (the audit's jsonb refuses one).
  base = base.slice(0, FILENAME_MAX_LENGTH - suffix.length).replace(/[\ud800-\udbff]$/, '').trim();
  if (base === '' || base.startsWith('.')) base = 'file';
  if (WINDOWS_DEVICE_NAME.test(base)) base = `_${base}`;
  return `${base}${suffix}`;
}
