import { ArgumentMetadata, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { BadUserInputError, FieldProblem } from '../errors/app-error';
import { compileValidationPlan, passesPlan, ValidationPlan } from './precompiled-check';

/** Keys ValidationPipe strips before transforming (prototype pollution): such values take the full path. */
const PROTO_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Global pipe: unknown fields are refused, not stripped; each problem names its field by its
 * path in the GraphQL arguments (`input.email`).
 */
export class AppValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors: ValidationError[]) => new BadUserInputError('The input is not valid', flattenValidationErrors(errors)),
    });
  }

  /** Per argument class: its precompiled rules, or null when it must always take the full path. */
  private readonly plans = new Map<Function, ValidationPlan | null>();

  /**
   * The fast path for the common case, arguments that pass: a flat object of strings, numbers, booleans and
   * nulls for a class whose rules are all synchronous property constraints. It does what ValidationPipe does
   * for such a value (class-transformer's plainToInstance with the pipe's options, then the constraints
   * class-validator would run, from a plan compiled once per class instead of class-validator's per-call
   * metadata lookups, error objects and promises) and returns the instance; undefined whenever it cannot
   * vouch for the value, and then ValidationPipe runs in full and reports the errors exactly as before.
   */
  precompiledPath(value: unknown, metadata: ArgumentMetadata): unknown {
    const metatype = metadata.metatype as Type<unknown> | undefined;
    if (!metatype || !isFlatRecord(value) || !this.toValidate(metadata)) return undefined;
    let plan = this.plans.get(metatype);
    if (plan === undefined) {
      plan = compileValidationPlan(metatype);
      this.plans.set(metatype, plan);
    }
    if (!plan) return undefined;
    const entity = plainToInstance(metatype, value, this.transformOptions) as Record<string, unknown>;
    if (entity === null || typeof entity !== 'object' || entity.constructor !== metatype) return undefined;
    return passesPlan(plan, entity) ? entity : undefined;
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const checked = this.precompiledPath(value, metadata);
    if (checked !== undefined) return checked;
    try {
      return await super.transform(value, metadata);
    } catch (error) {
      const fields = error instanceof BadUserInputError ? (error.details.fields as FieldProblem[] | undefined) : undefined;
      if (!fields || !metadata.data) throw error;
      throw new BadUserInputError(
        error instanceof Error ? error.message : 'The input is not valid',
        fields.map((problem) => ({ ...problem, field: `${metadata.data}.${problem.field}` })),
      );
    }
  }
}

function isFlatRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key of Object.keys(value)) {
    if (PROTO_KEYS.has(key)) return false;
    const inner = (value as Record<string, unknown>)[key];
    if (inner !== null && typeof inner === 'object') return false;
    if (typeof inner === 'function' || typeof inner === 'symbol' || typeof inner === 'bigint') return false;
  }
  return true;
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own: FieldProblem[] = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}
