import { chooseCluster, ClusteringParams } from './incremental-clustering';

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
