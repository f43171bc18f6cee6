import { DEFAULT_CACHE_PREFIX } from '../cache/cache-from-env.js';
import { containerRedisClient } from '../redis/container-redis.js';
import { RedisRequestMetrics } from './redis/redis-request-metrics.js';
import type { RequestMetricsStore } from './request-metrics-store.js';

let store: { built: RequestMetricsStore | undefined } | undefined;

/**
 * Where `METRICS_KEY_PREFIX` defaults to: beside the cache's keys (`records:metrics:`), so a
 * deployment or test run that gives the cache its own prefix keeps its metrics apart too.
 */
export function metricsKeyPrefix(env: NodeJS.ProcessEnv): string {
  return env.METRICS_KEY_PREFIX || `${env.CACHE_KEY_PREFIX ?? DEFAULT_CACHE_PREFIX}metrics:`;
}

/**
 * The container's request metrics store, built once from the environment on first use:
 * Redis at `REDIS_URL` (the container's shared client, 50 ms command timeout), keys under
 * `metricsKeyPrefix(env)`; no `REDIS_URL` → none, and recording is a no-op.
 */
export function requestMetricsStore(env: NodeJS.ProcessEnv = process.env): RequestMetricsStore | undefined {
  store ??= {
    built: env.REDIS_URL ? new RedisRequestMetrics(containerRedisClient(env.REDIS_URL), { prefix: metricsKeyPrefix(env) }) : undefined,
  };
  return store.built;
}
