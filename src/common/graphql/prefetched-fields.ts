import { GraphQLFieldResolver, GraphQLSchema, isObjectType } from 'graphql';

/** Values read ahead for some fields of a returned object, by field name (see prefetchFields). */
const PREFETCHED = Symbol('prefetchedFields');

type WithPrefetched = { [PREFETCHED]?: Record<string, unknown> };

/**
 * Gives a returned object the values of some of its resolver fields, read ahead by the resolver that returned it
 * (the forum's thread page reads its question, accepted answer and first replies with the thread, in one
 * statement). Those fields then answer with the value as it is, without their resolver: for a field resolver of
 * @nestjs/graphql that is its whole per-call pipeline (parameter factories, the validation pipe and
 * class-transformer on its arguments, a promise). Only for a value the field's own resolver would return for
 * this object and this selection: a field with arguments must be selected once, with the arguments it was read
 * for. Returns the object.
 */
export function prefetchFields<T extends object>(parent: T, values: object): T {
  (parent as T & WithPrefetched)[PREFETCHED] = values as Record<string, unknown>;
  return parent;
}

/**
 * Wraps every field resolver of the schema's object types (root fields excepted) so that a field answers with its
 * prefetched value when its parent has one (prefetchFields), and calls the resolver otherwise. Changes the schema's
 * fields in place (after dropPlainPropertyResolvers: property reads keep no resolver); returns how many it wrapped.
 */
export function answerPrefetchedFields(schema: GraphQLSchema): number {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean));
  let wrapped = 0;
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || roots.has(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve) continue;
      const name = field.name;
      const answer: GraphQLFieldResolver<unknown, unknown> = (parent, args, context, info) => {
        const prefetched = (parent as WithPrefetched | null | undefined)?.[PREFETCHED];
        return prefetched !== undefined && name in prefetched ? prefetched[name] : resolve(parent, args, context, info);
      };
      field.resolve = answer;
      wrapped += 1;
    }
  }
  return wrapped;
}
