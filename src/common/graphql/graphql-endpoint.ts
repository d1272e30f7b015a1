import { Logger, Type } from '@nestjs/common';
import { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { FastifyReply, FastifyRequest } from 'fastify';
import { GraphqlRequestContext } from './graphql-request-context';
import { AppConfig } from '../../config/app-config';
import { DateTimeScalar } from './date-time.scalar';
import { formatGraphqlErrors } from './format-graphql-error';
import { compilableByJit } from './jit-guard';
import { checkQueryLimits } from './query-limits';
import {
  checkOperationSelection,
  checkRequestText,
  documentFacts,
  isParsedDocument,
  NoSubscriptionsOverHttpRule,
  operationNamesOf,
  requestRefused,
} from './request-checks';
import { ScopedMercuriusDriverConfig } from './scoped-mercurius.driver';
import { checkSubscriptionDocument, WEBSOCKET_KEEP_ALIVE_MS, WebsocketContext } from './websocket-subscriptions';

export interface GraphqlEndpoint {
  /** URL prefix: '' for `/graphql`, '/admin' for `/admin/graphql`. */
  routePrefix: string;
  /** The resolver-only modules this schema is built from; nothing else can reach it. */
  modules: Type<unknown>[];
}

export interface GraphqlEndpointDependencies {
  /** Whether the caller of a request is signed in as staff (any role but member); used for `GRAPHQL_INTROSPECTION=staff`. */
  isStaff(context: GraphqlRequestContext): Promise<boolean>;
  /** The in-process emitter subscriptions listen on (fed from every instance, see LiveEvents). */
  subscriptionEmitter: object;
  /**
   * Resolves the caller of a subscription from its websocket's authorization into the context, before the
   * subscription starts; like HTTP, a bad token only matters where a caller is needed.
   */
  authenticateSubscription(context: WebsocketContext): Promise<void>;
  /**
   * Awaited after a mutation executed, before its answer is sent: the in-process caches have then dropped what it
   * changed, so the caller's next read on this instance sees its write (ChangeNotifications.catchUp).
   */
  afterMutation?(): Promise<void>;
}

/** Marks a request whose document holds a mutation, for the onResolution hook. */
const MUTATION = Symbol('mutation');

/** Executions of a document before Mercurius compiles it (graphql-jit). */
const JIT_AFTER_EXECUTIONS = 1;

/** Options shared by both schemas: auth context, error formatting, limits, IDE. */
const outOfRequestLogger = new Logger('GraphQL');

export function graphqlEndpointOptions(
  endpoint: GraphqlEndpoint,
  config: AppConfig,
  dependencies: GraphqlEndpointDependencies,
): ScopedMercuriusDriverConfig {
  const limits = config.graphql;
  return {
    routePrefix: endpoint.routePrefix,
    path: '/graphql',
    include: endpoint.modules,
    autoSchemaFile: true,
    sortSchema: true,
    buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTimeScalar }] },
    // GraphiQL is served from our own dependencies (src/common/graphql/graphiql/), not Mercurius's CDN page.
    graphiql: false,
    allowBatchedQueries: false,
    // A document's second execution compiles it with graphql-jit; later ones run the compiled code (less CPU
    // per request, most on lists). The hooks below run as before. Compiled queries see the schema without
    // property-read resolvers (dropPlainPropertyResolvers); documents graphql-jit would get wrong do not
    // compile (compilableByJit in preExecution).
    jit: JIT_AFTER_EXECUTIONS,
    maxTokens: limits.maxTokens,
    graphql: { parseOptions: { maxTokens: limits.maxTokens } },
    // HTTP only: Mercurius applies these to HTTP requests; websocket documents are checked in the hooks below.
    validationRules: [NoSubscriptionsOverHttpRule],
    // graphql-transport-ws (and the legacy graphql-ws protocol) on the same path; subscriptions only.
    subscription: {
      emitter: dependencies.subscriptionEmitter,
      keepAlive: WEBSOCKET_KEEP_ALIVE_MS,
      fullWsTransport: false,
      context: (_socket: unknown, request: FastifyRequest) => ({ req: request }),
    },
    context: (request: FastifyRequest, reply: FastifyReply): GraphqlRequestContext => ({ req: request, reply }),
    errorFormatter: (execution, context: Partial<GraphqlRequestContext>) => {
      const formatted = formatGraphqlErrors(execution as { data?: null; errors: readonly GraphQLError[] }, (error, message) =>
        // The request's logger carries the request id; there is always a reply over HTTP.
        context?.reply ? context.reply.log.error({ err: error }, message) : outOfRequestLogger.error({ err: error }, message),
      );
      // A mutation sent with GET: a 405 names the methods that would be accepted (RFC 9110 §15.5.6).
      if (formatted.statusCode === 405) void context?.reply?.header('allow', 'POST');
      return formatted;
    },
    hooks: {
      // Token limit, operation selection and variables are checked on each websocket message before
      // Mercurius parses it (websocket-message-checks.ts, registered in app.factory.ts).
      preSubscriptionExecution: [
        async (schema, document, mercuriusContext) => {
          checkSubscriptionDocument(schema, document, limits);
          const context = mercuriusContext as unknown as WebsocketContext;
          // Per subscription, not per connection: a deactivated account or revoked token stops new subscriptions at once.
          await dependencies.authenticateSubscription(context);
        },
      ],
      // Runs before GraphQL validation (whose overlapping-fields rule is costly on flooded queries),
      // once per distinct document (Mercurius caches validated documents).
      preValidation: [
        async (_schema, document) => {
          // Mercurius falls back to JSON.parse when the query text is not GraphQL: refuse such "ASTs".
          if (!isParsedDocument(document)) {
            throw requestRefused([new GraphQLError('The query is not a GraphQL document', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })]);
          }
          const errors = checkQueryLimits(document, limits);
          if (errors.length > 0) throw requestRefused(errors);
        },
      ],
      // Runs on every request, cached document or not.
      preExecution: [
        async (schema: GraphQLSchema, document: DocumentNode, mercuriusContext, variables: unknown) => {
          const context = mercuriusContext as unknown as GraphqlRequestContext;
          const params = (context.req.method === 'GET' ? context.req.query : context.req.body) as { operationName?: unknown } | undefined;
          // The document's part of these checks is computed once per document (documentFacts).
          const facts = documentFacts(document);
          // GraphQL over HTTP: `variables` is a map (graphql-js asserts on anything else, e.g. `variables=true` on GET).
          if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
            throw requestRefused([new GraphQLError('variables must be a JSON object', { extensions: { code: 'BAD_REQUEST' } })]);
          }
          const selectionErrors = checkOperationSelection(facts.operationNames, params?.operationName);
          const textErrors = checkRequestText(document, variables);
          if (selectionErrors.length > 0 || textErrors.length > 0) throw requestRefused([...selectionErrors, ...textErrors]);
          if (limits.introspection !== 'on' && facts.usesIntrospection) {
            const allowed = limits.introspection === 'staff' && (await dependencies.isStaff(context));
            if (!allowed) {
              throw requestRefused([
                new GraphQLError(
                  limits.introspection === 'off'
                    ? 'Introspection is disabled on this server; the schema is published as SDL'
                    : 'Introspection is only open to signed-in staff on this server; the schema is published as SDL',
                  { extensions: { code: 'INTROSPECTION_DISABLED' } },
                ),
              ]);
            }
          }
          if (facts.hasMutation) (context as unknown as Record<symbol, boolean>)[MUTATION] = true;
          // A document graphql-jit would coerce differently runs on graphql-js: handing Mercurius the document
          // "modified" (the same one) keeps it from compiling it (see compilableByJit).
          return compilableByJit(schema, document) ? undefined : { document };
        },
      ],
      onResolution: [
        async (_execution: unknown, mercuriusContext: unknown) => {
          if ((mercuriusContext as Record<symbol, boolean>)[MUTATION] && dependencies.afterMutation) await dependencies.afterMutation();
        },
      ],
    },
  };
}
