import { sharedMemoryBackend } from './memory-cache.js';
import { RedisBackend } from './redis/redis-backend.js';
import type { RedisClient } from '../redis/ioredis.js';
import { createRedisClient, redisClusterMode } from './redis/redis-client.js';
import { TwoLevelCache } from './two-level-cache.js';

/** Key prefix when `CACHE_KEY_PREFIX` is unset: our keys stay recognisable in a shared Valkey. */
export const DEFAULT_CACHE_PREFIX = 'records:';

/**
 * The container's cache from its environment: `REDIS_URL` (`redis://` or `rediss://`; `REDIS_CLUSTER=1` for a cluster-mode cache) →
 * L1 + Redis; `CACHE_BACKEND=memory` (set by the local runner when no Redis answers) →
 * L1 + the process-wide memory L2; neither → no cache. `CACHE_KEY_PREFIX` starts every key.
 */
export function createCacheFromEnv(
  env: NodeJS.ProcessEnv,
  redisFor: (url: string) => RedisClient = (url) => createRedisClient(url, {}, redisClusterMode(env)),
): TwoLevelCache | undefined {
  const prefix = env.CACHE_KEY_PREFIX ?? DEFAULT_CACHE_PREFIX;
  if (env.REDIS_URL) return new TwoLevelCache(new RedisBackend(redisFor(env.REDIS_URL)), { prefix });
  if (env.CACHE_BACKEND === 'memory') return new TwoLevelCache(sharedMemoryBackend(), { prefix });
  return undefined;
}
