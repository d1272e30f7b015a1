import { Role } from '../users/role.enum';
import { ModerationPolicy } from './entities/forum-enums';
import { boardHoldReason, normalizeTags, participationRefusal } from './posting-rules';

const NOW = new Date('2026-11-29T12:00:00Z');
const LATER = new Date('2026-11-30T12:00:00Z');
const EARLIER = new Date('2026-11-28T12:00:00Z');
const member = { role: Role.Member, trustLevel: 1, silencedUntil: null, suspendedUntil: null };

describe('participationRefusal', () => {
  it.each([
    ['free member writes', member, true, null],
    ['silenced member writes', { ...member, silencedUntil: LATER }, true, 'SILENCED'],
    ['silenced member votes', { ...member, silencedUntil: LATER }, false, null],
    ['silence over', { ...member, silencedUntil: EARLIER }, true, null],
    ['suspended member votes', { ...member, suspendedUntil: LATER }, false, 'SUSPENDED'],
    ['suspended and silenced', { ...member, suspendedUntil: LATER, silencedUntil: LATER }, true, 'SUSPENDED'],
    ['suspension over', { ...member, suspendedUntil: EARLIER }, true, null],
  ])('%s', (_, who, writes, expected) => {
    expect(participationRefusal(who, NOW, writes)?.reason ?? null).toBe(expected);
  });
});

describe('boardHoldReason', () => {
  it.each([
    [ModerationPolicy.Open, Role.Member, 0, null],
    [ModerationPolicy.HoldNewMembers, Role.Member, 0, 'board:hold_new_members'],
    [ModerationPolicy.HoldNewMembers, Role.Member, 1, null],
    [ModerationPolicy.HoldAll, Role.Member, 4, 'board:hold_all'],
    [ModerationPolicy.HoldAll, Role.Moderator, 0, null],
    [ModerationPolicy.HoldNewMembers, Role.Editor, 0, null],
  ])('%s, %s at trust %d → %s', (policy, role, trustLevel, expected) => {
    expect(boardHoldReason(policy, { role, trustLevel })).toBe(expected);
  });
});

describe('normalizeTags', () => {
  it('trims, lower-cases, dashes spaces and drops duplicates and blanks', () => {
    expect(normalizeTags([' Billing ', 'billing', 'Dark  Mode', '', 'ＡＰＩ'])).toEqual(['billing', 'dark-mode', 'api']);
  });
});
