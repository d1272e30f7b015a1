import { GraphQLField, GraphQLSchema, isObjectType } from 'graphql';

/** The name of the resolver @nestjs/graphql puts on every field of every object type (ObjectTypeDefinitionFactory). */
const NEST_PROPERTY_RESOLVER = 'rootFieldResolver';

/**
 * Whether a field's resolver only reads the property of the same name, with no default value: the resolver
 * @nestjs/graphql gives every `@Field()` without middleware. Checked by what it does, not only by its name:
 * it must return the value of a property named like the field and undefined when there is none.
 */
export function isPlainPropertyRead(field: GraphQLField<unknown, unknown>): boolean {
  const resolve = field.resolve as ((source: Record<string, unknown>) => unknown) | undefined;
  if (!resolve || resolve.name !== NEST_PROPERTY_RESOLVER || resolve.length !== 1) return false;
  const marker = {};
  try {
    return resolve({ [field.name]: marker }) === marker && resolve({}) === undefined;
  } catch {
    return false;
  }
}

/**
 * Removes resolvers that only read a property, so GraphQL's default property read takes their place. The
 * result is the same; the cost is not: with compiled queries (Mercurius `jit`) a field without a resolver is
 * a property access in the compiled code, while one with a resolver is a function call with its own resolve
 * info object, per field and per list item (a page of 20 articles had about 140 of them per request).
 * Changes the schema's fields in place; returns how many it changed.
 */
export function dropPlainPropertyResolvers(schema: GraphQLSchema): number {
  let dropped = 0;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      if (isPlainPropertyRead(field)) {
        field.resolve = undefined;
        dropped += 1;
      }
    }
  }
  return dropped;
}
