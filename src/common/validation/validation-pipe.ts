import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { BadUserInputError, FieldProblem } from '../errors/app-error';

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

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
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

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own: FieldProblem[] = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}
