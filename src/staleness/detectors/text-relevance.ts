/**
 * Plain text relevance for the detectors: one tokenizer for change entries and articles, passages with
 * offsets, and BM25 with IDF taken from the passages being scored. Pure functions, no I/O.
 */

/** Words too common in help pages or release notes to say anything about which page a change touches. */
export const STOP_WORDS = new Set(
  (
    'the and for with that this from are was were not but have has had can will would should could into when then than ' +
    'also use used using uses its they them their there here what which who how why all any each more most some such only own same ' +
    'other out over under again once just now new fix fixes fixed feat add adds added support supports supported allow allows update updates ' +
    'make makes made via don doesn does did you your our may might must one two too very been being ' +
    'about after before while where these those both few many much per off on in of to a an is be by or as at if no so do up ' +
    'it we us me my he she his her i vs etc e g ie eg not non yes get gets set sets let lets see able way ways like need needs ' +
    'correctly properly instead always never still even already default when case cases issue issues error errors work works ' +
    'improve improved improves handle handles handling ensure avoid avoids check checks better'
  ).split(' '),
);

export interface Token {
  term: string;
  /** Offset of the token in the source text. */
  start: number;
  end: number;
}

const RAW_TOKEN = /[\p{L}\p{N}_$@-]+(?:[./:][\p{L}\p{N}_$@-]+)*/gu;

/** Light, language-neutral normalisation: lower case, plural `s` dropped from words of 5+ letters. */
export function normalizeTerm(word: string): string {
  let term = word.toLowerCase();
  if (term.length >= 5 && term.endsWith('ies')) term = `${term.slice(0, -3)}y`;
  else if (term.length >= 5 && term.endsWith('s') && !term.endsWith('ss') && !term.endsWith('us') && !term.endsWith('is')) term = term.slice(0, -1);
  return term;
}

function splitCamel(word: string): string[] {
  return word
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(' ');
}

/**
 * Words of a text with their offsets. A code-like token (`build.rollupOptions`, `import.meta.glob`,
 * `--force`, `ssrLoadModule`) yields its whole form (marked as an identifier) and its parts; camelCase is
 * split too. Stop words and pure numbers are dropped, except inside an identifier's whole form.
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(RAW_TOKEN)) {
    const raw = match[0].replace(/^[-_$@]+|[-_$@]+$/g, '');
    if (!raw) continue;
    const start = match.index! + match[0].indexOf(raw);
    const end = start + raw.length;
    const parts = raw.split(/[./:_-]+/).filter(Boolean);
    const camelParts = parts.flatMap(splitCamel).filter(Boolean);
    const isIdentifier = parts.length > 1 || camelParts.length > parts.length;
    if (isIdentifier) tokens.push({ term: `#${raw.toLowerCase()}`, start, end });
    for (const part of camelParts) {
      const term = normalizeTerm(part);
      // A stop word is dropped before and after normalisation (`always` → `alway` must not slip through).
      if (term.length < 3 || STOP_WORDS.has(term) || STOP_WORDS.has(part.toLowerCase()) || /^\d+$/.test(term)) continue;
      tokens.push({ term, start, end });
    }
  }
  return tokens;
}

export function terms(text: string): string[] {
  return tokenize(text).map((token) => token.term);
}

/**
 * `text.slice(start, end)` that never cuts a surrogate pair in half: an end inside a pair moves back before it,
 * a start inside one moves past it. Excerpts and bullets cut at a length go into JSONB evidence, and PostgreSQL
 * refuses a lone surrogate there (the whole scan would fail).
 */
export function sliceWhole(text: string, start: number, end: number): string {
  const from = start > 0 && isLowSurrogate(text.charCodeAt(start)) && isHighSurrogate(text.charCodeAt(start - 1)) ? start + 1 : start;
  const to = end < text.length && isLowSurrogate(text.charCodeAt(end)) && isHighSurrogate(text.charCodeAt(end - 1)) ? end - 1 : end;
  return text.slice(from, Math.max(from, to));
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

export interface Passage {
  /** Character offsets in the article body. */
  start: number;
  end: number;
  heading: string;
  /** term → frequency. */
  tf: Map<string, number>;
  length: number;
}

/**
 * Cuts a markdown body into passages: one per heading section, long sections cut further at blank lines
 * into pieces of about `maxChars`. Front matter (`---` … `---`) is skipped. Offsets point into `body`.
 */
export function passagesOf(body: string, maxChars = 1500): Passage[] {
  let offset = 0;
  const frontMatter = /^---\n[\s\S]*?\n---\n/.exec(body);
  if (frontMatter) offset = frontMatter[0].length;
  const sections: { start: number; end: number; heading: string }[] = [];
  const headingRe = /^#{1,6}\s+(.*)$/gm;
  headingRe.lastIndex = offset;
  let last = offset;
  let heading = '';
  for (let m = headingRe.exec(body); m; m = headingRe.exec(body)) {
    if (m.index > last) sections.push({ start: last, end: m.index, heading });
    last = m.index;
    heading = m[1].trim();
  }
  if (last < body.length) sections.push({ start: last, end: body.length, heading });
  const pieces: { start: number; end: number; heading: string }[] = [];
  for (const section of sections) {
    if (section.end - section.start <= maxChars) {
      pieces.push(section);
      continue;
    }
    let pieceStart = section.start;
    const blank = /\n\s*\n/g;
    blank.lastIndex = section.start;
    for (let m = blank.exec(body); m && m.index < section.end; m = blank.exec(body)) {
      if (m.index - pieceStart >= maxChars) {
        pieces.push({ start: pieceStart, end: m.index, heading: section.heading });
        pieceStart = m.index + m[0].length;
      }
    }
    if (pieceStart < section.end) pieces.push({ start: pieceStart, end: section.end, heading: section.heading });
  }
  return pieces
    .map((piece) => {
      const text = body.slice(piece.start, piece.end);
      const tf = new Map<string, number>();
      let length = 0;
      // The heading is part of the section text already; it counts twice, as a title would.
      for (const term of [...terms(text), ...terms(piece.heading)]) {
        tf.set(term, (tf.get(term) ?? 0) + 1);
        length += 1;
      }
      return { ...piece, tf, length };
    })
    .filter((piece) => piece.length > 0);
}

/** Document frequencies over a set of documents (each a term set). */
export class Corpus {
  readonly df = new Map<string, number>();
  size = 0;
  totalLength = 0;

  add(tf: Map<string, number>, length: number): void {
    this.size += 1;
    this.totalLength += length;
    for (const term of tf.keys()) this.df.set(term, (this.df.get(term) ?? 0) + 1);
  }

  get averageLength(): number {
    return this.size === 0 ? 1 : this.totalLength / this.size;
  }

  /** BM25 IDF (the non-negative form). */
  idf(term: string): number {
    const df = this.df.get(term) ?? 0;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }
}

export interface Bm25Parameters {
  k1: number;
  b: number;
}

/** BM25 of a passage for a query (a term → query weight map). */
export function bm25(query: Map<string, number>, passage: Passage, corpus: Corpus, params: Bm25Parameters): number {
  let score = 0;
  const norm = params.k1 * (1 - params.b + (params.b * passage.length) / corpus.averageLength);
  for (const [term, weight] of query) {
    const tf = passage.tf.get(term);
    if (!tf) continue;
    score += weight * corpus.idf(term) * ((tf * (params.k1 + 1)) / (tf + norm));
  }
  return score;
}
