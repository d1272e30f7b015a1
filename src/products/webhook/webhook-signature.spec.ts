import { createHmac } from 'node:crypto';
import { checkSignature, signBody } from './webhook-signature';

const SECRET = 'a-release-webhook-secret-of-32-chars!';
const body = Buffer.from('{"product":"billing","version":"2.4.0"}');
const hex = createHmac('sha256', SECRET).update(body).digest('hex');

describe('signBody', () => {
  it('is sha256= and the hex HMAC-SHA256 of the body', () => {
    expect(signBody(SECRET, body)).toBe(`sha256=${hex}`);
    expect(signBody(SECRET, body.toString())).toBe(`sha256=${hex}`);
  });
});

describe('checkSignature', () => {
  it('accepts the signature of the exact bytes, in either hex case', () => {
    expect(checkSignature(SECRET, body, `sha256=${hex}`)).toBe('valid');
    expect(checkSignature(SECRET, body, `sha256=${hex.toUpperCase()}`)).toBe('valid');
  });

  it.each<[string, string | string[] | undefined, string]>([
    ['no header', undefined, 'missing'],
    ['an empty header', '', 'missing'],
    ['a repeated header', [`sha256=${hex}`, `sha256=${hex}`], 'malformed'],
    ['no algorithm prefix', hex, 'malformed'],
    ['another algorithm', `sha1=${hex.slice(0, 40)}`, 'malformed'],
    ['a short digest', `sha256=${hex.slice(0, 63)}`, 'malformed'],
    ['a long digest', `sha256=${hex}00`, 'malformed'],
    ['non-hex characters', `sha256=${'z'.repeat(64)}`, 'malformed'],
    ['a digest made with another secret', signBody('another-secret-of-at-least-32-chars', body), 'mismatch'],
    ['a digest of another body', signBody(SECRET, `${body.toString()} `), 'mismatch'],
    ['one flipped digit', `sha256=${hex.slice(0, -1)}${hex.endsWith('0') ? '1' : '0'}`, 'mismatch'],
  ])('refuses %s', (_, header, expected) => {
    expect(checkSignature(SECRET, body, header)).toBe(expected);
  });

  it('checks an empty body like any other', () => {
    const empty = Buffer.alloc(0);
    expect(checkSignature(SECRET, empty, signBody(SECRET, empty))).toBe('valid');
    expect(checkSignature(SECRET, empty, `sha256=${hex}`)).toBe('mismatch');
  });
});
