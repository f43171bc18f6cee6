import { buildSync } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './bundle-functions.js';

/** Where the console's static files land; the local gateway serves them under `/console/`. */
export const WEB_BUNDLE_DIR = path.join(ROOT, '.build', 'web');
const WEB_DIR = path.join(ROOT, 'web');

/** The files of the built console, by the name the browser asks for. */
export const WEB_FILES = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.js.map': 'application/json; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
} as const;

/**
 * Bundles the console (plain TypeScript modules, no framework) with the project's esbuild
 * into one ES module, and copies its page and style sheet beside it. Synchronous, ~50 ms.
 */
export function bundleWeb(outdir = WEB_BUNDLE_DIR): string {
  mkdirSync(outdir, { recursive: true });
  buildSync({
    entryPoints: { console: path.join(WEB_DIR, 'src', 'main.ts') },
    outdir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
  });
  copyFileSync(path.join(WEB_DIR, 'index.html'), path.join(outdir, 'index.html'));
  copyFileSync(path.join(WEB_DIR, 'console.css'), path.join(outdir, 'console.css'));
  return outdir;
}
