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

@ObjectType({ description: 'One version of a forum post, as moderators see the edit history' })
export class AdminPostRevision {
  @Field(() => ID) id!: string;
  @Field(() => ID) postId!: string;
  @Field(() => Int) number!: number;
  @Field(() => String, { nullable: true, description: 'The thread title at this version (questions)' }) title!: string | null;
  @Field() bodyMarkdown!: string;
  @Field() bodyHtml!: string;
  @Field(() => ID, { nullable: true, description: 'Who made this version (the author, or staff)' }) editorId!: string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field() createdAt!: Date;
}
