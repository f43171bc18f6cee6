/** Which entity a cached read belongs to and how long its entries live. */
export interface CacheScope {
  /** Entity name; the key namespace (`students`). */
  entity: string;
  ttlSeconds: number;
  /**
   * How long an L1 entry is served without asking L2 whether it is still current: the
   * staleness bound for writes made in OTHER containers (a container's own writes are seen
   * at once). 0 or absent: every L1 hit checks L2 first (one round trip).
   */
  l1StaleMs?: number;
}

/** What the cache tells a loader about the read it is loading for. */
export interface LoadContext {
  /**
   * The item was written recently (or the cache cannot tell): read it strongly consistent,
   * or an eventually consistent read could answer — and cache — what the write replaced.
   */
  consistent: boolean;
}

/** A list query in canonical form: everything that decides the page (hashed into the key). */
export type CanonicalQuery = Readonly<Record<string, unknown>>;

export interface ListCacheOptions<T> {
  /** Whether a loaded value may be stored (e.g. not an estimate); absent: always. */
  keep?: (value: T) => boolean;
}

/**
 * Port the entity service reads through. Cache-aside: an item cached since its last write,
 * a list page cached since the entity's last write, else `load()` (whose result is then
 * stored). No method fails
 * because of the cache — an unreachable cache means `load()` answers. Values that come
 * from the cache are frozen: treat every result as read-only.
 */
export interface EntityCache {
  item<T>(scope: CacheScope, id: string, load: (context: LoadContext) => Promise<T>): Promise<T>;
  list<T>(scope: CacheScope, query: CanonicalQuery, load: () => Promise<T>, options?: ListCacheOptions<T>): Promise<T>;
  /**
   * After a write of item `id`: that item and every list page of `entity` stop being served
   * (other items stay cached); without `id`, everything cached for `entity`.
   */
  invalidate(entity: string, id?: string): Promise<void>;
  /**
   * After writes of the items `ids` (a transaction, an import batch): what `invalidate(entity,
   * id)` does for each, sent together (one round trip where the cache can). Empty: a no-op.
   */
  invalidateMany(entity: string, ids: readonly string[]): Promise<void>;
}

/** One cache level's counters, in the original system's shape. */
export interface CacheLevelStats {
  hits: number;
  misses: number;
  /** Entries held now (L1: summed over live containers; L2: keys under the prefix). */
  size: number;
  evictions: number;
  /** hits / (hits + misses) × 100, 2 dp; 0 before any read. */
  hit_rate_percent: number;
}

/** Statistics aggregated over every container that shares the cache. */
export interface CacheStats {
  l1: CacheLevelStats;
  l2: CacheLevelStats;
}

/**
 * Operations for admin endpoints. Unlike reads they do fail when the cache is unreachable
 * (DependencyUnavailableError → 503), since a silent "0 removed" would be a lie.
 */
export interface CacheAdmin {
  stats(): Promise<CacheStats>;
  /** Removes every cached entry under the prefix; resolves the number removed. */
  clear(): Promise<number>;
  /** Removes entries matching a glob under the prefix (`students:*`); resolves the number removed. */
  invalidatePattern(pattern: string): Promise<number>;
}
