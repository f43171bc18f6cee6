import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleFunctions, ROOT } from '../../infra/build/bundle-functions.js';
import { functions } from '../../shared/registry.js';
import { type BenchOutcome, type Check, printTable, verdict } from './bench-report.js';
import { bundleFile } from './bundle-handler.js';

/** Issue target: every function's minified bundle (index.mjs, no source map). */
const TARGET_KB = 250;
const KB = 1024;

/** `size`: bundles every registered function and weighs each minified index.mjs. */
export async function runSizeBench(): Promise<BenchOutcome> {
  const started = performance.now();
  bundleFunctions();
  const buildMs = performance.now() - started;
  const rows = functions.map((fn) => {
    const file = bundleFile(fn);
    const bytes = statSync(file).size;
    const gzipBytes = gzipSync(readFileSync(file), { level: 9 }).length;
    return { id: fn.id, file: path.relative(ROOT, file), bytes, kb: bytes / KB, gzipKb: gzipBytes / KB, pass: bytes <= TARGET_KB * KB };
  });
  console.log(`bundled ${rows.length} functions in ${buildMs.toFixed(0)} ms (1 KB = ${KB} bytes; gzip is informational)\n`);
  printTable(
    ['function', 'minified KB', 'gzip KB', 'target', 'verdict'],
    rows.map((row) => [row.id, row.kb.toFixed(1), row.gzipKb.toFixed(1), `≤ ${TARGET_KB} KB`, verdict(row.pass)]),
  );
  const checks: Check[] = rows.map((row) => ({
    name: `${row.id} index.mjs`,
    measured: `${row.kb.toFixed(1)} KB`,
    target: `≤ ${TARGET_KB} KB`,
    pass: row.pass,
  }));
  return { name: 'size', checks, data: { targetKb: TARGET_KB, bytesPerKb: KB, buildMs, bundles: rows } };
}
