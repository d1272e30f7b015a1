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

/** What a selection set adds when entered at depth 0 under a multiplier of 1. */
interface SelectionMeasure {
  /** Deepest field level reached, relative to the entry depth. */
  depth: number;
  /** Cost at multiplier 1; the cost under a multiplier m is m times this (every field costs its multiplier). */
  cost: number;
  aliases: number;
}

const EMPTY: SelectionMeasure = { depth: 0, cost: 0, aliases: 0 };

/**
 * Measures every operation of a parsed document before validation: nesting depth, aliases,
 * and a cost where each field costs 1 times the page sizes of the lists around it. Each
 * fragment is measured once and its measure reused at every spread, so the work is linear in
 * the document however often fragments spread each other (the measure itself may be huge).
 * A spread of an unknown fragment, or one that closes a cycle, adds nothing: GraphQL
 * validation reports both.
 */
export function measureOperation(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): QueryMeasure {
  return new DocumentMeasurer(fragments).measure(operation.selectionSet);
}

class DocumentMeasurer {
  private readonly measured = new Map<string, SelectionMeasure>();
  private readonly inProgress = new Set<string>();

  constructor(private readonly fragments: Map<string, FragmentDefinitionNode>) {}

  measure(selectionSet: SelectionSetNode): SelectionMeasure {
    const total: SelectionMeasure = { depth: 0, cost: 0, aliases: 0 };
    for (const selection of selectionSet.selections) {
      const part =
        selection.kind === Kind.FIELD
          ? this.field(selection)
          : selection.kind === Kind.INLINE_FRAGMENT
            ? this.measure(selection.selectionSet)
            : this.fragment(selection.name.value);
      total.depth = Math.max(total.depth, part.depth);
      total.cost += part.cost;
      total.aliases += part.aliases;
    }
    return total;
  }

  private field(field: FieldNode): SelectionMeasure {
    const ownDepth = DEPTH_NEUTRAL_FIELDS.has(field.name.value) ? 0 : 1;
    const inner = field.selectionSet ? this.measure(field.selectionSet) : EMPTY;
    return {
      depth: ownDepth + inner.depth,
      cost: 1 + listSize(field) * inner.cost,
      aliases: (field.alias ? 1 : 0) + inner.aliases,
    };
  }

  private fragment(name: string): SelectionMeasure {
    const known = this.measured.get(name);
    if (known) return known;
    const definition = this.fragments.get(name);
    if (!definition || this.inProgress.has(name)) return EMPTY;
    this.inProgress.add(name);
    const result = this.measure(definition.selectionSet);
    this.inProgress.delete(name);
    this.measured.set(name, result);
    return result;
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
  const measurer = new DocumentMeasurer(fragments);
  for (const operation of operations) {
    const name = operation.name?.value ?? 'anonymous';
    const measure = measurer.measure(operation.selectionSet);
    if (measure.depth > limits.maxDepth) {
      errors.push(limitError(`Operation ${name} is nested ${measure.depth} levels deep; the limit is ${limits.maxDepth}`, 'depth', measure.depth, limits.maxDepth));
    }
    if (measure.aliases > limits.maxAliases) {
      errors.push(limitError(`Operation ${name} uses ${Math.min(measure.aliases, Number.MAX_SAFE_INTEGER)} aliases; the limit is ${limits.maxAliases}`, 'aliases', measure.aliases, limits.maxAliases));
    }
    if (measure.cost > limits.maxCost) {
      errors.push(limitError(`Operation ${name} has an estimated cost of ${Math.min(measure.cost, Number.MAX_SAFE_INTEGER)}; the limit is ${limits.maxCost}`, 'cost', measure.cost, limits.maxCost));
    }
  }
  return errors;
}

function limitError(message: string, limit: string, measured: number, allowed: number): GraphQLError {
  measured = Math.min(measured, Number.MAX_SAFE_INTEGER);
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', limit, measured, allowed } });
}
