import { isCursorInstant } from './connection';

describe('isCursorInstant', () => {
  it.each(['2026-11-29T22:34:35.123Z', '2026-11-29 22:34:35.123456+00', '2026-11-29 22:34:35+05:30', '0001-01-01T00:00:00Z', '2024-02-29T23:59:59Z'])('takes %s', (text) => {
    expect(isCursorInstant(text)).toBe(true);
  });

  it.each([
    '+275760-09-13T00:00:00.000Z',
    '0000-01-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T00:00:00.000Z\u0000',
    '2026-01-01',
    '1',
    'yesterday',
    '',
  ])('refuses %j', (text) => {
    expect(isCursorInstant(text)).toBe(false);
  });
});
