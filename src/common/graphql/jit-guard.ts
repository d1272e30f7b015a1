import { DocumentNode, GraphQLInputType, GraphQLSchema, isInputObjectType, isListType, isNonNullType, Kind, typeFromAST } from 'graphql';

const VERDICTS = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, boolean>>();

/**
 * Whether graphql-jit coerces this document's variables as graphql-js does. It does not when a non-null
 * input with a default value is omitted (graphql-jit 0.8 reports it as missing instead of using the
 * default): a non-null variable with a default (`$first: Int! = 20`) or a variable whose input object has
 * such a field, at any depth (`SearchInput.page: Int! = 1`). Such documents run on graphql-js.
 * Remembered per schema and document.
 */
export function compilableByJit(schema: GraphQLSchema, document: DocumentNode): boolean {
  let verdicts = VERDICTS.get(schema);
  if (!verdicts) {
    verdicts = new WeakMap();
    VERDICTS.set(schema, verdicts);
  }
  let verdict = verdicts.get(document);
  if (verdict === undefined) {
    verdict = true;
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
      for (const variable of definition.variableDefinitions ?? []) {
        const type = typeFromAST(schema, variable.type) as GraphQLInputType | undefined;
        if ((variable.defaultValue && variable.type.kind === Kind.NON_NULL_TYPE) || (type && hasNonNullFieldWithDefault(type, new Set()))) verdict = false;
      }
    }
    verdicts.set(document, verdict);
  }
  return verdict;
}

function hasNonNullFieldWithDefault(type: GraphQLInputType, seen: Set<string>): boolean {
  if (isNonNullType(type) || isListType(type)) return hasNonNullFieldWithDefault(type.ofType, seen);
  if (!isInputObjectType(type) || seen.has(type.name)) return false;
  seen.add(type.name);
  return Object.values(type.getFields()).some(
    (field) => (isNonNullType(field.type) && field.defaultValue !== undefined) || hasNonNullFieldWithDefault(field.type, seen),
  );
}
