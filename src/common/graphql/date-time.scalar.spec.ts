import { GraphQLError } from 'graphql';
import { parseDateTime } from './date-time.scalar';

describe('parseDateTime', () => {
  it.each([
    ['2026-03-01T09:30:00Z', '2026-03-01T09:30:00.000Z'],
    ['2026-03-01T09:30:00.123456+02:00', '2026-03-01T07:30:00.123Z'],
    ['2024-02-29T00:00:00z', '2024-02-29T00:00:00.000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
  ])('accepts %s', (input, iso) => {
    expect(parseDateTime(input).toISOString()).toBe(iso);
  });

  it.each([
    ['+275760-09-13T00:00:00.000Z'],
    ['0000-12-31T23:59:59Z'],
    ['9999-12-31T23:00:00-05:00'],
    ['2023-02-29T00:00:00Z'],
    ['2026-13-01T00:00:00Z'],
    ['2026-04-31T00:00:00Z'],
    ['2026-03-01T24:00:00Z'],
    ['2026-03-01T09:30:00'],
    ['2026-03-01'],
    ['yesterday'],
    ['2026-03-01T09:30:00Z\u0000'],
    [''],
    [1700000000000],
    [null],
  ])('refuses %p with BAD_USER_INPUT', (input) => {
    expect(() => parseDateTime(input)).toThrow(GraphQLError);
    try {
      parseDateTime(input);
    } catch (error) {
      expect((error as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
    }
  });
});
