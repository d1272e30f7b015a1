import porter2 from 'wink-porter2-stemmer';
import { indexText } from '../../../search/text/words';

/**
 * Question text → terms for the recurring-question similarity. The project's tokenizer
 * (`search/text/words.ts`: NFKC, code compounds such as `/etc/fstab` → `etcfstab` plus its parts,
 * `c++`, CJK segmentation), lower-cased, a small stop-word list, the Porter2 stemmer
 * (`wink-porter2-stemmer`), which beat a plural-only stemmer and no stemming on dev.
 */

const WORD = /[\p{L}\p{N}]+/gu;

/** Function words and forum boilerplate ("thanks", "help", "question") that say nothing about intent. */
export const STOP_WORDS = new Set(
  (
    'a an the and or but if then else of to in on at by for with from as is are was were be been being it its this that these those ' +
    'i me my we our you your he she they them their there here what which who whom how why when where do does did doing have has had ' +
    'can could would should will shall may might must not no so than too very just also any some all each more most other such only own same ' +
    'about into over after before under again further once up down out off above below between through during while am im ive dont cant ' +
    'get got use using used want need like know one way tried try trying thanks thank please help question questions anyone someone something ' +
    's t d ll re ve m don doesn didn isn wasn aren won hi hello regards edit update'
  ).split(/\s+/),
);

/** Porter2 (Snowball English) stem; words with digits (versions, error codes) are kept as they are. */
export function stem(word: string): string {
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    stemmed = /\d/.test(word) ? word : porter2(word);
    if (stems.size >= MAX_CACHED_STEMS) stems.clear();
    stems.set(word, stemmed);
  }
  return stemmed;
}

/** Stemming is most of the cost of indexing; a forum's vocabulary repeats, so stems are memoised. */
const stems = new Map<string, string>();
const MAX_CACHED_STEMS = 500_000;

/** A lower-cased word of `textWords` → its term, or null when it is not a term (too short or long, a stop word). */
export function wordTerm(word: string): string | null {
  if (word.length < 2 || word.length > 40 || STOP_WORDS.has(word)) return null;
  return stem(word);
}

/**
 * The lower-cased words of a text before filtering and stemming, in order: `questionTerms` is `wordTerm` of
 * each. Exposed so an index can memoise word → term id (most words of a forum repeat).
 */
export function textWords(text: string, locale = 'en'): IterableIterator<RegExpMatchArray> {
  return indexText(text, locale).toLowerCase().matchAll(WORD);
}

/** The terms of a text, in order (duplicates kept: term frequency matters). */
export function questionTerms(text: string, locale = 'en'): string[] {
  const terms: string[] = [];
  for (const match of textWords(text, locale)) {
    const term = wordTerm(match[0]);
    if (term !== null) terms.push(term);
  }
  return terms;
}

/** For each stem, the surface word it was seen as most often in these texts (to show "installing", not "instal"). */
export function surfaceForms(texts: string[], locale = 'en'): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const text of texts) {
    for (const match of indexText(text, locale).toLowerCase().matchAll(WORD)) {
      const word = match[0];
      if (word.length < 2 || word.length > 40 || STOP_WORDS.has(word)) continue;
      const s = stem(word);
      const forms = counts.get(s) ?? new Map<string, number>();
      forms.set(word, (forms.get(word) ?? 0) + 1);
      counts.set(s, forms);
    }
  }
  const out = new Map<string, string>();
  for (const [s, forms] of counts) out.set(s, [...forms.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0]);
  return out;
}
