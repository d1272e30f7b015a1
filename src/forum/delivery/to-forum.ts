import type { BoardView, ForumAuthorView, Page, PostView, ThreadSummaryView, ThreadView } from '../forum-reading.service';
import { Board, ForumAuthor, ForumContentStatus, Post, Thread, ThreadSummary, TrustBadge, VoteValue } from './forum.model';

const BADGES = [TrustBadge.New, TrustBadge.Basic, TrustBadge.Member, TrustBadge.Regular, TrustBadge.Leader];
export const DELETED_MEMBER = 'Deleted member';

export function toForumAuthor(author: ForumAuthorView): ForumAuthor {
  return {
    displayName: author.displayName ?? DELETED_MEMBER,
    trustLevel: author.trustLevel,
    badge: author.isStaff ? TrustBadge.Staff : (BADGES[author.trustLevel] ?? TrustBadge.New),
  };
}

export function toBoard(board: BoardView): Board {
  return {
    id: board.id,
    slug: board.slug,
    name: board.name,
    description: board.description,
    locale: board.locale,
    position: board.position,
    holdsPosts: board.moderationPolicy !== 'open',
    threadCount: board.threadCount,
  };
}

/** Only visible and pending content reaches the delivery API (ForumReadingService filters the rest). */
function toStatus(status: string): ForumContentStatus {
  return status === 'pending' ? ForumContentStatus.Pending : ForumContentStatus.Visible;
}

export function toThreadSummary(thread: ThreadSummaryView): ThreadSummary {
  return {
    id: thread.id,
    boardId: thread.boardId,
    boardSlug: thread.boardSlug,
    locale: thread.locale,
    slug: thread.slug,
    url: thread.url,
    title: thread.title,
    excerpt: thread.excerpt,
    status: toStatus(thread.status),
    isLocked: thread.isLocked,
    isPinned: thread.isPinned,
    isSolved: thread.isSolved,
    tags: thread.tags,
    replyCount: thread.replyCount,
    score: thread.score,
    author: toForumAuthor(thread.author),
    createdAt: thread.createdAt,
    lastActivityAt: thread.lastActivityAt,
    solvedAt: thread.solvedAt,
  };
}

export function toThread(thread: ThreadView): Thread {
  return {
    ...toThreadSummary(thread),
    redirectToSlug: thread.redirectToSlug,
    products: thread.products,
    duplicateOfId: thread.duplicateOfId,
    isFollowing: thread.isFollowing,
    acceptedPostId: thread.acceptedPostId,
  };
}

export function toPost(post: PostView): Post {
  return {
    id: post.id,
    threadId: post.threadId,
    isQuestion: post.isQuestion,
    isAccepted: post.isAccepted,
    status: toStatus(post.status),
    bodyMarkdown: post.bodyMarkdown,
    bodyHtml: post.bodyHtml,
    revisionNumber: post.revisionNumber,
    score: post.score,
    upvoteCount: post.upvoteCount,
    downvoteCount: post.downvoteCount,
    myVote: post.myVote > 0 ? VoteValue.Up : post.myVote < 0 ? VoteValue.Down : VoteValue.None,
    author: toForumAuthor(post.author),
    createdAt: post.createdAt,
    editedAt: post.editedAt,
  };
}

export function toConnection<T, U>(page: Page<T>, map: (node: T) => U) {
  const edges = page.edges.map((edge) => ({ cursor: edge.cursor, node: map(edge.node) }));
  return {
    edges,
    totalCount: page.totalCount,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
