import { createHash } from 'node:crypto';
import { RE2JS } from 're2js';
import { ModerationPolicy } from '../../forum/entities/forum-enums';
import { boardHoldReason } from '../../forum/posting-rules';
import { Role } from '../../users/role.enum';

/** The rules' names as the queue and the audit log show them. */
export const RULES = {
  trustLevelZero: 'auto:trust_level_0',
  links: 'auto:links',
  blockedWords: 'auto:blocked_words',
  duplicateText: 'auto:duplicate_text',
  fastPosting: 'auto:fast_posting',
} as const;

export interface RuleSettings {
  holdTrustLevelZero: boolean;
  maxLinks: number | null;
  duplicateTextWindowMinutes: number | null;
  duplicateTextMinChars: number;
  fastPostingSeconds: number | null;
  fastPostingMaxTrustLevel: number;
}

export interface PostCandidate {
  role: Role;
  trustLevel: number;
  boardPolicy: ModerationPolicy;
  markdown: string;
}

/** What the database knows about the author's recent posts. */
export interface RecentActivity {
  /** Seconds since the author's previous post; null when none is remembered. */
  secondsSincePrevious: number | null;
  /** The same normalized text was posted in another thread within the window. */
  duplicateElsewhere: boolean;
  /** The blocked word or pattern the text matched, if any. */
  blockedMatch: string | null;
}

/**
 * Every rule that holds this post, in order (the first is the post's `held_reason`). Staff are never held.
 * Board policy first (the forum's rule), then the automatic rules.
 */
export function holdReasons(candidate: PostCandidate, settings: RuleSettings, activity: RecentActivity): string[] {
  if (candidate.role !== Role.Member) return [];
  const reasons: string[] = [];
  const board = boardHoldReason(candidate.boardPolicy, candidate);
  if (board) reasons.push(board);
  if (settings.holdTrustLevelZero && candidate.trustLevel === 0) reasons.push(RULES.trustLevelZero);
  reasons.push(...contentHoldReasons(candidate.markdown, settings, activity.blockedMatch));
  if (settings.duplicateTextWindowMinutes !== null && activity.duplicateElsewhere) reasons.push(RULES.duplicateText);
  if (
    settings.fastPostingSeconds !== null &&
    candidate.trustLevel <= settings.fastPostingMaxTrustLevel &&
    activity.secondsSincePrevious !== null &&
    activity.secondsSincePrevious < settings.fastPostingSeconds
  ) {
    reasons.push(RULES.fastPosting);
  }
  return reasons;
}

/**
 * The rules about what a text says (blocked words, links), in holdReasons' order: the ones a member's edit of a
 * visible post is checked against too, since an edit publishes its text at once.
 */
export function contentHoldReasons(markdown: string, settings: Pick<RuleSettings, 'maxLinks'>, blockedMatch: string | null): string[] {
  const reasons: string[] = [];
  if (blockedMatch !== null) reasons.push(RULES.blockedWords);
  if (settings.maxLinks !== null && countLinks(markdown) > settings.maxLinks) reasons.push(RULES.links);
  return reasons;
}

const URL_PATTERN = /\b(?:https?:\/\/|www\.)[^\s<>()]+/gi;
const MARKDOWN_LINK = /\]\(\s*<?([^)\s>]+)/g;
const AUTOLINK = /<((?:https?|mailto):[^>\s]+)>/gi;

/** Distinct link targets in Markdown: inline links, autolinks and bare URLs. */
export function countLinks(markdown: string): number {
  const targets = new Set<string>();
  for (const match of markdown.matchAll(MARKDOWN_LINK)) targets.add(match[1].toLowerCase());
  for (const match of markdown.matchAll(AUTOLINK)) targets.add(match[1].toLowerCase());
  for (const match of markdown.matchAll(URL_PATTERN)) targets.add(match[0].replace(/[.,;:!?'"\]]+$/, '').toLowerCase());
  // A Markdown link's target is also found by the bare-URL scan: count it once.
  return new Set([...targets].map((t) => t.replace(/^https?:\/\//, '').replace(/\/$/, ''))).size;
}

/** Text as compared for repeats: NFKC, lower case, letters and digits only, one space between words. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A hash of the normalized text, or null when it is too short to count as a repeat ("thanks!"). */
export function textFingerprint(text: string, minChars: number): string | null {
  const normalized = normalizeText(text);
  if ([...normalized].length < minChars) return null;
  return createHash('sha256').update(normalized).digest('hex');
}

export const MAX_PATTERN_LENGTH = 200;

export type PatternProblem = 'EMPTY' | 'TOO_LONG' | 'INVALID_REGEX';

/**
 * Blocked words and regular expressions, compiled once into linear-time matchers (RE2 semantics through
 * `re2js`: no backtracking, so no pattern can make matching catastrophically slow; look-arounds and
 * back-references are refused when the pattern is added).
 */
export class BlockedMatcher {
  private readonly entries: { source: string; matcher: RE2JS }[];

  constructor(patterns: readonly { kind: 'word' | 'regex'; pattern: string }[]) {
    this.entries = patterns.map(({ kind, pattern }) => ({ source: pattern, matcher: compilePattern(kind, pattern) }));
  }

  /** The first blocked word or pattern the text contains, or null. */
  firstMatch(text: string): string | null {
    for (const entry of this.entries) if (entry.matcher.matcher(text).find()) return entry.source;
    return null;
  }
}

/** Why a pattern cannot be used, or null when it compiles. */
export function patternProblem(kind: 'word' | 'regex', pattern: string): PatternProblem | null {
  if (pattern.trim() === '') return 'EMPTY';
  if ([...pattern].length > MAX_PATTERN_LENGTH) return 'TOO_LONG';
  try {
    compilePattern(kind, pattern);
    return null;
  } catch {
    return 'INVALID_REGEX';
  }
}

const SPACELESS_SCRIPT = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\s]+$/u;

function compilePattern(kind: 'word' | 'regex', pattern: string): RE2JS {
  if (kind === 'regex') return RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
  const word = pattern.trim().normalize('NFKC');
  const quoted = RE2JS.quote(word).replace(/\\?\s+/g, '\\s+');
  // Scripts written without spaces have no word boundaries: the word matches anywhere.
  if (SPACELESS_SCRIPT.test(word)) return RE2JS.compile(quoted, RE2JS.CASE_INSENSITIVE);
  return RE2JS.compile(`(?:^|[^\\p{L}\\p{N}_])${quoted}(?:$|[^\\p{L}\\p{N}_])`, RE2JS.CASE_INSENSITIVE);
}
