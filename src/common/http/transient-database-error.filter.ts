import { ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { isConcurrencyAbort, isDatabaseUnavailable } from '../errors/database-unavailable';

/** What a REST route answers when the database, not the request, is the problem; null for any other error. */
export interface TransientDatabaseAnswer {
  status: 409 | 503;
  headers: Record<string, string>;
  body: { error: { code: 'CONFLICT' | 'SERVICE_UNAVAILABLE'; message: string; reason?: string; retryAfterSeconds?: number } };
}

export function transientDatabaseAnswer(error: unknown): TransientDatabaseAnswer | null {
  if (isDatabaseUnavailable(error)) {
    return {
      status: 503,
      headers: { 'retry-after': '1' },
      body: { error: { code: 'SERVICE_UNAVAILABLE', message: 'The service is busy or cannot reach its database; try again shortly', retryAfterSeconds: 1 } },
    };
  }
  if (isConcurrencyAbort(error)) {
    return {
      status: 409,
      headers: {},
      body: { error: { code: 'CONFLICT', reason: 'CONCURRENT_CHANGE', message: 'Another change to the same data came at the same moment; nothing was saved, send the request again' } },
    };
  }
  return null;
}

/**
 * For the REST controllers (sitemaps, assets, the release webhook): a busy or unreachable database answers 503 with
 * Retry-After (a crawler retries a 503 later instead of counting the URLs as broken), a deadlock 409, as the GraphQL
 * endpoints do (SERVICE_UNAVAILABLE, CONFLICT CONCURRENT_CHANGE); everything else goes to Nest's own handling.
 */
@Catch()
export class TransientDatabaseErrorFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('TransientDatabaseErrorFilter');

  override catch(exception: unknown, host: ArgumentsHost): void {
    const answer = transientDatabaseAnswer(exception);
    if (!answer) return super.catch(exception, host);
    this.logger.warn(`A REST request answered ${answer.status}: ${exception instanceof Error ? exception.message : String(exception)}`);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // The route may have set another content type (the sitemaps' XML): the error is JSON.
    void reply
      .status(answer.status)
      .headers({ ...answer.headers, 'cache-control': 'no-store', 'content-type': 'application/json; charset=utf-8' })
      .send(JSON.stringify(answer.body));
  }
}
