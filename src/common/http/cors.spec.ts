import { corsOriginMatcher, parseCorsOrigin } from './cors';

describe('parseCorsOrigin', () => {
  it.each(['help.example.com', 'ftp://example.com', 'https://', 'https://exa mple.com', 'https://example.com/path', 'https://*example.com', 'https://example.com:99999', '**'])(
    'refuses %j',
    (entry) => {
      expect(parseCorsOrigin(entry)).toBeNull();
    },
  );
});

describe('corsOriginMatcher', () => {
  it.each([
    // [allowed origins, request origin, allowed?]
    [['https://help.example.com'], 'https://help.example.com', true],
    [['https://help.example.com'], 'https://HELP.example.com', true],
    [['https://help.example.com'], 'http://help.example.com', false],
    [['https://help.example.com'], 'https://help.example.com:8443', false],
    [['https://help.example.com'], 'https://help.example.com.evil.test', false],
    [['https://help.example.com:443'], 'https://help.example.com', true],
    [['https://*.example.com'], 'https://docs.example.com', true],
    [['https://*.example.com'], 'https://a.b.example.com', true],
    [['https://*.example.com'], 'https://example.com', false],
    [['https://*.example.com'], 'https://evilexample.com', false],
    [['https://*.example.com'], 'https://example.com.evil.test', false],
    [['http://localhost:*'], 'http://localhost:5173', true],
    [['http://localhost:*'], 'http://localhost', true],
    [['http://localhost:*'], 'http://localhost.evil.test:5173', false],
    [['http://[::1]:*'], 'http://[::1]:8080', true],
    [['*'], 'https://anything.test', true],
    [[], 'http://localhost:3000', false],
    [['not an origin'], 'not an origin', false],
  ])('%j allows %s: %s', (origins, origin, expected) => {
    expect(corsOriginMatcher(origins)(origin)).toBe(expected);
  });
});
