import { containerRedisClient } from '../redis/container-redis.js';
import { createCacheFromEnv } from './cache-from-env.js';
import type { TwoLevelCache } from './two-level-cache.js';

let cache: { built: TwoLevelCache | undefined } | undefined;

/**
 * The container's cache, built once from the environment (`REDIS_URL`; absent → none) over
 * the container's shared Redis client. Entity services, the import sinks and the admin
 * endpoints (`stats()`, `clear()`, `invalidatePattern()`) use this one instance, so a write
 * here drops this container's L1 entries at once whichever of them made it. Building it
 * opens nothing: ioredis loads and connects on the first command.
 */
export function containerCache(env: NodeJS.ProcessEnv = process.env): TwoLevelCache | undefined {
  cache ??= { built: createCacheFromEnv(env, containerRedisClient) };
  return cache.built;
}
