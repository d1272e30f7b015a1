import { Logger } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { GraphQLError, GraphQLFieldResolver, GraphQLSchema, specifiedRules, validate } from 'graphql';
import { AppError } from '../errors/app-error';
import { QueryLimits, checkQueryLimits } from './query-limits';
import { checkRequestText, isParsedDocument } from './request-checks';

/** What a subscription's resolvers see in their context: the upgrade request, and the token of `connection_init`. */
export interface WebsocketContext {
  req: FastifyRequest;
  /** The `connection_init` payload, as Mercurius keeps it. */
  _connectionInit?: unknown;
}

/** Keep-alive ping every 15 s, so proxies keep idle sockets open and dead clients are noticed. */
export const WEBSOCKET_KEEP_ALIVE_MS = 15_000;

/** Subscriptions one websocket may hold at once; each holds a listener and a queue in this process. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 20;

const logger = new Logger('GraphQL subscriptions');

/**
 * The `Authorization` value a websocket client presented: `{ "authorization": "Bearer <token>" }` in its
 * `connection_init` payload (or `{ "headers": { "authorization": … } }`, Mercurius' convention), else the
 * upgrade request's own header (server-side clients). `null` when the payload holds something that is not
 * a string there.
 */
export function websocketAuthorization(context: WebsocketContext): string | undefined | null {
  const payload = context._connectionInit;
  for (const holder of [payload, isObject(payload) ? payload.headers : undefined]) {
    if (isObject(holder) && 'authorization' in holder) return typeof holder.authorization === 'string' ? holder.authorization : null;
  }
  return context.req.headers.authorization;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A refusal of a subscription document before it runs: Mercurius sends it to the client as is. */
function refused(errors: readonly GraphQLError[]): GraphQLError {
  const [first] = errors;
  return new GraphQLError(first.message, { nodes: first.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...first.extensions } });
}

/**
 * The document checks of HTTP requests, for subscription documents over the websocket (Mercurius runs no
 * validation on them by itself): a real parsed document, GraphQL validation, depth, cost and alias limits,
 * and no NUL or lone surrogate in string literals. Throws the first problem found.
 */
export function checkSubscriptionDocument(schema: GraphQLSchema, document: unknown, limits: QueryLimits): void {
  if (!isParsedDocument(document)) {
    throw new GraphQLError('The query is not a GraphQL document', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  }
  const validationErrors = validate(schema, document, specifiedRules);
  if (validationErrors.length > 0) throw refused(validationErrors);
  const limitErrors = checkQueryLimits(document, limits);
  if (limitErrors.length > 0) throw refused(limitErrors);
  const textErrors = checkRequestText(document, undefined);
  if (textErrors.length > 0) throw refused(textErrors);
}

/**
 * The error a client gets when a subscription cannot start (a guard refused it, bad arguments): Mercurius
 * sends the thrown error as is, without the error formatter, so it gets its `extensions.code` here.
 * Anything unexpected becomes INTERNAL_SERVER_ERROR with a generic message, and is logged.
 */
export function toSubscriptionStartError(error: unknown): GraphQLError {
  if (error instanceof AppError) return new GraphQLError(error.message, { originalError: error, extensions: { ...error.details, code: error.code } });
  if (error instanceof GraphQLError && typeof error.extensions?.code === 'string') return error;
  logger.error({ err: error }, 'Unexpected error while starting a GraphQL subscription');
  return new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * The same events; an error while iterating (a guard or filter in Nest's subscribe wrapper runs on the first
 * `next`) gets its code like one at the start. A plain pass-through, so `return` reaches the source at once;
 * `onEnd` runs once the subscription is over, however it ends.
 */
function withErrorCodes(source: AsyncIterable<unknown>, onEnd: () => void): AsyncIterableIterator<unknown> {
  const iterator = source[Symbol.asyncIterator]();
  const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: () =>
      iterator.next().then(
        (result) => {
          if (result.done) onEnd();
          return result;
        },
        (error: unknown) => {
          onEnd();
          throw toSubscriptionStartError(error);
        },
      ),
    return: (value?: unknown) => {
      onEnd();
      return iterator.return ? iterator.return(value) : Promise.resolve(done);
    },
    throw: (error?: unknown) => {
      onEnd();
      return iterator.throw ? iterator.throw(error) : Promise.reject(error);
    },
  };
}

/**
 * Wraps every subscription field's `subscribe` of the schema: refusals carry their code (see above), and one
 * connection (its upgrade request, shared by all its subscriptions) holds at most
 * {@link MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions at once (RATE_LIMITED beyond).
 */
export function withSubscriptionErrorCodes(schema: GraphQLSchema): GraphQLSchema {
  const subscriptionType = schema.getSubscriptionType();
  if (!subscriptionType) return schema;
  const active = new WeakMap<object, number>();
  for (const field of Object.values(subscriptionType.getFields())) {
    const subscribe = field.subscribe;
    if (!subscribe) continue;
    const wrapped: GraphQLFieldResolver<unknown, unknown> = async (source, args, context, info) => {
      const connection = (context as Partial<WebsocketContext> | undefined)?.req ?? {};
      const held = active.get(connection) ?? 0;
      if (held >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
        throw new GraphQLError(`A connection may hold ${MAX_SUBSCRIPTIONS_PER_CONNECTION} subscriptions at once; complete one first`, {
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 0, limit: MAX_SUBSCRIPTIONS_PER_CONNECTION },
        });
      }
      active.set(connection, held + 1);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        active.set(connection, Math.max(0, (active.get(connection) ?? 1) - 1));
      };
      let result: unknown;
      try {
        result = await subscribe(source, args, context, info);
      } catch (error) {
        release();
        throw toSubscriptionStartError(error);
      }
      if (!isAsyncIterable(result)) {
        release();
        return result;
      }
      return withErrorCodes(result, release);
    };
    field.subscribe = wrapped;
  }
  return schema;
}
