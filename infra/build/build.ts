import path from 'node:path';
import { BUNDLE_DIR, bundleFunctions, ROOT } from './bundle-functions.js';
import { bundleSharedDependencies } from './bundle-layers.js';
import { bundleWeb } from './bundle-web.js';

/** `npm run build`: every function bundle and the shared-dependencies layer, as CDK deploys them, and the web console. */
const started = Date.now();
const dirs = bundleFunctions();
const layer = bundleSharedDependencies();
const web = bundleWeb();
console.log(
  `bundled ${dirs.length} functions into ${path.relative(ROOT, BUNDLE_DIR)} and the shared-deps layer into ${path.relative(ROOT, layer)} and the console into ${path.relative(ROOT, web)} in ${Date.now() - started} ms`,
);
