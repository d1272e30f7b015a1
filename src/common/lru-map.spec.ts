import { LruMap } from './lru-map';

describe('LruMap', () => {
  it('evicts the least recently used entry, a read counting as a use', () => {
    const map = new LruMap<string, number>(2);
    map.set('a', 1);
    map.set('b', 2);
    expect(map.get('a')).toBe(1);
    map.set('c', 3);
    expect(map.get('b')).toBeUndefined();
    expect(map.get('a')).toBe(1);
    expect(map.get('c')).toBe(3);
    expect(map.size).toBe(2);
  });

  it('keeps null as a remembered value, apart from a miss', () => {
    const map = new LruMap<string, string | null>(4);
    map.set('known-nothing', null);
    expect(map.get('known-nothing')).toBeNull();
    expect(map.get('never-set')).toBeUndefined();
    expect(map.stats).toEqual({ hits: 1, misses: 1, entries: 1 });
  });

  it('stores nothing at capacity 0 and counts each lookup as a miss', () => {
    const map = new LruMap<string, number>(0);
    map.set('a', 1);
    expect(map.get('a')).toBeUndefined();
    expect(map.stats).toEqual({ hits: 0, misses: 1, entries: 0 });
    map.deleteWhere(() => true);
    map.clear();
  });

  it('deletes the entries a predicate picks and keeps the others', () => {
    const map = new LruMap<string, { articleId: string | null }>(10);
    map.set('x', { articleId: 'a1' });
    map.set('y', { articleId: null });
    map.set('z', { articleId: 'a2' });
    map.deleteWhere((_key, entry) => entry.articleId === null || entry.articleId === 'a1');
    expect(map.get('x')).toBeUndefined();
    expect(map.get('y')).toBeUndefined();
    expect(map.get('z')).toEqual({ articleId: 'a2' });
    map.clear();
    expect(map.size).toBe(0);
  });
});
