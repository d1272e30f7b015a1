/**
 * Text → words for indexing and querying, the same way on every engine that needs it. Chinese and Japanese
 * have no spaces: runs of Han, Kana or Hangul are cut into words with `Intl.Segmenter`, and for indexing
 * their character bigrams are added too, so a two-character query word matches whatever the segmenter did.
 */

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー]+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/**
 * Code-like tokens, the same way on both sides. PostgreSQL's parser keeps `12.04` as one float,
 * `node.js` as a host and `/etc/fstab` as a file, while a query split them; so before any engine sees
 * the text, a compound of letter/digit runs joined by `.`, `/`, `\` or `_` becomes its joined form
 * (`nodejs`, `1204`, `etcfstab`), the file names of a path (`xorgconf` of `/etc/X11/xorg.conf`) and, on the index
 * side, also its parts (`node js`). A trailing `++` or
 * `#` on a short name becomes a word (`c++` → `cplusplus`, `c#` → `csharp`) instead of the letter `c`.
 */
const NON_CJK_ALNUM = '(?:(?![\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}])[\\p{L}\\p{N}])';
const COMPOUND = new RegExp(`${NON_CJK_ALNUM}+(?:[./\\\\_]${NON_CJK_ALNUM}+)+`, 'gu');
const SYMBOL_NAME = new RegExp(`(?<![\\p{L}\\p{N}])(${NON_CJK_ALNUM}{1,3})(\\+\\+|#)(?![\\p{L}\\p{N}+#])`, 'gu');

/** `side`: `index` keeps the parts after the joined form; `query` only the joined form. */
export function compoundTokens(text: string, side: 'index' | 'query'): string {
  const symbols = text.replace(SYMBOL_NAME, (_, name: string, symbol: string) => ` ${name}${symbol === '#' ? 'sharp' : 'plusplus'} `);
  return symbols.replace(COMPOUND, (compound) => {
    const parts = compound.split(/[./\\_]+/).filter(Boolean);
    const joined = parts.join('');
    const names = fileNames(compound).filter((name) => name !== joined);
    return side === 'index' ? ` ${[joined, ...names, ...parts].join(' ')} ` : ` ${[joined, ...names].join(' ')} `;
  });
}

/**
 * The file names of a path, joined (`/etc/X11/xorg.conf` → `xorgconf`, `~/.bashrc` → `bashrc`): words of their own on
 * both sides, so `xorg.conf` finds the path and the path finds `xorg.conf`.
 */
function fileNames(compound: string): string[] {
  if (!/[/\\]/.test(compound)) return [];
  return compound
    .split(/[/\\]+/)
    .filter((segment) => /[._]/.test(segment))
    .map((segment) => segment.split(/[._]+/).filter(Boolean).join(''))
    .filter(Boolean);
}

/** Longest accepted query, in characters; longer input is cut (never an error, never slow). */
export const MAX_QUERY_CHARS = 256;
export const MAX_QUERY_WORDS = 24;
const MAX_WORD_CHARS = 64;

const segmenters = new Map<string, Intl.Segmenter>();

function segmenterFor(locale: string): Intl.Segmenter {
  const language = locale.startsWith('ja') ? 'ja' : locale.startsWith('ko') ? 'ko' : 'zh';
  let segmenter = segmenters.get(language);
  if (!segmenter) {
    segmenter = new Intl.Segmenter(language, { granularity: 'word' });
    segmenters.set(language, segmenter);
  }
  return segmenter;
}

export function containsCjk(text: string): boolean {
  return CJK_CHAR.test(text);
}

function cjkWords(run: string, locale: string): string[] {
  return [...segmenterFor(locale).segment(run)].filter((s) => s.isWordLike).map((s) => s.segment);
}

function bigrams(run: string): string[] {
  const chars = [...run];
  const grams: string[] = [];
  for (let i = 0; i + 1 < chars.length; i += 1) grams.push(chars[i] + chars[i + 1]);
  return grams;
}

/** Text to index: CJK runs become their words plus their bigrams; everything else is kept. */
export function indexText(text: string, locale: string): string {
  const normalized = compoundTokens(text.normalize('NFKC'), 'index');
  if (!containsCjk(normalized)) return normalized;
  return normalized.replace(CJK_RUN, (run) => {
    const words = cjkWords(run, locale);
    const extra = bigrams(run).filter((gram) => !words.includes(gram));
    return ` ${[...words, ...extra].join(' ')} `;
  });
}

/** Display text whose CJK words are separated by zero-width spaces, so `ts_headline` can mark whole words. */
export function joinCjkWords(text: string, locale: string): string {
  if (!containsCjk(text)) return text;
  return text.replace(CJK_RUN, (run) => cjkWords(run, locale).join('\u200b') || run);
}

/**
 * The words of untrusted query text: letters and digits only (every operator, quote, bracket or
 * backslash is a separator), lower-cased, CJK segmented, at most MAX_QUERY_WORDS of at most 64 characters.
 */
export function queryWords(text: string, locale: string): string[] {
  const normalized = compoundTokens(text.slice(0, MAX_QUERY_CHARS * 2).normalize('NFKC').slice(0, MAX_QUERY_CHARS).toLowerCase(), 'query');
  const words: string[] = [];
  for (const match of normalized.matchAll(WORD)) {
    const token = match[0];
    const parts = containsCjk(token) ? splitMixed(token, locale) : [token];
    for (const part of parts) {
      if (part.length > 0) words.push(part.slice(0, MAX_WORD_CHARS));
      if (words.length >= MAX_QUERY_WORDS) return words;
    }
  }
  return words;
}

/** The quoted phrases of query text (`"reset password" email` → `[['reset', 'password']]`), two words or more. */
export function queryPhrases(text: string, locale: string): string[][] {
  const phrases: string[][] = [];
  for (const match of text.slice(0, MAX_QUERY_CHARS).matchAll(/"([^"]+)"/g)) {
    const words = queryWords(match[1], locale);
    if (words.length >= 2) phrases.push(words);
    if (phrases.length >= 4) break;
  }
  return phrases;
}

/** `pdf发票` → `pdf`, `发票`. */
function splitMixed(token: string, locale: string): string[] {
  const parts: string[] = [];
  let last = 0;
  for (const match of token.matchAll(CJK_RUN)) {
    if (match.index! > last) parts.push(token.slice(last, match.index));
    parts.push(...cjkWords(match[0], locale));
    last = match.index! + match[0].length;
  }
  if (last < token.length) parts.push(token.slice(last));
  return parts;
}

/** Escapes text for HTML (highlights are built from escaped text plus our own tags). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
