import type { CacheLevelStats } from './entity-cache.js';

/** Fields of the shared statistics hash; each container adds its deltas with HINCRBY. */
export type CounterField = 'l1:hits' | 'l1:misses' | 'l1:evictions' | 'l2:hits' | 'l2:misses';

export type CounterDeltas = [CounterField, number][];

/**
 * A container's statistics not yet added to the shared hash. Counting is in memory; a
 * flush drains the deltas and, if it fails, puts them back, so nothing is counted twice.
 */
export class CacheCounters {
  private readonly pending = new Map<CounterField, number>();
  private events = 0;

  add(field: CounterField, by = 1): void {
    this.pending.set(field, (this.pending.get(field) ?? 0) + by);
    this.events += by;
  }

  /** Events counted since the last flush. */
  get pendingEvents(): number {
    return this.events;
  }

  drain(): CounterDeltas {
    const deltas = [...this.pending.entries()].filter(([, by]) => by !== 0);
    this.pending.clear();
    this.events = 0;
    return deltas;
  }

  restore(deltas: CounterDeltas): void {
    for (const [field, by] of deltas) this.add(field, by);
  }
}

/** One level's statistics with its hit rate in percent (2 dp). */
export function levelStats(hits: number, misses: number, size: number, evictions: number): CacheLevelStats {
  const reads = hits + misses;
  const rate = reads === 0 ? 0 : Math.round((hits / reads) * 10_000) / 100;
  return { hits, misses, size, evictions, hit_rate_percent: rate };
}
