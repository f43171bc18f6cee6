import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lambdas } from '../../shared/registry.js';
import { ROOT } from './bundle-functions.js';

/**
 * Heavy packages and the functions whose work needs them. Anything else reaching one of
 * these through its imports is a bundle-size (and cold-start) regression: exceljs alone is
 * ~1 MB minified, full zod ~450 KB (the code uses zod/mini), vega ~800 KB.
 */
const HEAVY: Record<string, { why: string; allowed: (id: string) => boolean }> = {
  exceljs: {
    why: 'XLSX reading/writing',
    allowed: (id) =>
      ['students-export', 'students-bulk-import', 'tables-export', 'tables-import', 'imports-on-object-created'].includes(id) || /import-worker/.test(id),
  },
  vega: { why: 'chart rendering', allowed: (id) => ['students-charts', 'students-score-distribution'].includes(id) },
  'vega-lite': { why: 'chart specs', allowed: (id) => ['students-charts', 'students-score-distribution'].includes(id) },
  zod: { why: "classic zod (use 'zod/mini')", allowed: () => false },
};

const IMPORT = /(?:^|[^\w.])(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The bare package names a source file reaches through its relative imports (type-only imports excluded). */
function packagesReached(entry: string): Map<string, string[]> {
  const reached = new Map<string, string[]>();
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8').replace(/^\s*(?:import|export)\s+type\s[^;]*;/gm, '');
    for (const match of source.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2]!;
      if (specifier.startsWith('.')) {
        const resolved = path.resolve(path.dirname(file), specifier.replace(/\.js$/, '.ts'));
        if (existsSync(resolved)) walk(resolved, [...chain, path.relative(ROOT, resolved)]);
      } else if (!specifier.startsWith('node:')) {
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        // zod/mini is the light build; only the bare 'zod' (classic) counts as heavy.
        const key = name === 'zod' && specifier !== 'zod' ? 'zod/mini' : name;
        if (!reached.has(key)) reached.set(key, chain);
      }
    }
  };
  walk(path.join(ROOT, entry), [entry]);
  return reached;
}

describe('bundle weight: heavy packages only where the work needs them', () => {
  it.each(lambdas.map((fn) => [fn.id, fn.entry] as const))('%s', (id, entry) => {
    const reached = packagesReached(entry);
    const offending = Object.entries(HEAVY)
      .filter(([name, rule]) => reached.has(name) && !rule.allowed(id))
      .map(([name, rule]) => `${name} (${rule.why}) via ${reached.get(name)!.join(' → ')}`);
    expect(offending).toEqual([]);
  });

  it('finds a heavy package where one is needed (the walk itself works)', () => {
    expect(packagesReached('functions/students/export.ts').has('exceljs')).toBe(true);
    expect(packagesReached('functions/students/charts.ts').has('vega')).toBe(true);
  });
});
