import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { bundleDir, bundleOptions, ROOT } from '../../../infra/build/bundle-functions.js';
import { lambdas } from '../../../shared/registry.js';

/**
 * `tsx test/ops/support/bundle-lambdas.ts <id>...`: bundles the named Lambdas and every one
 * without a bundle yet, as `npm run build` does (same options, same folders), concurrently.
 */
const named = new Set(process.argv.slice(2));
const selected = lambdas.filter((fn) => named.has(fn.id) || !existsSync(path.join(bundleDir(fn), 'index.mjs')));
const started = Date.now();
await Promise.all(selected.map((fn) => build({ ...bundleOptions, entryPoints: { index: path.join(ROOT, fn.entry) }, outdir: bundleDir(fn) })));
console.log(`bundled ${selected.map((fn) => fn.id).join(', ')} in ${Date.now() - started} ms`);
