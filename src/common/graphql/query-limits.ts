import {
  DefinitionNode,
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLError,
  Kind,
  OperationDefinitionNode,
  SelectionSetNode,
} from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
}

export interface QueryMeasure {
  depth: number;
  cost: number;
  aliases: number;
}

/** Page size assumed for a list argument given through a variable: the largest a connection serves. */
export const MAX_PAGE_SIZE = 100;
const LIST_SIZE_ARGUMENTS = new Set(['first', 'last', 'limit']);
/** Type-wrapping fields of introspection nest by construction and say nothing about abuse. */
const DEPTH_NEUTRAL_FIELDS = new Set(['ofType']);

/**
 * Measures every operation of a parsed document before validation: nesting depth, aliases,
 * and a cost where each field costs 1 times the page sizes of the lists around it.
 */
export function measureOperation(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): QueryMeasure {
  const measure: QueryMeasure = { depth: 0, cost: 0, aliases: 0 };
  walk(operation.selectionSet, 0, 1, new Set<string>());
  return measure;

  function walk(selectionSet: SelectionSetNode, depth: number, multiplier: number, visiting: Set<string>): void {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        visitField(selection, depth, multiplier, visiting);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, depth, multiplier, visiting);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // Unknown and cyclic spreads are left to GraphQL validation, which reports them.
        if (!fragment || visiting.has(name)) continue;
        visiting.add(name);
        walk(fragment.selectionSet, depth, multiplier, visiting);
        visiting.delete(name);
      }
    }
  }

  function visitField(field: FieldNode, depth: number, multiplier: number, visiting: Set<string>): void {
    const fieldDepth = DEPTH_NEUTRAL_FIELDS.has(field.name.value) ? depth : depth + 1;
    measure.depth = Math.max(measure.depth, fieldDepth);
    if (field.alias) measure.aliases += 1;
    measure.cost += multiplier;
    if (field.selectionSet) walk(field.selectionSet, fieldDepth, multiplier * listSize(field), visiting);
  }
}

function listSize(field: FieldNode): number {
  for (const argument of field.arguments ?? []) {
    if (!LIST_SIZE_ARGUMENTS.has(argument.name.value)) continue;
    if (argument.value.kind === Kind.INT) return Math.max(1, Math.min(Number(argument.value.value), MAX_PAGE_SIZE));
    if (argument.value.kind === Kind.VARIABLE) return MAX_PAGE_SIZE;
  }
  return 1;
}

/** Errors for every limit the document breaks; empty when it may be validated and executed. */
export function checkQueryLimits(document: DocumentNode, limits: QueryLimits): GraphQLError[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: OperationDefinitionNode[] = [];
  document.definitions.forEach((definition: DefinitionNode) => {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION) operations.push(definition);
  });

  const errors: GraphQLError[] = [];
  for (const operation of operations) {
    const name = operation.name?.value ?? 'anonymous';
    const measure = measureOperation(operation, fragments);
    if (measure.depth > limits.maxDepth) {
      errors.push(limitError(`Operation ${name} is nested ${measure.depth} levels deep; the limit is ${limits.maxDepth}`, 'depth', measure.depth, limits.maxDepth));
    }
    if (measure.aliases > limits.maxAliases) {
      errors.push(limitError(`Operation ${name} uses ${measure.aliases} aliases; the limit is ${limits.maxAliases}`, 'aliases', measure.aliases, limits.maxAliases));
    }
    if (measure.cost > limits.maxCost) {
      errors.push(limitError(`Operation ${name} has an estimated cost of ${measure.cost}; the limit is ${limits.maxCost}`, 'cost', measure.cost, limits.maxCost));
    }
  }
  return errors;
}

function limitError(message: string, limit: string, measured: number, allowed: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', limit, measured, allowed } });
}
