import { articleUrl, categoryUrl, threadUrl } from './site-urls';

describe('site URLs', () => {
  const site = { baseUrl: 'https://help.example.com', articlePath: '/{locale}/articles/{slug}', threadPath: '/{locale}/community/t/{slug}', categoryPath: '/c/{slug}?lang={locale}' };

  it('fills each template with the encoded locale and slug', () => {
    expect(articleUrl(site, 'en', 'reset-password')).toBe('https://help.example.com/en/articles/reset-password');
    expect(threadUrl(site, 'pt-BR', 'não-consigo entrar')).toBe('https://help.example.com/pt-BR/community/t/n%C3%A3o-consigo%20entrar');
    expect(categoryUrl(site, 'de', 'a/b?c')).toBe('https://help.example.com/c/a%2Fb%3Fc?lang=de');
  });

  it('takes templates that repeat, omit or start with a placeholder', () => {
    const odd = { baseUrl: '', articlePath: '{slug}/{slug}', threadPath: '/forum', categoryPath: '{locale}' };
    expect(articleUrl(odd, 'en', 'x')).toBe('x/x');
    expect(threadUrl(odd, 'en', 'x')).toBe('/forum');
    expect(categoryUrl(odd, 'fr', 'x')).toBe('fr');
  });

  it('follows each configuration object', () => {
    const other = { ...site, baseUrl: 'https://docs.example.org', articlePath: '/kb/{slug}' };
    expect(articleUrl(site, 'en', 'a')).toBe('https://help.example.com/en/articles/a');
    expect(articleUrl(other, 'en', 'a')).toBe('https://docs.example.org/kb/a');
  });
});
