/**
 * Relative links like `%6Aavascript:x` are harmless to a browser, but a front end that decodes URLs before
 * use would turn them into a scheme: a URL whose percent-decoded form names any scheme but http(s)/mailto is
 * not safe to keep. Used by both Markdown renderers (forum posts and articles), after sanitize-html's own
 * scheme check. An undecodable URL is not safe either.
 */
export function hasSafeDecodedScheme(url: string): boolean {
  let decoded = url;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    return false;
  }
  const scheme = /^[\u0000-\u0020]*([a-z][a-z0-9+.-]*):/i.exec(decoded.replace(/[\t\n\r]/g, ''))?.[1]?.toLowerCase();
  return scheme === undefined || scheme === 'http' || scheme === 'https' || scheme === 'mailto';
}
