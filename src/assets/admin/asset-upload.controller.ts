import { Controller, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isUUID } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { ArticleAssetsService } from '../../articles/article-assets.service';
import { AuthUser } from '../../auth/auth-user';
import { AuthService } from '../../auth/auth.service';
import { AppError, BadUserInputError, ForbiddenError, UnauthenticatedError } from '../../common/errors/app-error';
import { transientDatabaseAnswer, TransientDatabaseErrorFilter } from '../../common/http/transient-database-error.filter';
import { AppConfig } from '../../config/app-config';
import { EDITORIAL_ROLES } from '../../users/role.enum';
import { AssetsService } from '../assets.service';
import { AssetEntity } from '../entities/asset.entity';
import { appErrorReply, HttpErrorBody, internalErrorReply } from '../http-error-reply';
import { AdminAsset } from './admin-asset.model';
import { ALT_MAX_LENGTH } from './assets-admin.inputs';
import { ClientAbortedError, readUploadForm } from './read-upload-form';
import { toAdminAsset } from './to-admin-asset';

export interface UploadAnswer {
  /** False when the same bytes had been uploaded before (the existing asset is returned, status 200). */
  created: boolean;
  asset: AdminAsset;
}

/**
 * `POST /admin/assets`: multipart upload (part `file`, optional fields `alt` and `articleId`) with the admin
 * API's bearer token and the editorial roles. Answers 201 with the asset, 200 for bytes already uploaded;
 * errors as `{ error: { code, message } }` with the codes of the GraphQL API (docs/assets.md).
 */
@UseFilters(TransientDatabaseErrorFilter)
@Controller('admin/assets')
export class AssetUploadController {
  constructor(
    private readonly auth: AuthService,
    private readonly assets: AssetsService,
    private readonly articleAssets: ArticleAssetsService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  async upload(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<UploadAnswer | HttpErrorBody> {
    let releaseSlot: (() => void) | null = null;
    try {
      // Before the body is read: an anonymous or member request never gets a file stored.
      const editor = await this.editor(request.headers.authorization);
      releaseSlot = await this.assets.takeUploadSlot();
      const form = await readUploadForm(request, this.config.assets.maxBytes);
      const alt = form.fields.alt ?? '';
      if (alt.length > ALT_MAX_LENGTH) throw new BadUserInputError('alt is too long', [{ field: 'alt', messages: [`at most ${ALT_MAX_LENGTH} characters`] }]);
      const articleId = form.fields.articleId;
      if (articleId !== undefined && !isUUID(articleId)) throw new BadUserInputError('articleId must be a UUID', [{ field: 'articleId', messages: ['articleId must be a UUID'] }]);
      if (articleId !== undefined) await this.articleAssets.requireArticle(articleId);
      const attach = articleId === undefined ? undefined : (tx: EntityManager, asset: AssetEntity) => this.articleAssets.attachIn(tx, editor, asset.id, articleId);
      const { asset, created } = await this.assets.upload(editor, { filename: form.filename, bytes: form.bytes, alt }, attach);
      reply.status(created ? 201 : 200);
      request.log.info({ assetId: asset.id, sha256: asset.sha256, created, byteSize: asset.byteSize }, 'asset uploaded');
      return { created, asset: toAdminAsset(asset, this.config.assets.publicUrl) };
    } catch (error) {
      if (error instanceof ClientAbortedError) {
        request.log.info({ reason: error.message }, 'asset upload aborted by the client');
        return appErrorReply(reply, error);
      }
      if (error instanceof AppError) return appErrorReply(reply, error);
      // The database, not the request: TransientDatabaseErrorFilter answers 503 or 409.
      if (transientDatabaseAnswer(error)) throw error;
      request.log.error({ err: error }, 'Unexpected error while storing an uploaded asset');
      return internalErrorReply(reply);
    } finally {
      releaseSlot?.();
    }
  }

  private async editor(authorization: string | undefined): Promise<AuthUser> {
    const { user, failure } = await this.auth.resolveAuthorization(authorization);
    if (!user) throw new UnauthenticatedError(failure ?? 'Sign in to upload assets');
    if (!EDITORIAL_ROLES.includes(user.role)) throw new ForbiddenError('Your role does not allow this', { requiredRoles: EDITORIAL_ROLES });
    if (user.accessToken?.readOnly) throw new ForbiddenError('This personal access token is read-only', { reason: 'READ_ONLY_TOKEN' });
    return user;
  }
}
