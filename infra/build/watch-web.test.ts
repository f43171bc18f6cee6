import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from './bundle-functions.js';
import { bundleWeb, type WebWatcher, watchWeb } from './bundle-web.js';

const until = async (what: string, done: () => boolean, timeoutMs = 15_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: gave up`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

describe('watchWeb (npm run dev)', () => {
  let dir: string;
  let watcher: WebWatcher | undefined;
  afterEach(() => {
    watcher?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds the console after a save, and keeps the last good build when a save does not compile', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'watch-web-'));
    const web = path.join(dir, 'web');
    const out = path.join(dir, 'out');
    cpSync(path.join(ROOT, 'web'), web, { recursive: true, filter: (source) => !source.endsWith('.test.ts') });
    bundleWeb(out, web);
    const lines: string[] = [];
    watcher = watchWeb((line) => lines.push(line), out, web);
    const built = () => readFileSync(path.join(out, 'console.js'), 'utf8');

    const main = path.join(web, 'src', 'main.ts');
    writeFileSync(main, `${readFileSync(main, 'utf8')}\nconsole.info('watch-marker-1');\n`);
    await until('rebuilt with the edit', () => built().includes('watch-marker-1'));
    expect(lines.at(-1)).toMatch(/^console rebuilt in \d+ ms$/);

    const good = built();
    writeFileSync(path.join(web, 'src', 'broken.ts'), 'export const = ;\n');
    writeFileSync(main, `${readFileSync(main, 'utf8')}\nimport './broken.js';\n`);
    await until('build failure reported', () => lines.some((line) => line.startsWith('console build failed')));
    expect(built()).toBe(good);
  });
});
