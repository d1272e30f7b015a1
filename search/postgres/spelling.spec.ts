import { chooseSpelling, SPELLING, SpellingRow } from './postgres-engine';

const row = (input: string, df: number, candidates: SpellingRow['candidates']): SpellingRow => ({ input, df, candidates });

describe('chooseSpelling (did you mean)', () => {
  it('replaces an unknown word by its most similar vocabulary word that is in documents', () => {
    expect(
      chooseSpelling([
        row('pasword', 0, [
          { word: 'paswords', similarity: 0.7, df: 0 },
          { word: 'password', similarity: 0.6, df: 40 },
          { word: 'passport', similarity: 0.3, df: 90 },
        ]),
        row('reset', 12, null),
      ]),
    ).toEqual(['password', 'reset']);
  });

  it('prefers the more frequent word when two are as similar, or nearly', () => {
    expect(chooseSpelling([row('exprot', 0, [{ word: 'expert', similarity: 0.4, df: 3 }, { word: 'export', similarity: 0.4, df: 300 }])])).toEqual(['export']);
    expect(chooseSpelling([row('accwssed', 0, [{ word: 'accssed', similarity: 0.55, df: 1 }, { word: 'accessed', similarity: 0.5, df: 120 }])])).toEqual(['accessed']);
    expect(chooseSpelling([row('accwssed', 0, [{ word: 'accssed', similarity: 0.9, df: 1 }, { word: 'accessed', similarity: 0.5, df: 120 }])])).toEqual(['accssed']);
  });

  it('replaces a rare word only by a close word that is far more frequent', () => {
    const rare = SPELLING.rareDf;
    const often = SPELLING.frequentRatio * rare;
    expect(chooseSpelling([row('recieve', rare, [{ word: 'receive', similarity: 0.6, df: often }])])).toEqual(['receive']);
    expect(chooseSpelling([row('recieve', rare, [{ word: 'receive', similarity: 0.6, df: often - 1 }])])).toBeNull();
    expect(chooseSpelling([row('recieve', rare, [{ word: 'receive', similarity: SPELLING.rareSimilarity - 0.01, df: 10_000 }])])).toBeNull();
  });

  it('changes nothing for known words, words without candidates or candidates equal to the word', () => {
    expect(chooseSpelling([row('invoice', 50, null), row('xyzzy', 0, []), row('walrus', 1, [{ word: 'walrus', similarity: 1, df: 1 }])])).toBeNull();
  });
});
