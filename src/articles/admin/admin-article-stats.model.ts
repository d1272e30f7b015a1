import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '../../common/graphql/connection';

@ObjectType()
export class AdminRevisionFeedback {
  @Field(() => Int) revisionNumber!: number;
  @Field(() => Int) helpful!: number;
  @Field(() => Int) notHelpful!: number;
}

@ObjectType({ description: '"Was this helpful?" votes, in total and per published revision' })
export class AdminFeedbackSummary {
  @Field(() => Int) helpful!: number;
  @Field(() => Int) notHelpful!: number;
  @Field(() => [AdminRevisionFeedback]) byRevision!: AdminRevisionFeedback[];
}

@ObjectType()
export class AdminFeedbackComment {
  @Field(() => ID) id!: string;
  @Field() locale!: string;
  @Field() helpful!: boolean;
  @Field() comment!: string;
  @Field({ description: 'Whether a signed-in member left it (never who, for anonymous readers)' }) fromMember!: boolean;
  @Field() createdAt!: Date;
}

@ObjectType()
@ObjectType()
export class AdminFeedbackCommentConnection extends ConnectionType(AdminFeedbackComment) {}

@ObjectType()
export class AdminDailyViews {
  @Field({ description: 'YYYY-MM-DD (UTC)' }) day!: string;
  @Field(() => Int) views!: number;
}
