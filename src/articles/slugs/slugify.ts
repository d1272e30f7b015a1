/**
 * Slugs for article and category URLs.
 *
 * Decision: for CJK locales (`zh-*`, `ja`, `ko`) Han, Kana and Hangul stay as Unicode; only the other
 * characters are transliterated to ASCII (`如何下载 PDF 发票` → `如何下载-pdf-发票`). Search engines
 * and Chinese, Japanese and Korean readers handle such URLs, and pinyin would be wrong for Japanese
 * kanji. Every other locale transliterates everything to ASCII, so a Chinese title in an `en`
 * article becomes pinyin (`ru-he-xia-zai-fa-piao`). German locales spell umlauts out (`Über` → `ueber`),
 * as German readers expect; plain transliteration would drop the dots (`uber`).
 */
import { transliterate } from 'transliteration';

export const MAX_SLUG_LENGTH = 80;

const FALLBACK_SLUG = 'article';
const CJK_LOCALE = /^(zh|ja|ko)(-|$)/i;
const GERMAN_LOCALE = /^de(-|$)/i;
const GERMAN_UMLAUTS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue' };
const CJK_RUN = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]+/gu;
const SLUG_WORD = /(?:(?![\p{Lu}\p{Lt}])[\p{L}\p{Nd}]\p{M}*)+/gu;

/** 1–80 characters: lower-case Unicode letters and digits in words joined by single dashes. */
export const SLUG_PATTERN = new RegExp(
  `^(?=.{1,${MAX_SLUG_LENGTH}}$)${SLUG_WORD.source}(?:-${SLUG_WORD.source})*$`,
  'u',
);

export function slugify(title: string, locale: string): string {
  const normalized = germanUmlautsSpelledOut(title.normalize('NFKC'), locale);
  const romanized = CJK_LOCALE.test(locale) ? transliterateOutsideCjk(normalized) : transliterate(normalized);
  const words = romanized.normalize('NFKC').toLowerCase().match(SLUG_WORD) ?? [];
  return truncateAtDash(words.join('-'), MAX_SLUG_LENGTH) || FALLBACK_SLUG;
}

export function isValidSlug(slug: string): boolean {
  return SLUG_PATTERN.test(slug);
}

/** `reset-password` → `reset-password-2`, shortening the base so the result stays within 80 characters. */
export function withSuffix(slug: string, n: number): string {
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`Slug suffix must be an integer of at least 2, got ${n}`);
  const suffix = `-${n}`;
  const base = trimDashes(codePoints(slug).slice(0, MAX_SLUG_LENGTH - suffix.length).join(''));
  return `${base || FALLBACK_SLUG}${suffix}`;
}

function germanUmlautsSpelledOut(text: string, locale: string): string {
  return GERMAN_LOCALE.test(locale) ? text.replace(/[äöüÄÖÜ]/g, (umlaut) => GERMAN_UMLAUTS[umlaut]) : text;
}

function transliterateOutsideCjk(text: string): string {
  let result = '';
  let last = 0;
  for (const match of text.matchAll(CJK_RUN)) {
    const start = match.index ?? 0;
    result += ` ${transliterate(text.slice(last, start))} ${match[0]}`;
    last = start + match[0].length;
  }
  return `${result} ${transliterate(text.slice(last))}`;
}

/** Cuts at the last dash within the limit unless that would drop more than half of it. */
function truncateAtDash(slug: string, maxLength: number): string {
  const chars = codePoints(slug);
  if (chars.length <= maxLength) return slug;
  const head = chars.slice(0, maxLength + 1).join('');
  const lastDash = head.lastIndexOf('-');
  const cut = lastDash >= head.length / 2 ? head.slice(0, lastDash) : chars.slice(0, maxLength).join('');
  return trimDashes(cut);
}

function trimDashes(text: string): string {
  return text.replace(/^-+|-+$/g, '');
}

function codePoints(text: string): string[] {
  return Array.from(text);
}
