/**
 * Row limits and id lists written into named prepared statements so that PostgreSQL keeps one plan for them.
 *
 * A named statement gets a generic plan (planned once per connection) only when that plan's estimated cost is
 * close to a custom plan's. `LIMIT $n` is estimated as 10 % of the rows it limits and `unnest($n::uuid[])` as 10
 * rows, so the generic plan of a page statement looks tens or hundreds of times dearer than it is, and PostgreSQL
 * planned such statements again on every execution (the category page: 0.27 ms planning for 0.21 ms executing,
 * `pg_stat_statements` with `track_planning`). A literal limit and a `VALUES` list of parameters give the planner
 * the real sizes. Both come from short ladders, so each caller has a few statements, not one per size: the
 * statement fetches up to the rung, and the caller keeps the rows it asked for.
 */
const LIMIT_RUNGS = [2, 11, 21, 26, 51, 101, 201, 501, 1001];
const LIST_RUNGS = [1, 2, 4, 8, 16];

/** The literal limit for a statement that needs `rows` rows: the smallest rung that holds them (or `rows` beyond the last). */
export function plannedLimit(rows: number): number {
  for (const rung of LIMIT_RUNGS) if (rung >= rows) return rung;
  return rows;
}

/** How many parameters a `VALUES` list of `count` values gets (padded with NULL), or null beyond the ladder (use an array). */
export function plannedListSize(count: number): number | null {
  for (const rung of LIST_RUNGS) if (rung >= count) return rung;
  return null;
}

/**
 * The `rows` wanted out of a statement that fetched up to a rung: the first `rows` in the statement's order, or,
 * `fromEnd`, the last `rows` (a backward page fetched in the other order and returned re-sorted).
 */
export function keepRows<T>(fetched: T[], rows: number, fromEnd = false): T[] {
  if (fetched.length <= rows) return fetched;
  return fromEnd ? fetched.slice(fetched.length - rows) : fetched.slice(0, rows);
}
