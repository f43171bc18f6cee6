import { levelStats } from './cache-counters.js';
import type { CacheKeys } from './cache-keys.js';
import type { CacheStats } from './entity-cache.js';
import type { L2Backend } from './l2-backend.js';

export interface RemovedEntries {
  removed: number;
  /** Entities that had a matching entry or namespace key: their namespaces must move. */
  entities: Set<string>;
}

/**
 * UNLINKs the cache entries among the keys matching `match`, one SCAN batch at a time and
 * one UNLINK per entity: an entity's keys share a cluster slot (see CacheKeys), a batch
 * spanning entities does not. Namespace, settling and statistics keys are never removed:
 * deleting a namespace would reset it to 0 and revive entries other containers still hold
 * under that number.
 */
export async function unlinkEntries(backend: L2Backend, keys: CacheKeys, match: string): Promise<RemovedEntries> {
  let removed = 0;
  const entities = new Set<string>();
  for await (const batch of backend.scan(match)) {
    const entriesByEntity = new Map<string, string[]>();
    for (const key of batch) {
      const found = keys.classify(key);
      if (found.kind === 'entry') {
        entriesByEntity.set(found.entity, [...(entriesByEntity.get(found.entity) ?? []), key]);
        entities.add(found.entity);
      } else if (found.kind === 'namespace') {
        entities.add(found.entity);
      }
    }
    for (const entries of entriesByEntity.values()) removed += await backend.unlink(entries);
  }
  return { removed, entities };
}

/**
 * Statistics of every container: counters from the shared hash, L2 size by SCAN over the
 * prefix, L1 size as the sum of the live containers' reports (each expires on its own, so a
 * container Lambda recycled stops counting), L2 evictions from the server.
 */
export async function readStats(backend: L2Backend, keys: CacheKeys): Promise<CacheStats> {
  // Some managed caches restrict INFO; eviction counts are then unknown, not an error.
  const [counters, evicted] = await Promise.all([backend.hgetall(keys.stats), backend.evictedKeys().catch(() => 0)]);
  let entries = 0;
  const sizeKeys: string[] = [];
  for await (const batch of backend.scan(keys.glob())) {
    for (const key of batch) {
      const found = keys.classify(key).kind;
      if (found === 'entry') entries++;
      else if (found === 'l1Size') sizeKeys.push(key);
    }
  }
  const sizes = sizeKeys.length > 0 ? await backend.mget(sizeKeys) : [];
  const l1Size = sizes.reduce((sum, size) => sum + Number(size ?? 0), 0);
  const count = (field: string) => Number(counters[field] ?? 0);
  return {
    l1: levelStats(count('l1:hits'), count('l1:misses'), l1Size, count('l1:evictions')),
    l2: levelStats(count('l2:hits'), count('l2:misses'), entries, evicted),
  };
}
