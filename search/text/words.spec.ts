import { escapeHtml, indexText, MAX_QUERY_WORDS, queryWords } from './words';

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
