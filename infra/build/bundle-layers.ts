import { buildSync } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LAYER_PACKAGES, ROOT } from './bundle-functions.js';

/** The shared-dependencies layer: Lambda mounts it at /opt, so `nodejs/node_modules` is on NODE_PATH. */
export const SHARED_DEPS_LAYER_DIR = path.join(ROOT, '.build', 'layers', 'shared-deps');


/**
 * Builds the layer: each package bundled by esbuild into one minified CommonJS file with its
 * own dependencies, as `nodejs/node_modules/<name>/index.js`. ~1 s.
 */
export function bundleSharedDependencies(): string {
  const require = createRequire(path.join(ROOT, 'package.json'));
  for (const name of LAYER_PACKAGES) {
    const dir = path.join(SHARED_DEPS_LAYER_DIR, 'nodejs', 'node_modules', name);
    mkdirSync(dir, { recursive: true });
    buildSync({
      entryPoints: [require.resolve(name)],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      minify: true,
      legalComments: 'none',
      // aws-xray-sdk-core needs only semver.gte (for its SDK v2 patcher): keep just that.
      alias: { semver: path.join(ROOT, 'infra', 'build', 'semver-gte.cjs') },
      outfile: path.join(dir, 'index.js'),
      logLevel: 'warning',
    });
    const { version } = require(`${name}/package.json`) as { version: string };
    writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ name, version, main: 'index.js' }, null, 2)}\n`);
  }
  return SHARED_DEPS_LAYER_DIR;
}
