import { AccessTokenEntity } from '../entities/access-token.entity';
import { AdminAccessToken } from './auth-admin.models';

export function toAdminAccessToken(token: AccessTokenEntity): AdminAccessToken {
  return {
    id: token.id,
    name: token.name,
    tokenPrefix: token.tokenPrefix,
    expiresAt: token.expiresAt,
    lastUsedAt: token.lastUsedAt,
    revokedAt: token.revokedAt,
    createdAt: token.createdAt,
  };
}
