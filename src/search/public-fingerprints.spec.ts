import type { SearchDocument } from '../../search/search-engine';
import { publicFingerprint } from './public-fingerprints';

const published: SearchDocument = {
  kind: 'article',
  id: '5f0c6a52-8d1e-4d3f-9a43-0d6f2c1b7e10',
  locale: 'en',
  version: 7,
  visibility: 'public',
  status: 'published',
  title: 'Reset your password',
  headings: ['Steps'],
  body: 'Open settings.',
  slug: 'reset-your-password',
  categoryIds: ['c1'],
  productKeys: ['books'],
  tags: ['security'],
  solved: null,
  updatedAt: new Date('2026-11-01T00:00:00Z'),
  publishedAt: new Date('2026-10-01T00:00:00Z'),
};

describe('public fingerprint of a search document', () => {
  it('ignores what the public never sees: version and the time of the last (draft) edit', () => {
    expect(publicFingerprint({ ...published, version: 9, updatedAt: new Date() })).toBe(publicFingerprint(published));
  });

  it('changes with anything a public search shows or filters on', () => {
    const variants: Partial<SearchDocument>[] = [{ title: 'Reset a password' }, { body: 'Open the settings.' }, { tags: [] }, { categoryIds: ['c2'] }, { slug: 'reset' }, { publishedAt: new Date() }];
    for (const change of variants) expect(publicFingerprint({ ...published, ...change })).not.toBe(publicFingerprint(published));
  });

  it('is the same for every staff-only document, whatever its text', () => {
    expect(publicFingerprint({ ...published, visibility: 'staff', status: 'draft' })).toBe(publicFingerprint({ ...published, visibility: 'staff', title: 'Other' }));
    expect(publicFingerprint({ ...published, visibility: 'staff' })).not.toBe(publicFingerprint(published));
  });
});
