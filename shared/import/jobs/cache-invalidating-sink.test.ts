import { describe, expect, it } from 'vitest';
import type { EntityCache } from '../../cache/entity-cache.js';
import { students } from '../../students/students.entity.js';
import { type BatchOrigin, MemorySink } from '../import-sink.js';
import { cacheInvalidatingSink } from './cache-invalidating-sink.js';
import type { CheckpointedSink } from './run-import-job.js';

/** A cache port that records each invalidateMany call (one per batch is the point). */
function recordingCache() {
  const calls: string[][] = [];
  const cache: EntityCache = {
    item: (_scope, _id, load) => load({ consistent: false }),
    list: (_scope, _query, load) => load(),
    invalidate: async (_entity, id) => void calls.push([`single:${id}`]),
    invalidateMany: async (entity, ids) => void calls.push([entity, ...ids]),
  };
  return { cache, calls };
}

function memorySink(): MemorySink & CheckpointedSink {
  return Object.assign(new MemorySink('student_id'), { takeDelta: () => ({ total: 0, filters: {} }) });
}

const origin = (rows: number[]): BatchOrigin => ({ importId: 'imp_1', rows });
const row = (id: string) => ({ student_id: id, first_name: 'An' });

describe('cacheInvalidatingSink', () => {
  it('invalidates the ids of each written batch with one call per batch', async () => {
    const { cache, calls } = recordingCache();
    const sink = cacheInvalidatingSink(memorySink(), students, async () => cache);
    await sink.writeBatch([row('S1'), row('S2')], 'upsert', origin([2, 3]));
    await sink.writeBatch([row('S3')], 'upsert', origin([4]));
    expect(calls).toEqual([
      ['students', 'S1', 'S2'],
      ['students', 'S3'],
    ]);
  });

  it('keeps the cache of ids a batch did not write (create mode, already existing)', async () => {
    const { cache, calls } = recordingCache();
    const inner = memorySink();
    inner.items.set('S1', row('S1'));
    const sink = cacheInvalidatingSink(inner, students, async () => cache);
    const result = await sink.writeBatch([row('S1'), row('S2')], 'create', origin([2, 3]));
    expect(result.errors.map((error) => error.id)).toEqual(['S1']);
    expect(calls).toEqual([['students', 'S2']]);
  });

  it('invalidates every id of a batch that failed (part of it may be stored) and rethrows', async () => {
    const { cache, calls } = recordingCache();
    const failing: CheckpointedSink = {
      writeBatch: async () => {
        throw new Error('throttled');
      },
      takeDelta: () => ({ total: 0, filters: {} }),
    };
    const sink = cacheInvalidatingSink(failing, students, async () => cache);
    await expect(sink.writeBatch([row('S1'), row('S2')], 'upsert', origin([2, 3]))).rejects.toThrow('throttled');
    expect(calls).toEqual([['students', 'S1', 'S2']]);
  });

  it('hands the counter deltas through to the checkpoint', () => {
    const inner = memorySink();
    inner.takeDelta = (row) => ({ total: row ?? -1, filters: {} });
    const sink = cacheInvalidatingSink(inner, students, async () => recordingCache().cache);
    expect(sink.takeDelta(7)).toEqual({ total: 7, filters: {} });
  });
});
