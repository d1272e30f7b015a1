import { IntrinsicException } from '@nestjs/common';

export type ErrorCode =
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'BAD_USER_INPUT'
  | 'RATE_LIMITED';

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
}

export interface FieldProblem {
  field: string;
  messages: string[];
}

export class BadUserInputError extends AppError {
  readonly code = 'BAD_USER_INPUT';

  constructor(message: string, fields: FieldProblem[] = []) {
    super(message, fields.length > 0 ? { fields } : {});
  }
}
