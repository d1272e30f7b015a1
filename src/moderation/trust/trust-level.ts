/** What a member's trust level is computed from. */
export interface Participation {
  daysSinceSignUp: number;
  /** Visible posts (questions and replies): posts that were published or approved. */
  visiblePosts: number;
  /** Replies accepted as the answer of a thread. */
  acceptedAnswers: number;
  /** Upvotes on the member's visible posts. */
  upvotesReceived: number;
  /** Flags on the member's content that moderators upheld, recently (see FLAG_WINDOW_DAYS). */
  upheldFlagsAgainst: number;
}

export interface TrustRequirement {
  level: 1 | 2 | 3 | 4;
  days: number;
  visiblePosts: number;
  upvotesReceived: number;
  acceptedAnswers: number;
}

/** Each level needs all of its row (docs/moderation.md). */
export const TRUST_REQUIREMENTS: readonly TrustRequirement[] = [
  { level: 1, days: 1, visiblePosts: 3, upvotesReceived: 0, acceptedAnswers: 0 },
  { level: 2, days: 14, visiblePosts: 15, upvotesReceived: 5, acceptedAnswers: 0 },
  { level: 3, days: 50, visiblePosts: 50, upvotesReceived: 30, acceptedAnswers: 5 },
  { level: 4, days: 100, visiblePosts: 150, upvotesReceived: 100, acceptedAnswers: 20 },
];

/** Upheld flags count for this long. */
export const FLAG_WINDOW_DAYS = 180;
/** Every this many upheld flags take one level off. */
export const FLAGS_PER_LEVEL = 2;

/** The level earned by participation (highest level whose every requirement is met), minus upheld flags; 0 to 4. */
export function trustLevelFor(p: Participation): number {
  let earned = 0;
  for (const r of TRUST_REQUIREMENTS) {
    if (p.daysSinceSignUp >= r.days && p.visiblePosts >= r.visiblePosts && p.upvotesReceived >= r.upvotesReceived && p.acceptedAnswers >= r.acceptedAnswers) earned = r.level;
  }
  return Math.max(0, earned - Math.floor(p.upheldFlagsAgainst / FLAGS_PER_LEVEL));
}
