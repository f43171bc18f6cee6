import { buildSync } from 'esbuild';
import { copyFileSync, type FSWatcher, mkdirSync, watch } from 'node:fs';
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
export function bundleWeb(outdir = WEB_BUNDLE_DIR, webDir = WEB_DIR): string {
  mkdirSync(outdir, { recursive: true });
  buildSync({
    entryPoints: { console: path.join(webDir, 'src', 'main.ts') },
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
  copyFileSync(path.join(webDir, 'index.html'), path.join(outdir, 'index.html'));
  copyFileSync(path.join(webDir, 'console.css'), path.join(outdir, 'console.css'));
  return outdir;
}

export interface WebWatcher {
  close(): void;
}

/**
 * Watch mode (`npm run dev`): rebuilds the console whenever a file under `web/` changes (a burst
 * of saves is one rebuild, 100 ms after the last). The local gateway reads the built files per
 * request, so a reload of the page shows the change. A build error is reported, never thrown:
 * the last good build keeps being served until the next save fixes it.
 */
export function watchWeb(report: (line: string) => void, outdir = WEB_BUNDLE_DIR, webDir = WEB_DIR): WebWatcher {
  let timer: NodeJS.Timeout | undefined;
  const rebuild = () => {
    const started = performance.now();
    try {
      bundleWeb(outdir, webDir);
      report(`console rebuilt in ${Math.round(performance.now() - started)} ms`);
    } catch (error) {
      report(`console build failed (still serving the last good build): ${(error as Error).message.split('\n')[0]}`);
    }
  };
  const watcher: FSWatcher = watch(webDir, { recursive: true }, (_event, file) => {
    if (file && /(^|[/\\])(node_modules|\.)/.test(file)) return;
    clearTimeout(timer);
    timer = setTimeout(rebuild, 100);
  });
  return {
    close: () => {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
