import { chooseCluster, ClusteringParams, continuedClusters } from './incremental-clustering';

const clusterOf = (map: Record<number, string>) => (doc: number) => map[doc];
const sizes = (map: Record<string, number>) => (c: string) => map[c];

describe('chooseCluster', () => {
  const neighbours = [
    { doc: 1, score: 0.6 },
    { doc: 2, score: 0.5 },
    { doc: 3, score: 0.4 },
  ];
  const of = clusterOf({ 1: 'a', 2: 'b', 3: 'b' });
  const params = (p: Partial<ClusteringParams>): ClusteringParams => ({ threshold: 0.3, linkage: 'single', candidates: 10, ...p });

  it('single linkage joins the cluster of the best neighbour', () => {
    expect(chooseCluster(neighbours, of, sizes({ a: 1, b: 2 }), params({}))).toEqual({ cluster: 'a', similarity: 0.6 });
  });

  it('average linkage divides by the cluster size, so members that are not neighbours count 0', () => {
    expect(chooseCluster(neighbours, of, sizes({ a: 4, b: 2 }), params({ linkage: 'average' }))).toEqual({ cluster: 'b', similarity: 0.45 });
    expect(chooseCluster(neighbours, of, sizes({ a: 10, b: 10 }), params({ linkage: 'average' }))).toBeNull();
  });

  it('blend is the mean of both', () => {
    const choice = chooseCluster(neighbours, of, sizes({ a: 2, b: 2 }), params({ linkage: 'blend' }));
    expect(choice?.cluster).toBe('b');
    expect(choice?.similarity).toBeCloseTo((0.5 + 0.45) / 2, 10);
  });

  it('starts a new cluster below the threshold or without clustered neighbours', () => {
    expect(chooseCluster(neighbours, of, sizes({ a: 1, b: 2 }), params({ threshold: 0.7 }))).toBeNull();
    expect(chooseCluster(neighbours, () => undefined, sizes({}), params({}))).toBeNull();
    expect(chooseCluster([], of, sizes({}), params({}))).toBeNull();
  });

  it('accepts a similarity exactly at the threshold', () => {
    expect(chooseCluster([{ doc: 1, score: 0.3 }], of, sizes({ a: 1 }), params({}))?.cluster).toBe('a');
  });
});

describe('continuedClusters', () => {
  it('keeps the id of the earlier cluster most members were in', () => {
    expect(continuedClusters([['a', 'a', 'b'], ['b', null], [null]])).toEqual(['a', 'b', null]);
  });

  it('continues each earlier cluster once: the larger overlap wins it, the other cluster gets a new id', () => {
    // An earlier cluster split in two: the part with more of its members keeps its id.
    expect(continuedClusters([['a', 'a'], ['a', 'a', 'a']])).toEqual([null, 'a']);
    // The loser takes its next-best earlier cluster if that one is free.
    expect(continuedClusters([['a', 'a', 'b'], ['a', 'a', 'a']])).toEqual(['b', 'a']);
  });

  it('breaks ties by the new clusters\' order, then by the earlier id, so a replay is deterministic', () => {
    expect(continuedClusters([['x'], ['x']])).toEqual(['x', null]);
    expect(continuedClusters([['b', 'a']])).toEqual(['a']);
  });

  it('continues nothing for clusters of new members only, and handles no clusters', () => {
    expect(continuedClusters([[null, null]])).toEqual([null]);
    expect(continuedClusters([])).toEqual([]);
  });
});
