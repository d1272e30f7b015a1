/** Label values for one GraphQL request, bounded so that clients cannot grow the metric without limit. */
export const ANONYMOUS_OPERATION = '(anonymous)';
export const OTHER_OPERATION = '(other)';

const NAMED_OPERATION = /^\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]{0,63})\b/;
const VALID_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/**
 * The operation's name: `operationName` when given, else the name of a document that starts with a named
 * operation (read with a regular expression, not a parse: this runs on every request), else `(anonymous)`.
 */
export function operationNameOf(body: unknown): string {
  if (!body || typeof body !== 'object') return ANONYMOUS_OPERATION;
  const { operationName, query } = body as { operationName?: unknown; query?: unknown };
  if (typeof operationName === 'string' && operationName !== '') return VALID_NAME.test(operationName) ? operationName : OTHER_OPERATION;
  if (typeof query !== 'string') return ANONYMOUS_OPERATION;
  return NAMED_OPERATION.exec(query.slice(0, 512))?.[1] ?? ANONYMOUS_OPERATION;
}

/** Keeps at most `limit` distinct names; later new names are reported as `(other)`. */
export class BoundedLabels {
  private readonly seen = new Set<string>();

  constructor(private readonly limit: number) {}

  label(name: string): string {
    if (this.seen.has(name)) return name;
    if (this.seen.size >= this.limit) return OTHER_OPERATION;
    this.seen.add(name);
    return name;
  }
}
