import { EntityManager } from 'typeorm';
import { Role } from '../users/role.enum';

/**
 * The port through which posting asks moderation about a new post (auto-moderation rules and rate limits).
 * Declared here, implemented by the moderation module (src/moderation/auto/auto-moderation.service.ts), so
 * the forum does not depend on moderation.
 */
export interface PostScreener {
  /**
   * Takes a post slot (RATE_LIMITED when full) and names the rules holding the post (the first is its
   * held_reason). Call it first in the transaction, before locking the thread: the member's slot row is
   * locked until commit. A reply may leave `boardId` null (the thread's board is used).
   */
  screen(tx: EntityManager, input: { author: { id: string; role: Role; trustLevel: number }; boardId: string | null; threadId: string | null; markdown: string; plainText: string }): Promise<PostScreeningResult>;
  /** Audits a hold under the rule's name and announces the new queue item to moderators. */
  recordHold(tx: EntityManager, subjectKind: 'thread' | 'post', subjectId: string, screening: PostScreeningResult, boardId?: string | null): Promise<void>;
  /** Announces a new flag to the moderators watching the queue. */
  recordFlag(tx: EntityManager, flag: { id: string; threadId: string; kind: string }): Promise<void>;
  /** Takes a flag slot (RATE_LIMITED when full). */
  takeFlagSlot(tx: EntityManager, member: { id: string; role: Role }): Promise<void>;
  /**
   * RATE_LIMITED when the member's post window is already full, without taking a slot or locking anything: asked
   * before a post or an edit is rendered, so refused ones cost no rendering (up to ~0.3 s of CPU for 50,000
   * characters of pathological Markdown).
   */
  checkPostSlot(member: { id: string; role: Role }): Promise<void>;
  /** Takes a post slot for an edit (edits count against the posting rate). First in the transaction, like `screen`. */
  takeEditSlot(tx: EntityManager, member: { id: string; role: Role }): Promise<void>;
  /**
   * The content rules (blocked words, links) the new text of an edit would trip, for a member: an edit of a visible
   * post is public at once, so the rules a new post is held by must not be bypassed by posting a harmless text first
   * and editing it afterwards. Empty for staff. Reads only; call it after the edit's locks.
   */
  screenEdit(tx: EntityManager, input: { author: { id: string; role: Role }; threadId: string; markdown: string; plainText: string }): Promise<string[]>;
}

export interface PostScreeningResult {
  heldReason: string | null;
  rules: string[];
}

export const POST_SCREENER = Symbol('PostScreener');
