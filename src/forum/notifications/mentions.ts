/** Most members one post can notify by mentioning them; further mentions are ignored. */
export const MAX_MENTIONS_PER_POST = 10;
/** Display names may contain spaces: a mention is tried as up to this many words after the `@`. */
export const MAX_MENTION_WORDS = 4;
const MAX_NAME_LENGTH = 100;

/** Punctuation that ends a sentence rather than a name: `thanks @Ann Lee!` mentions "Ann Lee". */
const TRAILING_PUNCTUATION = /[.,;:!?)\]}"'’”»]+$/u;
/** An `@` at the start or after a character that cannot be part of an email address or a word. */
const MENTION_START = /(?<![\p{L}\p{N}_.@+-])@(?=[\p{L}\p{N}_])/gu;

/**
 * The `@` mentions in a post's plain text, in order: for each `@`, the names it may stand for, longest
 * first (`@Ann Lee thanks` → `ann lee thanks`, `ann lee`, `ann`), lower-cased. Which one is meant is decided
 * against the members' display names by `resolveMentions`.
 */
export function mentionCandidates(text: string): string[][] {
  const mentions: string[][] = [];
  for (const match of text.matchAll(MENTION_START)) {
    const rest = text.slice(match.index + 1, match.index + 1 + MAX_NAME_LENGTH + 1);
    const words = rest.split(/\s+/u).filter((word) => word !== '');
    // A name never runs past punctuation: `@Ann, see above` is at most "Ann".
    let longest = 0;
    while (longest < Math.min(MAX_MENTION_WORDS, words.length)) {
      longest += 1;
      if (TRAILING_PUNCTUATION.test(words[longest - 1])) break;
    }
    const candidates: string[] = [];
    for (let count = longest; count >= 1; count--) {
      const raw = words.slice(0, count).join(' ');
      for (const name of [raw, raw.replace(TRAILING_PUNCTUATION, '')]) {
        const key = normalizeName(name);
        if (key !== '' && key.length <= MAX_NAME_LENGTH && !candidates.includes(key)) candidates.push(key);
      }
    }
    if (candidates.length > 0) mentions.push(candidates);
  }
  return mentions;
}

/** How display names are compared: case-insensitive, inner whitespace collapsed. */
export function normalizeName(name: string): string {
  return name.normalize('NFC').trim().replace(/\s+/gu, ' ').toLocaleLowerCase('en');
}

/**
 * Picks the members meant: for each mention the longest candidate that is a member's display name. A name
 * two or more members share is ambiguous and notifies nobody (the mention is not tried shorter either).
 * At most `limit` distinct members, in order of first mention.
 */
export function resolveMentions(mentions: readonly string[][], membersByName: ReadonlyMap<string, readonly string[]>, limit = MAX_MENTIONS_PER_POST): string[] {
  const chosen: string[] = [];
  for (const candidates of mentions) {
    const name = candidates.find((candidate) => membersByName.has(candidate));
    if (name === undefined) continue;
    const ids = membersByName.get(name)!;
    if (ids.length !== 1 || chosen.includes(ids[0])) continue;
    chosen.push(ids[0]);
    if (chosen.length >= limit) break;
  }
  return chosen;
}
