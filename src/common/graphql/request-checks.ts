import {
  ASTNode,
  ASTVisitor,
  DocumentNode,
  GraphQLError,
  Kind,
  Location,
  OperationDefinitionNode,
  OperationTypeNode,
  ValidationContext,
  StringValueNode,
  visit,
} from 'graphql';

/** Unpaired UTF-16 surrogates: not Unicode text, not storable as UTF-8. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be taken as text (PostgreSQL stores neither), or null when it can. */
export function unsafeTextReason(value: string): string | null {
  if (value.includes('\u0000')) return 'contains a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(value)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
  return null;
}

/** How deep variables may nest (arrays and objects): far beyond any input of the schemas, far below a stack's depth. */
export const MAX_VARIABLE_NESTING = 100;

/**
 * How many items a list in the variables may hold: twice the longest list any input of the schemas takes (500
 * release changes). A body within the size limit holds lists of 200,000 short items, which coercion, the
 * validation of every item and the services took seconds of the event loop over before an input's own bound
 * refused them (or, for lists without one, ran them).
 */
export const MAX_VARIABLE_LIST_ITEMS = 1000;

/**
 * The first string (or object key) in a JSON value that is not text, the first value nested deeper than
 * {@link MAX_VARIABLE_NESTING} or the first list longer than {@link MAX_VARIABLE_LIST_ITEMS}, with its path; null
 * when all is well. Iterative, in document order: a body of a few kilobytes can nest thousands of levels, which a
 * recursive walk (and every later one) would overflow on.
 */
export function findUnsafeText(value: unknown, path = ''): { path: string; reason: string } | null {
  const pending: { value: unknown; path: string; depth: number }[] = [{ value, path, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: current, path: at, depth } = next;
    if (typeof current === 'string') {
      const reason = unsafeTextReason(current);
      if (reason) return { path: at, reason };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_VARIABLE_NESTING) return { path: at, reason: `nests deeper than ${MAX_VARIABLE_NESTING} levels` };
    const children: { value: unknown; path: string; depth: number }[] = [];
    if (Array.isArray(current)) {
      if (current.length > MAX_VARIABLE_LIST_ITEMS) return { path: at, reason: `holds ${current.length} items; a list takes at most ${MAX_VARIABLE_LIST_ITEMS}` };
      for (let i = 0; i < current.length; i += 1) children.push({ value: current[i], path: `${at}[${i}]`, depth: depth + 1 });
    } else {
      for (const [key, inner] of Object.entries(current)) {
        const keyReason = unsafeTextReason(key);
        if (keyReason) return { path: at ? `${at} (a key)` : '(a key)', reason: keyReason };
        children.push({ value: inner, path: at ? `${at}.${key}` : key, depth: depth + 1 });
      }
    }
    for (let i = children.length - 1; i >= 0; i -= 1) pending.push(children[i]);
  }
  return null;
}

/**
 * Refuses strings no String, ID or custom scalar argument may carry — NUL characters and unpaired
 * surrogates — wherever they occur in the request: variables and string literals of the document.
 * One check at the edge instead of a rule on every input field (PostgreSQL refuses NUL in text).
 * The document's literals are checked once per document object (see {@link documentFacts}).
 */
export function checkRequestText(document: DocumentNode, variables: unknown): GraphQLError[] {
  const inVariables = variables === undefined || variables === null ? null : findUnsafeText(variables);
  if (inVariables) {
    return [badUserInput(`Variable $${inVariables.path} ${inVariables.reason}`, { field: inVariables.path })];
  }
  const literal = documentFacts(document).unsafeLiteral;
  return literal ? [badUserInput(`A string argument ${literal.reason}`, {}, literal.node.loc ? [literal.node] : [])] : [];
}

/** What the per-request checks need to know about a document; the same for every request that sends it. */
export interface DocumentFacts {
  /** The names of its operations ('' for an anonymous one). */
  readonly operationNames: readonly string[];
  /** Whether it reads the schema (`__schema` or `__type`). */
  readonly usesIntrospection: boolean;
  /** Whether it holds a mutation. */
  readonly hasMutation: boolean;
  /** The first string literal that is not text, if any. */
  readonly unsafeLiteral: { node: StringValueNode; reason: string } | null;
}

const FACTS = new WeakMap<DocumentNode, DocumentFacts>();

/**
 * The facts of a document, computed in one walk and remembered per document object: Mercurius hands the
 * same parsed document to every request with the same query text (its parse/validation cache), so a
 * popular query is walked once, not once per request.
 */
export function documentFacts(document: DocumentNode): DocumentFacts {
  let facts = FACTS.get(document);
  if (facts === undefined) {
    let introspection = false;
    let unsafeLiteral: DocumentFacts['unsafeLiteral'] = null;
    visit(document, {
      Field(node) {
        if (INTROSPECTION_FIELDS.has(node.name.value)) introspection = true;
        return undefined;
      },
      StringValue(node) {
        const reason = unsafeLiteral ? null : unsafeTextReason(node.value);
        if (reason) unsafeLiteral = { node, reason };
        return undefined;
      },
    });
    const hasMutation = document.definitions.some((definition) => definition.kind === Kind.OPERATION_DEFINITION && definition.operation === OperationTypeNode.MUTATION);
    facts = { operationNames: operationNamesOf(document), usesIntrospection: introspection, hasMutation, unsafeLiteral };
    FACTS.set(document, facts);
  }
  return facts;
}

function badUserInput(message: string, details: Record<string, unknown>, nodes: readonly ASTNode[] = []): GraphQLError {
  return new GraphQLError(message, { nodes, extensions: { ...details, code: 'BAD_USER_INPUT' } });
}

/** True for a document from graphql-js `parse` — not a JSON AST a client smuggled in as the query text. */
export function isParsedDocument(document: unknown): document is DocumentNode {
  const candidate = document as Partial<DocumentNode> | null;
  return typeof candidate === 'object' && candidate !== null && candidate.kind === Kind.DOCUMENT && candidate.loc instanceof Location;
}

/** The names of the document's operations ('' for an anonymous one). */
export function operationNamesOf(document: DocumentNode): string[] {
  return document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? [d.name?.value ?? ''] : []));
}

/**
 * Errors when the request does not select exactly one operation: the only one when the document
 * has one and no `operationName` is given, otherwise the one `operationName` names.
 */
export function checkOperationSelection(operationNames: readonly string[], operationName: unknown): GraphQLError[] {
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    return [badRequest('operationName must be a string')];
  }
  if (operationNames.length === 0) return [badRequest('The document contains no operation')];
  if (operationName) {
    return operationNames.includes(operationName) ? [] : [badRequest(`The document has no operation named ${JSON.stringify(operationName)}`)];
  }
  if (operationNames.length > 1) {
    return [badRequest(`The document contains ${operationNames.length} operations: name the one to run in operationName`)];
  }
  return [];
}

/**
 * A document nested so deeply that graphql-js's recursive parser or validation ran out of stack (about 2,000
 * levels fit in the token limit): refused as too complex, not reported as the engine's RangeError.
 */
export function tooDeeplyNested(error: unknown): GraphQLError | null {
  if (!(error instanceof RangeError) || !/call stack/i.test(error.message)) return null;
  return new GraphQLError('The document nests too deeply to be read', { extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'nesting' } });
}

function badRequest(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } });
}

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/** Whether the document reads the schema (`__schema` or `__type`; `__typename` is not introspection). */
export function usesIntrospection(document: DocumentNode): boolean {
  return documentFacts(document).usesIntrospection;
}

/**
 * Validation rule of HTTP requests: subscriptions are served over WebSocket only (graphql-transport-ws on the
 * same path); over HTTP they are a client error, not a failure at execution. Mercurius runs these rules on
 * HTTP requests only.
 */
export function NoSubscriptionsOverHttpRule(context: ValidationContext): ASTVisitor {
  return {
    OperationDefinition(node) {
      if (node.operation === 'subscription') {
        context.reportError(
          new GraphQLError('Subscriptions are served over WebSocket (graphql-transport-ws) on this path, not over HTTP; send a query or a mutation', {
            nodes: node,
          }),
        );
      }
    },
  };
}

/** The error a Mercurius hook throws to refuse a request before execution: HTTP 400 with these GraphQL errors. */
export function requestRefused(errors: GraphQLError[]): Error {
  return Object.assign(new Error('The request was refused before execution'), { statusCode: 400, errors });
}
