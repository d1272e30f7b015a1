import { BadUserInputError } from '../errors/app-error';
import { decodeCursor, encodeCursor, pageWindow } from './connection';

describe('pageWindow', () => {
  it.each([
    [{}, { direction: 'forward', size: 20, cursor: null }],
    [{ first: 5 }, { direction: 'forward', size: 5, cursor: null }],
    [{ first: 5, after: 'a' }, { direction: 'forward', size: 5, cursor: 'a' }],
    [{ after: 'a' }, { direction: 'forward', size: 20, cursor: 'a' }],
    [{ last: 3 }, { direction: 'backward', size: 3, cursor: null }],
    [{ last: 3, before: 'b' }, { direction: 'backward', size: 3, cursor: 'b' }],
    [{ before: 'b' }, { direction: 'backward', size: 20, cursor: 'b' }],
    [{ first: null, last: null }, { direction: 'forward', size: 20, cursor: null }],
  ])('%j → %j', (args, expected) => {
    expect(pageWindow(args)).toEqual(expected);
  });

  it.each([[{ first: 1, last: 1 }], [{ after: 'a', before: 'b' }], [{ first: 1, before: 'b' }]])('refuses both directions at once: %j', (args) => {
    expect(() => pageWindow(args)).toThrow(BadUserInputError);
  });
});

describe('cursors', () => {
  it('round-trip their parts and refuse anything else', () => {
    const cursor = encodeCursor([1, '2026-11-29T18:00:00.123456+00:00', 'a0000000-0000-4000-8000-000000000000']);
    expect(decodeCursor(cursor, 3)).toEqual([1, '2026-11-29T18:00:00.123456+00:00', 'a0000000-0000-4000-8000-000000000000']);
    expect(() => decodeCursor(cursor, 2)).toThrow(BadUserInputError);
    expect(() => decodeCursor('not-a-cursor', 1)).toThrow(BadUserInputError);
    // Text PostgreSQL cannot store, inside a well-formed cursor (the sitemap's answered INTERNAL_SERVER_ERROR).
    expect(() => decodeCursor(encodeCursor(['\u0000', 'x']), 2)).toThrow(BadUserInputError);
    expect(() => decodeCursor(encodeCursor(['en', '\ud800']), 2)).toThrow(BadUserInputError);
  });
});
