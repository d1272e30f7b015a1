import { articleJsonLd } from './article-json-ld';

describe('articleJsonLd', () => {
  const base = {
    title: 'Download an invoice',
    description: 'Open Billing.',
    url: 'https://help.example.com/en/articles/download-an-invoice',
    locale: 'en',
    firstPublishedAt: new Date('2026-01-01T00:00:00Z'),
    lastModified: new Date('2026-02-01T00:00:00Z'),
    section: 'Billing',
    tags: ['pdf', 'invoices'],
  };

  it('describes a published article', () => {
    expect(articleJsonLd(base)).toEqual({
      '@context': 'https://schema.org',
      '@type': 'Article',
      headline: 'Download an invoice',
      name: 'Download an invoice',
      description: 'Open Billing.',
      url: base.url,
      mainEntityOfPage: { '@type': 'WebPage', '@id': base.url },
      inLanguage: 'en',
      datePublished: '2026-01-01T00:00:00.000Z',
      dateModified: '2026-02-01T00:00:00.000Z',
      articleSection: 'Billing',
      keywords: 'pdf, invoices',
    });
  });

  it('cuts long headlines to 110 characters and leaves out what is missing', () => {
    const ld = articleJsonLd({ ...base, title: 'x'.repeat(200), section: null, tags: [] });
    expect((ld.headline as string).length).toBe(110);
    expect(ld).not.toHaveProperty('articleSection');
    expect(ld).not.toHaveProperty('keywords');
  });
});
