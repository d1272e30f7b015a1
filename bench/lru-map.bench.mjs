// Cost per cache operation of the process caches (src/common/lru-map.ts) against the Map-based LRU it replaced
// (issue 10, the long tail): a full cache, keys drawn uniformly from five times its capacity (mostly misses, each
// evicting), then reads of a tenth of its keys (mostly hits). Writes bench/results/lru-map.{md,json}.
//   npm run build && node bench/lru-map.bench.mjs
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ROOT, environment, markdownTable, round, writeResults } from './lib.mjs';

const { LruMap } = createRequire(import.meta.url)(path.join(ROOT, 'dist/src/common/lru-map.js'));

/** The earlier LruMap: a Map whose reads re-insert and whose evictions delete its first key. */
class MapLru {
  constructor(capacity) {
    this.capacity = capacity;
    this.entries = new Map();
  }
  get(key) {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
  set(key, value) {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value);
  }
}

const OPERATIONS = 300_000;
function measure(make, capacity) {
  const cache = make(capacity);
  for (let i = 0; i < capacity; i += 1) cache.set(`warm-${i}`, { i });
  let started = process.hrtime.bigint();
  for (let i = 0; i < OPERATIONS; i += 1) {
    const key = `k-${Math.floor(Math.random() * capacity * 5)}`;
    if (cache.get(key) === undefined) cache.set(key, { i });
  }
  const missHeavy = Number(process.hrtime.bigint() - started) / OPERATIONS / 1000;
  started = process.hrtime.bigint();
  for (let i = 0; i < OPERATIONS; i += 1) {
    const key = `k-${Math.floor(Math.random() * (capacity / 10))}`;
    if (cache.get(key) === undefined) cache.set(key, { i });
  }
  const hitHeavy = Number(process.hrtime.bigint() - started) / OPERATIONS / 1000;
  return { missHeavy: round(missHeavy, 2), hitHeavy: round(hitHeavy, 2) };
}

const rows = [];
for (const capacity of [500, 20_000, 80_000]) {
  for (const [name, make] of [['Map, evicting its first key (before)', (c) => new MapLru(c)], ['LruMap on lru-cache (now)', (c) => new LruMap(c)]]) {
    const r = measure(make, capacity);
    rows.push({ capacity, name, ...r });
    console.log(`${capacity} entries, ${name}: ${r.missHeavy} µs per lookup (mostly misses), ${r.hitHeavy} µs (mostly hits)`);
  }
}
const env = environment();
const markdown = `# Process caches: cost per lookup

Command: \`npm run build && node bench/lru-map.bench.mjs\`; ${env.date}; Node ${env.node}; ${env.cpuCount} × ${env.cpuModel}

A full cache; ${OPERATIONS.toLocaleString('en')} lookups of keys drawn uniformly from five times its capacity (a miss stores the key, evicting
the least recently used), then ${OPERATIONS.toLocaleString('en')} of keys drawn from a tenth of it. The delivery cache of
\`DELIVERY_CACHE_ENTRIES=20000\` holds 20,000 articles, 20,000 responses and 80,000 slug pointers.

${markdownTable(['entries', 'implementation', 'µs per lookup, mostly misses', 'µs per lookup, mostly hits'], rows.map((r) => [r.capacity, r.name, r.missHeavy, r.hitHeavy]))}
`;
writeResults('lru-map', { environment: env, operations: OPERATIONS, rows }, markdown);
