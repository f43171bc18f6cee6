import { Writable } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { bufferByteSource } from '../byte-source.js';
import { ImportLimitError } from '../import.errors.js';
import { importLimits } from '../import-limits.js';
import { xlsxRowSource } from './xlsx-row-source.js';
import { zipOf } from './zip-fixture.js';

// A full /tmp cannot be made on demand: the temporary file's stream fails as a full disk does.
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const createWriteStream = (() =>
    new Writable({
      write(_chunk, _encoding, done) {
        done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
      },
    })) as unknown as typeof fs.createWriteStream;
  return { ...fs, default: { ...fs, createWriteStream }, createWriteStream };
});

describe('Utf8SafeWorkbookReader scratch space', () => {
  it('reports a sheet that does not fit /tmp as the workbook being too big, not as a fault to retry', async () => {
    const file = zipOf([
      { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(256 * 1024, 0x20) },
      { name: 'xl/sharedStrings.xml', data: Buffer.from('<sst/>') },
    ]);
    const rows = xlsxRowSource(bufferByteSource(file), { limits: importLimits() });
    const error = await (async () => {
      for await (const _ of rows) {
        // no rows expected
      }
    })().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImportLimitError);
    expect((error as ImportLimitError).code).toBe('import.limit.uncompressedBytes');
    expect((error as Error).message).toMatch(/more than this function has room for/);
  });
});
