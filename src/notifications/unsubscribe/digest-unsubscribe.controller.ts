import { Controller, Get, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../common/errors/app-error';
import { TransientDatabaseErrorFilter } from '../../common/http/transient-database-error.filter';
import { AppConfig } from '../../config/app-config';
import { siteName } from '../digest/notification-digest.service';
import { DigestUnsubscribeService } from './digest-unsubscribe.service';
import { renderUnsubscribePage, UNSUBSCRIBE_PAGE_HEADERS, UnsubscribePage } from './unsubscribe-page';

const STATUS_OF: Partial<Record<string, number>> = { BAD_USER_INPUT: 400, RATE_LIMITED: 429, ACCOUNT_CLOSED: 410 };

/**
 * `GET /unsubscribe?token=…` shows a confirmation form and changes nothing (link scanners and previews fetch GETs);
 * `POST /unsubscribe?token=…` (RFC 8058 one-click, from the mail provider or that form; any body) turns the digest
 * off and answers 200. Refusals: 400 `BAD_USER_INPUT` (`TOKEN_MISSING`, `TOKEN_INVALID`), 410 (`ACCOUNT_CLOSED`),
 * 429 `RATE_LIMITED`; as a page to browsers (`Accept: text/html`), else as `{ error: { code, reason, message } }`.
 */
@UseFilters(TransientDatabaseErrorFilter)
@Controller('unsubscribe')
export class DigestUnsubscribeController {
  constructor(
    private readonly unsubscribe: DigestUnsubscribeService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  confirm(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return this.answer(request, reply, async (token) =>
      (await this.unsubscribe.digestIsOn(token))
        ? {
            title: 'Stop email digests?',
            message: 'Press Unsubscribe to stop getting notification digests by email. You can turn them on again in your notification settings.',
            form: { token: String(token), button: 'Unsubscribe' },
          }
        : { title: 'Email digests are off', message: 'This account gets no notification digests by email.' },
    );
  }

  @Post()
  @HttpCode(200)
  turnOff(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return this.answer(request, reply, async (token) => {
      await this.unsubscribe.unsubscribe(token);
      return { title: 'You are unsubscribed', message: 'You will no longer get notification digests by email. You can turn them on again in your notification settings.' };
    });
  }

  private async answer(request: FastifyRequest, reply: FastifyReply, respond: (token: unknown) => Promise<Omit<UnsubscribePage, 'siteName'>>): Promise<string> {
    reply.headers(UNSUBSCRIBE_PAGE_HEADERS);
    const site = siteName(this.config.mail.from);
    try {
      await this.unsubscribe.admit(request.ip);
      const page = await respond((request.query as Record<string, unknown>).token);
      reply.header('content-type', 'text/html; charset=utf-8');
      return renderUnsubscribePage({ siteName: site, ...page });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const reason = typeof error.details.reason === 'string' ? error.details.reason : error.code;
      reply.status(STATUS_OF[reason] ?? STATUS_OF[error.code] ?? 400);
      if (error.code === 'RATE_LIMITED') reply.header('retry-after', String(error.details.retryAfterSeconds));
      if (request.headers.accept?.includes('text/html')) {
        reply.header('content-type', 'text/html; charset=utf-8');
        return renderUnsubscribePage({ siteName: site, title: 'This link did not work', message: error.message, error: { code: error.code, reason } });
      }
      reply.header('content-type', 'application/json; charset=utf-8');
      return JSON.stringify({ error: { ...error.details, code: error.code, reason, message: error.message } });
    }
  }
}
