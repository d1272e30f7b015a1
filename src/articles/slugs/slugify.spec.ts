import { isValidSlug, MAX_SLUG_LENGTH, SLUG_PATTERN, slugify, withSuffix } from './slugify';

function length(text: string): number {
  return Array.from(text).length;
}

describe('slugify', () => {
  it.each([
    ['English', 'How to Reset Your Password', 'en', 'how-to-reset-your-password'],
    ['French diacritics', 'Réinitialiser le mot de passe', 'fr', 'reinitialiser-le-mot-de-passe'],
    ['French in a regional locale', 'Ça coûte combien ?', 'fr-CA', 'ca-coute-combien'],
    ['German ß and umlauts', 'Größe ändern: Übersicht', 'de', 'groesse-aendern-uebersicht'],
    ['German umlauts outside German', 'Straße über', 'en', 'strasse-uber'],
    ['Chinese in zh-CN stays Unicode', '如何下载发票', 'zh-CN', '如何下载发票'],
    ['Chinese in en becomes pinyin', '如何下载发票', 'en', 'ru-he-xia-zai-fa-piao'],
    ['Japanese in ja stays Unicode', 'パスワードをリセットする', 'ja', 'パスワードをリセットする'],
    ['Korean in ko stays Unicode', '비밀번호 재설정', 'ko', '비밀번호-재설정'],
    ['Korean in en is romanized', '비밀번호 재설정', 'en', 'bimilbeonho-jaeseoljeong'],
    ['mixed Chinese and Latin', '如何下载 PDF 发票', 'zh-CN', '如何下载-pdf-发票'],
    ['mixed without spaces', '如何下载PDF发票', 'zh-TW', '如何下载-pdf-发票'],
    ['diacritics in a CJK locale', 'Réinitialiser 密码', 'zh-CN', 'reinitialiser-密码'],
    ['full-width characters (NFKC)', 'ＰＤＦ　ファイル', 'ja', 'pdf-ファイル'],
    ['Cyrillic', 'Привет мир', 'ru', 'privet-mir'],
    ['punctuation', 'What’s new in v2.0? (Beta) — “quotes” & more!!!', 'en', 'what-s-new-in-v2-0-beta-quotes-more'],
    ['symbols', 'C++ & C# -- tips / tricks', 'en', 'c-c-tips-tricks'],
    ['emoji', '🚀 Launch 🎉 day', 'en', 'launch-day'],
    ['emoji in a CJK locale', '🎉 新功能', 'zh-CN', '新功能'],
    ['leading and trailing separators', '  --Hello--World--  ', 'en', 'hello-world'],
    ['empty', '', 'en', 'article'],
    ['whitespace only', '   ', 'zh-CN', 'article'],
    ['punctuation only', '?!…— ***', 'en', 'article'],
    ['emoji only', '🎉🎉', 'ja', 'article'],
  ])('%s', (_, title, locale, expected) => {
    expect(slugify(title, locale)).toBe(expected);
  });

  it('cuts a long title at a dash within 80 characters', () => {
    const slug = slugify(Array(30).fill('word').join(' '), 'en');
    expect(slug).toBe(Array(16).fill('word').join('-'));
    expect(length(slug)).toBe(79);
  });

  it('keeps a word that ends exactly at 80 characters', () => {
    const title = `${'a'.repeat(39)} ${'b'.repeat(40)} ccc`;
    expect(slugify(title, 'en')).toBe(`${'a'.repeat(39)}-${'b'.repeat(40)}`);
  });

  it('cuts a long word or CJK title at 80 characters', () => {
    expect(slugify('a'.repeat(100), 'en')).toBe('a'.repeat(80));
    expect(slugify('如'.repeat(100), 'zh-CN')).toBe('如'.repeat(80));
    expect(slugify(`ab ${'c'.repeat(100)}`, 'en')).toBe(`ab-${'c'.repeat(77)}`);
  });

  it('counts characters, not UTF-16 units', () => {
    const slug = slugify('𠀀'.repeat(100), 'zh-CN');
    expect(length(slug)).toBe(MAX_SLUG_LENGTH);
    expect(isValidSlug(slug)).toBe(true);
  });

  it.each([
    ['How to Reset Your Password', 'en'],
    ['如何下载 PDF 发票', 'zh-CN'],
    ['カタカナー々', 'ja'],
    ['İstanbul ılık ǅemal', 'tr'],
    ['I ❤ Unicode ½ ² ﬁ', 'en'],
    [`${'word '.repeat(40)}`, 'de'],
    ['???', 'ko'],
  ])('always returns a valid slug for %j (%s)', (title, locale) => {
    expect(isValidSlug(slugify(title, locale))).toBe(true);
  });
});

describe('isValidSlug', () => {
  it.each([
    'reset-password',
    'a',
    'v2',
    '2024-release-notes',
    '如何下载发票',
    '如何下载-pdf-发票',
    'パスワードをリセットする',
    'réinitialiser',
    'a'.repeat(80),
    '如'.repeat(80),
  ])('accepts %j', (slug) => {
    expect(isValidSlug(slug)).toBe(true);
    expect(SLUG_PATTERN.test(slug)).toBe(true);
  });

  it.each([
    '',
    'Reset-Password',
    'reset--password',
    '-reset',
    'reset-',
    'reset password',
    'reset_password',
    'reset/password',
    'reset.html',
    '../etc',
    'emoji-🎉',
    'a'.repeat(81),
    '如'.repeat(81),
    'line\nbreak',
  ])('refuses %j', (slug) => {
    expect(isValidSlug(slug)).toBe(false);
  });
});

describe('withSuffix', () => {
  it('appends the number', () => {
    expect(withSuffix('reset-password', 2)).toBe('reset-password-2');
    expect(withSuffix('如何下载发票', 3)).toBe('如何下载发票-3');
  });

  it('shortens the base to stay within 80 characters', () => {
    const suffixed = withSuffix('a'.repeat(80), 12);
    expect(suffixed).toBe(`${'a'.repeat(77)}-12`);
    expect(isValidSlug(suffixed)).toBe(true);
  });

  it('does not leave a double dash when the cut falls on a dash', () => {
    const slug = `${'a'.repeat(77)}-bb`;
    expect(withSuffix(slug, 2)).toBe(`${'a'.repeat(77)}-2`);
  });

  it.each([0, 1, 2.5, Number.NaN])('refuses %p as a suffix', (n) => {
    expect(() => withSuffix('slug', n)).toThrow(RangeError);
  });
});
