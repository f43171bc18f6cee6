import { describe, expect, it } from 'vitest';
import { queueDeclaration } from '../../events/queues.js';
import { importWorker } from '../../registry.js';
import { students } from '../../students/students.entity.js';
import { DEFAULT_FAN_OUT, fanOutSettings, fanOutWidth, IMPORT_CHUNKS_QUEUE, shouldFanOut, WORKER_ROWS_PER_SECOND } from './fan-out.js';
import { chunkMessageSchema } from './import-chunk.js';
import { laneStarts } from './fan-out-import.js';

describe('import fan-out policy', () => {
  it('derives the width from the declared write capacity: students 10,000/s ÷ 2,000 per worker = 5', () => {
    expect(fanOutWidth(students)).toBe(Math.ceil(students.capacity!.writesPerSecond / WORKER_ROWS_PER_SECOND));
    expect(fanOutWidth(students)).toBe(5);
    expect(fanOutWidth({ capacity: { writesPerSecond: 500 } })).toBe(1);
    // Never past the chunk queue's event source concurrency.
    expect(fanOutWidth({ capacity: { writesPerSecond: 1_000_000 } })).toBe(queueDeclaration(IMPORT_CHUNKS_QUEUE).maximumConcurrency);
  });

  it('fans out CSV and XLSX files over the same threshold', () => {
    expect(shouldFanOut('imports/students/a.csv', DEFAULT_FAN_OUT.thresholdBytes + 1, DEFAULT_FAN_OUT)).toBe(true);
    expect(shouldFanOut('imports/students/a.csv', DEFAULT_FAN_OUT.thresholdBytes, DEFAULT_FAN_OUT)).toBe(false);
    expect(shouldFanOut('imports/students/a.xlsx', DEFAULT_FAN_OUT.thresholdBytes + 1, DEFAULT_FAN_OUT)).toBe(true);
    expect(shouldFanOut('imports/students/a.xlsx', DEFAULT_FAN_OUT.thresholdBytes, DEFAULT_FAN_OUT)).toBe(false);
    expect(shouldFanOut('imports/students/a.txt', 10 * DEFAULT_FAN_OUT.thresholdBytes, DEFAULT_FAN_OUT)).toBe(false);
    expect(fanOutSettings({ IMPORT_FAN_OUT_THRESHOLD_BYTES: '100', IMPORT_CHUNK_BYTES: 'x' })).toEqual({
      thresholdBytes: 100,
      chunkBytes: DEFAULT_FAN_OUT.chunkBytes,
    });
  });

  it('keeps the worker timeout at most a sixth of the queue visibility, and a chunk well inside it', () => {
    const queue = queueDeclaration(IMPORT_CHUNKS_QUEUE);
    expect(queue.consumer).toBe(importWorker.id);
    expect(importWorker.timeoutSeconds! * 6).toBeLessThanOrEqual(queue.visibilityTimeoutSeconds);
    // A default chunk of ~80-byte rows at the planned worker rate takes under a third of the timeout.
    expect(DEFAULT_FAN_OUT.chunkBytes / 80 / WORKER_ROWS_PER_SECOND).toBeLessThan(importWorker.timeoutSeconds! / 3);
  });

  it('starts one lane per worker and refuses malformed chunk messages', () => {
    expect(laneStarts('imp_x', { chunks: 3, width: 5, chunk_bytes: 1 })).toEqual([0, 1, 2].map((chunk) => ({ import_id: 'imp_x', chunk })));
    expect(laneStarts('imp_x', { chunks: 20, width: 5, chunk_bytes: 1 })).toHaveLength(5);
    expect(chunkMessageSchema.safeParse({ import_id: 'imp_abc', chunk: 2 }).success).toBe(true);
    for (const bad of [{ import_id: 'x', chunk: 1 }, { import_id: 'imp_a', chunk: -1 }, { import_id: 'imp_a', chunk: 1.5 }, 'imp_a'])
      expect(chunkMessageSchema.safeParse(bad).success).toBe(false);
  });
});
