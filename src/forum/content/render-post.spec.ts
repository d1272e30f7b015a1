import { parseDocument, DomUtils } from 'htmlparser2';
import type { Element } from 'domhandler';
import { isAllowedImageUrl, POST_LINK_REL, renderPost } from './render-post';

const POLICY = { imageHosts: ['img.example.com', '*.cdn.example.net'] };

const TAGS: Record<string, string[]> = {
  h1: [], h2: [], h3: [], h4: [], h5: [], h6: [], p: [], br: [], hr: [], ul: [], ol: [], li: [], blockquote: [], pre: [],
  code: ['class'], em: [], strong: [], del: [], a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title'],
  table: [], thead: [], tbody: [], tr: [], th: ['align'], td: ['align'],
};
const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:']);

/** What is wrong with a rendered post, judged by a real HTML parser the way a browser would read it. */
function problemsOf(html: string): string[] {
  const problems: string[] = [];
  const elements = DomUtils.findAll(() => true, parseDocument(html).children) as Element[];
  for (const element of elements) {
    const allowed = TAGS[element.name];
    if (!allowed) {
      problems.push(`element <${element.name}>`);
      continue;
    }
    for (const [name, value] of Object.entries(element.attribs)) {
      if (!allowed.includes(name)) problems.push(`attribute ${name} on <${element.name}>`);
      if (/^on/i.test(name)) problems.push(`event handler ${name}`);
      if (name === 'style') problems.push('style attribute');
      if (name === 'href' || name === 'src') {
        // Browsers ignore leading/trailing C0 controls and spaces and tabs/newlines inside a URL.
        const cleaned = value.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
        let protocol: string;
        try {
          protocol = new URL(cleaned, 'https://help.example.org/base/').protocol;
        } catch {
          problems.push(`unparseable URL ${JSON.stringify(value)}`);
          continue;
        }
        if (!SAFE_SCHEMES.has(protocol)) problems.push(`URL scheme ${protocol} in ${name}`);
        if (/^\s*(javascript|vbscript|data|file|blob|livescript):/i.test(decodeURIComponentSafe(cleaned))) problems.push(`dangerous URL ${value}`);
        if (name === 'src' && !isAllowedImageUrl(cleaned, POLICY.imageHosts)) problems.push(`image from ${value}`);
      }
    }
    if (element.name === 'a' && element.attribs.rel !== POST_LINK_REL) problems.push(`link without rel="${POST_LINK_REL}"`);
    if (element.name === 'code' && element.attribs.class !== undefined && !/^language-[\w+-]+$/.test(element.attribs.class)) {
      problems.push(`class ${element.attribs.class}`);
    }
  }
  return problems;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Filter-evasion payloads (OWASP XSS cheat sheet styles, adapted to Markdown), each written out in full. */
const PAYLOADS: string[] = [
  // raw tags and event handlers
  '<script>alert(1)</script>',
  '<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>',
  '<script/xss src="https://xss.example/x.js"></script>',
  '<<SCRIPT>alert("XSS");//<</SCRIPT>',
  '<img src=x onerror=alert(1)>',
  '<IMG SRC="javascript:alert(\'XSS\');">',
  '<img src=javascript:alert(&quot;XSS&quot;)>',
  '<IMG SRC=`javascript:alert("RSnake says, \'XSS\'")`>',
  '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">',
  '<img src=x onerror="&#x61;lert(1)">',
  '<body onload=alert(1)>',
  '<BODY ONLOAD=alert(\'XSS\')>',
  '<div onmouseover="alert(1)">hover</div>',
  '<a href="https://ok.example" onclick="alert(1)">x</a>',
  '<a onmouseover=alert(document.cookie)>xxs link</a>',
  '<input onfocus=alert(1) autofocus>',
  '<select onfocus=alert(1) autofocus>',
  '<textarea onfocus=alert(1) autofocus>',
  '<keygen onfocus=alert(1) autofocus>',
  '<video><source onerror="alert(1)">',
  '<audio src=x onerror=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<marquee onstart=alert(1)>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  '<form action="javascript:alert(1)"><button>go</button></form>',
  '<button formaction="javascript:alert(1)">x</button>',
  '<isindex action="javascript:alert(1)" type=image>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<link rel="stylesheet" href="javascript:alert(1)">',
  '<style>@import "javascript:alert(1)";</style>',
  '<style>body{background:url("javascript:alert(1)")}</style>',
  '<div style="background-image: url(javascript:alert(1))">',
  '<div style="width: expression(alert(1))">',
  '<p style="behavior: url(xss.htc)">x</p>',
  '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
  '<td background="javascript:alert(1)">',
  '<BGSOUND SRC="javascript:alert(1)">',
  '<LAYER SRC="https://xss.example/scriptlet.html"></LAYER>',
  '<XSS STYLE="behavior: url(xss.htc);">',
  '<FRAMESET><FRAME SRC="javascript:alert(1)"></FRAMESET>',
  '<template><script>alert(1)</script></template>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<xmp><img src=x onerror=alert(1)></xmp>',
  '<plaintext><script>alert(1)</script>',
  '<!--<img src="--><img src=x onerror=alert(1)//">',
  '<![CDATA[<script>alert(1)</script>]]>',
  // SVG and MathML
  '<svg onload=alert(1)>',
  '<svg><script>alert(1)</script></svg>',
  '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
  '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
  '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
  '<svg><use href="data:image/svg+xml,<svg id=x xmlns=http://www.w3.org/2000/svg><image href=1 onerror=alert(1) /></svg>#x" />',
  '<svg><foreignObject><iframe src="javascript:alert(1)"></iframe></foreignObject></svg>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<math href="javascript:alert(1)">CLICKME</math>',
  '<math><maction actiontype="statusline#" xlink:href="javascript:alert(1)">CLICKME</maction></math>',
  '<svg><style><img src=x onerror=alert(1)></style></svg>',
  '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
  // broken and nested tags
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '<img src="x" alt="a"onerror="alert(1)">',
  '<img/src="x"/onerror="alert(1)">',
  '<img\tsrc=x\tonerror=alert(1)>',
  '<img\nsrc=x\nonerror=alert(1)>',
  '<a href="#" \n onclick="alert(1)">x</a>',
  '<IMG SRC=# onmouseover="alert(\'xxs\')">',
  '<a """ onclick=alert(1)>x</a>',
  '"><script>alert(1)</script>',
  '\'><img src=x onerror=alert(1)>',
  '</textarea><script>alert(1)</script>',
  '</title><script>alert(1)</script>',
  '<div/onmouseover=\'alert(1)\'> style="x:">',
  '<a href=javas&#99;ript:alert(1)>x</a>',
  // markdown links with dangerous schemes
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](javascript:alert(document.domain))',
  '[click]( javascript:alert(1) )',
  '[click](<javascript:alert(1)>)',
  '[click](vbscript:msgbox(1))',
  '[click](VBScript:msgbox(1))',
  '[click](livescript:alert(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](data:text/html,<script>alert(1)</script>)',
  '[click](file:///etc/passwd)',
  '[click](blob:https://evil.example/uuid)',
  // entity-, percent- and whitespace-obfuscated schemes
  '[click](&#106;avascript:alert(1))',
  '[click](&#x6A;avascript:alert(1))',
  '[click](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1))',
  '[click](&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1))',
  '[click](javascript&colon;alert(1))',
  '[click](javascript&#58;alert(1))',
  '[click](java&Tab;script:alert(1))',
  '[click](java&NewLine;script:alert(1))',
  '[click](java\\tscript:alert(1))',
  '[click](%6Aavascript:alert(1))',
  '[click](javascript%3Aalert(1))',
  '[click](%20javascript:alert(1))',
  '[click](&#32;javascript:alert(1))',
  '[click](\u0001javascript:alert(1))',
  '[click](jav&#x09;ascript:alert(1))',
  '[click](jav&#x0A;ascript:alert(1))',
  '[click](jav&#x0D;ascript:alert(1))',
  '<a href="&#14;javascript:alert(1)">x</a>',
  '<a href="jav\u0000ascript:alert(1)">x</a>',
  // markdown images
  '![x](javascript:alert(1))',
  '![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)',
  '![x](data:image/png;base64,iVBORw0KGgo=)',
  '![x"onerror="alert(1)](https://img.example.com/a.png)',
  '![x](https://img.example.com/a.png"onerror="alert(1))',
  '![x](https://img.example.com/a.png "title\\" onerror=\\"alert(1)")',
  '![x](https://evil.example/tracker.png)',
  '![x](http://img.example.com.evil.example/a.png)',
  '![x](https://img.example.com@evil.example/a.png)',
  '![x](//evil.example/a.png)',
  '![x](https://cdn.example.net.evil.example/a.png)',
  '![x](https://evilcdn.example.net/a.png)',
  '![<img src=x onerror=alert(1)>](https://img.example.com/a.png)',
  '[![x](javascript:alert(1))](javascript:alert(2))',
  // reference links and autolinks
  '[click][x]\n\n[x]: javascript:alert(1)',
  '[click][x]\n\n[x]: <javascript:alert(1)>',
  '[click][x]\n\n[x]: &#106;avascript:alert(1) "title"',
  '![img][x]\n\n[x]: javascript:alert(1)',
  '[x]\n\n[x]: data:text/html,<script>alert(1)</script>',
  '<javascript:alert(1)>',
  '<JAVASCRIPT:alert(1)>',
  '<vbscript:msgbox(1)>',
  '<data:text/html,<script>alert(1)</script>>',
  'javascript:alert(1)',
  'www.example.com/"onmouseover="alert(1)',
  'https://example.com/<script>alert(1)</script>',
  '<mailto:a@example.com?subject=<script>alert(1)</script>>',
  // link titles and text
  '[x](https://ok.example "\\" onmouseover=\\"alert(1)")',
  '[x](https://ok.example \'\\\' onclick=alert(1)\')',
  '[<img src=x onerror=alert(1)>](https://ok.example)',
  '[x](https://ok.example)<img src=x onerror=alert(1)>',
  // code spans and blocks keep markup as text
  '`<script>alert(1)</script>`',
  '```html\n<script>alert(1)</script>\n```',
  '```"><script>alert(1)</script>\ncode\n```',
  '```js onload=alert(1)\ncode\n```',
  '    <img src=x onerror=alert(1)>',
  // tables and lists
  '| <img src=x onerror=alert(1)> | b |\n|---|---|\n| [x](javascript:alert(1)) | 2 |',
  '- [x](javascript:alert(1))\n- <svg onload=alert(1)>',
  '> <script>alert(1)</script>\n> [x](vbscript:x)',
  // encodings
  '%3Cscript%3Ealert(1)%3C/script%3E',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '&#60;script&#62;alert(1)&#60;/script&#62;',
  '\\<script\\>alert(1)\\</script\\>',
  '＜script＞alert(1)＜/script＞',
  '<script\u0000>alert(1)</script>',
  '\u003cscript\u003ealert(1)\u003c/script\u003e',
  '+ADw-script+AD4-alert(1)+ADw-/script+AD4-',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  '<img src="https://img.example.com/a.png" style="background:url(javascript:alert(1))">',
];

describe('renderPost', () => {
  it('has a corpus of at least 120 payloads', () => {
    expect(new Set(PAYLOADS).size).toBeGreaterThanOrEqual(120);
  });

  it.each(PAYLOADS.map((payload) => [payload]))('renders %j without a script, handler, dangerous URL or style', (payload) => {
    const { html } = renderPost(payload, POLICY);
    expect(problemsOf(html)).toEqual([]);
    // and the same payload inside a paragraph and a list item
    expect(problemsOf(renderPost(`Text before ${payload} text after`, POLICY).html)).toEqual([]);
    expect(problemsOf(renderPost(`- ${payload}`, POLICY).html)).toEqual([]);
  });

  it('the checker catches what it must (it can fail)', () => {
    expect(problemsOf('<script>alert(1)</script>')).toContain('element <script>');
    expect(problemsOf('<a href="java&#x09;script:alert(1)" rel="nofollow ugc noopener">x</a>')).toContain('URL scheme javascript: in href');
    expect(problemsOf('<img src="https://evil.example/x.png" onerror="x">')).toEqual(expect.arrayContaining(['event handler onerror', 'image from https://evil.example/x.png']));
    expect(problemsOf('<p style="color:red">x</p>')).toContain('style attribute');
  });

  it('renders ordinary Markdown', () => {
    const { html, plainText } = renderPost('# Invoices\n\nOpen **Billing** and see [the guide](https://help.example.com/a).\n\n```sh\nnpm ci\n```', POLICY);
    expect(html).toContain('<h1>Invoices</h1>');
    expect(html).toContain('<strong>Billing</strong>');
    expect(html).toContain('<a href="https://help.example.com/a" rel="nofollow ugc noopener">the guide</a>');
    expect(html).toContain('<code class="language-sh">npm ci');
    expect(plainText).toBe('Invoices Open Billing and see the guide. npm ci');
  });

  it('shows raw HTML as text', () => {
    expect(renderPost('<b>bold</b>', POLICY).html).toBe('<p>&lt;b&gt;bold&lt;/b&gt;</p>\n');
  });

  it('keeps images from allowed hosts and turns others into links', () => {
    expect(renderPost('![chart](https://img.example.com/c.png)', POLICY).html).toBe('<p><img src="https://img.example.com/c.png" alt="chart" /></p>\n');
    expect(renderPost('![chart](https://a.cdn.example.net/c.png)', POLICY).html).toContain('<img src="https://a.cdn.example.net/c.png"');
    expect(renderPost('![chart](https://evil.example/c.png)', POLICY).html).toBe(
      '<p><a href="https://evil.example/c.png" rel="nofollow ugc noopener">chart</a></p>\n',
    );
    expect(renderPost('![chart](https://img.example.com/c.png)', { imageHosts: [] }).html).not.toContain('<img');
  });

  it('links bare URLs with the user-content rel', () => {
    expect(renderPost('see https://example.com/x', POLICY).html).toBe('<p>see <a href="https://example.com/x" rel="nofollow ugc noopener">https://example.com/x</a></p>\n');
  });

  it('keeps table alignment as an attribute', () => {
    expect(renderPost('| a | b |\n|:-:|--:|\n| 1 | 2 |', POLICY).html).toContain('<th align="center">a</th>');
  });
});

describe('isAllowedImageUrl', () => {
  it.each([
    ['https://img.example.com/a.png', true],
    ['http://img.example.com/a.png', true],
    ['https://IMG.EXAMPLE.COM/a.png', true],
    ['https://x.cdn.example.net/a.png', true],
    ['https://cdn.example.net/a.png', false],
    ['https://xcdn.example.net/a.png', false],
    ['https://img.example.com.evil.example/a.png', false],
    ['https://user@img.example.com/a.png', false],
    ['ftp://img.example.com/a.png', false],
    ['/relative.png', false],
    ['javascript:alert(1)', false],
  ])('%s → %s', (url, expected) => {
    expect(isAllowedImageUrl(url, POLICY.imageHosts)).toBe(expected);
  });
});
