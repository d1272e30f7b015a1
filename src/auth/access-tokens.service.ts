import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { IsNull, Repository } from 'typeorm';
import { lockActiveAccount } from '../users/active-account-lock';
import { ForbiddenError, NotFoundError } from '../common/errors/app-error';
import { Role } from '../users/role.enum';
import { AuthUser } from './auth-user';
import { AccessTokenEntity } from './entities/access-token.entity';
import { grantableTokenRoles } from './token-scope';

export const PERSONAL_ACCESS_TOKEN_PREFIX = 'egp_';
const DAY_MS = 24 * 60 * 60 * 1000;
/** `lastUsedAt` is written at most this often per token, so reads do not turn into writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface NewAccessToken {
  name: string;
  expiresInDays: number | null;
  /** Default: the owner's role. At most the owner's role (`grantableTokenRoles`). */
  role: Role | null;
  readOnly: boolean;
}

export interface CreatedAccessToken {
  token: string;
  accessToken: AccessTokenEntity;
}

export function hashAccessToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

@Injectable()
export class AccessTokensService {
  constructor(@InjectRepository(AccessTokenEntity) private readonly tokens: Repository<AccessTokenEntity>) {}

  /**
   * The secret is returned once; only its hash is stored. Only a signed-in session creates tokens:
   * a token minting tokens would outlive its own revocation through its children.
   */
  async create(owner: AuthUser, input: NewAccessToken, now = new Date()): Promise<CreatedAccessToken> {
    if (owner.via !== 'session') {
      throw new ForbiddenError('A personal access token cannot create tokens; sign in to create one', { reason: 'TOKEN_CANNOT_MINT_TOKENS' });
    }
    const role = input.role ?? owner.role;
    const grantable = grantableTokenRoles(owner.role);
    if (!grantable.includes(role)) {
      throw new ForbiddenError('A token can have at most your own role', { reason: 'ROLE_ABOVE_OWNER', grantableRoles: grantable });
    }
    const { expiresInDays } = input;
    const token = `${PERSONAL_ACCESS_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    // Not for an account being deleted: the row would outlive its erasure (decision 0035).
    const accessToken = await this.tokens.manager.transaction(async (tx) => {
      await lockActiveAccount(tx, owner.id);
      return tx.save(
        tx.create(AccessTokenEntity, {
          userId: owner.id,
          name: input.name.trim(),
          role,
          readOnly: input.readOnly,
          tokenHash: hashAccessToken(token),
          tokenPrefix: token.slice(0, PERSONAL_ACCESS_TOKEN_PREFIX.length + 6),
          expiresAt: expiresInDays === null ? null : new Date(now.getTime() + expiresInDays * DAY_MS),
          lastUsedAt: null,
          revokedAt: null,
        }),
      );
    });
    return { token, accessToken };
  }

  /** A user's tokens, newest first (their own list, or an admin looking at anyone's). */
  listForUser(userId: string, includeRevoked: boolean): Promise<AccessTokenEntity[]> {
    return this.tokens.find({
      where: includeRevoked ? { userId } : { userId, revokedAt: IsNull() },
      order: { createdAt: 'DESC' },
    });
  }

  /** Owners revoke their own tokens; admins may revoke anyone's. Revoking twice is harmless. */
  async revoke(actor: AuthUser, tokenId: string, now = new Date()): Promise<AccessTokenEntity> {
    const token = await this.tokens.findOneBy({ id: tokenId });
    if (!token) throw new NotFoundError('AccessToken', tokenId);
    if (token.userId !== actor.id && actor.role !== Role.Admin) {
      throw new ForbiddenError('Only the owner or an admin can revoke this token');
    }
    if (!token.revokedAt) {
      token.revokedAt = now;
      await this.tokens.update({ id: token.id }, { revokedAt: now });
    }
    return token;
  }

  /** The live token for a presented secret, or the reason it cannot be used. */
  async resolve(secret: string, now = new Date()): Promise<AccessTokenEntity | string> {
    const token = await this.tokens.findOneBy({ tokenHash: hashAccessToken(secret) });
    if (!token) return 'The personal access token is not valid';
    if (token.revokedAt) return 'The personal access token has been revoked';
    if (token.expiresAt && token.expiresAt <= now) return 'The personal access token has expired';
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      // Conditional, so several instances seeing the same token write it once a minute at most.
      await this.tokens
        .createQueryBuilder()
        .update()
        .set({ lastUsedAt: now })
        .where('id = :id AND (last_used_at IS NULL OR last_used_at < :before)', { id: token.id, before: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) })
        .execute();
    }
    return token;
  }
}
