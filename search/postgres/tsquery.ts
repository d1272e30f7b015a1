/**
 * Builds the text given to `to_tsquery` from sanitized words (letters and digits only, see queryWords), so
 * user input can never inject tsquery syntax. websearch_to_tsquery has no grouping, which synonym
 * alternatives and a prefix on the last word need.
 */
export interface TsqueryOptions {
  /** `all`: AND; `any`: OR. */
  matching: 'all' | 'any';
  /** Search-as-you-type: the last word also matches as a prefix. */
  prefixLast: boolean;
  /** word → the other words of its synonym group. */
  synonyms: Map<string, string[]>;
  /** Only matches in this weight class (`A`: titles). */
  weight?: 'A';
}

const SAFE_WORD = /^[\p{L}\p{N}]+$/u;

function lexeme(word: string, prefix: boolean, weight = ''): string {
  if (!SAFE_WORD.test(word)) throw new Error(`unsafe word reached the tsquery builder: ${JSON.stringify(word)}`);
  const label = `${prefix ? '*' : ''}${weight}`;
  return `'${word}'${label ? `:${label}` : ''}`;
}

export function buildTsquery(words: string[], options: TsqueryOptions): string {
  const terms = words.map((word, index) => {
    const prefix = options.prefixLast && index === words.length - 1;
    const alternatives = [lexeme(word, prefix, options.weight), ...(options.synonyms.get(word) ?? []).flatMap((synonym) => synonymLexemes(synonym, options.weight))];
    return alternatives.length === 1 ? alternatives[0] : `(${[...new Set(alternatives)].join(' | ')})`;
  });
  return terms.join(options.matching === 'all' ? ' & ' : ' | ');
}

/** A synonym may be several words (`credit note`): they must follow each other. */
function synonymLexemes(synonym: string, weight?: string): string[] {
  const parts = synonym.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (parts.length === 0) return [];
  return [parts.map((part) => lexeme(part, false, weight)).join(' <-> ')];
}

/** Synonym groups (`[['invoice', 'bill']]`) as a lookup from each word to the rest of its group. */
export function synonymMap(groups: string[][]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const group of groups) {
    const words = group.map((w) => w.trim().toLowerCase()).filter(Boolean);
    for (const word of words) map.set(word, [...new Set([...(map.get(word) ?? []), ...words.filter((w) => w !== word)])]);
  }
  return map;
}
