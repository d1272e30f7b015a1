import { assetReferencesOf, MarkdownAsset, renderMarkdown } from './render-markdown';

const IMAGE_ID = '3f0c1a52-6a1b-4c8e-9a57-1c2d3e4f5a6b';
const PDF_ID = '7d1e2f30-4a5b-4c6d-8e9f-0a1b2c3d4e5f';
const IMAGE: MarkdownAsset = {
  kind: 'image',
  alt: 'Stored alt',
  url: '/assets/abc/original.png',
  width: 1200,
  height: 600,
  variants: [
    { url: '/assets/abc/w320.webp', width: 320 },
    { url: '/assets/abc/w1200.webp', width: 1200 },
  ],
};
const PDF: MarkdownAsset = { kind: 'attachment', alt: '', url: '/assets/def/original.pdf', width: null, height: null, variants: [] };
const ASSETS = new Map([
  [IMAGE_ID, IMAGE],
  [PDF_ID, PDF],
]);

function html(markdown: string): string {
  return renderMarkdown(markdown, { assets: ASSETS }).html;
}

describe('renderMarkdown with assets', () => {
  it('turns an asset image into an img with size, srcset, sizes and lazy loading', () => {
    expect(html(`![Chart](asset:${IMAGE_ID} "Monthly")`)).toBe(
      '<p><img src="/assets/abc/original.png" alt="Chart" title="Monthly" width="1200" height="600" ' +
        'srcset="/assets/abc/w320.webp 320w, /assets/abc/w1200.webp 1200w" sizes="(max-width: 1200px) 100vw, 1200px" loading="lazy" decoding="async" /></p>\n',
    );
  });

  it('uses the asset alt text when the Markdown gives none, and accepts an upper-case id', () => {
    expect(html(`![](asset:${IMAGE_ID.toUpperCase()})`)).toContain('alt="Stored alt"');
  });

  it('links an attachment', () => {
    expect(html(`[Manual](asset:${PDF_ID})`)).toBe('<p><a href="/assets/def/original.pdf">Manual</a></p>\n');
  });

  it.each([
    ['an unknown asset', `![x](asset:00000000-0000-4000-8000-000000000000)`, '<p></p>\n'],
    ['an attachment used as an image', `![x](asset:${PDF_ID})`, '<p></p>\n'],
    ['a malformed reference', '![x](asset:../../etc/passwd)', '<p></p>\n'],
    ['an unknown asset link', '[x](asset:00000000-0000-4000-8000-000000000000)', '<p><a>x</a></p>\n'],
  ])('drops %s', (_, markdown, expected) => {
    expect(html(markdown)).toBe(expected);
  });

  it('never lets the source set srcset, sizes, loading or size attributes', () => {
    expect(html('<img src="https://cdn.example.com/a.png" srcset="javascript:alert(1) 1x" sizes="1px" loading="eager" width="1" height="1" decoding="sync">')).toBe(
      '<img src="https://cdn.example.com/a.png" />',
    );
  });

  it('escapes the stored alt text', () => {
    const hostile = new Map([[IMAGE_ID, { ...IMAGE, alt: '"><script>alert(1)</script>' }]]);
    const rendered = renderMarkdown(`![](asset:${IMAGE_ID})`, { assets: hostile }).html;
    expect(rendered).not.toContain('<script');
    expect(rendered).toContain('alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('renders asset references as plain images without assets (no map)', () => {
    expect(renderMarkdown(`![x](asset:${IMAGE_ID})`).html).toBe('<p></p>\n');
  });
});

describe('assetReferencesOf', () => {
  it('lists each referenced id once, lower case', () => {
    expect(assetReferencesOf(`![a](asset:${IMAGE_ID}) [b](asset:${PDF_ID}) ![c](asset:${IMAGE_ID.toUpperCase()}) asset:nope`)).toEqual([IMAGE_ID, PDF_ID]);
  });
});
