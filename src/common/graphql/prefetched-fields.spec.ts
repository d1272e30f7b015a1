import { graphql, GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { answerPrefetchedFields, prefetchFields } from './prefetched-fields';

function schemaWith(item: () => object, calls: string[]): GraphQLSchema {
  const Item = new GraphQLObjectType({
    name: 'Item',
    fields: {
      plain: { type: GraphQLString },
      computed: { type: GraphQLString, resolve: () => (calls.push('computed'), 'resolved') },
      paged: { type: GraphQLString, args: { first: { type: GraphQLInt } }, resolve: (_item, args: { first?: number }) => (calls.push('paged'), `page of ${args.first}`) },
    },
  });
  return new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { item: { type: Item, resolve: item }, root: { type: GraphQLString, resolve: () => 'root' } } }),
  });
}

describe('answerPrefetchedFields', () => {
  it('answers a field with its prefetched value without calling its resolver, and every other field as before', async () => {
    const calls: string[] = [];
    const schema = schemaWith(() => prefetchFields({ plain: 'p' }, { paged: 'read ahead', computed: null }), calls);
    expect(answerPrefetchedFields(schema)).toBe(2); // the two resolvers of Item; not root fields, not property reads
    const result = await graphql({ schema, source: '{ root item { plain computed paged(first: 2) } }' });
    expect(result).toEqual({ data: { root: 'root', item: { plain: 'p', computed: null, paged: 'read ahead' } } });
    expect(calls).toEqual([]);
  });

  it('calls the resolver for fields without a prefetched value and for objects without any', async () => {
    const calls: string[] = [];
    let n = 0;
    const schema = schemaWith(() => (n++ === 0 ? prefetchFields({ plain: 'p' }, { computed: 'read ahead' }) : { plain: 'q' }), calls);
    answerPrefetchedFields(schema);
    expect(await graphql({ schema, source: '{ item { computed paged(first: 3) } }' })).toEqual({ data: { item: { computed: 'read ahead', paged: 'page of 3' } } });
    expect(calls).toEqual(['paged']);
    expect(await graphql({ schema, source: '{ item { plain computed } }' })).toEqual({ data: { item: { plain: 'q', computed: 'resolved' } } });
    expect(calls).toEqual(['paged', 'computed']);
  });
});
