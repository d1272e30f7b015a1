import { newSigningSecret, signatureHeaderValue, verifySignature } from './webhook-signature';
import { webhookRetryDelayMs } from './webhook-retry';

describe('webhook signatures', () => {
  const secret = newSigningSecret();
  const body = JSON.stringify({ id: 'e1', type: 'article.published' });
  const now = 1_800_000_000;

  it('verifies its own signature within the replay window', () => {
    const header = signatureHeaderValue(secret, body, now);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, body, header, now + 299)).toBe(true);
  });

  it('refuses an old timestamp, another secret, a changed body and a malformed header', () => {
    const header = signatureHeaderValue(secret, body, now);
    expect(verifySignature(secret, body, header, now + 301)).toBe(false);
    expect(verifySignature(newSigningSecret(), body, header, now)).toBe(false);
    expect(verifySignature(secret, `${body} `, header, now)).toBe(false);
    expect(verifySignature(secret, body, 'v1=abc', now)).toBe(false);
    expect(verifySignature(secret, body, undefined, now)).toBe(false);
  });

  it('accepts any of several v1 signatures (as during a secret rotation)', () => {
    const header = `${signatureHeaderValue(secret, body, now)},v1=${'0'.repeat(64)}`;
    expect(verifySignature(secret, body, header, now)).toBe(true);
  });

  it('signs with each given secret, the current one first, so receivers holding either verify', () => {
    const previous = newSigningSecret();
    const header = signatureHeaderValue([secret, previous], body, now);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(header.startsWith(signatureHeaderValue(secret, body, now))).toBe(true);
    expect(verifySignature(secret, body, header, now)).toBe(true);
    expect(verifySignature(previous, body, header, now)).toBe(true);
    expect(verifySignature(newSigningSecret(), body, header, now)).toBe(false);
  });

  it('makes secrets that differ', () => {
    expect(newSigningSecret()).not.toBe(newSigningSecret());
    expect(newSigningSecret()).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
  });
});

describe('webhookRetryDelayMs', () => {
  it('doubles from the base, between half and all of it', () => {
    expect(webhookRetryDelayMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(webhookRetryDelayMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(webhookRetryDelayMs(3, 1000, 60_000, () => 1)).toBe(4000);
  });

  it('is capped', () => {
    expect(webhookRetryDelayMs(30, 1000, 60_000, () => 1)).toBe(60_000);
    expect(webhookRetryDelayMs(1000, 1000, 60_000, () => 0)).toBe(30_000);
  });
});
