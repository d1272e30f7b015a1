import fastifyMultipart from '@fastify/multipart';
import fastifyWebsocket from '@fastify/websocket';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { DeliveryGate, registerDeliveryGate } from './api-keys/delivery-gate';
import { DeliveryCache } from './articles/delivery/delivery-cache';
import { registerDeliveryResponseCache } from './articles/delivery/response-cache';
import { PUBLISHED_CONTENT_QUERIES } from './articles/delivery/articles-delivery.resolver';
import { PREVIEW_TOKEN_HEADER } from './articles/preview/preview-http';
import { AppValidationPipe } from './common/validation/validation-pipe';
import { AppConfig } from './config/app-config';
import { registerGraphqlHttpCaching } from './common/graphql/http-caching';
import { limitWebsocketConnections } from './common/graphql/websocket-connection-limits';
import { checkWebsocketMessages } from './common/graphql/websocket-message-checks';
import { registerPersistedQueries } from './common/graphql/persisted-queries';
import { registerGraphiql } from './common/graphql/graphiql/graphiql';
import { registerCors } from './common/http/cors';
import { createRootLogger, logDestination, RequestLogController } from './common/logging';
import { requestIdOf } from './common/request-id';
import { registerMetrics } from './metrics/http-metrics';
import { MetricsService } from './metrics/metrics.service';
import { registerSurrogateKeys } from './webhooks/surrogate-keys';

/** Builds the application (not yet listening); shared by main, tests and benchmarks. */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const rootLogger = createRootLogger(config.logLevel, logDestination(config.logFormat));
  const adapter = new FastifyAdapter({
    loggerInstance: rootLogger,
    logController: new RequestLogController(rootLogger),
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    // Fastify's default (0) turns off Node's own limit: a client sending its body a byte at a time held its
    // connection for ever. Given to Node's server at creation: Fastify's `requestTimeout`, set on the server
    // afterwards, bounds the headers but not a slow body (Node 20). Checked every quarter of the timeout at most.
    requestTimeout: config.http.requestTimeoutSeconds * 1000,
    http: {
      requestTimeout: config.http.requestTimeoutSeconds * 1000,
      connectionsCheckingInterval: Math.min(30_000, Math.max(250, (config.http.requestTimeoutSeconds * 1000) / 4)),
    },
    return503OnClosing: true,
    genReqId: requestIdOf,
  });
  adapter.getInstance().addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    // Every answer is sent with its real type (JSON, XML, HTML, an asset's checked type): browsers must not guess another.
    reply.header('x-content-type-options', 'nosniff');
    done();
  });
  await registerCors(adapter.getInstance(), config.corsOrigins);
  // Once, at the root: GraphQL subscriptions of both schemas (graphql-transport-ws) upgrade through it.
  await adapter.getInstance().register(fastifyWebsocket, { options: { maxPayload: config.http.bodyLimitBytes } });
  checkWebsocketMessages(adapter.getInstance().websocketServer, config.graphql.maxTokens);
  limitWebsocketConnections(adapter.getInstance(), adapter.getInstance().websocketServer, config.graphql.websocketMaxPerIp);
  // multipart/form-data bodies are read only by the routes that ask for them (POST /admin/assets, with its own limits).
  await adapter.getInstance().register(fastifyMultipart, { limits: { fileSize: config.assets.maxBytes, files: 1, headerPairs: 100 } });
  if (config.graphql.ide) {
    await registerGraphiql(adapter.getInstance(), [
      { path: '/graphiql', endpoint: '/graphql', title: 'Evergreen delivery API · GraphiQL', signIn: false, defaultQuery: '{\n  categories {\n    name\n  }\n}\n' },
      { path: '/admin/graphiql', endpoint: '/admin/graphql', title: 'Evergreen admin API · GraphiQL', signIn: true, defaultQuery: '{\n  me {\n    email\n    role\n  }\n}\n' },
    ]);
  }
  // Before the ETag hook: a 304 carries the surrogate keys too.
  registerSurrogateKeys(adapter.getInstance(), '/graphql');
  registerGraphqlHttpCaching(adapter.getInstance(), {
    publicPath: '/graphql',
    maxAgeSeconds: 60,
    staleWhileRevalidateSeconds: 600,
    privateHeaders: [PREVIEW_TOKEN_HEADER],
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, rootLogger), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  registerMetrics(adapter.getInstance(), app.get(MetricsService), config.metrics);
  // API key and rate limit first (onRequest), then persisted queries (preValidation), then the response cache (preHandler).
  registerDeliveryGate(adapter.getInstance(), '/graphql', app.get(DeliveryGate));
  registerPersistedQueries(adapter.getInstance(), { path: '/graphql', maxEntries: config.deliveryAccess.persistedQueryEntries });
  registerDeliveryResponseCache(adapter.getInstance(), app.get(DeliveryCache), '/graphql', PUBLISHED_CONTENT_QUERIES, config.graphql.maxTokens);
  app.useGlobalPipes(new AppValidationPipe());
  app.flushLogs();
  return app;
}
