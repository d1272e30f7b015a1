import { surrogateKeyHeaders, surrogateKeysOf } from './surrogate-keys';

describe('surrogateKeysOf', () => {
  it('names the article, its category and breadcrumbs, plus the global key', () => {
    const keys = surrogateKeysOf({
      article: { id: 'a1', title: 'T', categoryId: 'c1', seo: { title: 'x' }, breadcrumbs: [{ id: 'c0' }, { id: 'c1' }], related: [{ id: 'a2', categoryId: 'c2' }] },
    });
    expect(keys.sort()).toEqual(['article:a1', 'article:a2', 'category:c0', 'category:c1', 'category:c2', 'evergreen']);
  });

  it('gives lists their list key and each node its key', () => {
    const keys = surrogateKeysOf({ articles: { edges: [{ cursor: 'x', node: { id: 'a1', categoryId: 'c1' } }, { node: { id: 'a2', categoryId: 'c1' } }], totalCount: 2 } });
    expect(keys.sort()).toEqual(['article:a1', 'article:a2', 'articles', 'category:c1', 'evergreen']);
  });

  it('falls back to the list key when an article is answered without its id', () => {
    expect(surrogateKeysOf({ article: { title: 'T', bodyHtml: '<p>x</p>' } }).sort()).toEqual(['articles', 'evergreen']);
  });

  it('names the category tree with its children', () => {
    expect(surrogateKeysOf({ categories: [{ id: 'c1', children: [{ id: 'c2', children: [] }] }] }).sort()).toEqual(['articles', 'category:c1', 'category:c2', 'evergreen']);
  });

  it('names threads, and gives unknown (aliased) roots every list key', () => {
    expect(surrogateKeysOf({ thread: { id: 't1', title: 'Q' } }).sort()).toEqual(['evergreen', 'thread:t1']);
    expect(surrogateKeysOf({ mine: { id: 'x' } }).sort()).toEqual(['articles', 'evergreen', 'threads']);
  });

  it('drops item keys from a header that would be too long, keeping the list keys', () => {
    const many = Array.from({ length: 400 }, (_, i) => `article:${'0'.repeat(30)}${i}`);
    const headers = surrogateKeyHeaders(['evergreen', 'articles', ...many]);
    expect(headers.surrogateKey).toBe('evergreen articles');
    expect(headers.cacheTag).toBe('evergreen,articles');
    expect(surrogateKeyHeaders(['evergreen', 'article:a1']).cacheTag).toBe('evergreen,article:a1');
  });
});
