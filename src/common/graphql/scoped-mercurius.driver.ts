import { MercuriusDriver, MercuriusDriverConfig } from '@nestjs/mercurius';
import { FastifyInstance } from 'fastify';
import mercurius, { MercuriusOptions } from 'mercurius';
import { serializeDataOnlyAnswersNatively } from './data-only-serializer';
import { registerGraphqlOverHttp } from './graphql-over-http';
import { dropPlainPropertyResolvers } from './plain-field-reads';
import { answerPrefetchedFields } from './prefetched-fields';
import { reachableSchema } from './reachable-schema';
import { withSubscriptionErrorCodes } from './websocket-subscriptions';

export type ScopedMercuriusDriverConfig = MercuriusDriverConfig & {
  /** URL prefix of this schema's routes, e.g. `/admin` for `/admin/graphql` and `/admin/graphiql`. */
  routePrefix?: string;
  /** Token limit of the GET operation check (the same as Mercurius' parse limit). */
  maxTokens?: number;
};

/**
 * The stock driver registers Mercurius on the root Fastify instance, which allows one schema per
 * application. This one registers each schema inside its own encapsulated Fastify plugin, so the
 * delivery and admin schemas live side by side with their own routes, hooks and error handling,
 * each holding only the types its own resolvers reach. Subscriptions are served on each schema's path over
 * WebSocket; `@fastify/websocket` is registered once at the root (app.factory.ts), since two registrations
 * would both answer every upgrade.
 */
export class ScopedMercuriusDriver extends MercuriusDriver {
  override async start(config: ScopedMercuriusDriverConfig): Promise<void> {
    const { plugins, hooks, routePrefix, maxTokens, ...options } = config;
    if (options.schema) {
      options.schema = withSubscriptionErrorCodes(reachableSchema(options.schema));
      dropPlainPropertyResolvers(options.schema);
      answerPrefetchedFields(options.schema);
    }
    const app = this.httpAdapterHost.httpAdapter.getInstance<FastifyInstance>();
    await app.register(
      async (scope) => {
        const graphqlPath = `${routePrefix ?? ''}${options.path ?? '/graphql'}`;
        registerGraphqlOverHttp(scope, { path: graphqlPath, maxTokens: maxTokens ?? 5000 });
        serializeDataOnlyAnswersNatively(scope, graphqlPath);
        await scope.register(mercurius, options as MercuriusOptions);
        for (const plugin of plugins ?? []) await scope.register(plugin.plugin, plugin.options ?? {});
        for (const [hookName, hook] of Object.entries(hooks ?? {})) {
          for (const fn of Array.isArray(hook) ? hook : [hook]) {
            // Mercurius types each hook name separately; the pairs come straight from its own config type.
            (scope.graphql.addHook as (name: string, fn: unknown) => void)(hookName, fn);
          }
        }
      },
      { prefix: routePrefix ?? '' },
    );
  }
}
