import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { IsBoolean, IsEnum, IsOptional, IsUUID } from 'class-validator';
import { PageArgs } from '../../common/graphql/connection';
import { IsAccountEmail, IsDisplayName, IsNewPassword } from '../../common/validation/user-fields';
import { Role } from '../role.enum';

@InputType()
export class CreateUserInput {
  @Field() @IsAccountEmail() email!: string;
  @Field() @IsDisplayName() displayName!: string;
  @Field(() => Role) @IsEnum(Role) role!: Role;
  @Field({ description: 'Initial password, to be handed over to the user' }) @IsNewPassword() password!: string;
}

@InputType()
export class ChangeUserRoleInput {
  @Field(() => ID) @IsUUID() userId!: string;
  @Field(() => Role) @IsEnum(Role) role!: Role;
}

@InputType()
export class UserIdInput {
  @Field(() => ID) @IsUUID() userId!: string;
}

@ArgsType()
export class UsersArgs extends PageArgs {
  @Field(() => Role, { nullable: true }) @IsOptional() @IsEnum(Role) role?: Role | null;
  @Field(() => Boolean, { defaultValue: false }) @IsBoolean() includeDeactivated = false;
}

@ArgsType()
export class UserArgs {
  @Field(() => ID) @IsUUID() id!: string;
}
