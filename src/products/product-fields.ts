import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsISO8601, IsString, IsUUID, Length, Matches, ValidateBy, ValidateIf } from 'class-validator';
import { MaxBytes } from '../common/validation/content-fields';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export const PRODUCT_KEY_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
export const MAX_RELEASE_NOTES_BYTES = 200 * 1024;
export const MAX_RELEASE_CHANGES = 500;

/** Stable machine key of a product, e.g. `billing` or `mobile-app`; never changes once created. */
export function IsProductKey(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Length(1, 64),
    Matches(PRODUCT_KEY_PATTERN, { message: '$property must be lower-case letters, digits, dots, dashes or underscores, starting with a letter or digit' }),
  );
}

export function IsProductName(): PropertyDecorator {
  return applyDecorators(Transform(trim), IsString(), Length(1, 200, { message: '$property must be 1 to 200 characters long' }));
}

export function IsReleaseVersion(): PropertyDecorator {
  return applyDecorators(
    Transform(trim),
    IsString(),
    Length(1, 64, { message: '$property must be 1 to 64 characters long' }),
    Matches(/^[^\p{Cc}]*$/u, { message: '$property must not contain control characters' }),
  );
}

export function IsReleaseNotes(): PropertyDecorator {
  return applyDecorators(IsString(), MaxBytes(MAX_RELEASE_NOTES_BYTES));
}

export function IsChangeSummary(): PropertyDecorator {
  return applyDecorators(Transform(trim), IsString(), Length(1, 2000, { message: '$property must be 1 to 2000 characters long' }));
}

/** An ISO-8601 instant with its offset (`2026-03-01T09:30:00Z`, `…+01:00`), or a date taken as UTC midnight. */
export function IsReleaseInstant(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    IsISO8601({ strict: true }, { message: '$property must be an ISO-8601 date or date-time' }),
    Matches(/^\d{4}-\d{2}-\d{2}(?:T.+(?:Z|[+-]\d{2}:?\d{2}))?$/i, { message: '$property must be a date (YYYY-MM-DD) or a date-time with an offset (Z or ±hh:mm)' }),
  );
}

function ExactlyOneOf(other: string): PropertyDecorator {
  return ValidateBy({
    name: 'exactlyOneOf',
    constraints: [other],
    validator: {
      validate: (value: unknown, args) => (value != null) !== ((args?.object as Record<string, unknown>)[other] != null),
      defaultMessage: (args) => `give exactly one of ${args?.property ?? 'this'} and ${other}`,
    },
  });
}

/** The id of an id-or-key product reference: checked unless only the key is given. */
export function IsProductIdRef(keyField: string): PropertyDecorator {
  return applyDecorators(
    ValidateIf((object: Record<string, unknown>, value: unknown) => value != null || object[keyField] == null),
    ExactlyOneOf(keyField),
    IsUUID(),
  );
}

/** The key of an id-or-key product reference: checked when given. */
export function IsProductKeyRef(idField: string): PropertyDecorator {
  return applyDecorators(
    ValidateIf((_object: unknown, value: unknown) => value != null),
    ExactlyOneOf(idField),
    IsProductKey(),
  );
}
