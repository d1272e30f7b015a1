import { IncomingMessage, ServerResponse } from 'node:http';
import { Params } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';
import { requestIdOf } from './request-id';

/** pino-http options: request ids, no headers or bodies in logs. */
export function loggerParams(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      // Fastify assigns the id (see app.factory.ts); pino-http reuses it.
      genReqId: (req: IncomingMessage) => {
        const assigned = (req as { id?: unknown }).id;
        return typeof assigned === 'string' ? assigned : requestIdOf(req);
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      redact: { paths: ['*.authorization', '*.password', '*.token', '*.accessToken', 'req.headers', 'err.config'], censor: '[redacted]' },
      customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' },
    },
  };
}
