import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an `Authorization` header is `Bearer <token>`, compared in constant time (both sides hashed first, so
 * their lengths do not show either). Null when no token is configured.
 */
export function bearerTokenMatcher(token: string | undefined): ((authorization: string | undefined) => boolean) | null {
  if (!token) return null;
  const expected = digest(`Bearer ${token}`);
  return (authorization) => timingSafeEqual(digest(authorization ?? ''), expected);
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
