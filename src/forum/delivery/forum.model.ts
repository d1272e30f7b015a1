import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { BidirectionalConnectionType, BidirectionalPageInfo } from '../../common/graphql/connection';
import { FlagKind } from '../entities/forum-enums';

export enum TrustBadge {
  New = 'new',
  Basic = 'basic',
  Member = 'member',
  Regular = 'regular',
  Leader = 'leader',
  Staff = 'staff',
}
registerEnumType(TrustBadge, { name: 'TrustBadge', description: 'A member’s trust level (0–4) as a badge, or Staff' });

export enum ForumContentStatus {
  Visible = 'visible',
  Pending = 'pending',
}
registerEnumType(ForumContentStatus, { name: 'ForumContentStatus', description: 'Pending: held for a moderator, seen only by its author and staff' });

export enum ThreadSort {
  Latest = 'latest',
  Top = 'top',
  Unanswered = 'unanswered',
  Solved = 'solved',
}
registerEnumType(ThreadSort, {
  name: 'ThreadSort',
  valuesMap: {
    Latest: { description: 'Pinned first, then latest activity' },
    Top: { description: 'Highest question score first' },
    Unanswered: { description: 'Threads without a visible reply, newest first' },
    Solved: { description: 'Threads with an accepted answer, most recently solved first' },
  },
});

export enum VoteValue {
  Up = 'up',
  Down = 'down',
  None = 'none',
}
registerEnumType(VoteValue, { name: 'VoteValue', description: 'None withdraws a vote' });

registerEnumType(FlagKind, { name: 'FlagKind' });

@ObjectType({ description: 'Who wrote a thread or post: a display name and a trust badge, nothing else' })
export class ForumAuthor {
  @Field({ description: '"Deleted member" once the account is gone' }) displayName!: string;
  @Field(() => Int) trustLevel!: number;
  @Field(() => TrustBadge) badge!: TrustBadge;
}

@ObjectType({ description: 'A space of the community forum' })
export class Board {
  @Field(() => ID) id!: string;
  @Field() slug!: string;
  @Field() name!: string;
  @Field() description!: string;
  @Field() locale!: string;
  @Field(() => Int) position!: number;
  @Field({ description: 'Whether new posts of some members are held for a moderator first' }) holdsPosts!: boolean;
  @Field(() => Int, { description: 'Visible threads' }) threadCount!: number;
}

@ObjectType({ description: 'A post: the question of a thread or a reply' })
export class Post {
  @Field(() => ID) id!: string;
  @Field(() => ID) threadId!: string;
  @Field() isQuestion!: boolean;
  @Field() isAccepted!: boolean;
  @Field(() => ForumContentStatus) status!: ForumContentStatus;
  @Field() bodyMarkdown!: string;
  @Field({ description: 'Sanitized HTML, safe to inject' }) bodyHtml!: string;
  @Field(() => Int, { description: 'Edits so far + 1; give it as baseRevisionNumber when editing' }) revisionNumber!: number;
  @Field(() => Int) score!: number;
  @Field(() => Int) upvoteCount!: number;
  @Field(() => Int) downvoteCount!: number;
  @Field(() => VoteValue, { description: 'The signed-in member’s vote (None when anonymous)' }) myVote!: VoteValue;
  @Field(() => ForumAuthor) author!: ForumAuthor;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) editedAt!: Date | null;
}

@ObjectType()
export class PostEdge {
  @Field() cursor!: string;
  @Field(() => Post) node!: Post;
}

@ObjectType({ description: 'Replies paged both ways: first/after forwards, last/before backwards' })
export class PostConnection {
  @Field(() => [PostEdge]) edges!: PostEdge[];
  @Field(() => BidirectionalPageInfo) pageInfo!: BidirectionalPageInfo;
  @Field(() => Int) totalCount!: number;
}

@ObjectType()
export class ThreadProduct {
  @Field() key!: string;
  @Field() name!: string;
}

@ObjectType({ description: 'A thread in a list' })
export class ThreadSummary {
  @Field(() => ID) id!: string;
  @Field(() => ID) boardId!: string;
  @Field() boardSlug!: string;
  @Field() locale!: string;
  @Field() slug!: string;
  @Field({ description: 'On the public help site (SITE_THREAD_PATH)' }) url!: string;
  @Field() title!: string;
  @Field({ description: 'The question’s first words, plain text' }) excerpt!: string;
  @Field(() => ForumContentStatus) status!: ForumContentStatus;
  @Field() isLocked!: boolean;
  @Field() isPinned!: boolean;
  @Field() isSolved!: boolean;
  @Field(() => [String]) tags!: string[];
  @Field(() => Int, { description: 'Visible replies' }) replyCount!: number;
  @Field(() => Int, { description: 'The question’s score' }) score!: number;
  @Field(() => ForumAuthor) author!: ForumAuthor;
  @Field() createdAt!: Date;
  @Field() lastActivityAt!: Date;
  @Field(() => Date, { nullable: true }) solvedAt!: Date | null;
}

@ObjectType()
export class ThreadSummaryConnection extends BidirectionalConnectionType(ThreadSummary) {}

@ObjectType({ description: 'A thread with its question; replies through `posts` (the accepted answer first)' })
export class Thread extends ThreadSummary {
  @Field(() => String, { nullable: true, description: 'Set when the slug asked for is an earlier one: redirect to this slug' })
  redirectToSlug!: string | null;
  @Field(() => [ThreadProduct]) products!: ThreadProduct[];
  @Field(() => ID, { nullable: true, description: 'Closed as a duplicate of this thread' }) duplicateOfId!: string | null;
  @Field({ description: 'Whether the signed-in member follows it (false when anonymous)' }) isFollowing!: boolean;
  /** Not a GraphQL field: read by the field resolvers. */
  acceptedPostId!: string | null;
}

@ObjectType()
export class ThreadSitemapEntry {
  @Field() locale!: string;
  @Field() slug!: string;
  @Field() url!: string;
  @Field() lastModified!: Date;
}

@ObjectType()
export class ThreadSitemapEntryConnection extends BidirectionalConnectionType(ThreadSitemapEntry) {}

@ObjectType()
export class PostDeletion {
  @Field(() => ID) postId!: string;
  @Field(() => ID) threadId!: string;
  @Field({ description: 'Deleting a question deletes its thread' }) threadDeleted!: boolean;
}

@ObjectType({ description: 'A flag as its member sees it: moderators take it from here' })
export class FlagReceipt {
  @Field(() => ID) id!: string;
  @Field(() => FlagKind) kind!: FlagKind;
  @Field() createdAt!: Date;
}
