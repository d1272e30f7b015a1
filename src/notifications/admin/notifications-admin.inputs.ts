import { ArgsType, Field, ID } from '@nestjs/graphql';
import { IsOptional, IsUUID } from 'class-validator';

@ArgsType()
export class ModerationQueueChangedArgs {
  @Field(() => ID, { nullable: true, description: "Only this board's queue" })
  @IsOptional()
  @IsUUID()
  boardId?: string | null;
}
