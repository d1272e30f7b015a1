import { excerptOf, renderMarkdown } from './render-markdown';

function html(markdown: string): string {
  return renderMarkdown(markdown).html;
}

describe('renderMarkdown', () => {
  describe('removes script vectors', () => {
    it.each([
      ['a script element and its content', '<script>alert(1)</script>Hello'],
      ['an img onerror handler', '<img src="x.png" onerror="alert(1)">'],
      ['a javascript: markdown link', '[click](javascript:alert(1))'],
      ['an upper-case JAVASCRIPT: href', '<a href="JAVASCRIPT:alert(1)">click</a>'],
      ['an entity-encoded javascript: href', '<a href="&#106;avascript:alert(1)">click</a>'],
      ['a javascript: href split by a tab', '<a href="java\tscript:alert(1)">click</a>'],
      ['a vbscript: href', '<a href="vbscript:msgbox(1)">click</a>'],
      ['a data: href', '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>'],
      ['an iframe', '<iframe src="https://evil.example/"></iframe>'],
      ['an iframe with markup inside', '<iframe><img src="x" onerror="alert(1)"></iframe>'],
      ['an SVG with onload', '<svg onload="alert(1)"><circle r="1"/></svg>'],
      ['a script inside SVG', '<svg><script>alert(1)</script></svg>'],
      ['an SVG use with javascript:', '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>'],
      ['an object element', '<object data="evil.swf"></object>'],
      ['a form', '<form action="https://evil.example/"><input name="password"><button>Go</button></form>'],
      ['a style element', '<style>body { display: none }</style>'],
      ['an event handler on an allowed tag', '<p onclick="alert(1)" onmouseover="alert(1)">text</p>'],
      ['a javascript: image source', '<img src="javascript:alert(1)">'],
      ['a data: image source', '![pixel](data:image/png;base64,iVBORw0KGgo=)'],
      ['a meta refresh', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'],
    ])('%s', (_, markdown) => {
      const out = html(markdown);
      expect(out).not.toMatch(/<(script|iframe|svg|object|form|input|button|style|meta)\b/i);
      expect(out).not.toMatch(/\son[a-z]+=/i);
      expect(out).not.toMatch(/\s(href|src)="\s*(javascript|vbscript|data):/i);
    });

    it('drops the content of script and style elements but keeps other text', () => {
      expect(html('<script>alert(1)</script>Hello')).toBe('Hello');
      expect(renderMarkdown('<style>p { color: red }</style>\n\nText').plainText).toBe('Text');
    });

    it('removes style attributes', () => {
      expect(html('<p style="position:fixed;top:0">text</p>')).toBe('<p>text</p>');
    });

    it('keeps the link text when the href is removed', () => {
      expect(html('<a href="JAVASCRIPT:alert(1)">click</a>')).toBe('<p><a>click</a></p>\n');
    });

    it('removes an image whose source was not allowed', () => {
      expect(html('<img src="javascript:alert(1)" alt="x">')).toBe('');
    });
  });

  describe('allowed content', () => {
    it('keeps http, https, mailto and relative links', () => {
      expect(html('[a](http://example.com/a) [b](/docs/b) [c](mailto:help@example.com) [d](../d#x)')).toBe(
        '<p><a href="http://example.com/a" rel="noopener noreferrer nofollow">a</a> <a href="/docs/b">b</a> ' +
          '<a href="mailto:help@example.com">c</a> <a href="../d#x">d</a></p>\n',
      );
    });

    it('marks only external links with rel and replaces a user-supplied rel', () => {
      expect(html('<a href="https://example.com" rel="opener" target="_blank" title="T">x</a>')).toBe(
        '<p><a href="https://example.com" title="T" rel="noopener noreferrer nofollow">x</a></p>\n',
      );
      expect(html('<a href="/internal" rel="opener">x</a>')).toBe('<p><a href="/internal">x</a></p>\n');
    });

    it('linkifies bare URLs as external links', () => {
      expect(html('See https://example.com/help.')).toBe(
        '<p>See <a href="https://example.com/help" rel="noopener noreferrer nofollow">https://example.com/help</a>.</p>\n',
      );
    });

    it('keeps images with http(s) and relative sources, alt and title', () => {
      expect(html('![Settings](/img/settings.png "The settings page")')).toBe(
        '<p><img src="/img/settings.png" alt="Settings" title="The settings page" /></p>\n',
      );
      expect(html('<img src="https://cdn.example.com/a.png" width="10" style="x" alt="a">')).toBe(
        '<img src="https://cdn.example.com/a.png" alt="a" />',
      );
    });

    it('renders tables with alignment as align attributes', () => {
      expect(html('| Plan | Price |\n|:-----|------:|\n| Pro  | 10    |')).toBe(
        '<table>\n<thead>\n<tr>\n<th align="left">Plan</th>\n<th align="right">Price</th>\n</tr>\n</thead>\n' +
          '<tbody>\n<tr>\n<td align="left">Pro</td>\n<td align="right">10</td>\n</tr>\n</tbody>\n</table>\n',
      );
    });

    it('only allows known align values', () => {
      expect(html('<table><tr><td align="javascript:x">a</td><td align="center">b</td></tr></table>')).toBe(
        '<table><tr><td>a</td><td align="center">b</td></tr></table>',
      );
    });

    it('keeps code blocks and inline code escaped', () => {
      const out = html('```html\n<script>alert("x")</script>\n```\n\nUse `<b>` & more');
      expect(out).toBe(
        '<pre><code class="language-html">&lt;script&gt;alert("x")&lt;/script&gt;\n</code></pre>\n' +
          '<p>Use <code>&lt;b&gt;</code> &amp; more</p>\n',
      );
    });

    it('renders strikethrough as del', () => {
      expect(html('~~old~~')).toBe('<p><del>old</del></p>\n');
    });

    it('keeps details, summary, kbd, sup, sub, blockquote, lists and rules', () => {
      const out = html(
        '<details><summary>More</summary>\n\nPress <kbd>Ctrl</kbd> x<sup>2</sup> H<sub>2</sub>O\n\n</details>\n\n> quote\n\n- a\n1. b\n\n---',
      );
      expect(out).toContain('<details><summary>More</summary>');
      expect(out).toContain('<kbd>Ctrl</kbd> x<sup>2</sup> H<sub>2</sub>O');
      expect(out).toContain('<blockquote>\n<p>quote</p>\n</blockquote>');
      expect(out).toContain('<ul>\n<li>a</li>\n</ul>\n<ol>\n<li>b</li>\n</ol>\n<hr />');
    });

    it('drops unknown tags but keeps their text', () => {
      expect(html('<span class="x">kept</span> <marquee>too</marquee>')).toBe('<p>kept too</p>\n');
    });
  });

  describe('headings', () => {
    it('gives headings ids from their text', () => {
      expect(html('# Getting started\n\n## Step 2: *Install* the app!')).toBe(
        '<h1 id="getting-started">Getting started</h1>\n<h2 id="step-2-install-the-app">Step 2: <em>Install</em> the app!</h2>\n',
      );
    });

    it('keeps Unicode letters in ids', () => {
      expect(html('## 如何下载发票')).toBe('<h2 id="如何下载发票">如何下载发票</h2>\n');
      expect(html('## Réinitialiser le mot de passe')).toBe(
        '<h2 id="réinitialiser-le-mot-de-passe">Réinitialiser le mot de passe</h2>\n',
      );
    });

    it('suffixes duplicate ids', () => {
      expect(html('## FAQ\n\n## FAQ\n\n### faq\n\n## FAQ 2')).toBe(
        '<h2 id="faq">FAQ</h2>\n<h2 id="faq-2">FAQ</h2>\n<h3 id="faq-3">faq</h3>\n<h2 id="faq-2-2">FAQ 2</h2>\n',
      );
    });

    it('replaces ids written in raw HTML', () => {
      expect(html('<h2 id="evil" onclick="x()">Raw heading</h2>')).toBe('<h2 id="raw-heading">Raw heading</h2>');
    });

    it('names a heading without letters "section"', () => {
      expect(html('## !!!')).toBe('<h2 id="section">!!!</h2>\n');
    });

    it('lists the text of h1–h3 in order', () => {
      const { headings } = renderMarkdown('# One\n\n#### Four\n\n## Two `code`\n\n### Three &amp; more\n\n##### Five');
      expect(headings).toEqual(['One', 'Two code', 'Three & more']);
    });

    it('does not treat a heading placeholder typed in text as a heading', () => {
      const out = html('`<h2 id="evergreen-heading-0">` and <h2 id="evergreen-heading-5">Real</h2>');
      expect(out).toContain('&lt;h2 id="evergreen-heading-0"&gt;');
      expect(out).toContain('<h2 id="real">Real</h2>');
    });
  });

  describe('plainText', () => {
    it('is the visible text with collapsed whitespace and decoded entities', () => {
      const { plainText } = renderMarkdown(
        '# Title\n\nFirst   *paragraph* with [a link](https://example.com) &amp; `code`.\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n![alt](/i.png)',
      );
      expect(plainText).toBe('Title First paragraph with a link & code. one two a b 1 2');
    });

    it('separates adjacent block elements written in raw HTML', () => {
      expect(renderMarkdown('<table><tr><td>a</td><td>b</td></tr></table>').plainText).toBe('a b');
      expect(renderMarkdown('line<br>break').plainText).toBe('line break');
    });

    it('keeps inline elements inside words together', () => {
      expect(renderMarkdown('H<sub>2</sub>O and **bo**ld').plainText).toBe('H2O and bold');
    });

    it('contains the escaped text of code blocks but no removed script text', () => {
      expect(renderMarkdown('```\n<b>x</b> &lt;\n```\n\n<script>alert(1)</script>').plainText).toBe('<b>x</b> &lt;');
    });

    it('is empty for an empty body', () => {
      expect(renderMarkdown('')).toEqual({ html: '', headings: [], plainText: '' });
    });
  });
});

describe('excerptOf', () => {
  const english = 'Open the billing page, choose an invoice and press download to save it as a PDF file.';

  it('returns short text unchanged', () => {
    expect(excerptOf('Short text.')).toBe('Short text.');
    expect(excerptOf('exactly ten', 11)).toBe('exactly ten');
  });

  it('cuts English text at a word boundary and adds an ellipsis', () => {
    expect(excerptOf(english, 30)).toBe('Open the billing page, choose…');
    expect(excerptOf(english, 26)).toBe('Open the billing page…');
  });

  it('never returns more than maxLength characters', () => {
    for (let max = 1; max <= english.length + 1; max++) {
      expect(excerptOf(english, max).length).toBeLessThanOrEqual(max);
    }
  });

  it('cuts a single very long word at a character', () => {
    expect(excerptOf('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('cuts Chinese text without spaces at a character', () => {
    const chinese = '如何下载发票：打开账户设置，然后选择账单，再点击下载按钮即可获取。';
    expect(excerptOf(chinese, 12)).toBe('如何下载发票：打开账户…');
    expect(excerptOf(chinese, 8)).toBe('如何下载发票…');
  });

  it('cuts between Chinese and Latin text', () => {
    expect(excerptOf('请下载PDFInvoiceDocument文件', 8)).toBe('请下载…');
  });

  it('does not split surrogate pairs', () => {
    const excerpt = excerptOf('😀'.repeat(10), 6);
    expect(excerpt).toBe('😀😀…');
  });

  it('collapses whitespace and uses 200 characters by default', () => {
    const long = Array.from({ length: 100 }, (_, i) => `word${i}`).join('  \n ');
    const excerpt = excerptOf(long);
    expect(excerpt.length).toBeLessThanOrEqual(200);
    expect(excerpt).toMatch(/^word0 word1 .* word\d+…$/);
  });
});
