import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/** Longest token looked at; anything longer is refused before any work (a token of ours is about 120 characters). */
export const MAX_LINK_TOKEN_LENGTH = 256;

/** `<payload>.<mac>`: base64url of `<purpose>:<subject>`, then base64url of its HMAC-SHA256 (43 characters). */
const TOKEN_SHAPE = /^([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{43})$/;
const PURPOSE_SHAPE = /^[a-z][a-z0-9-]{0,63}$/;

/**
 * The key of one purpose, derived from the server secret with HKDF-SHA256 (the purpose is the `info`): a token
 * signed for one purpose never verifies for another, and nothing signed with the secret itself (session JWTs,
 * feedback keys) can pass for a link token.
 */
function purposeKey(secret: string, purpose: string): Buffer {
  if (!PURPOSE_SHAPE.test(purpose)) throw new Error(`Not a link token purpose: ${purpose}`);
  return Buffer.from(hkdfSync('sha256', secret, 'evergreen-link-token', `purpose:${purpose}`, 32));
}

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(payload).digest('base64url');
}

/**
 * A URL-safe token that names `subject` (an id without `:`) for `purpose`, signed with a key derived from `secret`.
 * It needs no database row: whoever holds it may do that one thing for that subject, until the secret changes or
 * the caller's own check of the subject (e.g. "the account still exists") refuses it.
 */
export function signLinkToken(secret: string, purpose: string, subject: string): string {
  if (subject.length === 0 || subject.includes(':')) throw new Error('A link token subject is a non-empty id without ":"');
  const payload = Buffer.from(`${purpose}:${subject}`, 'utf8').toString('base64url');
  return `${payload}.${mac(purposeKey(secret, purpose), payload)}`;
}

/**
 * The subject of a token signed for `purpose` with `secret`, or null for anything else: not a string, too long, not
 * the token shape, a signature that does not match (compared in constant time), or a payload of another purpose.
 */
export function verifyLinkToken(secret: string, purpose: string, token: unknown): string | null {
  if (typeof token !== 'string' || token.length > MAX_LINK_TOKEN_LENGTH) return null;
  const parts = TOKEN_SHAPE.exec(token);
  if (!parts) return null;
  const [, payload, signature] = parts;
  // Compared as the encoded strings, not decoded bytes: the last base64url character carries bits a decoder drops,
  // so comparing bytes would accept several spellings of one token.
  const expected = Buffer.from(mac(purposeKey(secret, purpose), payload), 'utf8');
  if (!timingSafeEqual(expected, Buffer.from(signature, 'utf8'))) return null;
  const text = Buffer.from(payload, 'base64url').toString('utf8');
  const prefix = `${purpose}:`;
  if (!text.startsWith(prefix)) return null;
  const subject = text.slice(prefix.length);
  return subject.length > 0 && !subject.includes(':') ? subject : null;
}
