import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ModerationPolicy } from '../entities/forum-enums';

registerEnumType(ModerationPolicy, {
  name: 'BoardModerationPolicy',
  valuesMap: {
    Open: { description: 'Posts appear at once (auto-moderation rules may still hold one)' },
    HoldNewMembers: { description: 'Posts of members at trust level 0 wait for a moderator' },
    HoldAll: { description: 'Every member’s post waits for a moderator' },
  },
});

@ObjectType({ description: 'A forum board as staff manage it' })
export class AdminBoard {
  @Field(() => ID) id!: string;
  @Field() slug!: string;
  @Field() name!: string;
  @Field() description!: string;
  @Field() locale!: string;
  @Field(() => Int) position!: number;
  @Field(() => ModerationPolicy) moderationPolicy!: ModerationPolicy;
  @Field() createdAt!: Date;
  @Field() updatedAt!: Date;
}
