import { createHash } from 'node:crypto';

const STYLE = 'body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1f2328}button{font:inherit;padding:.5rem 1rem}';

/**
 * Headers of every unsubscribe answer: never cached (the token is in the URL), the token never sent on as a
 * referrer, nothing loaded or run (only the page's own style, by hash), no framing, forms only to this origin.
 */
export const UNSUBSCRIBE_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'x-frame-options': 'DENY',
  'x-robots-tag': 'noindex',
};

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char]);
}

/** What one unsubscribe page says; every string is escaped when the page is built. */
export interface UnsubscribePage {
  siteName: string;
  title: string;
  message: string;
  /** A confirmation form: POSTs to the same URL (`?token=…`, relative, so a proxy's path prefix is kept). */
  form?: { token: string; button: string };
  /** Shown for a refusal (`BAD_USER_INPUT` / `TOKEN_INVALID`, …). */
  error?: { code: string; reason: string };
}

export function renderUnsubscribePage(page: UnsubscribePage): string {
  const form = page.form
    ? `<form method="post" action="?token=${encodeURIComponent(page.form.token)}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${escapeHtml(page.form.button)}</button></form>`
    : '';
  const error = page.error ? `<p><small>Error: ${escapeHtml(page.error.code)} ${escapeHtml(page.error.reason)}</small></p>` : '';
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex"><meta name="referrer" content="no-referrer">',
    `<title>${escapeHtml(page.title)} · ${escapeHtml(page.siteName)}</title><style>${STYLE}</style></head>`,
    `<body><h1>${escapeHtml(page.title)}</h1><p>${escapeHtml(page.message)}</p>${form}${error}</body></html>`,
    '',
  ].join('\n');
}
