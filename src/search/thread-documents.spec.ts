import type { SearchDocument } from '../../search/search-engine';
import { otherLocaleRefs } from './thread-documents';

describe('otherLocaleRefs', () => {
  it('names the thread in every locale but its board’s (left over when a board changes locale)', () => {
    const document = { kind: 'thread', id: 't1', locale: 'de' } as SearchDocument;
    expect(otherLocaleRefs([document], ['en', 'de', 'ja'])).toEqual([
      { kind: 'thread', id: 't1', locale: 'en' },
      { kind: 'thread', id: 't1', locale: 'ja' },
    ]);
  });
});
