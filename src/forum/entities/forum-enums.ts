/** A board's moderation policy: which new posts are held as pending for a moderator. */
export enum ModerationPolicy {
  /** Nothing is held by the board (auto-moderation rules may still hold a post). */
  Open = 'open',
  /** Posts of members at trust level 0 are held. */
  HoldNewMembers = 'hold_new_members',
  /** Every member's post is held. */
  HoldAll = 'hold_all',
}

/** Where a thread or a post stands (docs/decisions/0006-forum-content-status.md); transitions in ../status/content-status.ts. */
export enum ContentStatus {
  /** Held for a moderator: visible only to its author and staff. */
  Pending = 'pending',
  Visible = 'visible',
  /** Hidden by a moderator, can be restored. */
  Hidden = 'hidden',
  /** Removed (or rejected) by a moderator. */
  Removed = 'removed',
  /** Deleted by its author (soft). */
  Deleted = 'deleted',
}

export enum FlagKind {
  Spam = 'spam',
  Offensive = 'offensive',
  OffTopic = 'off_topic',
  Duplicate = 'duplicate',
  Other = 'other',
}

export enum FlagStatus {
  Open = 'open',
  Upheld = 'upheld',
  Rejected = 'rejected',
}

export enum FlagTarget {
  Thread = 'thread',
  Post = 'post',
}
