import { Field, InputType } from '@nestjs/graphql';
import { IsString, MaxLength, MinLength } from 'class-validator';

@InputType()
export class DeleteMyAccountInput {
  @Field({ description: 'The account password, to confirm' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  password!: string;
}
