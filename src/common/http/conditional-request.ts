import { createHash } from 'node:crypto';

/**
 * Conditional GET (RFC 9110 §13.1.2, `If-None-Match`), the one evaluator of every route that sends an `ETag`:
 * delivery GraphQL GET answers, sitemaps and asset files (docs/front-end.md, "Conditional requests").
 *
 * - `If-None-Match: *` matches any current representation;
 * - otherwise the field is a comma-separated list of entity tags (several header lines are one list), compared
 *   weakly: `W/"x"` matches `"x"` and `"x"` matches `W/"x"`;
 * - whitespace around members and empty members (`"a", , "b"`) are tolerated;
 * - a malformed member (no quotes, an unterminated quote, a space or a `"` inside the tag, `*` inside a list) is
 *   ignored: it matches nothing, and the well-formed members still count. Nothing here throws: a client sending
 *   garbage gets the full answer (200), never an error.
 */

/** One entity tag of the field, as sent. */
export interface EntityTag {
  weak: boolean;
  /** The opaque tag without `W/`, quotes included: `"x"`. */
  opaque: string;
}

export type IfNoneMatch = { any: true } | { any: false; tags: EntityTag[] };

/** `etagc` of RFC 9110: `!`, `#`–`~` and obs-text (no space, no `"`, no control character). */
function isEtagChar(code: number): boolean {
  return code === 0x21 || (code >= 0x23 && code <= 0x7e) || code >= 0x80;
}

function isOws(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** The field value(s) of If-None-Match as Node gives them (a string, repeated lines joined, or an array). */
export function parseIfNoneMatch(value: string | readonly string[] | undefined | null): IfNoneMatch | null {
  if (value === undefined || value === null) return null;
  const text = typeof value === 'string' ? value : value.join(', ');
  if (text.trim() === '*') return { any: true };
  const tags: EntityTag[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (isOws(code) || code === 0x2c) {
      i += 1;
      continue;
    }
    // One member, from here to the comma that ends it (a comma may sit inside a quoted tag).
    let weak = false;
    let j = i;
    if (text.startsWith('W/', j)) {
      weak = true;
      j += 2;
    }
    let ok = text.charCodeAt(j) === 0x22;
    let end = j + 1;
    if (ok) {
      while (end < n && isEtagChar(text.charCodeAt(end))) end += 1;
      ok = end < n && text.charCodeAt(end) === 0x22;
    }
    if (ok) {
      const opaque = text.slice(j, end + 1);
      let k = end + 1;
      while (k < n && isOws(text.charCodeAt(k))) k += 1;
      if (k === n || text.charCodeAt(k) === 0x2c) {
        tags.push({ weak, opaque });
        i = k + 1;
        continue;
      }
    }
    // Malformed: skip it up to the next comma.
    const comma = text.indexOf(',', i);
    i = comma === -1 ? n : comma + 1;
  }
  return { any: false, tags };
}

/** An `ETag` value as the server sent it (`"x"` or `W/"x"`); null when it is not one. */
export function parseEntityTag(etag: string): EntityTag | null {
  const parsed = parseIfNoneMatch(etag);
  return parsed && !parsed.any && parsed.tags.length === 1 ? parsed.tags[0] : null;
}

/**
 * Whether the request's `If-None-Match` is false for the current representation `etag` (RFC 9110 §13.1.2): the
 * client holds it already, and a GET or HEAD is answered 304 Not Modified. False without the header, or when it
 * is malformed through and through.
 */
export function isNotModified(ifNoneMatch: string | readonly string[] | undefined | null, etag: string | null): boolean {
  if (etag === null) return false;
  const condition = parseIfNoneMatch(ifNoneMatch);
  if (!condition) return false;
  if (condition.any) return true;
  const current = parseEntityTag(etag);
  if (!current) return false;
  // Weak comparison: the opaque tags are equal, whether either is weak or not.
  return condition.tags.some((tag) => tag.opaque === current.opaque);
}

/** A strong entity tag for a representation: the SHA-1 of its bytes, base64url, quoted. */
export function entityTagOf(body: string | Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}
