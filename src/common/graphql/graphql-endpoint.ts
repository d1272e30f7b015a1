import { Logger, Type } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { FastifyReply, FastifyRequest } from 'fastify';
import { GraphqlRequestContext } from './graphql-request-context';
import { AppConfig } from '../../config/app-config';
import { formatGraphqlErrors } from './format-graphql-error';
import { checkQueryLimits } from './query-limits';
import { ScopedMercuriusDriverConfig } from './scoped-mercurius.driver';

export interface GraphqlEndpoint {
  /** URL prefix: '' for `/graphql`, '/admin' for `/admin/graphql`. */
  routePrefix: string;
  /** The resolver-only modules this schema is built from; nothing else can reach it. */
  modules: Type<unknown>[];
}

/** Options shared by both schemas: auth context, error formatting, limits, IDE. */
const outOfRequestLogger = new Logger('GraphQL');

export function graphqlEndpointOptions(
  endpoint: GraphqlEndpoint,
  config: AppConfig,
): ScopedMercuriusDriverConfig {
  const limits = config.graphql;
  return {
    routePrefix: endpoint.routePrefix,
    path: '/graphql',
    include: endpoint.modules,
    autoSchemaFile: true,
    sortSchema: true,
    graphiql: config.graphql.ide,
    allowBatchedQueries: false,
    graphql: { parseOptions: { maxTokens: 20_000 } },
    context: (request: FastifyRequest, reply: FastifyReply): GraphqlRequestContext => ({ req: request, reply }),
    errorFormatter: (execution, context: Partial<GraphqlRequestContext>) =>
      formatGraphqlErrors(execution as { data?: null; errors: readonly GraphQLError[] }, (error, message) =>
        // The request's logger carries the request id; there is always a reply over HTTP.
        context?.reply ? context.reply.log.error({ err: error }, message) : outOfRequestLogger.error({ err: error }, message),
      ),
    hooks: {
      // Runs before GraphQL validation (whose overlapping-fields rule is costly on flooded queries).
      preValidation: [
        async (_schema, document) => {
          const errors = checkQueryLimits(document, limits);
          if (errors.length > 0) throw Object.assign(new Error('Query limits exceeded'), { statusCode: 400, errors });
        },
      ],
    },
  };
}
