import { randomBytes } from 'node:crypto';
import { decodeEncryptionKey, isSealed, SecretBox, SecretUnreadableError } from './secret-box';

describe('SecretBox', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const purpose = 'webhook_endpoints.secret';

  it('seals so that the stored text holds neither the secret nor the key, and opens it again', () => {
    const box = new SecretBox([newKey]);
    const sealed = box.seal('whsec_abc', purpose);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('whsec_abc');
    expect(sealed).not.toContain(newKey.toString('base64url'));
    expect(sealed).not.toBe(box.seal('whsec_abc', purpose));
    expect(box.open(sealed, purpose)).toBe('whsec_abc');
  });

  it('opens with any configured key and seals with the first (rotation)', () => {
    const sealedWithOld = new SecretBox([oldKey]).seal('s1', purpose);
    const rotated = new SecretBox([newKey, oldKey]);
    expect(rotated.open(sealedWithOld, purpose)).toBe('s1');
    expect(rotated.needsResealing(sealedWithOld)).toBe(true);
    const resealed = rotated.seal(rotated.open(sealedWithOld, purpose), purpose);
    expect(rotated.needsResealing(resealed)).toBe(false);
    expect(new SecretBox([newKey]).open(resealed, purpose)).toBe('s1');
  });

  it('reads a secret stored in clear as itself, and asks for it to be sealed', () => {
    const box = new SecretBox([newKey]);
    expect(box.open('whsec_plain', purpose)).toBe('whsec_plain');
    expect(box.needsResealing('whsec_plain')).toBe(true);
    expect(new SecretBox([]).needsResealing('whsec_plain')).toBe(false);
  });

  it('refuses a value sealed with an unknown key, altered, malformed or sealed for another purpose', () => {
    const box = new SecretBox([newKey]);
    const sealed = box.seal('s2', purpose);
    expect(() => new SecretBox([oldKey]).open(sealed, purpose)).toThrow(SecretUnreadableError);
    expect(() => new SecretBox([]).open(sealed, purpose)).toThrow(SecretUnreadableError);
    const parts = sealed.split(':');
    const body = Buffer.from(parts[4], 'base64url');
    body[0] ^= 1;
    expect(() => box.open([...parts.slice(0, 4), body.toString('base64url')].join(':'), purpose)).toThrow(SecretUnreadableError);
    expect(() => box.open(`${parts.slice(0, 3).join(':')}:x:y`, purpose)).toThrow(SecretUnreadableError);
    expect(() => box.open(sealed, 'another.column')).toThrow(SecretUnreadableError);
  });

  it('cannot seal without a key', () => {
    const box = new SecretBox([]);
    expect(box.canSeal).toBe(false);
    expect(() => box.seal('s', purpose)).toThrow();
  });

  it('decodes keys written as hex, base64 or base64url, and nothing else', () => {
    const key = randomBytes(32);
    expect(decodeEncryptionKey(key.toString('hex'))).toEqual(key);
    expect(decodeEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(decodeEncryptionKey(` ${key.toString('base64url')} `)).toEqual(key);
    for (const bad of ['', 'short', 'x'.repeat(64), randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), randomBytes(48).toString('base64')]) {
      expect(decodeEncryptionKey(bad)).toBeNull();
    }
  });
});
