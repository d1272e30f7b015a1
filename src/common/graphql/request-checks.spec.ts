import { parse } from 'graphql';
import { negotiateGraphqlMediaType } from './graphql-over-http';
import { checkOperationSelection, checkRequestText, documentFacts, findUnsafeText, isParsedDocument, MAX_VARIABLE_LIST_ITEMS, MAX_VARIABLE_NESTING, operationNamesOf, usesIntrospection } from './request-checks';
import { checkStartMessage } from './websocket-message-checks';

describe('request checks', () => {
  it.each([
    ['a\u0000b', 'NUL'],
    ['x\ud800', 'surrogate'],
    ['\udc00x', 'surrogate'],
    ['\udc00\ud800', 'surrogate'],
  ])('finds %p in nested variables', (bad, word) => {
    expect(findUnsafeText({ input: { tags: ['ok', bad] } })).toEqual({ path: 'input.tags[1]', reason: expect.stringContaining(word) });
  });

  it('finds the first bad string in document order, and refuses nesting beyond the limit without recursing', () => {
    expect(findUnsafeText({ a: [{ b: 'ok' }, 'x\u0000'], c: '\ud800' })).toEqual({ path: 'a[1]', reason: expect.stringContaining('NUL') });
    let deep: unknown = 'x';
    for (let i = 0; i < 200_000; i += 1) deep = i % 2 ? [deep] : { k: deep };
    expect(findUnsafeText({ deep })).toEqual({ path: expect.stringMatching(/^deep(\.k|\[0\])+$/), reason: `nests deeper than ${MAX_VARIABLE_NESTING} levels` });
    let fits: unknown = 'x';
    for (let i = 0; i < MAX_VARIABLE_NESTING - 1; i += 1) fits = [fits];
    expect(findUnsafeText({ fits })).toBeNull();
  });

  it('refuses a subscription message whose document nests too deeply to parse, naming the limit', () => {
    const query = `subscription { a(x: ${'['.repeat(2400)}1${']'.repeat(2400)}) }`;
    const refused = checkStartMessage(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }), 100_000);
    expect(refused?.error.message).toBe('The document nests too deeply to be read');
    expect(refused?.error.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', limit: 'nesting' });
  });

  it('refuses a list longer than the limit without walking its items, at any depth', () => {
    const long = Array.from({ length: 200_000 }, () => 'Thread');
    expect(findUnsafeText({ input: { filters: { kinds: long } } })).toEqual({ path: 'input.filters.kinds', reason: `holds 200000 items; a list takes at most ${MAX_VARIABLE_LIST_ITEMS}` });
    expect(findUnsafeText({ ids: Array.from({ length: MAX_VARIABLE_LIST_ITEMS }, () => 'x') })).toBeNull();
    expect(findUnsafeText({ a: [[...long]] })?.path).toBe('a[0]');
  });

  it('accepts real Unicode, including astral characters and emoji sequences', () => {
    expect(findUnsafeText({ a: '👩‍👩‍👧‍👦 𝔘 ǅ \u202e é', b: [1, null, true] })).toBeNull();
  });

  it('finds a NUL escape in a string literal of the document', () => {
    const errors = checkRequestText(parse('{ article(slug: "a\\u0000b") { id } }'), undefined);
    expect(errors.map((e) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
    expect(checkRequestText(parse('{ article(slug: "ab") { id } }'), { s: 'fine' })).toEqual([]);
  });

  it('walks a document once and remembers its facts for every request that sends it', () => {
    const document = parse('query A { a(s: "ok") { __type(name: "X") { name } } } query B { b(s: "x\\u0000") }');
    const facts = documentFacts(document);
    expect(facts).toMatchObject({ operationNames: ['A', 'B'], usesIntrospection: true, unsafeLiteral: { reason: expect.stringContaining('NUL') } });
    expect(documentFacts(document)).toBe(facts);
    // Each request still gets its own error (and its variables are checked every time).
    expect(checkRequestText(document, undefined)[0]).not.toBe(checkRequestText(document, undefined)[0]);
    expect(checkRequestText(parse('{ a }'), { v: ['\ud800'] })[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'v[0]' });
  });

  it.each([
    ['query A { a } query B { b }', undefined, 'BAD_REQUEST'],
    ['query A { a } query B { b }', 'C', 'BAD_REQUEST'],
    ['query A { a }', 'B', 'BAD_REQUEST'],
    ['query A { a }', 3, 'BAD_REQUEST'],
    ['fragment F on Query { a }', undefined, 'BAD_REQUEST'],
    ['query A { a } query B { b }', 'B', null],
    ['{ a }', undefined, null],
    ['{ a }', null, null],
  ])('operation selection of %p with operationName %p', (source, name, code) => {
    expect(checkOperationSelection(operationNamesOf(parse(source)), name)[0]?.extensions.code ?? null).toBe(code);
  });

  it('tells introspection from __typename', () => {
    expect(usesIntrospection(parse('{ __typename }'))).toBe(false);
    expect(usesIntrospection(parse('{ a { __type(name: "X") { name } } }'))).toBe(true);
    expect(usesIntrospection(parse('{ ...F } fragment F on Query { __schema { types { name } } }'))).toBe(true);
  });

  it('tells a parsed document from a JSON "AST"', () => {
    expect(isParsedDocument(parse('{ a }'))).toBe(true);
    expect(isParsedDocument(JSON.parse(JSON.stringify(parse('{ a }'))))).toBe(false);
    expect(isParsedDocument(1)).toBe(false);
  });

  it.each([
    [undefined, 'application/json'],
    ['*/*', 'application/json'],
    ['application/json', 'application/json'],
    ['application/graphql-response+json', 'application/graphql-response+json'],
    ['application/graphql-response+json, application/json;q=0.9', 'application/graphql-response+json'],
    ['application/json, application/graphql-response+json;q=0.5', 'application/json'],
    ['application/graphql-response+json;q=0', 'application/json'],
  ])('negotiates Accept %p as %s', (accept, expected) => {
    expect(negotiateGraphqlMediaType(accept)).toBe(expected);
  });
});
