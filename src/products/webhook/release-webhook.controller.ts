import { Controller, Post, Req, Res, UseFilters } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { AppError, UnauthenticatedError } from '../../common/errors/app-error';
import { transientDatabaseAnswer, TransientDatabaseErrorFilter } from '../../common/http/transient-database-error.filter';
import { AppConfig } from '../../config/app-config';
import { ReleaseSource } from '../entities/release.entity';
import { ProductsService, RecordedRelease } from '../products.service';
import { RAW_BODY_ROUTE } from './raw-body';
import type { RawBodyFastifyRequest } from './raw-body';
import { parseReleasePayload } from './release-webhook.payload';
import { appErrorReply, webhookErrorReply, WebhookErrorBody } from './webhook-response';
import { checkSignature, SIGNATURE_HEADER } from './webhook-signature';

export interface WebhookRelease {
  created: boolean;
  release: { id: string; product: string; version: string; releasedAt: string; source: ReleaseSource; changeCount: number };
}

const SIGNATURE_PROBLEMS = {
  missing: 'Sign the body: X-Evergreen-Signature: sha256=<hex HMAC-SHA256 of the raw body>',
  malformed: 'X-Evergreen-Signature must be sha256= followed by 64 hex digits',
  mismatch: 'The signature does not match the body',
} as const;

function toWebhookRelease({ product, release, changes, created }: RecordedRelease): WebhookRelease {
  return {
    created,
    release: {
      id: release.id,
      product: product.key,
      version: release.version,
      releasedAt: release.releasedAt.toISOString(),
      source: release.source,
      changeCount: changes.length,
    },
  };
}

/**
 * Inbound release webhook for CI: an HMAC-signed JSON release. Answers 201 when recorded, 200 when
 * the same version was already recorded with the same content; errors as `{ error: { code, message } }`.
 * There is no global HTTP exception filter, so this handler answers its own errors.
 */
@UseFilters(TransientDatabaseErrorFilter)
@Controller('webhooks')
export class ReleaseWebhookController {
  constructor(
    private readonly config: AppConfig,
    private readonly productsService: ProductsService,
  ) {}

  @Post('releases')
  @RouteConfig(RAW_BODY_ROUTE)
  async receive(@Req() request: RawBodyFastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<WebhookRelease | WebhookErrorBody> {
    const secret = this.config.webhooks.releaseSecret;
    if (!secret) return webhookErrorReply(reply, 503, 'WEBHOOK_DISABLED', 'Release webhooks are off: RELEASE_WEBHOOK_SECRET is not set');
    try {
      const body = request.rawBody ?? Buffer.alloc(0);
      const signature = checkSignature(secret, body, request.headers[SIGNATURE_HEADER]);
      if (signature !== 'valid') throw new UnauthenticatedError(SIGNATURE_PROBLEMS[signature]);
      const payload = await parseReleasePayload(body);
      const recorded = await this.productsService.recordRelease({
        product: { key: payload.product },
        version: payload.version,
        releasedAt: new Date(payload.releasedAt),
        notesMarkdown: payload.notes,
        changes: payload.changes,
        source: ReleaseSource.Webhook,
        recordedBy: null,
      });
      reply.status(recorded.created ? 201 : 200);
      request.log.info({ product: payload.product, version: payload.version, releaseId: recorded.release.id, created: recorded.created }, 'release webhook accepted');
      return toWebhookRelease(recorded);
    } catch (error) {
      if (error instanceof AppError) return appErrorReply(reply, error);
      // The database, not the request: TransientDatabaseErrorFilter answers 503 or 409.
      if (transientDatabaseAnswer(error)) throw error;
      request.log.error({ err: error }, 'Unexpected error while recording a release from the webhook');
      return webhookErrorReply(reply, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    }
  }
}
