import { Neighbour } from './similarity-index';

/**
 * Incremental clustering of questions: a new question joins the existing cluster it is most similar to,
 * if that similarity reaches the threshold, or starts a cluster of its own. Nothing already assigned moves,
 * so adding one question costs one neighbour search; `recluster` replays the same rule over a window in
 * creation order, which gives exactly what the incremental path would have given.
 */
export interface ClusteringParams {
  /** Minimum cluster similarity (normalised, 0–1) to join a cluster. */
  threshold: number;
  /**
   * How a cluster's similarity is computed from the new question's similarity to its members:
   * `single` = the best member; `average` = the sum over members divided by the cluster size
   * (members outside the candidate list count 0), which keeps one chain of look-alikes from gluing
   * unrelated questions together; `blend` = the mean of both.
   */
  linkage: 'single' | 'average' | 'blend';
  /** Candidate neighbours fetched from the inverted index per new question. */
  candidates: number;
}

export const DEFAULT_CLUSTERING_PARAMS: ClusteringParams = {
  threshold: 0.25,
  linkage: 'blend',
  candidates: 30,
};

export interface ClusterChoice<C> {
  cluster: C;
  similarity: number;
}

/** The cluster a question with these (normalised) neighbours joins, or null to start a new one. */
export function chooseCluster<C>(
  neighbours: Neighbour[],
  clusterOf: (doc: number) => C | undefined,
  sizeOf: (cluster: C) => number,
  params: ClusteringParams,
): ClusterChoice<C> | null {
  const best = new Map<C, number>();
  const sum = new Map<C, number>();
  for (const n of neighbours) {
    const cluster = clusterOf(n.doc);
    if (cluster === undefined) continue;
    best.set(cluster, Math.max(best.get(cluster) ?? 0, n.score));
    sum.set(cluster, (sum.get(cluster) ?? 0) + n.score);
  }
  let choice: ClusterChoice<C> | null = null;
  for (const [cluster, max] of best) {
    const average = sum.get(cluster)! / Math.max(1, sizeOf(cluster));
    const similarity = params.linkage === 'single' ? max : params.linkage === 'average' ? average : (max + average) / 2;
    if (similarity >= params.threshold && (choice === null || similarity > choice.similarity)) choice = { cluster, similarity };
  }
  return choice;
}


/**
 * Which earlier cluster each cluster of a recluster continues, given, per new cluster (in creation order), the
 * earlier cluster of each of its members (null: none). A new cluster continues the earlier cluster most of its
 * members were in; each earlier cluster is continued at most once (largest overlaps first, ties by the new
 * cluster's order, then by the earlier id). Continued clusters keep their ids, so the flags and content gaps
 * keyed by a cluster stay with the question group they describe. Null: a cluster that continues none.
 */
export function continuedClusters(previousOfMembers: readonly (readonly (string | null)[])[]): (string | null)[] {
  const overlaps: { cluster: number; previous: string; members: number }[] = [];
  previousOfMembers.forEach((previous, cluster) => {
    const counts = new Map<string, number>();
    for (const id of previous) if (id !== null) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const [id, members] of counts) overlaps.push({ cluster, previous: id, members });
  });
  overlaps.sort((a, b) => b.members - a.members || a.cluster - b.cluster || (a.previous < b.previous ? -1 : a.previous > b.previous ? 1 : 0));
  const continued: (string | null)[] = previousOfMembers.map(() => null);
  const taken = new Set<string>();
  for (const { cluster, previous } of overlaps) {
    if (continued[cluster] !== null || taken.has(previous)) continue;
    continued[cluster] = previous;
    taken.add(previous);
  }
  return continued;
}
