// The GraphQL documents of the forum page benchmarks (forum.bench.mjs, forum-cpu.mjs, forum-profile.mjs).
//   thread page  thread(slug) with its question, accepted answer and the first 20 replies, authors and votes;
//   board page   threads(boardSlug, first: 20), sort Latest.
export const THREAD_QUERY = `query ($slug: String!) { thread(slug: $slug) { id title slug isSolved replyCount score tags author { displayName trustLevel badge }
  question { id bodyHtml score upvoteCount downvoteCount createdAt author { displayName trustLevel badge } }
  acceptedAnswer { id }
  posts(first: 20) { edges { cursor node { id bodyHtml score upvoteCount downvoteCount isAccepted createdAt author { displayName trustLevel badge } } } pageInfo { hasNextPage endCursor } } } }`;
export const BOARD_QUERY = `query ($board: String!) { threads(boardSlug: $board, first: 20) {
  edges { cursor node { id slug title excerpt replyCount score isSolved isPinned lastActivityAt tags author { displayName badge } } } pageInfo { hasNextPage endCursor } } }`;
