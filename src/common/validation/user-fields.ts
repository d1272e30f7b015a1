import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

export function IsAccountEmail(): PropertyDecorator {
  return applyDecorators(Transform(trim), IsEmail({}, { message: 'email must be an email address' }), MaxLength(254));
}

export function IsNewPassword(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, {
      message: `password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`,
    }),
  );
}

export function IsDisplayName(): PropertyDecorator {
  return applyDecorators(Transform(trim), IsString(), Length(1, 80));
}
