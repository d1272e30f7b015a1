import { signLinkToken, verifyLinkToken } from '../../common/crypto/signed-link-token';
import { AppConfig } from '../../config/app-config';

/** What a digest's unsubscribe token may do, and nothing else (its own HKDF key, see `signLinkToken`). */
export const DIGEST_UNSUBSCRIBE_PURPOSE = 'digest-unsubscribe';

/** Served by the API (`DigestUnsubscribeController`); the help site at SITE_BASE_URL serves or proxies it. */
export const UNSUBSCRIBE_PATH = '/unsubscribe';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Tokens are signed with a key derived from the JWT secret (JWT_SECRET, else the one kept in DATA_DIR). */
function secretOf(config: AppConfig): string {
  const secret = config.auth.jwtSecret;
  if (!secret) throw new Error('The JWT secret was not resolved before the app started');
  return secret;
}

/** The one-click unsubscribe link of a member's digest: `SITE_BASE_URL/unsubscribe?token=…` (no sign-in needed). */
export function digestUnsubscribeUrl(config: AppConfig, userId: string): string {
  return `${config.site.baseUrl}${UNSUBSCRIBE_PATH}?token=${signLinkToken(secretOf(config), DIGEST_UNSUBSCRIBE_PURPOSE, userId)}`;
}

/** The member a digest unsubscribe token names, or null when it is not one (tampered, foreign, malformed). */
export function digestUnsubscribeMember(config: AppConfig, token: unknown): string | null {
  const userId = verifyLinkToken(secretOf(config), DIGEST_UNSUBSCRIBE_PURPOSE, token);
  return userId !== null && UUID.test(userId) ? userId : null;
}
