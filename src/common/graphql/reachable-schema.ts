import { GraphQLSchema } from 'graphql';

/**
 * Code-first type registration is app-wide, so every schema would list every type some field
 * references anywhere. Rebuilding from the root types keeps only what this schema can reach:
 * admin types never appear in the delivery schema.
 */
export function reachableSchema(schema: GraphQLSchema): GraphQLSchema {
  return new GraphQLSchema({ ...schema.toConfig(), types: [] });
}
