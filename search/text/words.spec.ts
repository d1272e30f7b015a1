import { compoundTokens, escapeHtml, indexText, MAX_QUERY_WORDS, queryWords } from './words';

describe('indexText', () => {
  it('keeps text without CJK as it is', () => {
    expect(indexText('Reset your password', 'en')).toBe('Reset your password');
  });

  it('splits Chinese into words and adds bigrams', () => {
    const text = indexText('如何下载发票', 'zh-CN');
    expect(text.split(/\s+/)).toEqual(expect.arrayContaining(['如何', '下载', '发票', '何下', '载发']));
  });

  it('splits Japanese', () => {
    expect(indexText('パスワードをリセットする', 'ja').split(/\s+/)).toEqual(expect.arrayContaining(['パスワード', 'リセット']));
  });

  it('keeps Latin words inside CJK text', () => {
    expect(indexText('下载PDF发票', 'zh-CN').split(/\s+/)).toEqual(expect.arrayContaining(['下载', 'PDF', '发票']));
  });
});

describe('queryWords', () => {
  it('lower-cases and splits on anything that is not a letter or digit', () => {
    expect(queryWords('Pasword  RESETT!', 'en')).toEqual(['pasword', 'resett']);
  });

  it.each(["a & b | !c", "(x):* 'y'", 'back\\slash', '<script>alert(1)</script>'])('drops query syntax: %s', (text) => {
    for (const word of queryWords(text, 'en')) expect(word).toMatch(/^[\p{L}\p{N}]+$/u);
  });

  it('segments CJK queries', () => {
    expect(queryWords('下载发票', 'zh-CN')).toEqual(['下载', '发票']);
    expect(queryWords('pdf发票', 'zh-CN')).toEqual(['pdf', '发票']);
  });

  it('bounds very long input', () => {
    const words = queryWords('word '.repeat(10_000), 'en');
    expect(words).toHaveLength(MAX_QUERY_WORDS);
    expect(queryWords('x'.repeat(10_000), 'en')[0].length).toBeLessThanOrEqual(64);
  });

  it('returns nothing for punctuation only', () => {
    expect(queryWords(' &|!():*\'\\ ', 'en')).toEqual([]);
  });
});

describe('escapeHtml', () => {
  it('escapes markup', () => {
    expect(escapeHtml(`<script>"x" & 'y'</script>`)).toBe('&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;');
  });
});

describe('one tokenizer for index and query', () => {
  const indexWords = (text: string, locale: string): string[] => indexText(text, locale).toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  // Index text, a query typed whole, a query typed in parts.
  it.each([
    ['Install node.js first', 'node.js', 'node js'],
    ['Upgrade to Ubuntu 12.04 LTS', '12.04', '12 04'],
    ['Edit /etc/fstab as root', '/etc/fstab', 'etc fstab'],
    ['Edit /etc/fstab as root', 'etc/fstab', 'fstab'],
    ['Learn C++ today', 'C++', 'c++'],
    ['Learn C# today', 'c#', 'C#'],
    ['Open xorg.conf', 'xorg.conf', 'xorg conf'],
    ['Rename my_var now', 'my_var', 'my var'],
    ['Edit /etc/X11/xorg.conf as root', 'xorg.conf', 'xorg conf'],
    ['Edit /etc/X11/xorg.conf as root', '/etc/X11/xorg.conf', 'etc X11 xorg conf'],
    ['Missing \\ubuntu\\winboot\\wubildr.mbr', 'wubildr.mbr', 'wubildr mbr'],
  ])('%s: found by %s and by %s in every locale', (text, whole, parts) => {
    for (const locale of ['en', 'de', 'ja', 'zh-CN', 'xx']) {
      const indexed = new Set(indexWords(text, locale));
      for (const query of [whole, parts]) for (const word of queryWords(query, locale)) expect([locale, query, word, indexed.has(word)]).toEqual([locale, query, word, true]);
    }
  });

  it('finds vite.config.js in a Japanese article, whole or in parts', () => {
    const indexed = new Set(indexWords('設定は vite.config.jsを編集します', 'ja'));
    for (const word of [...queryWords('vite.config.js', 'ja'), ...queryWords('vite config js', 'ja')]) expect(indexed.has(word)).toBe(true);
  });

  it('keeps C++ and C# apart from the letter c', () => {
    expect(queryWords('C++', 'en')).toEqual(['cplusplus']);
    expect(queryWords('c#', 'en')).toEqual(['csharp']);
    expect(queryWords('node.js', 'en')).toEqual(['nodejs']);
    expect(compoundTokens('a sentence. Another', 'index')).toBe('a sentence. Another');
  });

  it('makes the file names of a path words of their own', () => {
    expect(queryWords('/etc/X11/xorg.conf', 'en')).toEqual(['etcx11xorgconf', 'xorgconf']);
    expect(indexText('Open xorg.conf', 'en')).toContain('xorgconf'); // a path typed whole finds its file name alone
    expect(queryWords('~/.bashrc', 'en')).toEqual(['bashrc']);
    expect(queryWords('/etc/fstab', 'en')).toEqual(['etcfstab']);
    expect(compoundTokens('see src/vite.config.js', 'index').trim().split(/\s+/)).toEqual(['see', 'srcviteconfigjs', 'viteconfigjs', 'src', 'vite', 'config', 'js']);
  });
});
