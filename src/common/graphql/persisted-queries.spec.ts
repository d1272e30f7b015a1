import { persistedQueryStep, sha256Hex } from './persisted-queries';

const QUERY = '{ categories { name } }';
const HASH = sha256Hex(QUERY);
const extensions = (persistedQuery: unknown): Record<string, unknown> => ({ persistedQuery });

describe('persistedQueryStep', () => {
  const store = new Map<string, string>([[HASH, QUERY]]);
  const lookup = (hash: string): string | undefined => store.get(hash);

  it('leaves requests without a persisted query alone', () => {
    expect(persistedQueryStep(undefined, QUERY, lookup)).toEqual({ kind: 'none' });
    expect(persistedQueryStep({}, QUERY, lookup)).toEqual({ kind: 'none' });
    expect(persistedQueryStep('{"other":1}', QUERY, lookup)).toEqual({ kind: 'none' });
    expect(persistedQueryStep('not json', QUERY, lookup)).toEqual({ kind: 'none' });
  });

  it('turns a known hash into its query, from an object (POST) or a JSON string (GET)', () => {
    expect(persistedQueryStep(extensions({ version: 1, sha256Hash: HASH }), undefined, lookup)).toEqual({ kind: 'found', query: QUERY });
    expect(persistedQueryStep(JSON.stringify(extensions({ version: 1, sha256Hash: HASH.toUpperCase() })), '', lookup)).toEqual({ kind: 'found', query: QUERY });
  });

  it('answers an unknown hash with the message and code clients retry on, status 200', () => {
    const step = persistedQueryStep(extensions({ version: 1, sha256Hash: sha256Hex('{ other }') }), undefined, lookup);
    expect(step).toEqual({ kind: 'refuse', status: 200, error: { message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } } });
  });

  it('registers a query sent with its own hash', () => {
    const other = '{ articles { totalCount } }';
    expect(persistedQueryStep(extensions({ version: 1, sha256Hash: sha256Hex(other) }), other, lookup)).toEqual({ kind: 'register', hash: sha256Hex(other) });
  });

  it.each([
    ['a hash of another query', { version: 1, sha256Hash: HASH }, '{ me { id } }', 400, 'BAD_USER_INPUT', 'PERSISTED_QUERY_HASH_MISMATCH'],
    ['a hash that is not hex', { version: 1, sha256Hash: 'abc' }, undefined, 400, 'BAD_USER_INPUT', 'PERSISTED_QUERY_HASH_INVALID'],
    ['a missing hash', { version: 1 }, undefined, 400, 'BAD_USER_INPUT', 'PERSISTED_QUERY_HASH_INVALID'],
    ['version 2', { version: 2, sha256Hash: HASH }, undefined, 400, 'PERSISTED_QUERY_NOT_SUPPORTED', undefined],
    ['a string', 'yes', undefined, 400, 'PERSISTED_QUERY_NOT_SUPPORTED', undefined],
  ])('refuses %s', (_, persisted, query, status, code, reason) => {
    const step = persistedQueryStep(extensions(persisted), query, lookup);
    expect(step).toMatchObject({ kind: 'refuse', status, error: { extensions: { code } } });
    if (step.kind === 'refuse') expect(step.error.extensions.reason).toBe(reason);
  });

  it('without a store, runs full queries and refuses hashes alone as not supported', () => {
    expect(persistedQueryStep(extensions({ version: 1, sha256Hash: HASH }), QUERY, null)).toEqual({ kind: 'none' });
    expect(persistedQueryStep(extensions({ version: 1, sha256Hash: HASH }), undefined, null)).toMatchObject({
      kind: 'refuse',
      error: { message: 'PersistedQueryNotSupported', extensions: { code: 'PERSISTED_QUERY_NOT_SUPPORTED' } },
    });
  });
});
