import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const SRC = __dirname;
/** Resolver-only layers sit above every domain module (STYLE: admin/ and delivery/ hold resolver modules). */
const RESOLVER_LAYERS = new Set(['admin', 'delivery']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [full] : [];
  });
}

/** `users`, `auth`, or a resolver layer such as `users/admin`; null outside `src/` (e.g. `search/`, `migrations/`). */
function moduleOf(file: string): string | null {
  const relative = path.relative(SRC, file);
  if (relative.startsWith('..')) return null;
  const parts = relative.split(path.sep);
  if (parts.length === 1) return '(root)';
  return parts.length > 2 && RESOLVER_LAYERS.has(parts[1]) ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** Module → the modules its files import (relative imports, `import type` included). */
function moduleGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = moduleOf(file)!;
    const edges = graph.get(from) ?? new Set<string>();
    graph.set(from, edges);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)'/g)) {
      const to = moduleOf(path.resolve(path.dirname(file), specifier));
      if (to && to !== from) edges.add(to);
    }
  }
  return graph;
}

/** Each import chain that leads from `start` back to `start`. */
function cyclesThrough(graph: Map<string, Set<string>>, start: string): string[][] {
  const cycles: string[][] = [];
  const walk = (node: string, trail: string[]): void => {
    for (const next of graph.get(node) ?? []) {
      if (next === start) cycles.push([...trail, start]);
      else if (!trail.includes(next)) walk(next, [...trail, next]);
    }
  };
  walk(start, [start]);
  return cycles;
}

describe('module dependencies', () => {
  const graph = moduleGraph();

  it('finds the modules', () => {
    expect([...graph.keys()]).toEqual(expect.arrayContaining(['auth', 'users', 'common', 'users/admin', 'auth/admin']));
  });

  it.each([
    ['users', 'auth'],
    ['common', 'auth'],
    ['common', 'users'],
  ])('has no import chain from %s back to itself through %s', (module, through) => {
    expect(cyclesThrough(graph, module).filter((cycle) => cycle.includes(through))).toEqual([]);
  });

  it('keeps common below every domain module', () => {
    expect([...(graph.get('common') ?? [])].filter((to) => !['config'].includes(to))).toEqual([]);
  });
});
