import { createHash, randomBytes } from 'node:crypto';
import { EDITORIAL_ROLES, Role } from '../../users/role.enum';

/** Preview tokens start with this, so they are told apart from personal access tokens (`egp_`) at a glance. */
export const PREVIEW_TOKEN_PREFIX = 'egpv_';

/** Lifetimes an editor may ask for: one minute to seven days; one hour when not said. */
export const PREVIEW_TOKEN_MIN_SECONDS = 60;
export const PREVIEW_TOKEN_MAX_SECONDS = 7 * 24 * 3600;
export const PREVIEW_TOKEN_DEFAULT_SECONDS = 3600;

/** 32 random bytes in base64url: 43 characters. */
const WELL_FORMED = /^egpv_[A-Za-z0-9_-]{43}$/;

/** Which articles a token previews: `articleId` and/or `locale`, each null meaning "any". */
export interface PreviewScope {
  articleId: string | null;
  locale: string | null;
}

export interface IssuedPreviewToken {
  token: string;
  hash: string;
  prefix: string;
}

export function issuePreviewToken(): IssuedPreviewToken {
  const token = `${PREVIEW_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashPreviewToken(token), prefix: token.slice(0, PREVIEW_TOKEN_PREFIX.length + 6) };
}

export function hashPreviewToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function isWellFormedPreviewToken(token: string): boolean {
  return WELL_FORMED.test(token);
}

export type PreviewTokenState = 'active' | 'expired' | 'revoked';

/** What of the minting account decides whether its tokens still work; null when the account is gone. */
export interface PreviewTokenCreator {
  role: Role;
  deactivatedAt: Date | null;
  suspendedUntil: Date | null;
}

/**
 * A token is only as good as the account that minted it (decision 0012): once that account is deactivated, deleted
 * (a member), suspended or no longer on the editorial staff, its tokens are revoked, whenever that happened. The one
 * rule for using a token and for listing it.
 */
export function previewTokenState(token: { expiresAt: Date; revokedAt: Date | null }, creator: PreviewTokenCreator | null, now: Date): PreviewTokenState {
  if (token.revokedAt || !canStillPreview(creator, now)) return 'revoked';
  return token.expiresAt.getTime() > now.getTime() ? 'active' : 'expired';
}

function canStillPreview(creator: PreviewTokenCreator | null, now: Date): boolean {
  if (!creator || creator.deactivatedAt !== null || !EDITORIAL_ROLES.includes(creator.role)) return false;
  return creator.suspendedUntil === null || creator.suspendedUntil <= now;
}

export function isInPreviewScope(scope: PreviewScope, article: { id: string; locale: string }): boolean {
  return (scope.articleId === null || scope.articleId === article.id) && (scope.locale === null || scope.locale === article.locale);
}
