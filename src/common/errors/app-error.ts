import { IntrinsicException } from '@nestjs/common';

export type ErrorCode =
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'BAD_USER_INPUT'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'QUOTA_EXCEEDED'
  | 'FAILED_PRECONDITION';

/**
 * Errors services throw on purpose; the GraphQL error formatter exposes code, message and details.
 * An IntrinsicException, so Nest's exception handler does not log them as failures.
 */
export abstract class AppError extends IntrinsicException {
  abstract readonly code: ErrorCode;

  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';

  constructor(entity: string, id: string) {
    super(`${entity} ${id} was not found`, { entity, id });
  }
}

export class ConflictError extends AppError {
  readonly code = 'CONFLICT';
}

export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
}

export class UnauthenticatedError extends AppError {
  readonly code = 'UNAUTHENTICATED';
}

export class RateLimitedError extends AppError {
  readonly code = 'RATE_LIMITED';

  constructor(message: string, retryAfterSeconds: number) {
    super(message, { retryAfterSeconds });
  }

  /** A window's remaining seconds, kept within 1…window however the clocks that measured it disagree. */
  static untilWindowEnds(message: string, secondsLeft: number | null, windowSeconds: number): RateLimitedError {
    return new RateLimitedError(message, Math.min(Math.max(1, secondsLeft ?? 1), Math.max(1, windowSeconds)));
  }
}

export interface FieldProblem {
  field: string;
  messages: string[];
}

export class BadUserInputError extends AppError {
  readonly code = 'BAD_USER_INPUT';

  /** `details` add to `fields` where a rule names its refusal (`reason`). */
  constructor(message: string, fields: FieldProblem[] = [], details: Record<string, unknown> = {}) {
    super(message, fields.length > 0 ? { ...details, fields } : details);
  }
}

/** A body or file larger than the configured limit (`details.maxBytes`). */
export class PayloadTooLargeError extends AppError {
  readonly code = 'PAYLOAD_TOO_LARGE';

  constructor(message: string, maxBytes: number) {
    super(message, { maxBytes });
  }
}

/** A file whose content (sniffed, not its name or declared type) is not accepted; `details.reason` says why. */
export class UnsupportedMediaTypeError extends AppError {
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
}

/** Storing the upload would pass the configured storage quota (`details`: `quotaBytes`, `usedBytes`, `neededBytes`). */
export class QuotaExceededError extends AppError {
  readonly code = 'QUOTA_EXCEEDED';

  constructor(message: string, usage: { quotaBytes: number; usedBytes: number; neededBytes: number }) {
    super(message, { ...usage });
  }
}

/** The server is not set up for this request (a setting the operator must add); `details.setting` names it. */
export class FailedPreconditionError extends AppError {
  readonly code = 'FAILED_PRECONDITION';

  constructor(message: string, setting: string) {
    super(message, { setting });
  }
}
