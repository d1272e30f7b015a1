import { graphql, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { dropPlainPropertyResolvers } from './plain-field-reads';

/** Stand-ins shaped like the resolvers @nestjs/graphql generates (same function name). */
function nestResolver(property: string, defaultValue?: unknown): (root: Record<string, unknown>) => unknown {
  const rootFieldResolver = (root: Record<string, unknown>): unknown => (root[property] === undefined ? defaultValue : root[property]);
  return rootFieldResolver;
}

function schemaWith(fields: Record<string, { resolve?: (root: Record<string, unknown>) => unknown }>): GraphQLSchema {
  const Item = new GraphQLObjectType({
    name: 'Item',
    fields: Object.fromEntries(Object.entries(fields).map(([name, f]) => [name, { type: GraphQLString, resolve: f.resolve }])),
  });
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { item: { type: Item, resolve: () => ({ plain: 'p', other: 'o', renamed: 'r', withDefault: undefined, own: 'x' }) } } }),
  });
}

describe('dropPlainPropertyResolvers', () => {
  it('drops resolvers that read the property of the same name, and keeps every other one', async () => {
    const own = (root: Record<string, unknown>): unknown => `own:${String(root.own)}`;
    const schema = schemaWith({
      plain: { resolve: nestResolver('plain') },
      renamed: { resolve: nestResolver('other') },
      withDefault: { resolve: nestResolver('withDefault', 'd') },
      own: { resolve: own },
    });
    expect(dropPlainPropertyResolvers(schema)).toBe(1);
    const fields = (schema.getType('Item') as GraphQLObjectType).getFields();
    expect(fields.plain.resolve).toBeUndefined();
    expect(fields.renamed.resolve).toBeDefined();
    expect(fields.withDefault.resolve).toBeDefined();
    expect(fields.own.resolve).toBe(own);
    // Same answers as before.
    const result = await graphql({ schema, source: '{ item { plain renamed withDefault own } }' });
    expect(result).toEqual({ data: { item: { plain: 'p', renamed: 'o', withDefault: 'd', own: 'own:x' } } });
  });
});
