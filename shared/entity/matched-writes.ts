import type { EntityCache } from '../cache/entity-cache.js';
import { fullJitter } from '../resilience/full-jitter.js';
import { emitMetric, type MetricSink, NO_METRICS } from '../observability/emit-metric.js';
import { entityWriteMetrics } from '../observability/entity-write-metrics.js';
import type { EntityStore, StoredItem } from '../store/entity-store.js';
import type { Entity } from './define-entity.js';
import { ConcurrentModificationError, EntityWriteConflictError } from './entity.errors.js';
import { WRITE_ATTEMPTS, WRITE_BACKOFF } from './entity-service.js';
import { invalidatingWrite } from './invalidating-write.js';
import { changeEvents } from './change-events.js';

export interface MatchedWritesDeps {
  store: EntityStore;
  /** The entity's cache, invalidated after every write (as by the service's update and delete). */
  cache?: EntityCache;
  clock?: () => Date;
  metrics?: MetricSink;
}

/**
 * What a write did to one matched item: written, already held the values (`unchanged`), or
 * no longer matched / was gone when a lost race made it read the item again (`skipped`).
 */
export type MatchedOutcome = 'written' | 'unchanged' | 'skipped';

/**
 * The bulk path's writes of items a query matched: the store's own conditional writes of a
 * single update or delete (version read = version written over, counter shards moved in the
 * same transaction), the cache invalidated after each (`invalidatingWrite`) and the entity's
 * write metrics counted. A concurrent edit is never overwritten: a lost race re-reads the item
 * strongly consistent and writes again only while it still matches.
 */
export function createMatchedWrites(entity: Entity, deps: MatchedWritesDeps) {
  const clock = deps.clock ?? (() => new Date());
  const metrics = deps.metrics ?? NO_METRICS;
  const written = entityWriteMetrics(entity.name);
  const cache = entity.cache && deps.cache;
  const events = changeEvents(entity);

  /** `plan` returns the write to make, or undefined when there is nothing to change. */
  async function matchedWrite(
    seen: StoredItem,
    stillMatches: (item: StoredItem) => boolean,
    plan: (item: StoredItem) => (() => Promise<void>) | undefined,
  ): Promise<MatchedOutcome> {
    const id = String(seen[entity.idField]);
    let item: StoredItem | undefined = seen;
    for (let attempt = 1; ; attempt++) {
      if (!item || !stillMatches(item)) return 'skipped';
      const write = plan(item);
      if (!write) return 'unchanged';
      try {
        await invalidatingWrite(cache, entity.name, id, write);
        return 'written';
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError)) throw error;
        if (attempt >= WRITE_ATTEMPTS) throw new EntityWriteConflictError(entity.singular, id, attempt);
        await fullJitter(attempt, WRITE_BACKOFF);
        item = await deps.store.get(id, { consistent: true });
      }
    }
  }

  return {
    /**
     * Applies `patch` to `seen` (the item as the query read it). An item that already holds
     * every patched value is left alone (no version bump): a repeated bulk call is harmless.
     */
    async updateMatched(seen: StoredItem, patch: Record<string, unknown>, stillMatches: (item: StoredItem) => boolean): Promise<MatchedOutcome> {
      // Read-only fields keep their stored values, as on a single update (the bulk body refuses them anyway).
      const changes = Object.fromEntries(Object.entries(patch).filter(([field]) => !entity.readOnlyFields.includes(field)));
      const outcome = await matchedWrite(seen, stillMatches, (item) => {
        if (Object.entries(changes).every(([field, value]) => sameValue(item[field], value))) return undefined;
        const next = { ...item, ...changes, updated_at: clock().toISOString(), version: item.version + 1 } as StoredItem;
        return () => deps.store.replace(next, item, events.updated(next, item));
      });
      if (outcome === 'written') emitMetric(metrics, written.updated);
      return outcome;
    },

    /** Deletes `seen` unless it changed since and no longer matches. */
    async removeMatched(seen: StoredItem, stillMatches: (item: StoredItem) => boolean): Promise<MatchedOutcome> {
      const outcome = await matchedWrite(seen, stillMatches, (item) => () => deps.store.remove(item, events.deleted(item, clock())));
      if (outcome === 'written') emitMetric(metrics, written.deleted);
      return outcome;
    },
  };
}

export type MatchedWrites = ReturnType<typeof createMatchedWrites>;

/** Stored values compare as JSON does (null and absent alike; arrays or objects by content). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
  return typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b);
}
