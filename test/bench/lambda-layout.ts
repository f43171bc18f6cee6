import { cpSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { bundleDir, LAYER_PACKAGES, ROOT } from '../../infra/build/bundle-functions.js';
import { bundleSharedDependencies } from '../../infra/build/bundle-layers.js';
import { BENCH_OUT_DIR } from './bench-report.js';

/**
 * A directory shaped like a Lambda container: bundles (with their chunks) under `task/`, and a
 * `node_modules/` beside it where the AWS SDK (and everything else) links to the repository's
 * packages — the runtime provides those — while the layer's packages (ioredis, the X-Ray SDK)
 * link to the esbuild-bundled copies the shared-dependencies layer deploys. Loading the
 * unbundled originals from node_modules would cost ~60 ms that no Lambda pays.
 */
export function lambdaLayout(functionIds: readonly string[]): { taskDir: string } {
  const root = path.join(BENCH_OUT_DIR, 'lambda');
  rmSync(root, { recursive: true, force: true });
  const modules = path.join(root, 'node_modules');
  mkdirSync(modules, { recursive: true });
  const layerModules = path.join(bundleSharedDependencies(), 'nodejs', 'node_modules');
  for (const name of readdirSync(path.join(ROOT, 'node_modules'))) {
    if (name.startsWith('.') || LAYER_PACKAGES.includes(name)) continue;
    symlinkSync(path.join(ROOT, 'node_modules', name), path.join(modules, name));
  }
  for (const name of LAYER_PACKAGES) symlinkSync(path.join(layerModules, name), path.join(modules, name));
  const taskDir = path.join(root, 'task');
  mkdirSync(taskDir, { recursive: true });
  // The whole folder CDK deploys: index.mjs and the chunks it loads lazily.
  for (const id of functionIds) cpSync(bundleDir({ id }), path.join(taskDir, id), { recursive: true, filter: (file) => !file.endsWith('.map') });
  return { taskDir };
}
