import { Controller, Get, Headers, Inject, Param, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { isNotModified } from '../common/http/conditional-request';
import { TransientDatabaseErrorFilter } from '../common/http/transient-database-error.filter';
import { assetKey } from '../webhooks/webhook-events';
import { ASSET_FILE, ASSET_HASH } from './asset-urls';
import { AssetsService } from './assets.service';
import { ASSET_STORAGE } from './storage/asset-storage';
import type { AssetStorage } from './storage/asset-storage';

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Nothing an asset response holds may run: a PDF or text opened in the browser gets no script, no plugins. */
const ASSET_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/**
 * `GET /assets/<sha256>/<file>`: the public files of assets, whatever the state of the articles using them
 * (the URL holds the SHA-256 of the upload: unguessable without the file). Content-addressed, so cached as
 * immutable. Anything that is not exactly a hash and a known file name is 404, which also ends path traversal.
 */
@UseFilters(TransientDatabaseErrorFilter)
@Controller('assets')
export class AssetDeliveryController {
  constructor(
    private readonly assets: AssetsService,
    @Inject(ASSET_STORAGE) private readonly storage: AssetStorage,
  ) {}

  @Get(':hash/:file')
  async serve(
    @Param('hash') hash: string,
    @Param('file') file: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (!ASSET_HASH.test(hash) || !ASSET_FILE.test(file)) return notFound(reply);
    const found = await this.assets.findServable(hash, file);
    if (!found) return notFound(reply);
    const etag = `"${hash.slice(0, 32)}-${file}"`;
    reply
      .header('cache-control', IMMUTABLE)
      .header('etag', etag)
      .header('content-security-policy', ASSET_CSP)
      .header('cross-origin-resource-policy', 'cross-origin')
      // What the asset.deleted webhook names, for CDNs that purge by key (Fastly) or tag (Cloudflare).
      .header('surrogate-key', assetKey(hash))
      .header('cache-tag', assetKey(hash));
    // RFC 9110 §13.1.2 (`*`, lists, weak comparison; a malformed header is no match): 304 with the headers above, no body.
    if (isNotModified(ifNoneMatch, etag)) {
      await reply.status(304).send();
      return;
    }
    const stored = await this.storage.get(`${hash}/${file}`);
    if (!stored) {
      reply.log.warn({ sha256: hash, file }, 'An asset file listed in the database is missing from storage');
      return notFound(reply);
    }
    reply
      .header('content-type', found.file.contentType)
      .header('content-length', String(stored.byteSize))
      .header('content-disposition', found.asset.kind === 'attachment' ? attachmentDisposition(found.asset.filename) : 'inline');
    await reply.status(200).send(stored.body);
  }
}

async function notFound(reply: FastifyReply): Promise<void> {
  await reply
    .status(404)
    .header('cache-control', 'no-store')
    .send({ error: { code: 'NOT_FOUND', message: 'No such asset file' } });
}

/** `attachment` with the uploader's file name: an ASCII fallback and the exact name (RFC 6266, RFC 8187). */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
