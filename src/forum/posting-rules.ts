import { Role } from '../users/role.enum';
import { ModerationPolicy } from './entities/forum-enums';

export interface Participant {
  role: Role;
  trustLevel: number;
  silencedUntil: Date | null;
  suspendedUntil: Date | null;
}

export interface Refusal {
  reason: 'SUSPENDED' | 'SILENCED';
  until: Date;
}

export function isStaffRole(role: Role): boolean {
  return role !== Role.Member;
}

/** Suspended members can do nothing; silenced ones can read, vote and follow, but not write (ask, reply, edit, flag). */
export function participationRefusal(member: Participant, now: Date, writes: boolean): Refusal | null {
  if (member.suspendedUntil && member.suspendedUntil > now) return { reason: 'SUSPENDED', until: member.suspendedUntil };
  if (writes && member.silencedUntil && member.silencedUntil > now) return { reason: 'SILENCED', until: member.silencedUntil };
  return null;
}

/**
 * Why a new post is held for moderation by the board's policy, or null when it is published at once.
 * Staff are never held. The reason names the rule (`board:hold_all`), as the moderation queue shows it.
 */
export function boardHoldReason(policy: ModerationPolicy, member: Pick<Participant, 'role' | 'trustLevel'>): string | null {
  if (isStaffRole(member.role)) return null;
  if (policy === ModerationPolicy.HoldAll) return 'board:hold_all';
  if (policy === ModerationPolicy.HoldNewMembers && member.trustLevel === 0) return 'board:hold_new_members';
  return null;
}

/** Tags as stored: trimmed, lower case, inner whitespace as one dash, duplicates dropped, order kept. */
export function normalizeTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const tag of tags) {
    const normalized = tag.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, '-');
    if (normalized !== '') seen.add(normalized);
  }
  return [...seen];
}
