import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Modules depend downward only: no import circle anywhere in the app (type-only imports count,
 * they tie the modules' designs together all the same). The layer rules themselves are ESLint's
 * (tools/lint/eslint.config.js); a cycle needs the whole graph, so it is checked here.
 */

const repo = join(import.meta.dirname, '../..');
const roots = ['electron', 'shared', 'renderer/src'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

function resolve(from: string, spec: string): string | undefined {
  const base = spec.startsWith('@shared/')
    ? join(repo, 'shared', spec.slice('@shared/'.length))
    : spec.startsWith('.')
      ? normalize(join(dirname(from), spec))
      : undefined;
  if (!base) return undefined;
  return [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((candidate) => existsSync(candidate));
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of roots.flatMap((root) => sources(join(repo, root)))) {
    const text = readFileSync(file, 'utf8');
    const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+'([^']+)'/g)].map((m) => m[1]!);
    graph.set(
      file,
      specs.map((spec) => resolve(file, spec)).filter((target): target is string => !!target),
    );
  }
  return graph;
}

/** Strongly connected components of more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.map((f) => relative(repo, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('module graph', () => {
  it('reads the imports', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get(join(repo, 'renderer/src/app/screen-router.tsx'))).toContain(join(repo, 'renderer/src/app/navigation.tsx'));
  });

  it('has no import circles', () => {
    expect(cycles(importGraph())).toEqual([]);
  });
});
