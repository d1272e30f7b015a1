import { mentionCandidates, resolveMentions } from './mentions';

describe('mentionCandidates', () => {
  it('offers up to four words after each @, longest first, lower-cased', () => {
    expect(mentionCandidates('Ask @Ann Lee about it please')).toEqual([['ann lee about it', 'ann lee about', 'ann lee', 'ann']]);
  });

  it('stops a name at punctuation and drops the punctuation', () => {
    expect(mentionCandidates('thanks @Bob! and @Mo Derator, see')).toEqual([
      ['bob!', 'bob'],
      ['mo derator,', 'mo derator', 'mo'],
    ]);
  });

  it('ignores email addresses and a lone @', () => {
    expect(mentionCandidates('mail ann@example.com or @ nobody')).toEqual([]);
  });

  it('finds a mention at the start and after brackets', () => {
    expect(mentionCandidates('@cy\n(@Dee)').map((c) => c[c.length - 1])).toEqual(['cy', 'dee']);
  });
});

describe('resolveMentions', () => {
  const members = new Map<string, string[]>([
    ['ann', ['u-ann']],
    ['ann lee', ['u-ann-lee']],
    ['sam', ['u-sam-1', 'u-sam-2']],
  ]);

  it('takes the longest display name that matches', () => {
    expect(resolveMentions(mentionCandidates('@Ann Lee and @ann too'), members)).toEqual(['u-ann-lee', 'u-ann']);
  });

  it('skips a name two members share, unknown names and repeats', () => {
    expect(resolveMentions(mentionCandidates('@Sam @nobody @Ann @Ann'), members)).toEqual(['u-ann']);
  });

  it('caps the number of members', () => {
    const many = new Map(Array.from({ length: 15 }, (_, i) => [`m${i}`, [`u${i}`]] as [string, string[]]));
    const text = Array.from({ length: 15 }, (_, i) => `@m${i}`).join(' ');
    expect(resolveMentions(mentionCandidates(text), many)).toHaveLength(10);
  });
});
