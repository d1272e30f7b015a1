import { articleSlugsIn, outlineMarkdown, recurringSeverity } from './recurring-findings';

describe('recurring-questions scan helpers', () => {
  it('finds article slugs through the site article path, absolute or relative', () => {
    const text = 'See [export](https://help.example.test/en/articles/exporting-invoices#csv) and /de/articles/Rechnungen?x=1, not /en/threads/foo';
    expect(articleSlugsIn(text, '/{locale}/articles/{slug}')).toEqual(['exporting-invoices', 'rechnungen']);
    expect(articleSlugsIn('nothing here', '/{locale}/articles/{slug}')).toEqual([]);
    expect(articleSlugsIn('[a](/kb/a-b.c)', '/kb/{slug}')).toEqual(['a-b.c']);
  });

  it('renders the outline as markdown', () => {
    expect(outlineMarkdown({ title: 'How to export', sections: [{ heading: 'What people ask', points: ['One', 'Two'] }] })).toBe(
      '# How to export\n\n## What people ask\n\n- One\n- Two',
    );
  });

  it('grades severity by askers', () => {
    expect(recurringSeverity(3, 3)).toBe('medium');
    expect(recurringSeverity(6, 3)).toBe('high');
  });
});
