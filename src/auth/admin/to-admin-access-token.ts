import { AccessTokenEntity } from '../entities/access-token.entity';
import { AdminAccessToken } from './auth-admin.models';

export function toAdminAccessToken(token: AccessTokenEntity): AdminAccessToken {
  return {
    id: token.id,
    userId: token.userId,
    name: token.name,
    tokenPrefix: token.tokenPrefix,
    role: token.role,
    readOnly: token.readOnly,
    expiresAt: token.expiresAt,
    lastUsedAt: token.lastUsedAt,
    revokedAt: token.revokedAt,
    createdAt: token.createdAt,
  };
}
