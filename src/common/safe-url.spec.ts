import { hasSafeDecodedScheme } from './safe-url';

describe('hasSafeDecodedScheme', () => {
  it.each(['https://example.com/a%20b', 'http://x', 'mailto:a@example.com', '/en/articles/a%20b', '#top', 'page?q=a:b', ''])('keeps %j', (url) => {
    expect(hasSafeDecodedScheme(url)).toBe(true);
  });

  it.each(['%6Aavascript:alert(1)', 'javascript%3Aalert(1)', '%20javascript:alert(1)', '%09java%0Ascript:x', 'data%3Atext/html,x', 'vbscript:x', '%E0%A4%A'])('refuses %j', (url) => {
    expect(hasSafeDecodedScheme(url)).toBe(false);
  });
});
