import { PreviewTokenEntity } from '../entities/preview-token.entity';
import { previewTokenState } from '../preview/preview-token';
import { AdminPreviewToken } from './admin-preview-token.model';

/** `row.creator` must be loaded: a token whose minting account left is not active. */
export function toAdminPreviewToken(row: PreviewTokenEntity, now = new Date()): AdminPreviewToken {
  return {
    id: row.id,
    label: row.label,
    tokenPrefix: row.tokenPrefix,
    articleId: row.articleId,
    locale: row.locale,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
    revokedBy: row.revokedBy,
    isActive: previewTokenState(row, row.creator ?? null, now) === 'active',
  };
}
