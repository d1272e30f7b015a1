import { getIntrospectionQuery, parse } from 'graphql';
import { checkQueryLimits, MAX_PAGE_SIZE } from './query-limits';

const limits = { maxDepth: 5, maxCost: 1000, maxAliases: 3 };

function codes(query: string, overrides: Partial<typeof limits> = {}): string[] {
  return checkQueryLimits(parse(query), { ...limits, ...overrides }).map((e) => String(e.extensions.limit));
}

describe('checkQueryLimits', () => {
  it('accepts a small query', () => {
    expect(codes('{ me { id email } }')).toEqual([]);
  });

  it('refuses a query nested deeper than the limit', () => {
    expect(codes('{ a { b { c { d { e { f } } } } } }')).toEqual(['depth']);
    expect(codes('{ a { b { c { d { e } } } } }')).toEqual([]);
  });

  it('counts depth through fragments and inline fragments', () => {
    const query = `
      query Q { a { ...F } }
      fragment F on T { b { ... on T { c { d { e { f } } } } } }`;
    expect(codes(query)).toEqual(['depth']);
  });

  it('does not loop on cyclic fragments (validation reports them)', () => {
    const query = 'query Q { a { ...F } } fragment F on T { b { ...G } } fragment G on T { c { ...F } }';
    expect(() => checkQueryLimits(parse(query), limits)).not.toThrow();
  });

  it('refuses alias flooding', () => {
    expect(codes('{ a1: me { id } a2: me { id } a3: me { id } }')).toEqual([]);
    expect(codes('{ a1: me { id } a2: me { id } a3: me { id } a4: me { id } }')).toEqual(['aliases']);
  });

  it('multiplies the cost of fields inside pages by the page size', () => {
    expect(codes('{ users(first: 10) { edges { node { id } } } }', { maxCost: 31 })).toEqual([]);
    expect(codes('{ users(first: 50) { edges { node { id email } } } }', { maxCost: 100 })).toEqual(['cost']);
  });

  it('assumes the largest page when the size comes from a variable', () => {
    const query = 'query Q($n: Int) { users(first: $n) { edges { node { id } } } }';
    const errors = checkQueryLimits(parse(query), { ...limits, maxCost: 10 });
    expect(errors[0]?.extensions).toMatchObject({ limit: 'cost', measured: 1 + 3 * MAX_PAGE_SIZE });
  });

  it('lets the standard introspection query through the default depth limit', () => {
    expect(checkQueryLimits(parse(getIntrospectionQuery()), { maxDepth: 12, maxCost: 5000, maxAliases: 30 })).toEqual([]);
  });

  it('reports every broken limit at once, with a stable code', () => {
    const errors = checkQueryLimits(parse('{ x1: a { b { c { d { e { f } } } } } x2: a { id } x3: a { id } x4: a { id } }'), limits);
    expect(errors.map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COMPLEX', 'QUERY_TOO_COMPLEX']);
  });
});
