import { describe, expect, it } from 'vitest';
import type { CacheAdmin, CacheStats } from '../cache/entity-cache.js';
import { cacheStats, clearCache, invalidateCache } from './cache-admin.service.js';

const level = { hits: 3, misses: 1, size: 2, evictions: 0, hit_rate_percent: 75 };
const STATS: CacheStats = { l1: level, l2: { ...level, hits: 1, hit_rate_percent: 50 } };

function fakeCache(overrides: Partial<CacheAdmin> = {}): CacheAdmin {
  return { stats: async () => STATS, clear: async () => 7, invalidatePattern: async () => 4, ...overrides };
}

describe('cache admin', () => {
  it('reports the statistics with enabled: true, or enabled: false without a cache', async () => {
    expect(await cacheStats({ cache: fakeCache() })).toEqual({ ...STATS, enabled: true });
    expect(await cacheStats({ cache: undefined })).toEqual({ enabled: false });
  });

  it('answers entries_removed for clear and invalidate, 0 without a cache', async () => {
    const patterns: string[] = [];
    const cache = fakeCache({ invalidatePattern: async (pattern) => (patterns.push(pattern), 4) });
    expect(await clearCache({ cache })).toEqual({ entries_removed: 7 });
    expect(await invalidateCache('students:*', { cache })).toEqual({ entries_removed: 4 });
    expect(patterns).toEqual(['students:*']);
    expect(await clearCache({ cache: undefined })).toEqual({ entries_removed: 0 });
    expect(await invalidateCache('students:*', { cache: undefined })).toEqual({ entries_removed: 0 });
  });
});
