import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleWeb } from './bundle-web.js';

/** Issue 15: the console's first screen loads at most 150 KB of JavaScript, gzipped. */
const FIRST_SCREEN_BUDGET_GZIP = 150 * 1024;

describe('console bundle', () => {
  const outdir = mkdtempSync(path.join(tmpdir(), 'console-bundle-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('keeps the JavaScript of the first screen (every script, the admin page included) within 150 KB gzipped', () => {
    bundleWeb(outdir);
    const scripts = readdirSync(outdir).filter((name) => name.endsWith('.js'));
    expect(scripts).toEqual(['console.js']); // one module, no lazy chunk to account for
    const gzipped = scripts.reduce((sum, name) => sum + gzipSync(readFileSync(path.join(outdir, name))).length, 0);
    expect(gzipped).toBeLessThanOrEqual(FIRST_SCREEN_BUDGET_GZIP);
    expect(readFileSync(path.join(outdir, 'console.js'), 'utf8')).toContain('api-key-secret'); // the admin page is in it
  });
});
