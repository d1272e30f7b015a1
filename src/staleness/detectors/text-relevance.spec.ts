import { sliceWhole } from './text-relevance';

describe('sliceWhole', () => {
  it('is slice() when no surrogate pair is cut', () => {
    expect(sliceWhole('héllo wörld', 1, 8)).toBe('héllo wörld'.slice(1, 8));
    expect(sliceWhole('a😀b', 0, 4)).toBe('a😀b');
    expect(sliceWhole('a😀b', 1, 3)).toBe('😀');
    expect(sliceWhole('abc', 0, 10)).toBe('abc');
  });

  it('moves an end that falls inside a surrogate pair back before the pair', () => {
    expect(sliceWhole('ab😀c', 0, 3)).toBe('ab');
    expect(sliceWhole('😀😀', 0, 3)).toBe('😀');
  });

  it('moves a start that falls inside a surrogate pair past the pair', () => {
    expect(sliceWhole('a😀bc', 2, 5)).toBe('bc');
  });

  it('gives an empty string rather than a lone surrogate', () => {
    expect(sliceWhole('😀', 0, 1)).toBe('');
    expect(sliceWhole('😀', 1, 2)).toBe('');
  });

  it('leaves a lone surrogate already in the text alone (nothing to keep whole)', () => {
    expect(sliceWhole('a\ud83db', 0, 2)).toBe('a\ud83d');
  });
});
