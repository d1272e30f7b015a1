import Fastify, { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { createRootLogger, RequestLogController } from './logging';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

async function serverLoggingAt(level: 'info' | 'warn'): Promise<{ app: Pick<FastifyInstance, 'inject' | 'close'>; lines: () => Record<string, unknown>[] }> {
  const { stream, lines } = capture();
  const rootLogger = createRootLogger(level, stream);
  const app = Fastify({ loggerInstance: rootLogger, logController: new RequestLogController(rootLogger), genReqId: () => 'req-1' });
  app.get('/ok', async () => ({ ok: true }));
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/missing', async (_request, reply) => reply.code(404).send({}));
  app.get('/broken', async (request) => {
    request.log.error({ err: Object.assign(new Error('query failed'), { parameters: ['argon2-hash'] }), password: 'hunter2' }, 'failed');
    throw new Error('boom');
  });
  await app.ready();
  return { app, lines };
}

describe('request logging', () => {
  it('writes one completion line per request, with its id and a level from the status code', async () => {
    const { app, lines } = await serverLoggingAt('info');
    await app.inject({ method: 'GET', url: '/ok?secret=1' });
    await app.inject({ method: 'GET', url: '/missing' });
    await app.close();
    const completed = lines().filter((line) => line.msg === 'request completed');
    expect(completed).toHaveLength(2);
    expect(completed[0]).toMatchObject({ level: 30, reqId: 'req-1', req: { method: 'GET', url: '/ok' }, res: { statusCode: 200 } });
    expect(completed[0].responseTimeMs).toEqual(expect.any(Number));
    expect(completed[1]).toMatchObject({ level: 40, res: { statusCode: 404 } });
    expect(lines().some((line) => line.msg === 'incoming request')).toBe(false);
  });

  it('says nothing about /health or about successes below the configured level', async () => {
    const { app, lines } = await serverLoggingAt('warn');
    await app.inject({ method: 'GET', url: '/health' });
    await app.inject({ method: 'GET', url: '/ok' });
    await app.inject({ method: 'GET', url: '/missing' });
    await app.close();
    expect(lines().map((line) => line.res)).toEqual([{ statusCode: 404 }]);
  });

  it('redacts passwords and SQL parameters', async () => {
    const { app, lines } = await serverLoggingAt('warn');
    await app.inject({ method: 'GET', url: '/broken' });
    await app.close();
    const text = JSON.stringify(lines());
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('argon2-hash');
    expect(lines().find((line) => line.msg === 'failed')).toMatchObject({ password: '[redacted]', err: { parameters: '[redacted]' } });
  });
});

describe('start-up logging', () => {
  it("keeps Nest's module and route chatter and Fastify's listen line at debug, and other info lines at info", () => {
    const { stream, lines } = capture();
    const rootLogger = createRootLogger('info', stream);
    rootLogger.info({ context: 'InstanceLoader' }, 'AppModule dependencies initialized');
    rootLogger.info({ context: 'RouterExplorer' }, 'Mapped {/health, GET} route');
    rootLogger.info({ context: 'GraphQLModule' }, 'Mapped {/graphql, POST} route');
    rootLogger.info('Server listening at http://127.0.0.1:3000');
    rootLogger.info({ context: 'IndexingWorker' }, 'indexed 3 documents');
    rootLogger.warn({ context: 'InstanceLoader' }, 'a warning stays a warning');

    expect(lines().map((line) => line.msg)).toEqual(['indexed 3 documents', 'a warning stays a warning']);

    const debug = capture();
    const debugLogger = createRootLogger('debug', debug.stream);
    debugLogger.info({ context: 'RouterExplorer' }, 'Mapped {/health, GET} route');
    expect(debug.lines()).toEqual([expect.objectContaining({ level: 20, msg: 'Mapped {/health, GET} route', context: 'RouterExplorer' })]);
  });
});
