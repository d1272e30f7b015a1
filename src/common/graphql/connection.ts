import { Type } from '@nestjs/common';
import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { BadUserInputError } from '../errors/app-error';
import { MAX_PAGE_SIZE } from './query-limits';
import { unsafeTextReason } from './request-checks';

@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 20, description: `Page size, 1 to ${MAX_PAGE_SIZE}` })
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first = 20;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  after?: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * Base of a Relay connection: `class AdminUserConnection extends ConnectionType(AdminUser) {}`
 * gives `AdminUserConnection` with edges of type `AdminUserEdge`.
 */
export function ConnectionType<T>(node: Type<T>): Type<Connection<T>> {
  @ObjectType(`${node.name}Edge`)
  class EdgeType {
    @Field() cursor!: string;
    @Field(() => node) node!: T;
  }

  @ObjectType({ isAbstract: true })
  class ConnectionClass {
    @Field(() => [EdgeType]) edges!: EdgeType[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int) totalCount!: number;
  }
  return ConnectionClass;
}

/** Keyset cursors: an opaque encoding of the sort key of the last row seen. */
export function encodeCursor(parts: (string | number)[]): string {
  return encodeCursorJson(JSON.stringify(parts));
}

/** A cursor from its parts' JSON array text as PostgreSQL writes it (`json_build_array(…)::text`): decodes like encodeCursor's. */
export function encodeCursorJson(partsJson: string): string {
  return Buffer.from(partsJson).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // Its strings reach SQL as parameters: text PostgreSQL cannot store (NUL, a lone surrogate) is no cursor of ours either.
    if (Array.isArray(parts) && parts.length === arity && parts.every((p) => (typeof p === 'string' && unsafeTextReason(p) === null) || typeof p === 'number')) {
      return parts as (string | number)[];
    }
  } catch {
    // fall through to the error below
  }
  throw invalidCursorError();
}

const TIME_ID_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO 8601 as JavaScript prints it, or PostgreSQL's `timestamptz::text` (space, offset `+00`). */
const TIME_ID_INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/;

/** Whether PostgreSQL's `::timestamptz` takes the text as it is: the format above, a real calendar day, year 1 or later. */
export function isCursorInstant(text: string): boolean {
  const m = TIME_ID_INSTANT.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  return year >= 1 && date.getUTCMonth() === month - 1 && date.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
}

/**
 * A `[instant, uuid]` cursor, checked before it reaches the SQL casts (`::timestamptz`, `::uuid`), where a
 * forged one would fail as a 500: returned unchanged (its precision kept), or BAD_USER_INPUT.
 */
export function decodeTimeIdCursor(cursor: string): [string, string] {
  const [time, id] = decodeCursor(cursor, 2);
  if (typeof time !== 'string' || !isCursorInstant(time) || typeof id !== 'string' || !TIME_ID_UUID.test(id)) throw invalidCursorError();
  return [time, id];
}

export function invalidCursorError(): BadUserInputError {
  return new BadUserInputError('The cursor is not valid', [{ field: 'after', messages: ['after must be a cursor returned by this list'] }]);
}

@ObjectType({ description: 'Where a page sits in a list that pages both ways' })
export class BidirectionalPageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

/** Relay paging both ways: `first` (+ `after`) forwards, or `last` (+ `before`) backwards. */
@ArgsType()
export class BidirectionalPageArgs {
  @Field(() => Int, { nullable: true, description: `Page size forwards, 1 to ${MAX_PAGE_SIZE} (default 20 when neither first nor last is given)` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page (forwards)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `Page size backwards, 1 to ${MAX_PAGE_SIZE}` })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'startCursor of the next page (backwards)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  before?: string | null;
}

export interface BidirectionalConnection<T> {
  edges: Edge<T>[];
  pageInfo: BidirectionalPageInfo;
  totalCount: number | null;
}

/** A page request resolved to one direction. */
export interface PageWindow {
  direction: 'forward' | 'backward';
  size: number;
  cursor: string | null;
}

/** `first`/`after` or `last`/`before`, not both directions at once. */
export function pageWindow(args: BidirectionalPageArgs): PageWindow {
  const forward = args.first != null || args.after != null;
  const backward = args.last != null || args.before != null;
  if (forward && backward) {
    throw new BadUserInputError('Page forwards (first, after) or backwards (last, before), not both', [
      { field: 'last', messages: ['last and before cannot be combined with first or after'] },
    ]);
  }
  if (backward) return { direction: 'backward', size: args.last ?? 20, cursor: args.before ?? null };
  return { direction: 'forward', size: args.first ?? 20, cursor: args.after ?? null };
}

/**
 * Base of a connection paging both ways: `class ThreadSummaryConnection extends BidirectionalConnectionType(ThreadSummary) {}`.
 * `totalCount` is computed only when selected.
 */
export function BidirectionalConnectionType<T>(node: Type<T>): Type<BidirectionalConnection<T>> {
  @ObjectType(`${node.name}Edge`)
  class EdgeType {
    @Field() cursor!: string;
    @Field(() => node) node!: T;
  }

  @ObjectType({ isAbstract: true })
  class ConnectionClass {
    @Field(() => [EdgeType]) edges!: EdgeType[];
    @Field(() => BidirectionalPageInfo) pageInfo!: BidirectionalPageInfo;
    @Field(() => Int, { nullable: true, description: 'Null unless selected' }) totalCount!: number | null;
  }
  return ConnectionClass;
}
