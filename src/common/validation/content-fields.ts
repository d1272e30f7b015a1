import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, Length, Matches, MaxLength, ValidateBy } from 'class-validator';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export const MAX_BODY_BYTES = 1024 * 1024;

/** Limits a string by its UTF-8 size, the size that reaches storage and clients. */
export function MaxBytes(bytes: number): PropertyDecorator {
  return ValidateBy({
    name: 'maxBytes',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && Buffer.byteLength(value, 'utf8') <= bytes,
      defaultMessage: (args) => `${args?.property ?? 'value'} must be at most ${bytes} bytes of UTF-8`,
    },
  });
}

export function IsTitle(): PropertyDecorator {
  return applyDecorators(Transform(trim), IsString(), Length(1, 200, { message: 'title must be 1 to 200 characters long' }));
}

export function IsMarkdownBody(): PropertyDecorator {
  return applyDecorators(IsString(), MaxBytes(MAX_BODY_BYTES));
}

export function IsOptionalText(maxLength: number): PropertyDecorator {
  return applyDecorators(IsOptional(), Transform(trim), IsString(), MaxLength(maxLength));
}

/** A BCP 47 tag in its written form; services check it against the configured locales. */
export function IsLocaleTag(): PropertyDecorator {
  return applyDecorators(Transform(trim), IsString(), Length(2, 35), Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'locale must be a BCP 47 language tag such as en or zh-CN' }));
}

/** A list of BCP 47 language tags (each checked like IsLocaleTag). */
export function IsLocaleTagList(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.trim() : v)) : value)),
    IsString({ each: true }),
    Length(2, 35, { each: true }),
    Matches(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { each: true, message: 'locales must be BCP 47 language tags such as en or zh-CN' }),
  );
}

export const FEATURE_KEY_PATTERN = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

export function IsFeatureKeyList(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsArray(),
    ArrayMaxSize(50),
    Matches(FEATURE_KEY_PATTERN, { each: true, message: 'each feature key must look like billing.invoices' }),
    MaxLength(100, { each: true }),
  );
}

export function IsTagList(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsArray(),
    ArrayMaxSize(30),
    IsString({ each: true }),
    Length(1, 50, { each: true, message: 'each tag must be 1 to 50 characters long' }),
  );
}
