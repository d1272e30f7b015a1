import fc from 'fast-check';
import { FieldNode, FragmentDefinitionNode, getIntrospectionQuery, Kind, parse, SelectionSetNode } from 'graphql';
import { checkQueryLimits, MAX_PAGE_SIZE, measureOperation, QueryMeasure } from './query-limits';
import { fragmentChain } from '../../../test/support/hostile-documents';

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

  it('refuses an exponentially expanding fragment chain by its cost, measuring each fragment once', () => {
    const errors = checkQueryLimits(parse(fragmentChain(30, 30)), { maxDepth: 12, maxCost: 5000, maxAliases: 30 });
    expect(errors.map((e) => e.extensions.limit)).toEqual(Array(30).fill('cost'));
    // 2^30 - 1 fields once expanded: __typename in every one of the 2^l copies of each level l.
    expect(errors[0].extensions.measured).toBe(2 ** 30 - 1);
  });

  it('measures fragment-heavy documents exactly as their full expansion', () => {
    // Random documents of fragments spreading later fragments (no cycles), each measured against
    // a naive walk that expands every spread where it stands.
    const fragmentArb = (count: number) =>
      fc.array(
        fc.oneof(
          fc.record({ kind: fc.constant('field' as const), alias: fc.boolean(), page: fc.constantFrom(0, 3, 10), nested: fc.boolean() }),
          fc.record({ kind: fc.constant('spread' as const), target: fc.integer({ min: 1, max: count }) }),
        ),
        { minLength: 1, maxLength: 4 },
      );
    const documentArb = fc.integer({ min: 1, max: 6 }).chain((count) => fc.tuple(...Array.from({ length: count + 1 }, () => fragmentArb(count))));
    fc.assert(
      fc.property(documentArb, (definitions) => {
        const count = definitions.length - 1;
        const body = (items: (typeof definitions)[number], at: number): string =>
          items
            .map((item, i) => {
              if (item.kind === 'spread') return item.target <= at ? '__typename' : `...F${item.target}`;
              const name = `${item.alias ? `a${i}: ` : ''}f${i}${item.page ? `(first: ${item.page})` : ''}`;
              return item.nested ? `${name} { id${at < count ? ` ...F${at + 1}` : ''} }` : name;
            })
            .join(' ');
        const source = [`query Q { ${body(definitions[0], 0)} }`, ...definitions.slice(1).map((items, i) => `fragment F${i + 1} on T { ${body(items, i + 1)} }`)].join('\n');
        const document = parse(source);
        const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
        const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
        if (operation?.kind !== Kind.OPERATION_DEFINITION) throw new Error('no operation');
        expect(measureOperation(operation, fragments)).toEqual(expandedMeasure(operation.selectionSet, fragments));
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });
});


/** The measure by expanding every spread in place (exponential; small documents only). */
function expandedMeasure(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): QueryMeasure {
  const measure: QueryMeasure = { depth: 0, cost: 0, aliases: 0 };
  const walk = (set: SelectionSetNode, depth: number, multiplier: number): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) walk(fragments.get(selection.name.value)!.selectionSet, depth, multiplier);
      else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, depth, multiplier);
      else visit(selection, depth, multiplier);
    }
  };
  const visit = (field: FieldNode, depth: number, multiplier: number): void => {
    measure.depth = Math.max(measure.depth, depth + 1);
    if (field.alias) measure.aliases += 1;
    measure.cost += multiplier;
    const page = field.arguments?.find((a) => a.name.value === 'first');
    const size = page?.value.kind === Kind.INT ? Number(page.value.value) : 1;
    if (field.selectionSet) walk(field.selectionSet, depth + 1, multiplier * size);
  };
  walk(selectionSet, 0, 1);
  return measure;
}
