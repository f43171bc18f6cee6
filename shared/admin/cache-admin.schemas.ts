import * as z from 'zod/mini';
import type { CacheStats } from '../cache/entity-cache.js';
import { plainText } from '../entity/plain-text.js';

const count = z.int().check(z.nonnegative());

const cacheLevelStatsSchema = z.object({
  hits: count,
  misses: count,
  size: count.check(z.describe('Entries held now (L1: summed over live containers; L2: keys under the prefix)')),
  evictions: count,
  hit_rate_percent: z.number().check(z.describe('hits / (hits + misses) × 100, 2 decimals; 0 before any read')),
});

/** `GET /api/v1/admin/cache/stats` body: both levels summed over every container, or `enabled: false`. */
export const cacheStatsReportSchema = z
  .union([
    z.object({ l1: cacheLevelStatsSchema, l2: cacheLevelStatsSchema, enabled: z.literal(true) }),
    z.object({ enabled: z.literal(false).check(z.describe('No cache is configured (no REDIS_URL)')) }),
  ])
  .check(z.meta({ id: 'CacheStats' }));

/** `POST /api/v1/admin/cache/clear` and `…/invalidate` body. */
export const cacheEntriesRemovedSchema = z
  .object({ entries_removed: count.check(z.describe('Cached entries deleted from Redis')) })
  .check(z.meta({ id: 'CacheEntriesRemoved' }));

/** `POST /api/v1/admin/cache/invalidate` query: which entries to drop. */
export const cacheInvalidateQuerySchema = z.object({
  pattern: plainText(1, 256).check(z.describe('Redis glob under the cache prefix, e.g. `students:*` (one entity) or `students:*:item:*` (its items)')),
});

export type CacheStatsReport = z.infer<typeof cacheStatsReportSchema>;
export type CacheEntriesRemoved = z.infer<typeof cacheEntriesRemovedSchema>;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type AssertTrue<T extends true> = T;
// Fails the type check when the cache's CacheStats and this schema drift apart.
export type CacheStatsMatches = AssertTrue<Same<CacheStats, Omit<Extract<CacheStatsReport, { enabled: true }>, 'enabled'>>>;
