import { LRUCache } from 'lru-cache';

/** A parsed value with the namespace version it was read under. */
export interface L1Entry {
  ns: number;
  value: unknown;
}

/**
 * The in-container level: a bounded LRU of parsed values with per-entry TTL. Values are
 * deep-frozen on the way in because every later hit hands out the same object.
 */
export class L1Cache {
  private readonly lru: LRUCache<string, L1Entry>;

  constructor(maxEntries: number, onEvict: () => void) {
    this.lru = new LRUCache<string, L1Entry>({
      max: maxEntries,
      // Only capacity evictions count; expiry, replacement and clear() are not evictions.
      dispose: (_entry, _key, reason) => {
        if (reason === 'evict') onEvict();
      },
    });
  }

  get(slot: string): L1Entry | undefined {
    return this.lru.get(slot);
  }

  set(slot: string, ns: number, value: unknown, ttlMs: number): void {
    this.lru.set(slot, { ns, value: deepFreeze(value) }, { ttl: ttlMs });
  }

  clear(): void {
    this.lru.clear();
  }

  /** Live entries (expired ones are purged first). */
  get size(): number {
    this.lru.purgeStale();
    return this.lru.size;
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
