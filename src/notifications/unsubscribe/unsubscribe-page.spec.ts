import { createHash } from 'node:crypto';
import { escapeHtml, renderUnsubscribePage, UNSUBSCRIBE_PAGE_HEADERS } from './unsubscribe-page';

describe('unsubscribe pages', () => {
  it('escape every string they show', () => {
    const html = renderUnsubscribePage({
      siteName: '<script>alert(1)</script>',
      title: 'a & b',
      message: '"quoted" \'single\' <b>',
      form: { token: '"><script>x</script>', button: '<Stop>' },
      error: { code: '<c>', reason: '"r"' },
    });
    expect(html).not.toMatch(/<script|<b>|<Stop>|<c>/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('action="?token=%22%3E%3Cscript%3Ex%3C%2Fscript%3E"');
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('post the form to the same URL, relative (a proxy path prefix is kept)', () => {
    const html = renderUnsubscribePage({ siteName: 'Lumen', title: 'Stop', message: 'Sure?', form: { token: 'abc.def', button: 'Unsubscribe' } });
    expect(html).toContain('<form method="post" action="?token=abc.def">');
  });

  it('allow only the page’s own style (by hash), no scripts, no framing, no referrer, no caching', () => {
    const html = renderUnsubscribePage({ siteName: 'Lumen', title: 'Stop', message: 'Sure?' });
    const style = /<style>(.*)<\/style>/.exec(html)![1];
    const csp = UNSUBSCRIBE_PAGE_HEADERS['content-security-policy'];
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(UNSUBSCRIBE_PAGE_HEADERS['referrer-policy']).toBe('no-referrer');
    expect(UNSUBSCRIBE_PAGE_HEADERS['cache-control']).toBe('no-store');
  });
});
