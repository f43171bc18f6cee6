import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChildTask, TaskTimeoutError } from '../../bench/child-task.js';
import { importBenchOptions } from '../../bench/import-s3-options.js';

const TASK = fileURLToPath(new URL('./http-task.mjs', import.meta.url));

describe('bench child tasks', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_request, response) => response.end('served by the bench process'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // The import bench hung because spawnSync froze the bench process, whose local S3 the importer reads.
  it('lets a task call a server living in the bench process and returns its last result line', async () => {
    const measured = await runChildTask<string>(TASK, [url], { timeoutMs: 20_000 });
    expect(measured.result).toBe('served by the bench process');
    expect(measured.peakRss).toBeGreaterThan(0);
  });

  it('kills a task that outlives its timeout and rejects naming what it waited on', async () => {
    const started = Date.now();
    const failure = await runChildTask(TASK, ['hang'], { timeoutMs: 1_500, describe: () => 'job imp_1 was running at 4,149 of 5,000 rows' }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TaskTimeoutError);
    expect((failure as Error).message).toMatch(/http-task\.mjs did not finish within 2 s and was killed; job imp_1 was running at 4,149 of 5,000 rows/);
    expect((failure as Error).message).toContain('hanging on purpose');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('rejects with the stderr of a task that exits non-zero', async () => {
    await expect(runChildTask(TASK, ['not a url'], { timeoutMs: 20_000 })).rejects.toThrow(/http-task\.mjs failed \(exit 1\)/);
  });
});

describe('import bench options', () => {
  it('reads row lists in the --rows=5000,100k,1m and IMPORT_BENCH_ROWS forms', () => {
    expect(importBenchOptions(['--rows=5000,100k,1m'], {}).rows).toEqual([5_000, 100_000, 1_000_000]);
    expect(importBenchOptions([], { IMPORT_BENCH_ROWS: '2000' }).rows).toEqual([2_000]);
    expect(importBenchOptions([], {}).rows).toEqual([5_000, 100_000]);
  });

  it('gives each size 60 s plus 5 ms a row unless --timeout names the seconds', () => {
    expect(importBenchOptions([], {}).timeoutMs(5_000)).toBe(85_000);
    expect(importBenchOptions(['--timeout=30'], {}).timeoutMs(1_000_000)).toBe(30_000);
    expect(importBenchOptions([], { IMPORT_BENCH_TIMEOUT_S: '5' }).timeoutMs(5_000)).toBe(5_000);
  });

  it('refuses row counts and timeouts that are not positive numbers', () => {
    expect(() => importBenchOptions(['--rows=5000,abc'], {})).toThrow(/--rows takes positive row counts .* got 'abc'/);
    expect(() => importBenchOptions(['--rows=0'], {})).toThrow(/--rows/);
    expect(() => importBenchOptions(['--timeout=-1'], {})).toThrow(/--timeout must be a positive number of seconds, got '-1'/);
  });
});
