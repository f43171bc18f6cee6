import { type BuildOptions, buildSync } from 'esbuild';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { lambdas } from '../../shared/registry.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Packages deployed once in the shared-dependencies layer instead of in every bundle. */
export const LAYER_PACKAGES = ['ioredis', 'aws-xray-sdk-core'];
/** Native addons esbuild cannot bundle; the chart layer ships them (see bundle-layers.ts). */
export const CHART_LAYER_PACKAGES = ['@resvg/resvg-js'];
export const BUNDLE_DIR = path.join(ROOT, '.build', 'functions');

/**
 * The one esbuild configuration. CDK deploys these folders as they are and the local
 * gateway imports the same files, so what runs on a laptop is what runs in Lambda.
 */
export const bundleOptions: BuildOptions = {
  bundle: true,
  platform: 'node',
  // Lambda runs nodejs22.x; node20 keeps the bundles loadable by older local tooling too.
  target: 'node20',
  format: 'esm',
  minify: true,
  treeShaking: true,
  sourcemap: true,
  sourcesContent: false,
  legalComments: 'none',
  outExtension: { '.js': '.mjs' },
  mainFields: ['module', 'main'],
  // The nodejs22.x runtime ships AWS SDK v3; bundling it would triple every function
  // (~350 KB). The X-Ray SDK (Powertools Tracer) comes from the shared-dependencies layer
  // (Lambda resolves ES module imports from layers since Node.js 18). Locally the same
  // imports resolve to the lockfile-pinned packages in node_modules.
  external: ['@aws-sdk/*', ...LAYER_PACKAGES, ...CHART_LAYER_PACKAGES],
  // CommonJS dependencies (X-Ray SDK) call require(); ESM bundles need it defined.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
};

/** Folder holding `index.mjs` (+ map) of one function. */
export function bundleDir(fn: Pick<LambdaDeclaration, 'id'>): string {
  return path.join(BUNDLE_DIR, fn.id);
}

/** Bundles every registered Lambda (or the given ones) synchronously; ~1 s for all. */
export function bundleFunctions(selected: readonly LambdaDeclaration[] = lambdas): string[] {
  return selected.map((fn) => {
    const entry = path.join(ROOT, fn.entry);
    if (!existsSync(entry)) throw new Error(`${fn.id}: entry ${fn.entry} does not exist`);
    buildSync({ ...bundleOptions, entryPoints: { index: entry }, outdir: bundleDir(fn) });
    return bundleDir(fn);
  });
}
