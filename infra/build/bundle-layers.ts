import { buildSync } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

/** The chart layer: shipped fonts at /opt/fonts and the resvg native addon on /opt/nodejs/node_modules. */
export const CHART_LAYER_DIR = path.join(ROOT, '.build', 'layers', 'charts');
export const FONTS_DIR = path.join(ROOT, 'layers', 'fonts');

/**
 * Builds the chart layer by copying, not bundling: `@resvg/resvg-js` loads a prebuilt
 * `.node` binary per platform (`@resvg/resvg-js-<platform>`), which esbuild cannot bundle.
 * The binary found in node_modules decides the layer's (and the chart functions')
 * architecture; resolves with it.
 */
export function bundleChartLayer(): { dir: string; architecture: 'x86_64' | 'arm64' } {
  const modules = path.join(ROOT, 'node_modules', '@resvg');
  const binaries = readdirSync(modules).filter((name) => /^resvg-js-linux-(x64|arm64)-gnu$/.test(name));
  const binary = binaries.find((name) => name.includes('arm64')) ?? binaries[0];
  if (!binary) throw new Error('no linux resvg binary in node_modules/@resvg: install @resvg/resvg-js-linux-arm64-gnu or -x64-gnu');
  rmSync(CHART_LAYER_DIR, { recursive: true, force: true });
  const target = path.join(CHART_LAYER_DIR, 'nodejs', 'node_modules', '@resvg');
  mkdirSync(target, { recursive: true });
  for (const name of ['resvg-js', binary]) cpSync(path.join(modules, name), path.join(target, name), { recursive: true });
  cpSync(FONTS_DIR, path.join(CHART_LAYER_DIR, 'fonts'), { recursive: true });
  return { dir: CHART_LAYER_DIR, architecture: binary.includes('arm64') ? 'arm64' : 'x86_64' };
}
