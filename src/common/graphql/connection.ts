import { Type } from '@nestjs/common';
import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { BadUserInputError } from '../errors/app-error';
import { MAX_PAGE_SIZE } from './query-limits';

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
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): (string | number)[] {
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === arity && parts.every((p) => typeof p === 'string' || typeof p === 'number')) {
      return parts as (string | number)[];
    }
  } catch {
    // fall through to the error below
  }
  throw invalidCursorError();
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
