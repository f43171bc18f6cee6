import { LRUCache } from 'lru-cache';

/** A parsed value with the versions it was read under and when L2 last confirmed them. */
export interface L1Entry {
  /** `<namespace>:<item token or list version>`: equal stamps mean nothing was written since. */
  stamp: string;
  value: unknown;
  /** Local time at which the check that confirmed `stamp` was SENT to L2 (never later). */
  checkedAt: number;
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

  set(slot: string, stamp: string, value: unknown, checkedAt: number, ttlMs: number): void {
    this.lru.set(slot, { stamp, value: deepFreeze(value), checkedAt }, { ttl: ttlMs });
  }

  /** L2 confirmed the entry's stamp by a check sent at `checkedAt`. */
  confirm(slot: string, checkedAt: number): void {
    const entry = this.lru.get(slot);
    if (entry && checkedAt > entry.checkedAt) entry.checkedAt = checkedAt;
  }

  delete(slot: string): void {
    this.lru.delete(slot);
  }

  /** Drops every entry whose slot starts with `prefix` (an entity's list pages). */
  deleteStartingWith(prefix: string): void {
    for (const slot of [...this.lru.keys()]) if (slot.startsWith(prefix)) this.lru.delete(slot);
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
