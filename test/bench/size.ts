import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleDir, bundleFunctions, CHUNK_DIR, ROOT } from '../../infra/build/bundle-functions.js';
import { functions } from '../../shared/registry.js';
import { type BenchOutcome, type Check, printTable, verdict } from './bench-report.js';
import { bundleFile } from './bundle-handler.js';

/** Issue target: every function's minified code loaded at init (index.mjs and the chunks it imports statically, no source maps). */
const TARGET_KB = 250;
const KB = 1024;

/** `size`: bundles every registered function and weighs each minified index.mjs. */
export async function runSizeBench(): Promise<BenchOutcome> {
  const started = performance.now();
  bundleFunctions();
  const buildMs = performance.now() - started;
  const rows = functions.map((fn) => {
    const file = bundleFile(fn);
    const atInit = staticGraph(file);
    const bytes = atInit.reduce((sum, part) => sum + statSync(part).size, 0);
    const gzipBytes = atInit.reduce((sum, part) => sum + gzipSync(readFileSync(part), { level: 9 }).length, 0);
    const chunks = path.join(bundleDir(fn), CHUNK_DIR);
    const all = [file, ...listChunks(chunks)];
    const lazyBytes = all.filter((part) => !atInit.includes(part)).reduce((sum, part) => sum + statSync(part).size, 0);
    return { id: fn.id, file: path.relative(ROOT, file), bytes, kb: bytes / KB, gzipKb: gzipBytes / KB, lazyKb: lazyBytes / KB, pass: bytes <= TARGET_KB * KB };
  });
  console.log(`bundled ${rows.length} functions in ${buildMs.toFixed(0)} ms (1 KB = ${KB} bytes; gzip is informational)\n`);
  printTable(
    ['function', 'at init KB', 'gzip KB', 'lazy chunks KB', 'target', 'verdict'],
    rows.map((row) => [row.id, row.kb.toFixed(1), row.gzipKb.toFixed(1), row.lazyKb.toFixed(1), `≤ ${TARGET_KB} KB`, verdict(row.pass)]),
  );
  const checks: Check[] = rows.map((row) => ({
    name: `${row.id} at init`,
    measured: `${row.kb.toFixed(1)} KB (+ ${row.lazyKb.toFixed(1)} KB loaded lazily)`,
    target: `≤ ${TARGET_KB} KB`,
    pass: row.pass,
  }));
  return { name: 'size', checks, data: { targetKb: TARGET_KB, bytesPerKb: KB, buildMs, bundles: rows } };
}

/** `entry` and every chunk it imports statically, transitively (what Node loads before the handler exists). */
function staticGraph(entry: string): string[] {
  const seen: string[] = [];
  const visit = (file: string) => {
    if (seen.includes(file)) return;
    seen.push(file);
    for (const match of readFileSync(file, 'utf8').matchAll(/(?:^|[;}\s])(?:import|export)[^;"']*?from\s*"(\.{1,2}\/[^"]+\.mjs)"/g))
      visit(path.resolve(path.dirname(file), match[1]!));
  };
  visit(entry);
  return seen;
}

function listChunks(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => name.endsWith('.mjs'))
      .map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}
