const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
/** A run of digits with the separators phone numbers are written with, not inside a word (`0x80070005` stays). */
const DIGIT_RUN = /(?<![\p{L}\p{N}])\+?\d[\d\s().\/-]*\d(?![\p{L}\p{N}])/gu;
/** Fewer digits than this are kept: versions (`10.15.7`), years, error numbers. */
const MIN_MASKED_DIGITS = 7;

/**
 * Search text as the analytics log keeps it: email addresses become `[email]` and runs of at least seven digits
 * (phone numbers, card and account numbers, long ids) `[number]`. People type their own details into search boxes;
 * the log is read by staff and feeds content gaps, and it needs none of them.
 */
export function maskPersonalData(text: string): string {
  return text.replace(EMAIL, '[email]').replace(DIGIT_RUN, (run) => ((run.match(/\d/g)?.length ?? 0) >= MIN_MASKED_DIGITS ? '[number]' : run));
}
