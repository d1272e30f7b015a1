import { GraphqlClient } from '../support/create-test-app';
import { expectData } from './knowledge-base';

export const POST_FIELDS = `id threadId isQuestion isAccepted status bodyMarkdown bodyHtml revisionNumber score upvoteCount downvoteCount myVote
  author { displayName trustLevel badge } createdAt editedAt`;
export const THREAD_FIELDS = `id boardId boardSlug locale slug url title excerpt status isLocked isPinned isSolved tags replyCount score
  author { displayName trustLevel badge } createdAt lastActivityAt solvedAt redirectToSlug products { key name } isFollowing`;

export const CREATE_BOARD = `mutation ($input: CreateBoardInput!) { createBoard(input: $input) { id slug name locale position moderationPolicy } }`;
export const UPDATE_BOARD = `mutation ($input: UpdateBoardInput!) { updateBoard(input: $input) { id slug moderationPolicy } }`;
export const ASK = `mutation ($input: AskQuestionInput!) { askQuestion(input: $input) { ${THREAD_FIELDS} question { ${POST_FIELDS} } } }`;
export const REPLY = `mutation ($input: ReplyInput!) { replyToThread(input: $input) { ${POST_FIELDS} } }`;
export const EDIT = `mutation ($input: EditPostInput!) { editPost(input: $input) { ${POST_FIELDS} } }`;
export const DELETE = `mutation ($input: PostIdInput!) { deletePost(input: $input) { postId threadId threadDeleted } }`;
export const VOTE = `mutation ($input: VoteInput!) { votePost(input: $input) { id score upvoteCount downvoteCount myVote } }`;
export const ACCEPT = `mutation ($input: PostIdInput!) { acceptAnswer(input: $input) { id isSolved acceptedAnswer { id isAccepted } } }`;
export const UNACCEPT = `mutation ($input: ThreadIdInput!) { unacceptAnswer(input: $input) { id isSolved acceptedAnswer { id } } }`;
export const FOLLOW = `mutation ($input: ThreadIdInput!) { followThread(input: $input) { id isFollowing } }`;
export const UNFOLLOW = `mutation ($input: ThreadIdInput!) { unfollowThread(input: $input) { id isFollowing } }`;
export const FLAG = `mutation ($input: FlagContentInput!) { flagContent(input: $input) { id kind createdAt } }`;
export const THREAD = `query ($slug: String, $id: ID, $first: Int, $after: String) {
  thread(slug: $slug, id: $id) {
    ${THREAD_FIELDS}
    question { ${POST_FIELDS} }
    acceptedAnswer { id }
    posts(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${POST_FIELDS} } } }
    jsonLd
  }
}`;
export const THREADS = `query ($boardSlug: String, $locale: String, $sort: ThreadSort, $tag: String, $productKey: String, $first: Int, $after: String, $last: Int, $before: String) {
  threads(boardSlug: $boardSlug, locale: $locale, sort: $sort, tag: $tag, productKey: $productKey, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id slug title isSolved replyCount score isPinned tags } }
  }
}`;

export interface ThreadResult {
  id: string;
  slug: string;
  title: string;
  status: string;
  question: { id: string; bodyHtml: string; revisionNumber: number };
  [key: string]: unknown;
}

/** Boards through the admin API and threads through the delivery API, as their users make them. */
export class ForumFactory {
  private counter = 0;

  constructor(private readonly staff: GraphqlClient) {}

  async board(input: Record<string, unknown> = {}): Promise<{ id: string; slug: string }> {
    this.counter += 1;
    return expectData(await this.staff.send(CREATE_BOARD, { input: { name: `Board ${this.counter}`, ...input } }), 'createBoard');
  }

  async thread(member: GraphqlClient, boardId: string, input: Record<string, unknown> = {}): Promise<ThreadResult> {
    this.counter += 1;
    return expectData(
      await member.send(ASK, { input: { boardId, title: `Question number ${this.counter}`, bodyMarkdown: `Body of question ${this.counter}.`, ...input } }),
      'askQuestion',
    );
  }

  async reply(member: GraphqlClient, threadId: string, bodyMarkdown = 'A reply.'): Promise<{ id: string; status: string }> {
    return expectData(await member.send(REPLY, { input: { threadId, bodyMarkdown } }), 'replyToThread');
  }
}
