import type { FastifyReply } from 'fastify';
import { AppError, ErrorCode } from '../common/errors/app-error';

export interface HttpErrorBody {
  error: { code: ErrorCode | 'INTERNAL_SERVER_ERROR'; message: string; [detail: string]: unknown };
}

const STATUS_OF: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  QUOTA_EXCEEDED: 413,
  FAILED_PRECONDITION: 503,
  RATE_LIMITED: 429,
};

/** An AppError as the REST asset routes answer it: `{ error: { code, message, ...details } }` with the matching status. */
export function appErrorReply(reply: FastifyReply, error: AppError): HttpErrorBody {
  const status = STATUS_OF[error.code];
  reply.status(status);
  // The rest of an oversized body is left unread.
  if (error.code === 'PAYLOAD_TOO_LARGE') reply.header('connection', 'close');
  if (typeof error.details.retryAfterSeconds === 'number') reply.header('retry-after', String(error.details.retryAfterSeconds));
  return { error: { ...error.details, code: error.code, message: error.message } };
}

export function internalErrorReply(reply: FastifyReply): HttpErrorBody {
  reply.status(500);
  return { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } };
}
