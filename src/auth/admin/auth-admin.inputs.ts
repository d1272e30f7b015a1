import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import { IsBoolean, IsEnum, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { IsAccountEmail, IsNewPassword } from '../../common/validation/user-fields';
import { Role } from '../../users/role.enum';

@InputType()
export class AdminLoginInput {
  @Field() @IsAccountEmail() email!: string;
  @Field() @IsString() @Length(1, 200) password!: string;
}

@InputType()
export class AdminChangePasswordInput {
  @Field() @IsString() @Length(1, 200) currentPassword!: string;
  @Field({ description: '10 to 200 characters, not the current one' }) @IsNewPassword() newPassword!: string;
}

@InputType()
export class CreateAccessTokenInput {
  @Field({ description: 'What the token is for, e.g. "CI release sync"' }) @IsString() @Length(1, 100) name!: string;
  @Field(() => Int, { nullable: true, description: 'Days until it expires; omit for a token that does not expire' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expiresInDays?: number | null;

  @Field(() => Role, { nullable: true, description: 'What the token may do; default and maximum: your own role (admins may pick any staff role)' })
  @IsOptional()
  @IsEnum(Role)
  role?: Role | null;

  @Field(() => Boolean, { defaultValue: false, description: 'A read-only token is refused every mutation' })
  @IsBoolean()
  readOnly = false;
}

@InputType()
export class RevokeAccessTokenInput {
  @Field(() => ID) @IsUUID() accessTokenId!: string;
}

@ArgsType()
export class AccessTokensArgs {
  @Field(() => Boolean, { defaultValue: false }) @IsBoolean() includeRevoked = false;
}

@ArgsType()
export class UserAccessTokensArgs extends AccessTokensArgs {
  @Field(() => ID) @IsUUID() userId!: string;
}

