import { outlineOfHtml, readingTimeMinutes } from './article-outline';
import { renderMarkdown } from './render-markdown';

describe('outlineOfHtml', () => {
  it('lists every heading of a rendered body with its level, text and the id it has in the HTML', () => {
    const { html } = renderMarkdown('# Billing\n\nIntro\n\n## Download *an* `invoice`\n\n### Tips & tricks\n\n## Download an invoice\n\n#### Deep');
    const outline = outlineOfHtml(html);
    expect(outline).toEqual([
      { level: 1, text: 'Billing', anchor: 'billing' },
      { level: 2, text: 'Download an invoice', anchor: 'download-an-invoice' },
      { level: 3, text: 'Tips & tricks', anchor: 'tips-tricks' },
      { level: 2, text: 'Download an invoice', anchor: 'download-an-invoice-2' },
      { level: 4, text: 'Deep', anchor: 'deep' },
    ]);
    for (const heading of outline) expect(html).toContain(` id="${heading.anchor}"`);
  });

  it('gives raw HTML headings an id too, replacing one the author wrote, and keeps anchors unique', () => {
    const { html } = renderMarkdown('<h2 id="x">First</h2>\n\n<h2 id="x">First</h2>\n\n## 设置');
    expect(outlineOfHtml(html)).toEqual([
      { level: 2, text: 'First', anchor: 'first' },
      { level: 2, text: 'First', anchor: 'first-2' },
      { level: 2, text: '设置', anchor: '设置' },
    ]);
    expect(html).not.toContain('id="x"');
  });

  it('leaves out headings without text and reads an empty body as no headings', () => {
    expect(outlineOfHtml(renderMarkdown('##\n\ntext').html)).toEqual([]);
    expect(outlineOfHtml('')).toEqual([]);
  });

  it('decodes entities in heading text', () => {
    expect(outlineOfHtml('<h2 id="a-b">A &lt;b&gt; &amp; &#39;c&#x27;</h2>')).toEqual([{ level: 2, text: "A <b> & 'c'", anchor: 'a-b' }]);
  });
});

describe('readingTimeMinutes', () => {
  it.each([
    ['an empty body', '', 1],
    ['a short text', 'Open Billing and download the invoice.', 1],
    ['230 words', Array(230).fill('word').join(' '), 1],
    ['690 words', Array(690).fill('word').join(' '), 3],
    ['1,000 Chinese characters', '设'.repeat(1000), 2],
    ['2,500 Japanese characters', 'あ'.repeat(2500), 5],
    ['mixed: 460 words and 1,000 Han characters', `${Array(460).fill('word').join(' ')} ${'设'.repeat(1000)}`, 4],
    ['punctuation is not a word', Array(1000).fill('—').join(' '), 1],
  ])('%s', (_, text, minutes) => {
    expect(readingTimeMinutes(text)).toBe(minutes);
  });
});
