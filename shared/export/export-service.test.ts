import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { students } from '../students/students.entity.js';
import { asyncItems } from '../../test/support/memory-writable.js';
import { recordingMetrics } from '../../test/support/recording-metrics.js';
import { exportItems } from './export-service.js';
import { ExportTooLargeError } from './export.errors.js';
import type { LargeExportStore } from './large-export-store.js';

const items = Array.from({ length: 2_000 }, (_, i) => ({ student_id: `S${i}`, first_name: 'Nguyễn', last_name: `Văn ${i}`, math_score: i % 11 }));
const deps = { requestId: 'req-1', clock: () => new Date('2026-12-02T14:30:05Z') };

/** A bucket kept in memory: the port's fake (the S3 adapter is exercised against S3 elsewhere). */
function memoryBucket(options: { failAfterBytes?: number } = {}) {
  const objects = new Map<string, Buffer>();
  const store: LargeExportStore = {
    open(key) {
      const stream = new PassThrough();
      const chunks: Buffer[] = [];
      let size = 0;
      const done = new Promise<void>((resolve, reject) => {
        stream.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (options.failAfterBytes !== undefined && size > options.failAfterBytes) reject(new Error('upload failed'));
        });
        stream.on('end', () => {
          objects.set(key, Buffer.concat(chunks));
          resolve();
        });
      });
      done.catch(() => undefined);
      return { stream, done, abort: async () => void stream.destroy() };
    },
    downloadUrl: async (key, filename) => `https://bucket.example/${key}?download=${filename}`,
  };
  return { store, objects };
}

describe('exportItems', () => {
  it('counts the rows written as ExportRows with the format as dimension', async () => {
    const metrics = recordingMetrics();
    await exportItems(students, asyncItems(items.slice(0, 30)), 'csv', { ...deps, metrics });
    await exportItems(students, asyncItems(items.slice(0, 5)), 'xlsx', { ...deps, metrics });
    expect(metrics.recorded).toEqual([
      { name: 'ExportRows', unit: 'Count', value: 30, dimensions: { format: 'csv' } },
      { name: 'ExportRows', unit: 'Count', value: 5, dimensions: { format: 'xlsx' } },
    ]);
  });

  it('answers inline while the result fits, with a dated filename', async () => {
    const result = await exportItems(students, asyncItems(items.slice(0, 10)), 'csv', deps);
    expect(result).toMatchObject({ kind: 'inline', rows: 10, filename: 'students-20261202-143005.csv', contentType: 'text/csv; charset=utf-8' });
  });

  it('moves to the bucket past the limit without losing or repeating a byte', async () => {
    const inline = await exportItems(students, asyncItems(items), 'csv', deps);
    const bucket = memoryBucket();
    const result = await exportItems(students, asyncItems(items), 'csv', { ...deps, largeExports: bucket.store, inlinePayloadBytes: 4096 });
    expect(result).toMatchObject({ kind: 'uploaded', rows: items.length, key: 'exports/students/2026-12-02/req-1/students-20261202-143005.csv' });
    if (result.kind !== 'uploaded' || inline.kind !== 'inline') throw new Error('unexpected kinds');
    expect(bucket.objects.get(result.key)).toEqual(inline.body);
    expect(result.bytes).toBe(inline.body.length);
    expect(result.url).toContain(result.key);
  });

  it('gives binary formats 3/4 of the payload (API Gateway carries them base64)', async () => {
    const small = await exportItems(students, asyncItems(items.slice(0, 50)), 'xlsx', deps);
    const size = small.kind === 'inline' ? small.body.length : 0;
    const limit = Math.ceil((size * 4) / 3) - 8; // the file fits these bytes, its base64 does not
    await expect(exportItems(students, asyncItems(items.slice(0, 50)), 'xlsx', { ...deps, inlinePayloadBytes: limit })).rejects.toBeInstanceOf(
      ExportTooLargeError,
    );
    await expect(
      exportItems(students, asyncItems(items.slice(0, 50)), 'xlsx', { ...deps, inlinePayloadBytes: Math.ceil((size * 4) / 3) + 8 }),
    ).resolves.toMatchObject({ kind: 'inline' });
  });

  it('fails with 413 past the limit when no bucket is configured', async () => {
    await expect(exportItems(students, asyncItems(items), 'xml', { ...deps, inlinePayloadBytes: 4096 })).rejects.toBeInstanceOf(ExportTooLargeError);
  });

  it('fails instead of hanging when the upload fails midway', async () => {
    const bucket = memoryBucket({ failAfterBytes: 10_000 });
    await expect(exportItems(students, asyncItems(items), 'csv', { ...deps, largeExports: bucket.store, inlinePayloadBytes: 4096 })).rejects.toThrow(
      /upload failed/,
    );
    expect(bucket.objects.size).toBe(0);
  });
});
