import { keepRows, plannedLimit, plannedListSize } from './planned-limit';

describe('planned limits', () => {
  it('rounds a row count up to the next rung, and keeps counts beyond the ladder', () => {
    expect([1, 2, 3, 11, 12, 21, 22, 51, 101, 102, 1001].map(plannedLimit)).toEqual([2, 2, 11, 11, 21, 21, 26, 51, 101, 201, 1001]);
    expect(plannedLimit(5000)).toBe(5000);
  });

  it('gives the common page sizes (10, 20, 25, 50, 100, plus the look-ahead row) their own statement, no wider', () => {
    for (const size of [10, 20, 25, 50, 100]) expect(plannedLimit(size + 1)).toBe(size + 1);
  });

  it('pads id lists to 1, 2, 4, 8 or 16 values, and leaves longer ones to an array', () => {
    expect([1, 2, 3, 4, 5, 9, 16].map(plannedListSize)).toEqual([1, 2, 4, 4, 8, 16, 16]);
    expect(plannedListSize(17)).toBeNull();
  });

  it('keeps the first rows, or the last ones, of what a rung fetched', () => {
    const fetched = [1, 2, 3, 4, 5];
    expect(keepRows(fetched, 3)).toEqual([1, 2, 3]);
    expect(keepRows(fetched, 3, true)).toEqual([3, 4, 5]);
    expect(keepRows(fetched, 9)).toBe(fetched);
  });
});
