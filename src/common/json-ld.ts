/**
 * JSON-LD as a string a front-end can paste into `<script type="application/ld+json">`: `<`, `>` and `&`
 * are escaped as \u003c, \u003e and \u0026, so no text in it can close the script element.
 */
export function jsonLdString(value: Record<string, unknown>): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
