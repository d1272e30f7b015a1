/** One heading of a rendered article body: its level (1–6), its text and the `id` it has in the HTML. */
export interface OutlineHeading {
  level: number;
  text: string;
  anchor: string;
}

/** Words per minute of running text (English-like scripts, counted by words). */
export const WORDS_PER_MINUTE = 230;
/** Characters per minute for scripts written without spaces (Chinese, Japanese), counted by characters. */
export const CJK_CHARACTERS_PER_MINUTE = 500;

/** Headings as renderMarkdown writes them: `<hN id="…">…</hN>` (every heading has an id, unique in the body). */
const HEADING = /<h([1-6]) id="([^"]*)">([\s\S]*?)<\/h\1>/g;
const TAG = /<[^>]*>/g;
const CJK_CHARACTER = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]/gu;
const WORD = /[\p{L}\p{N}]/u;

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The table of contents of a body rendered by renderMarkdown, in document order: every heading with its level,
 * its visible text and its anchor (the heading's `id` attribute, so `#anchor` links work). Headings without
 * text are left out.
 */
export function outlineOfHtml(html: string): OutlineHeading[] {
  const outline: OutlineHeading[] = [];
  for (const [, level, anchor, inner] of html.matchAll(HEADING)) {
    const text = decodeEntities(inner.replace(TAG, '')).replace(/\s+/g, ' ').trim();
    if (text) outline.push({ level: Number(level), text, anchor: decodeEntities(anchor) });
  }
  return outline;
}

/**
 * Minutes to read a plain text, at least 1: words at WORDS_PER_MINUTE, plus Han and Kana characters at
 * CJK_CHARACTERS_PER_MINUTE (those scripts have no spaces to count words by), rounded to the nearest minute.
 */
export function readingTimeMinutes(plainText: string): number {
  const cjkCharacters = plainText.match(CJK_CHARACTER)?.length ?? 0;
  const words = plainText
    .replace(CJK_CHARACTER, ' ')
    .split(/\s+/)
    .filter((token) => WORD.test(token)).length;
  return Math.max(1, Math.round(words / WORDS_PER_MINUTE + cjkCharacters / CJK_CHARACTERS_PER_MINUTE));
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
  });
}
