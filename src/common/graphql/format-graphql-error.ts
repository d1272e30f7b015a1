import { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import { isConcurrencyAbort, isDatabaseUnavailable } from '../errors/database-unavailable';
import { AppError } from '../errors/app-error';
import { tooDeeplyNested } from './request-checks';

export interface FormattedResult {
  statusCode: number;
  /** A request refused before execution (status 4xx) has no `data` entry (GraphQL over HTTP). */
  response: { data?: ExecutionResult['data'] | null; errors: GraphQLFormattedError[] };
}

export type ErrorLogger = (error: unknown, message: string) => void;

/** Errors raised before execution by the HTTP layer or by Fastify/Mercurius request checks. */
interface RequestError extends Error {
  code?: string;
  statusCode?: number;
  errors?: unknown[];
}

const REQUEST_ERROR_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

const INTERNAL_MESSAGE = 'Internal server error';
const UNAVAILABLE_MESSAGE = 'The service is busy or cannot reach its database; try again shortly';
const CONCURRENT_MESSAGE = 'Another change to the same data came at the same moment; nothing was saved, send the request again';
/** What a client waits before retrying a SERVICE_UNAVAILABLE answer. */
const UNAVAILABLE_RETRY_SECONDS = 1;

/**
 * The one error formatter of both schemas. Known errors keep their message and get a stable
 * `extensions.code`; anything unexpected becomes INTERNAL_SERVER_ERROR with a generic message,
 * and is logged (with the request id) by `logUnexpected`.
 */
export function formatGraphqlErrors(
  execution: { data?: ExecutionResult['data'] | null; errors: readonly GraphQLError[] },
  logUnexpected: ErrorLogger,
): FormattedResult {
  let statusCode = 200;
  const errors: GraphQLFormattedError[] = [];

  for (const error of execution.errors) {
    const original = error.originalError as RequestError | undefined;
    if (original?.code === 'MER_ERR_METHOD_NOT_ALLOWED') {
      statusCode = 405;
      errors.push({ message: 'Only queries may be sent with GET; send mutations with POST', extensions: { code: 'METHOD_NOT_ALLOWED' } });
    } else if (original && Array.isArray(original.errors)) {
      // Mercurius wraps parse, validation and variable errors as one request error.
      statusCode = 400;
      for (const inner of original.errors) errors.push(formatRequestPhaseError(inner));
    } else if (original instanceof AppError) {
      errors.push(withCode(error, original.code, original.details));
    } else if (original && isHttpRequestError(original)) {
      statusCode = original.statusCode ?? 400;
      errors.push({ message: requestErrorMessage(original), extensions: { code: REQUEST_ERROR_CODES[statusCode] ?? 'BAD_REQUEST' } });
    } else if (!error.path && isVariableError(error)) {
      // Variables graphql-js could not coerce (its originalError, if any, says why: e.g. an unknown enum value).
      // Mercurius usually reports these as a request error; graphql-js execute() does for documents that
      // Mercurius counts towards compiling (see compilableByJit), which skip Mercurius's own check.
      statusCode = 400;
      errors.push(withCode(error, 'BAD_USER_INPUT'));
    } else if (!original && !error.path) {
      // graphql-js refused the request before running any resolver (e.g. no operation selected).
      statusCode = 400;
      errors.push(withCode(error, typeof error.extensions?.code === 'string' ? error.extensions.code : 'BAD_REQUEST'));
    } else if (isDatabaseUnavailable(original)) {
      logUnexpected(original, 'The database could not serve a GraphQL request');
      errors.push({ message: UNAVAILABLE_MESSAGE, path: error.path, extensions: { code: 'SERVICE_UNAVAILABLE', retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS } });
    } else if (isConcurrencyAbort(original)) {
      // Retrying is safe for the client, but the lock order that made it is worth a look.
      logUnexpected(original, 'PostgreSQL rolled back a GraphQL request for a concurrent transaction (deadlock or serialization failure)');
      errors.push({ message: CONCURRENT_MESSAGE, path: error.path, extensions: { code: 'CONFLICT', reason: 'CONCURRENT_CHANGE' } });
    } else {
      logUnexpected(original ?? error, 'Unexpected error while answering a GraphQL request');
      errors.push({ message: INTERNAL_MESSAGE, locations: error.locations, path: error.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    }
  }

  if (execution.data) statusCode = 200;
  return { statusCode, response: statusCode >= 400 ? { errors } : { data: execution.data ?? null, errors } };
}

function formatRequestPhaseError(inner: unknown): GraphQLFormattedError {
  if (!(inner instanceof GraphQLError)) {
    const nested = tooDeeplyNested(inner);
    if (nested) return withCode(nested, 'QUERY_TOO_COMPLEX', nested.extensions);
    return { message: inner instanceof Error ? inner.message : 'Invalid request', extensions: { code: 'BAD_REQUEST' } };
  }
  // Our own request checks (limits, text, operation selection) and strict scalars set their code.
  if (typeof inner.extensions?.code === 'string') return withCode(inner, inner.extensions.code, inner.extensions);
  const tokens = /^Syntax Error: Document contains more that (\d+) tokens/.exec(inner.message);
  if (tokens) {
    return { message: `The document has more than ${tokens[1]} tokens, the limit`, extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'tokens', allowed: Number(tokens[1]) } };
  }
  if (inner.message.startsWith('Syntax Error')) return withCode(inner, 'GRAPHQL_PARSE_FAILED');
  if (isVariableError(inner)) return withCode(inner, 'BAD_USER_INPUT');
  return withCode(inner, 'GRAPHQL_VALIDATION_FAILED');
}

function withCode(error: GraphQLError, code: string, details: Record<string, unknown> = {}): GraphQLFormattedError {
  return {
    message: error.message,
    ...(error.locations ? { locations: error.locations } : {}),
    ...(error.path ? { path: error.path } : {}),
    extensions: { ...details, code },
  };
}

/** Variable values that cannot be coerced to their declared type (the document itself is valid). */
function isVariableError(error: GraphQLError): boolean {
  return /^Variable "\$[^"]+" (got invalid value|of required type .* was not provided|of non-null type .* must not be null)/.test(error.message);
}

function isHttpRequestError(error: RequestError): boolean {
  return typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 && typeof error.code === 'string';
}

function requestErrorMessage(error: RequestError): string {
  if (error.statusCode === 413) return 'The request body is larger than the server accepts';
  if (error.statusCode === 415) return 'Send GraphQL requests as application/json';
  if (error instanceof SyntaxError || /JSON/i.test(error.message)) return 'The request body is not valid JSON';
  return error.message;
}
