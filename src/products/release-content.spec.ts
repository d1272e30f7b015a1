import { ChangeKind } from './entities/release-change.entity';
import { normalizeReleaseContent, ReleaseContent, releaseDifferences } from './release-content';

const base: ReleaseContent = {
  version: '2.4.0',
  releasedAt: new Date('2026-03-01T09:30:00.000Z'),
  notesMarkdown: '## Billing\n\nInvoices moved.',
  changes: [
    { kind: ChangeKind.Removed, summary: 'CSV export of invoices', featureKeys: ['billing.invoices', 'billing.export'] },
    { kind: ChangeKind.Added, summary: 'PDF receipts', featureKeys: [] },
  ],
};

describe('normalizeReleaseContent', () => {
  it('fills empty notes and feature keys, and keeps the first of repeated feature keys in order', () => {
    const content = normalizeReleaseContent({
      version: '1.0',
      releasedAt: base.releasedAt,
      changes: [
        { kind: ChangeKind.Fixed, summary: 'A', featureKeys: ['b', 'a', 'b'] },
        { kind: ChangeKind.Fixed, summary: 'B', featureKeys: null },
      ],
    });
    expect(content).toEqual({
      version: '1.0',
      releasedAt: base.releasedAt,
      notesMarkdown: '',
      changes: [
        { kind: ChangeKind.Fixed, summary: 'A', featureKeys: ['b', 'a'] },
        { kind: ChangeKind.Fixed, summary: 'B', featureKeys: [] },
      ],
    });
  });

  it('treats missing changes as none', () => {
    expect(normalizeReleaseContent({ version: '1', releasedAt: base.releasedAt, changes: null }).changes).toEqual([]);
  });
});

describe('releaseDifferences', () => {
  const copy = (): ReleaseContent => ({ ...base, changes: base.changes.map((c) => ({ ...c, featureKeys: [...c.featureKeys] })) });

  it('finds none between equal contents, whatever the Date instances', () => {
    expect(releaseDifferences(base, { ...copy(), releasedAt: new Date(base.releasedAt.getTime()) })).toEqual([]);
  });

  it.each<[string, (c: ReleaseContent) => void, string[]]>([
    ['a different instant', (c) => (c.releasedAt = new Date('2026-03-01T09:30:00.001Z')), ['releasedAt']],
    ['different notes', (c) => (c.notesMarkdown += ' '), ['notesMarkdown']],
    ['a different kind', (c) => (c.changes[0].kind = ChangeKind.Deprecated), ['changes']],
    ['a different summary', (c) => (c.changes[1].summary = 'PDF receipt'), ['changes']],
    ['a missing feature key', (c) => c.changes[0].featureKeys.pop(), ['changes']],
    ['reordered feature keys', (c) => c.changes[0].featureKeys.reverse(), ['changes']],
    ['reordered changes', (c) => c.changes.reverse(), ['changes']],
    ['one change fewer', (c) => c.changes.pop(), ['changes']],
    ['a different version', (c) => (c.version = '2.4.1'), ['version']],
    ['notes and changes', (c) => ((c.notesMarkdown = ''), (c.changes = [])), ['notesMarkdown', 'changes']],
  ])('reports %s', (_, change, expected) => {
    const incoming = copy();
    change(incoming);
    expect(releaseDifferences(base, incoming)).toEqual(expected);
  });
});
