import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'sealed:v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A 32-byte key written as 64 hex digits, or as base64 / base64url (43 or 44 characters). Null when it is neither. */
export function decodeEncryptionKey(text: string): Buffer | null {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return key.length === KEY_BYTES ? key : null;
  }
  return null;
}

/** A stored secret cannot be read: sealed with a key this process does not have, or altered. */
export class SecretUnreadableError extends Error {}

/**
 * Seals secrets the application must read back (webhook signing keys) before they are stored: AES-256-GCM with a
 * random IV, the purpose as additional data (a value sealed for one column does not open as another's), and the
 * id of the key (a hash prefix, not the key) in the stored text. The first key seals; every key opens, so a new key
 * can be put first while rows sealed with the old one are resealed. A stored value without the `sealed:` prefix is
 * a secret stored in clear before sealing existed, and reads as itself.
 */
export class SecretBox {
  private readonly keys: { id: string; key: Buffer }[];

  constructor(keys: readonly Buffer[]) {
    this.keys = keys.map((key) => {
      if (key.length !== KEY_BYTES) throw new Error(`An encryption key must be ${KEY_BYTES} bytes`);
      return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
    });
  }

  /** Whether this box can seal (a key is configured). */
  get canSeal(): boolean {
    return this.keys.length > 0;
  }

  seal(plain: string, purpose: string): string {
    const current = this.keys[0];
    if (!current) throw new Error('No encryption key is configured');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', current.key, iv).setAAD(Buffer.from(purpose, 'utf8'));
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}:${current.id}:${iv.toString('base64url')}:${sealed.toString('base64url')}`;
  }

  open(stored: string, purpose: string): string {
    if (!isSealed(stored)) return stored;
    const [, , keyId, ivText, sealedText] = stored.split(':');
    const entry = this.keys.find((k) => k.id === keyId);
    if (!entry) throw new SecretUnreadableError(`sealed with key ${keyId}, which is not configured`);
    const iv = Buffer.from(ivText ?? '', 'base64url');
    const sealed = Buffer.from(sealedText ?? '', 'base64url');
    if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) throw new SecretUnreadableError('malformed sealed value');
    try {
      const decipher = createDecipheriv('aes-256-gcm', entry.key, iv).setAAD(Buffer.from(purpose, 'utf8'));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError(`sealed value does not authenticate with key ${keyId}`);
    }
  }

  /** Whether a stored value should be sealed again: stored in clear, or sealed with a key that is no longer the first. */
  needsResealing(stored: string): boolean {
    if (!this.canSeal) return false;
    return !isSealed(stored) || stored.split(':')[2] !== this.keys[0].id;
  }
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(`${PREFIX}:`);
}
