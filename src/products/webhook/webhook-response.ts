import { FastifyReply } from 'fastify';
import { AppError, ErrorCode } from '../../common/errors/app-error';

/** Error codes of the webhook's HTTP answers: the GraphQL codes plus transport-level ones. */
export type WebhookErrorCode = ErrorCode | 'WEBHOOK_DISABLED' | 'INTERNAL_SERVER_ERROR';

export interface WebhookErrorBody {
  error: { code: WebhookErrorCode; message: string; [detail: string]: unknown };
}

const STATUS_OF: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  QUOTA_EXCEEDED: 413,
  FAILED_PRECONDITION: 503,
};

/** Sets the reply's status and returns the error body for the handler (or hook) to send. */
export function webhookErrorReply(
  reply: FastifyReply,
  status: number,
  code: WebhookErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): WebhookErrorBody {
  const body: WebhookErrorBody = { error: { ...details, code, message } };
  reply.status(status);
  return body;
}

/** An AppError as the webhook answers it: its code, message and details, with the matching HTTP status. */
export function appErrorReply(reply: FastifyReply, error: AppError): WebhookErrorBody {
  return webhookErrorReply(reply, STATUS_OF[error.code], error.code, error.message, error.details);
}
