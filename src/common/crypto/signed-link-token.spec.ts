import { createHmac } from 'node:crypto';
import { MAX_LINK_TOKEN_LENGTH, signLinkToken, verifyLinkToken } from './signed-link-token';

const SECRET = 'a-server-secret-of-at-least-32-characters!';
const PURPOSE = 'digest-unsubscribe';
const MEMBER = '6f1c1f1e-2b9a-4c55-9d3e-0f8a2f6b7c11';

describe('signed link tokens', () => {
  const token = signLinkToken(SECRET, PURPOSE, MEMBER);

  it('is URL-safe and verifies to its subject for its purpose and secret', () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(token.length).toBeLessThan(MAX_LINK_TOKEN_LENGTH);
    expect(verifyLinkToken(SECRET, PURPOSE, token)).toBe(MEMBER);
    expect(signLinkToken(SECRET, PURPOSE, MEMBER)).toBe(token);
  });

  it('names the member and the purpose, and differs per member', () => {
    expect(Buffer.from(token.split('.')[0], 'base64url').toString()).toBe(`${PURPOSE}:${MEMBER}`);
    expect(signLinkToken(SECRET, PURPOSE, '00000000-0000-4000-8000-000000000000')).not.toBe(token);
  });

  it('does not verify for another purpose or with another secret', () => {
    expect(verifyLinkToken(SECRET, 'password-reset', token)).toBeNull();
    expect(verifyLinkToken(`${SECRET}x`, PURPOSE, token)).toBeNull();
    // A token of another purpose carrying this purpose's payload does not verify either (keys differ per purpose).
    const foreign = signLinkToken(SECRET, 'password-reset', MEMBER);
    const relabelled = `${Buffer.from(`${PURPOSE}:${MEMBER}`).toString('base64url')}.${foreign.split('.')[1]}`;
    expect(verifyLinkToken(SECRET, PURPOSE, relabelled)).toBeNull();
  });

  it('is not a MAC under the raw secret (a derived key signs)', () => {
    const [payload, signature] = token.split('.');
    expect(createHmac('sha256', SECRET).update(payload).digest('base64url')).not.toBe(signature);
  });

  it('refuses a payload changed to another member, with the signature kept', () => {
    const other = Buffer.from(`${PURPOSE}:00000000-0000-4000-8000-000000000000`).toString('base64url');
    expect(verifyLinkToken(SECRET, PURPOSE, `${other}.${token.split('.')[1]}`)).toBeNull();
  });

  it('refuses another spelling of the same signature (the last character carries unused bits)', () => {
    const [payload, signature] = token.split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = signature[signature.length - 1];
    const sibling = alphabet[alphabet.indexOf(last) ^ 1];
    expect(Buffer.from(signature.slice(0, -1) + sibling, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(verifyLinkToken(SECRET, PURPOSE, `${payload}.${signature.slice(0, -1)}${sibling}`)).toBeNull();
  });

  const flipped = (i: number): string => token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);

  it.each([
    ['a flipped payload character', flipped(3)],
    ['a flipped signature character', flipped(token.length - 5)],
    ['truncated', token.slice(0, -1)],
    ['truncated to the payload', token.split('.')[0]],
    ['truncated to the payload and dot', `${token.split('.')[0]}.`],
    ['an extra character', `${token}A`],
    ['a third part', `${token}.${token.split('.')[1]}`],
    ['a standard base64 character', `${token.slice(0, -1)}+`],
    ['padding', `${token}=`],
    ['percent-encoded', encodeURIComponent(`${token}/`)],
    ['spaces around it', ` ${token} `],
    ['not base64 at all', 'not a token!'],
    ['empty', ''],
    ['only a dot', '.'],
    ['huge', `${'A'.repeat(100_000)}.${token.split('.')[1]}`],
    ['just over the length limit', `${'A'.repeat(MAX_LINK_TOKEN_LENGTH)}.${token.split('.')[1]}`],
    ['a payload of another purpose signed with its key', signLinkToken(SECRET, 'digest-unsubscribe-x', MEMBER)],
  ])('refuses %s', (_, bad) => {
    expect(verifyLinkToken(SECRET, PURPOSE, bad)).toBeNull();
  });

  it.each([[undefined], [null], [42], [['a', 'b']], [{ token }]])('refuses a non-string (%p)', (bad) => {
    expect(verifyLinkToken(SECRET, PURPOSE, bad)).toBeNull();
  });

  it('refuses a purpose or subject it could not tell apart', () => {
    expect(() => signLinkToken(SECRET, 'Bad Purpose', MEMBER)).toThrow();
    expect(() => signLinkToken(SECRET, PURPOSE, 'a:b')).toThrow();
    expect(() => signLinkToken(SECRET, PURPOSE, '')).toThrow();
  });
});
