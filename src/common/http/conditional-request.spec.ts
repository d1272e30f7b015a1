import { entityTagOf, isNotModified, parseEntityTag, parseIfNoneMatch } from './conditional-request';

describe('isNotModified (If-None-Match, RFC 9110 §13.1.2)', () => {
  const strong = '"abc"';
  const weak = 'W/"abc"';

  it.each([
    // [If-None-Match, current ETag, 304?]
    [undefined, strong, false],
    [null, strong, false],
    ['', strong, false],
    ['   ', strong, false],
    ['*', strong, true],
    [' * ', strong, true],
    ['*', weak, true],
    ['*', null, false],
    ['"abc"', strong, true],
    ['"abc"', weak, true],
    ['W/"abc"', strong, true],
    ['W/"abc"', weak, true],
    ['"abd"', strong, false],
    ['"ab"', strong, false],
    ['"ABC"', strong, false],
    ['"x", "abc"', strong, true],
    ['"x","abc"', strong, true],
    ['"x" ,\t"abc" ', strong, true],
    ['  "abc"  ', strong, true],
    ['"x", "y"', strong, false],
    [', , "abc",', strong, true],
    ['"x", W/"abc"', strong, true],
    [['"x"', '"abc"'], strong, true],
    [['"x"', '"y"'], strong, false],
    // Malformed: ignored, never an error.
    ['abc', strong, false],
    ['"abc', strong, false],
    ['abc"', strong, false],
    ["'abc'", strong, false],
    ['w/"abc"', strong, false],
    ['W/ "abc"', strong, false],
    ['W/abc', strong, false],
    ['"a bc"', '"a bc"', false],
    ['"abc"x', strong, false],
    ['"abc" "abc"', strong, false],
    ['"a"b", "abc"', strong, true],
    ['garbage, "abc"', strong, true],
    ['"abc", *', strong, true],
    ['"x", *', strong, false],
    ['*, "x"', strong, false],
    ['**', strong, false],
    ['\u0000"abc"', strong, false],
    ['"abc"', 'abc', false],
    // A comma is an etagc: it can sit inside a tag.
    ['"a,b"', '"a,b"', true],
    ['"a,b"', '"a"', false],
    ['"ab,c", "abc"', strong, true],
    ['"é"', '"é"', true],
  ] as const)('If-None-Match %j against ETag %j: not modified %j', (header, etag, expected) => {
    expect(isNotModified(header as string | string[] | undefined | null, etag)).toBe(expected);
  });

  it('never throws, whatever the header holds', () => {
    const samples = ['W/', 'W/"', '"', '""', ',', 'W/W/"a"', '"\\"', `${'"a",'.repeat(10_000)}"abc"`, '\uffff', '\ud800'];
    for (const sample of samples) expect(() => isNotModified(sample, strong)).not.toThrow();
    expect(isNotModified(`${'"a",'.repeat(10_000)}"abc"`, strong)).toBe(true);
    expect(isNotModified('""', '""')).toBe(true);
  });
});

describe('parseIfNoneMatch', () => {
  it('keeps the well-formed members with their weakness, in order', () => {
    expect(parseIfNoneMatch('W/"a", "b", junk, "c')).toEqual({ any: false, tags: [{ weak: true, opaque: '"a"' }, { weak: false, opaque: '"b"' }] });
    expect(parseIfNoneMatch('*')).toEqual({ any: true });
    expect(parseIfNoneMatch(undefined)).toBeNull();
  });

  it('reads an ETag value', () => {
    expect(parseEntityTag('W/"x"')).toEqual({ weak: true, opaque: '"x"' });
    expect(parseEntityTag('"x", "y"')).toBeNull();
    expect(parseEntityTag('x')).toBeNull();
  });
});

describe('entityTagOf', () => {
  it('is a strong, quoted tag that changes with the bytes', () => {
    expect(entityTagOf('a')).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(entityTagOf('a')).toBe(entityTagOf(Buffer.from('a')));
    expect(entityTagOf('a')).not.toBe(entityTagOf('b'));
  });
});
