import type { EntityCache } from '../../cache/entity-cache.js';
import type { Entity } from '../../entity/define-entity.js';
import type { CheckpointedSink } from './run-import-job.js';

/**
 * `sink` whose batches invalidate the read cache as CRUD writes do (invalidatingWrite): after
 * each batch, the ids it wrote and every list page of the entity — one `invalidateMany` (one
 * round trip) per batch of ≤ 25, not one per item. Ids the batch reports as not written
 * (create mode, already existing) stay cached. A batch that failed may have stored part of
 * its items (an interrupted BatchWriteItem): all of its ids are invalidated before the error
 * goes on. The cache never throws, so it never fails an import. `cache` resolves the container's
 * cache (loaded on first use) or none (no REDIS_URL): then batches go straight to `sink`.
 */
export function cacheInvalidatingSink(sink: CheckpointedSink, entity: Entity, cache: () => Promise<EntityCache | undefined>): CheckpointedSink {
  const invalidate = async (ids: readonly string[]) => (await cache())?.invalidateMany(entity.name, ids);
  return {
    async writeBatch(items, mode, origin) {
      const ids = items.map((item) => String(item[entity.idField]));
      let result: Awaited<ReturnType<CheckpointedSink['writeBatch']>>;
      try {
        result = await sink.writeBatch(items, mode, origin);
      } catch (error) {
        await invalidate(ids);
        throw error;
      }
      const notWritten = new Set(result.errors.map((error) => error.id));
      await invalidate(ids.filter((id) => !notWritten.has(id)));
      return result;
    },
    takeDelta: (row) => sink.takeDelta(row),
  };
}
