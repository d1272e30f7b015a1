import { GraphQLError, GraphQLScalarType, Kind, ValueNode } from 'graphql';

/** RFC 3339 date-time: date, `T`, time with optional fraction, and `Z` or an offset. */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Instants PostgreSQL's `timestamptz` and JavaScript's `Date` both hold exactly: years 0001 to 9999. */
export const MIN_DATE_TIME = Date.parse('0001-01-01T00:00:00.000Z');
export const MAX_DATE_TIME = Date.parse('9999-12-31T23:59:59.999Z');

function invalid(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Parses an RFC 3339 date-time of years 0001–9999 (UTC after applying its offset); throws BAD_USER_INPUT otherwise. */
export function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string') throw invalid('DateTime must be a string such as 2026-03-01T09:30:00Z');
  const match = DATE_TIME.exec(value);
  if (!match) throw invalid(`DateTime must be an RFC 3339 date-time such as 2026-03-01T09:30:00Z, got ${JSON.stringify(value.slice(0, 40))}`);
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const date = new Date(value);
  const calendar = new Date(Date.UTC(2000, month - 1, day));
  const realDay = month >= 1 && month <= 12 && calendar.getUTCDate() === day && (month !== 2 || day !== 29 || isLeap(year));
  if (Number.isNaN(date.getTime()) || !realDay || hour > 23 || minute > 59 || second > 59) {
    throw invalid(`DateTime ${JSON.stringify(value)} is not a real date and time`);
  }
  if (date.getTime() < MIN_DATE_TIME || date.getTime() > MAX_DATE_TIME) {
    throw invalid(`DateTime ${JSON.stringify(value)} is out of range: years 0001 to 9999 (UTC)`);
  }
  return date;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Replaces Nest's `DateTime` (which turns any string into a `Date`, even an invalid one) with a
 * strict RFC 3339 parser limited to what PostgreSQL stores, so bad dates are BAD_USER_INPUT.
 */
export const DateTimeScalar = new GraphQLScalarType<Date | null, string | null>({
  name: 'DateTime',
  description: 'An RFC 3339 date-time such as 2019-12-03T09:54:33Z (an offset instead of Z is converted to UTC); years 0001 to 9999. Answers are always in UTC.',
  parseValue: (value) => parseDateTime(value),
  serialize: (value) => (value instanceof Date ? value.toISOString() : null),
  parseLiteral: (ast: ValueNode) => {
    if (ast.kind !== Kind.STRING) throw invalid('DateTime must be a string such as 2026-03-01T09:30:00Z');
    return parseDateTime(ast.value);
  },
});
