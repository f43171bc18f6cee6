import type { CacheAdmin } from '../cache/entity-cache.js';
import type { CacheEntriesRemoved, CacheStatsReport } from './cache-admin.schemas.js';

/** The cache the admin operations act on; undefined when none is configured. */
export interface CacheAdminDeps {
  cache: CacheAdmin | undefined;
}

/** Hits, misses, sizes and evictions of both levels over every container; `enabled: false` without a cache. */
export async function cacheStats({ cache }: CacheAdminDeps): Promise<CacheStatsReport> {
  if (!cache) return { enabled: false };
  return { ...(await cache.stats()), enabled: true };
}

/** Drops every cached entry; without a cache there is nothing to drop. */
export async function clearCache({ cache }: CacheAdminDeps): Promise<CacheEntriesRemoved> {
  return { entries_removed: cache ? await cache.clear() : 0 };
}

/** Drops the cached entries matching a glob under the cache prefix (`students:*`). */
export async function invalidateCache(pattern: string, { cache }: CacheAdminDeps): Promise<CacheEntriesRemoved> {
  return { entries_removed: cache ? await cache.invalidatePattern(pattern) : 0 };
}
