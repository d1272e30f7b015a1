import { FastifyInstance, FastifyRequest } from 'fastify';
import { bearerTokenMatcher } from '../common/http/bearer-token';
import type { AppConfig } from '../config/app-config';
import { operationNameOf } from './graphql-operation';
import { GraphqlApi, MetricsService } from './metrics.service';

const STARTED = Symbol('metricsStartedAt');
const FAILED = Symbol('graphqlAnswerFailed');
type TimedRequest = FastifyRequest & { [STARTED]?: bigint; [FAILED]?: boolean };

const GRAPHQL_ROUTES: Record<string, GraphqlApi> = { '/graphql': 'delivery', '/admin/graphql': 'admin' };

/**
 * Counts every request (those whose client left before the answer apart) and times every GraphQL request (hooks on the root instance), and serves the
 * registry at GET /metrics, behind `Authorization: Bearer <METRICS_TOKEN>` when a token is configured.
 * Nothing is registered when metrics are off: /metrics is then a plain 404.
 */
export function registerMetrics(fastify: FastifyInstance, metrics: MetricsService, config: AppConfig['metrics']): void {
  if (!config.enabled) return;
  fastify.addHook('onRequest', (request, reply, done) => {
    (request as TimedRequest)[STARTED] = process.hrtime.bigint();
    // 'close' comes after the answer was written, or when the client left first: onResponse counts only the former.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) metrics.countHttpAborted(request.method, request.routeOptions.url ?? '(unmatched)');
    });
    done();
  });
  fastify.addHook('onSend', (request, _reply, payload, done) => {
    if (GRAPHQL_ROUTES[request.routeOptions.url ?? ''] && typeof payload === 'string' && payload.includes('"errors":')) (request as TimedRequest)[FAILED] = true;
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? '(unmatched)';
    metrics.countHttp(request.method, route, reply.statusCode);
    const api = GRAPHQL_ROUTES[route];
    const started = (request as TimedRequest)[STARTED];
    if (api && started !== undefined && request.method !== 'OPTIONS') {
      const failed = reply.statusCode >= 400 || (request as TimedRequest)[FAILED] === true;
      metrics.observeGraphql(api, operationNameOf(request.method === 'GET' ? request.query : request.body), failed, Number(process.hrtime.bigint() - started) / 1e9);
    }
    done();
  });
  const authorized = bearerTokenMatcher(config.token);
  fastify.get('/metrics', async (request, reply) => {
    if (authorized && !authorized(request.headers.authorization)) {
      return reply.code(401).header('www-authenticate', 'Bearer').header('cache-control', 'no-store').send({ error: 'UNAUTHENTICATED', message: 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>' });
    }
    const text = await metrics.registry.metrics();
    return reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store').send(text);
  });
}
