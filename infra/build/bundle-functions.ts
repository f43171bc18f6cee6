import { type BuildOptions, buildSync } from 'esbuild';
import { existsSync, readdirSync, rmSync } from 'node:fs';
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
/** Lazily loaded parts of a bundle (dynamic `import()`s of bundled code) go here, beside `index.mjs`. */
export const CHUNK_DIR = 'chunks';

/** Imports a bundle `require`s instead (see each shim for why): specifier → shim. */
const REQUIRE_SHIMS: Record<string, string> = {
  'aws-xray-sdk-core': path.join(ROOT, 'infra/build/require-shims/aws-xray-sdk-core.cjs'),
  'node:http': path.join(ROOT, 'infra/build/require-shims/node-http.cjs'),
  http: path.join(ROOT, 'infra/build/require-shims/node-http.cjs'),
};

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
  // A dynamic import() of bundled code becomes its own chunk, loaded only when that code runs:
  // the Powertools Tracer and the X-Ray SDK load at init only with tracing on (shared/powertools/tracer.ts).
  splitting: true,
  chunkNames: `${CHUNK_DIR}/[name]-[hash]`,
  alias: REQUIRE_SHIMS,
  // The nodejs22.x runtime ships AWS SDK v3; bundling it would triple every function
  // (~350 KB). The X-Ray SDK (Powertools Tracer) comes from the shared-dependencies layer,
  // require()d (REQUIRE_SHIMS), which searches NODE_PATH (/opt/nodejs/node_modules) as for
  // ioredis. Locally the same requires resolve to the lockfile-pinned packages in node_modules.
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
    const result = buildSync({ ...bundleOptions, entryPoints: { index: entry }, outdir: bundleDir(fn), metafile: true });
    removeStaleChunks(bundleDir(fn), Object.keys(result.metafile!.outputs));
    return bundleDir(fn);
  });
}

/**
 * Deletes chunks an earlier build left (their names carry a content hash) so the folder CDK
 * deploys holds only this build's files. Only after the write: a reader of the previous
 * build's `index.mjs` in another process finds the chunks it names until then.
 */
function removeStaleChunks(dir: string, outputs: readonly string[]): void {
  const chunks = path.join(dir, CHUNK_DIR);
  if (!existsSync(chunks)) return;
  // Metafile paths are relative to the working directory esbuild ran in.
  const current = new Set(outputs.map((output) => path.resolve(output)));
  for (const name of readdirSync(chunks)) {
    const file = path.join(chunks, name);
    if (!current.has(file)) rmSync(file, { force: true });
  }
}
