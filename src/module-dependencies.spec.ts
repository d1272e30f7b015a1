import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SRC = __dirname;

/** Imports pointing the wrong way that are accepted; no new one may be added. */
const KNOWN_BACK_EDGES = new Set([
  'config->common', // config/runtime-config.ts reads a secret file through common/secret-file.ts
]);
/** Resolver-only layers sit above every domain module (STYLE: admin/ and delivery/ hold resolver modules). */
const RESOLVER_LAYERS = new Set(['admin', 'delivery']);
/** articles/delivery holds the delivery read services as well as its resolvers: it stays part of articles. */
const LAYERS_OWNED_BY_MODULE = new Set(['articles/delivery']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/**
 * Module of a file: its top-level folder under src/, or a resolver layer such as `users/admin`
 * (files directly in src/ compose the app and belong to none).
 */
function moduleOf(path: string): string | null {
  const parts = relative(SRC, path).split(sep);
  if (parts.length <= 1 || parts[0] === '..') return null;
  const layer = `${parts[0]}/${parts[1]}`;
  return parts.length > 2 && RESOLVER_LAYERS.has(parts[1]) && !LAYERS_OWNED_BY_MODULE.has(layer) ? layer : parts[0];
}

/** Module → modules it imports at run time (`import type` erases and cannot form a cycle). */
function moduleGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(SRC)) {
    const from = moduleOf(file);
    if (!from) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^import (?!type )[^;]*?from '(\.[^']+)'/gms)) {
      const to = moduleOf(resolve(dirname(file), match[1]));
      if (to && to !== from && !KNOWN_BACK_EDGES.has(`${from}->${to}`)) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

function reachable(graph: Map<string, Set<string>>, start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(graph.get(start) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(graph.get(next) ?? []));
  }
  return seen;
}

describe('module dependencies', () => {
  const graph = moduleGraph();

  it('sees the modules and their imports', () => {
    expect(graph.get('articles')).toContain('changes');
    expect(graph.get('changes')).toContain('search');
  });

  it('point one way: no two modules reach each other', () => {
    const modules = [...graph.keys()].sort();
    const cycles: string[] = [];
    for (const a of modules) {
      const fromA = reachable(graph, a);
      for (const b of modules) if (a < b && fromA.has(b) && reachable(graph, b).has(a)) cycles.push(`${a}<->${b}`);
    }
    expect(cycles).toEqual([]);
  });

  it.each([
    ['search', 'articles'],
    ['products', 'articles'],
    ['changes', 'articles'],
    ['search', 'changes'],
    ['users', 'auth'],
    ['common', 'auth'],
    ['common', 'users'],
  ])('%s does not reach %s', (lower, higher) => {
    expect(reachable(graph, lower)).not.toContain(higher);
  });

  it('keeps common below every domain module', () => {
    expect([...(graph.get('common') ?? [])].filter((to) => to !== 'config')).toEqual([]);
  });
});
