import { Field, ID, ObjectType } from '@nestjs/graphql';
import { ModerationQueueChange } from '../moderation-queue-change.enum';

@ObjectType({ description: 'A change of the moderation queue, pushed to subscribed staff' })
export class AdminModerationQueueEvent {
  @Field(() => ModerationQueueChange) change!: ModerationQueueChange;
  @Field({ description: 'post, thread or flag' }) itemKind!: string;
  @Field(() => ID) itemId!: string;
  @Field(() => ID, { nullable: true }) boardId!: string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field() occurredAt!: Date;
}
