import { Field, InputType } from '@nestjs/graphql';
import { IsString, Length } from 'class-validator';
import { IsAccountEmail, IsDisplayName, IsNewPassword } from '../../common/validation/user-fields';

@InputType()
export class SignUpInput {
  @Field() @IsAccountEmail() email!: string;
  @Field() @IsNewPassword() password!: string;
  @Field() @IsDisplayName() displayName!: string;
}

@InputType()
export class LoginInput {
  @Field() @IsAccountEmail() email!: string;
  @Field() @IsString() @Length(1, 200) password!: string;
}

@InputType()
export class ChangePasswordInput {
  @Field() @IsString() @Length(1, 200) currentPassword!: string;
  @Field({ description: '10 to 200 characters, not the current one' }) @IsNewPassword() newPassword!: string;
}
