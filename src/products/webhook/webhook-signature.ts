import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying `sha256=<hex HMAC-SHA256 of the raw request body>`, keyed with RELEASE_WEBHOOK_SECRET. */
export const SIGNATURE_HEADER = 'x-evergreen-signature';

const SIGNATURE_FORMAT = /^sha256=([0-9a-f]{64})$/i;

export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'mismatch';

export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Checks a signature header against the exact bytes received. The digests are compared in constant
 * time; the format check before it looks only at the header, never at the expected value.
 */
export function checkSignature(secret: string, body: Buffer, header: string | string[] | undefined): SignatureCheck {
  if (header === undefined || header === '') return 'missing';
  if (Array.isArray(header)) return 'malformed';
  const match = SIGNATURE_FORMAT.exec(header.trim());
  if (!match) return 'malformed';
  const given = Buffer.from(match[1], 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(given, expected) ? 'valid' : 'mismatch';
}
