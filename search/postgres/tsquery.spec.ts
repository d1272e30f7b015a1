import { buildTsquery, synonymMap } from './tsquery';

describe('buildTsquery', () => {
  const none = new Map<string, string[]>();

  it('ANDs words and makes the last one a prefix', () => {
    expect(buildTsquery(['reset', 'pass'], { matching: 'all', prefixLast: true, synonyms: none })).toBe(`'reset' & 'pass':*`);
  });

  it('ORs words for suggestions', () => {
    expect(buildTsquery(['download', 'invoice'], { matching: 'any', prefixLast: false, synonyms: none })).toBe(`'download' | 'invoice'`);
  });

  it('adds synonym alternatives, multi-word ones as phrases', () => {
    const synonyms = synonymMap([['invoice', 'bill', 'credit note']]);
    expect(buildTsquery(['invoice'], { matching: 'all', prefixLast: false, synonyms })).toBe(`('invoice' | 'bill' | 'credit' <-> 'note')`);
  });

  it('restricts to a weight class', () => {
    expect(buildTsquery(['reset', 'pass'], { matching: 'all', prefixLast: true, synonyms: none, weight: 'A' })).toBe(`'reset':A & 'pass':*A`);
  });

  it('refuses anything but letters and digits', () => {
    expect(() => buildTsquery(["a'b"], { matching: 'all', prefixLast: false, synonyms: none })).toThrow(/unsafe/);
    expect(() => buildTsquery(['a&b'], { matching: 'all', prefixLast: false, synonyms: none })).toThrow(/unsafe/);
  });
});
