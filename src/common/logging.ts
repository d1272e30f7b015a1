import { FastifyReply, FastifyRequest, LogController } from 'fastify';
import { Params } from 'nestjs-pino';
import pino, { DestinationStream, Level, LogFn, Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { AppConfig } from '../config/app-config';

/**
 * The one pino logger of the process. Fastify derives each request's child logger from it (bound to the
 * request id) and nestjs-pino logs through it outside requests. No Nest middleware runs per request.
 */
/** Secrets that could reach a log line: request headers, SQL parameters and inputs carried by errors. */
const REDACTED_PATHS = [
  'req.headers',
  'err.config',
  'err.parameters',
  'err.driverError.parameters',
  'err.variables',
  'input.password',
  'variables.password',
  'password',
  'token',
  'accessToken',
  'authorization',
];

/** Nest's start-up chatter (one line per module and route): logged at debug, so the banner stands alone. */
const BOOT_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication', 'GraphQLModule']);

export function isBootNoise(args: unknown[]): boolean {
  const [first] = args;
  if (typeof first === 'string') return first.startsWith('Server listening at ');
  if (typeof first !== 'object' || first === null || !('context' in first)) return false;
  return BOOT_CONTEXTS.has(String(first.context));
}

const INFO = 30;

/** Where log lines go: JSON to stdout, or readable lines (development) written synchronously so they stay in order with the banner. */
export function logDestination(format: AppConfig['logFormat']): DestinationStream | undefined {
  if (format === 'json') return undefined;
  return pinoPretty({ sync: true, singleLine: true, colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}

export function createRootLogger(level: AppConfig['logLevel'], destination?: DestinationStream): Logger {
  return pino(
    {
    level,
    hooks: {
      logMethod(this: Logger, args: Parameters<LogFn>, method: LogFn, levelValue: number) {
        if (levelValue === INFO && isBootNoise(args)) {
          if (this.isLevelEnabled('debug')) this.debug(...args);
          return;
        }
        method.apply(this, args);
      },
    },
    serializers: {
      req: (req: FastifyRequest) => ({ method: req.method, url: req.url.split('?')[0] }),
      res: (reply: FastifyReply) => ({ statusCode: reply.statusCode }),
      err: pino.stdSerializers.err,
    },
    // Explicit paths only: a path starting with `*` makes pino redact-copy every binding of every
    // per-request child logger, which was a tenth of all allocations under load.
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}

export function loggerModuleParams(rootLogger: Logger): Params {
  // `forRoutes: []`: nestjs-pino adds no middleware; requests log through Fastify's `request.log`.
  return { pinoHttp: { logger: rootLogger }, useExisting: true, forRoutes: [] };
}

function completionLevel(statusCode: number): Level {
  return statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
}

/**
 * Fastify's per-request log lines: one "request completed" line (no "incoming request" line), at a level
 * set by the status code, nothing for /health. Checks the level first so a quiet production log costs nothing.
 */
export class RequestLogController extends LogController {
  constructor(private readonly rootLogger: Logger) {
    super({});
  }

  override isLogDisabled(request: { url?: string }): boolean {
    return request.url === '/health';
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const level = error ? 'error' : completionLevel(reply.statusCode);
    if (!this.rootLogger.isLevelEnabled(level) || this.isLogDisabled(request)) return;
    reply.log[level]({ req: request, res: reply, err: error ?? undefined, responseTimeMs: Math.round(reply.elapsedTime) }, 'request completed');
  }
}
