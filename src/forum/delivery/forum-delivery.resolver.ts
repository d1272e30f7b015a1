import { Args, Context, Info, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { AuthUser } from '../../auth/auth-user';
import { AuthService } from '../../auth/auth.service';
import { CurrentUser } from '../../auth/current-user.decorator';
import type { GraphqlContext } from '../../auth/graphql-context';
import { Public, Roles } from '../../auth/roles.decorator';
import { UnauthenticatedError } from '../../common/errors/app-error';
import { pageWindow } from '../../common/graphql/connection';
import { prefetchFields } from '../../common/graphql/prefetched-fields';
import { ALL_ROLES, Role } from '../../users/role.enum';
import { selectsField } from '../../articles/delivery/field-selection';
import { ForumReadingService } from '../forum-reading.service';
import { ParticipationService } from '../participation.service';
import { PostingService } from '../posting.service';
import type { Reader } from '../status/content-status';
import {
  Board,
  FlagReceipt,
  Post,
  PostConnection,
  PostDeletion,
  Thread,
  ThreadSitemapEntryConnection,
  ThreadSummaryConnection,
  VoteValue,
} from './forum.model';
import {
  AskQuestionInput,
  BoardLookupArgs,
  BoardsArgs,
  EditPostInput,
  FlagContentInput,
  PostIdInput,
  PostsArgs,
  ReplyInput,
  ThreadIdInput,
  ThreadLookupArgs,
  ThreadsArgs,
  ThreadSitemapArgs,
  VoteInput,
} from './forum.inputs';
import { toBoard, toConnection, toPost, toThread, toThreadSummary } from './to-forum';
import { threadHeadPlan } from './thread-head';

const ANONYMOUS: Reader = { userId: null, isStaff: false };

/** The fields of a thread page read with the thread (ForumReadingService.threadPage). */
interface ThreadPageFields {
  question: Post | null;
  acceptedAnswer: Post | null;
  posts?: PostConnection;
}

function readerOf(user: AuthUser): Reader {
  return { userId: user.id, isStaff: user.role !== Role.Member };
}

/** The community forum on the delivery API: reading is anonymous; writing needs a member token. */
@Resolver(() => Thread)
export class ForumDeliveryResolver {
  constructor(
    private readonly reading: ForumReadingService,
    private readonly posting: PostingService,
    private readonly participation: ParticipationService,
    private readonly auth: AuthService,
  ) {}

  @Public()
  @Query(() => [Board], { description: 'Boards of the forum, by position' })
  async boards(@Args() args: BoardsArgs): Promise<Board[]> {
    return (await this.reading.boards(args.locale ?? null)).map(toBoard);
  }

  @Public()
  @Query(() => Board)
  async board(@Args() args: BoardLookupArgs): Promise<Board> {
    return toBoard(await this.reading.board(args.slug));
  }

  @Public()
  @Query(() => ThreadSummaryConnection, { description: 'Visible threads, paged both ways (first/after or last/before)' })
  async threads(@Args() args: ThreadsArgs, @Info() info: GraphQLResolveInfo): Promise<ThreadSummaryConnection> {
    const page = await this.reading.threads(
      { boardSlug: args.boardSlug, locale: args.locale, tag: args.tag, productKey: args.productKey, sort: args.sort },
      pageWindow(args),
      selectsField(info, 'totalCount'),
    );
    return toConnection(page, toThreadSummary);
  }

  @Public()
  @Query(() => Thread, { description: 'A thread by id or slug (an earlier slug answers with redirectToSlug); pending threads only for their author and staff' })
  async thread(@Context() context: GraphqlContext, @Args() args: ThreadLookupArgs, @Info() info: GraphQLResolveInfo): Promise<Thread> {
    const reader = await this.reader(context);
    // The page's posts read with the thread, in one statement, when they are asked for (question, accepted answer,
    // first page of replies); those fields then answer with what was read, without their resolvers (prefetchFields).
    const plan = threadHeadPlan(info);
    if (!plan) return toThread(await this.reading.thread(reader, args));
    const { thread, head } = await this.reading.threadPage(reader, args, plan.repliesSize, plan.withMarkdown);
    const fields: ThreadPageFields = {
      question: head.question ? toPost(head.question) : null,
      acceptedAnswer: head.accepted ? toPost(head.accepted) : null,
    };
    if (plan.repliesSize !== null) fields.posts = { ...toConnection(head.replies, toPost), totalCount: thread.replyCount };
    return prefetchFields(toThread(thread), fields);
  }

  @Public()
  @Query(() => ThreadSitemapEntryConnection, { description: 'Solved threads for sitemaps; paged both ways' })
  async threadSitemap(@Args() args: ThreadSitemapArgs): Promise<ThreadSitemapEntryConnection> {
    return toConnection(await this.reading.sitemap(pageWindow(args)), (node) => node);
  }

  @ResolveField(() => Post, { nullable: true, description: 'The question (null only if the reader may not see it)' })
  async question(@Parent() thread: Thread, @Context() context: GraphqlContext): Promise<Post | null> {
    const post = await this.reading.question(await this.reader(context), thread.id);
    return post ? toPost(post) : null;
  }

  @ResolveField(() => Post, { nullable: true })
  async acceptedAnswer(@Parent() thread: Thread, @Context() context: GraphqlContext): Promise<Post | null> {
    const post = await this.reading.acceptedAnswer(await this.reader(context), thread);
    return post ? toPost(post) : null;
  }

  @ResolveField(() => PostConnection, { description: 'Replies: the accepted answer first, then oldest first; paged both ways' })
  async posts(@Parent() thread: Thread, @Args() args: PostsArgs, @Context() context: GraphqlContext): Promise<PostConnection> {
    const page = await this.reading.replies(await this.reader(context), thread.id, pageWindow(args));
    return { ...toConnection(page, toPost), totalCount: thread.replyCount };
  }

  @ResolveField(() => String, { nullable: true, description: 'schema.org QAPage JSON-LD of the visible thread, safe to paste into <script type="application/ld+json">; null while it has no visible answer or is not visible' })
  async jsonLd(@Parent() thread: Thread): Promise<string | null> {
    return this.reading.jsonLd(thread.id);
  }

  @Roles(...ALL_ROLES)
  @Mutation(() => Thread, { description: 'Starts a thread; held as Pending when the board holds this member’s posts' })
  async askQuestion(@CurrentUser() member: AuthUser, @Args('input') input: AskQuestionInput): Promise<Thread> {
    const { threadId } = await this.posting.ask(member, input);
    return toThread(await this.reading.thread(readerOf(member), { id: threadId }));
  }

  @Roles(...ALL_ROLES)
  @Mutation(() => Post)
  async replyToThread(@CurrentUser() member: AuthUser, @Args('input') input: ReplyInput): Promise<Post> {
    const { postId } = await this.posting.reply(member, input);
    return toPost(await this.reading.post(readerOf(member), postId));
  }

  @Roles(...ALL_ROLES)
  @Mutation(() => Post, { description: 'Edits one’s own post; the earlier text is kept as a revision' })
  async editPost(@CurrentUser() member: AuthUser, @Args('input') input: EditPostInput): Promise<Post> {
    const { postId } = await this.posting.edit(member, input);
    return toPost(await this.reading.post(readerOf(member), postId));
  }

  @Roles(...ALL_ROLES)
  @Mutation(() => PostDeletion, { description: 'Deletes one’s own post (soft); deleting a question deletes its thread' })
  async deletePost(@CurrentUser() member: AuthUser, @Args('input') input: PostIdInput): Promise<PostDeletion> {
    const deletion = await this.posting.delete(member, input.postId);
    return { postId: deletion.postId, threadId: deletion.threadId, threadDeleted: deletion.threadDeleted };
  }

  @Roles(...ALL_ROLES)
  @Mutation(() => Post, { description: 'Up, Down, or None to withdraw; one vote per member and post' })
  async votePost(@CurrentUser() member: AuthUser, @Args('input') input: VoteInput): Promise<Post> {
    const { postId } = await this.participation.vote(member, input.postId, input.value === VoteValue.Up ? 'up' : input.value === VoteValue.Down ? 'down' : 'none');
    return toPost(await this.reading.post(readerOf(member), postId));
  }

  @Roles(...ALL_ROLES)
  @Mutation(() => Thread, { description: 'Marks a reply as the answer: the thread’s author, or staff' })
  async acceptAnswer(@CurrentUser() member: AuthUser, @Args('input') input: PostIdInput): Promise<Thread> {
    const { threadId } = await this.participation.acceptAnswer(member, input.postId);
    return toThread(await this.reading.thread(readerOf(member), { id: threadId }));
  }

  @Roles(...ALL_ROLES)
  @Mutation(() => Thread)
  async unacceptAnswer(@CurrentUser() member: AuthUser, @Args('input') input: ThreadIdInput): Promise<Thread> {
    const { threadId } = await this.participation.unacceptAnswer(member, input.threadId);
    return toThread(await this.reading.thread(readerOf(member), { id: threadId }));
  }

  @Roles(...ALL_ROLES)
  @Mutation(() => Thread)
  async followThread(@CurrentUser() member: AuthUser, @Args('input') input: ThreadIdInput): Promise<Thread> {
    const { threadId } = await this.participation.follow(member, input.threadId, true);
    return toThread(await this.reading.thread(readerOf(member), { id: threadId }));
  }

  @Roles(...ALL_ROLES)
  @Mutation(() => Thread)
  async unfollowThread(@CurrentUser() member: AuthUser, @Args('input') input: ThreadIdInput): Promise<Thread> {
    const { threadId } = await this.participation.follow(member, input.threadId, false);
    return toThread(await this.reading.thread(readerOf(member), { id: threadId }));
  }

  @Roles(...ALL_ROLES)
  @Mutation(() => FlagReceipt, { description: 'Reports a thread or post to moderators; one open flag per member and target' })
  async flagContent(@CurrentUser() member: AuthUser, @Args('input') input: FlagContentInput): Promise<FlagReceipt> {
    return this.participation.flag(member, input);
  }

  /** Anonymous without a token; a token that does not verify is refused rather than silently ignored. */
  private async reader(context: GraphqlContext): Promise<Reader> {
    const header = context.req.headers.authorization;
    if (!header) return ANONYMOUS;
    context.auth ??= await this.auth.resolveAuthorization(header);
    if (!context.auth.user) throw new UnauthenticatedError(context.auth.failure ?? 'The token is not valid');
    return readerOf(context.auth.user);
  }
}
