import { createRedisClient, redisClusterMode } from '../cache/redis/redis-client.js';
import type { RedisClient } from '../redis/ioredis.js';
import { containerRedisClient } from '../redis/container-redis.js';
import { RedisTokenBucketStore } from './redis/redis-token-bucket-store.js';
import { rateLimitRules } from './rate-limit-rules.js';
import { DEFAULT_LOCAL_SHARE, DEFAULT_RATE_LIMIT_PREFIX, RateLimiter } from './rate-limiter.js';

let built: { limiter: RateLimiter | undefined } | undefined;

/**
 * The container's rate limiter, built on its first request from the environment (so a test
 * may set it before then): Redis at `REDIS_URL`, keys under `RATE_LIMIT_KEY_PREFIX`, rules
 * from rate-limit-rules.ts with their env overrides, `RATE_LIMIT_LOCAL_SHARE` (containers
 * assumed to share a limit while Redis is unavailable, default 2). Without `REDIS_URL` there is no limiter
 * and nothing is limited (unit tests; a deployment without Redis relies on stage throttling).
 */
export function containerRateLimiter(env: NodeJS.ProcessEnv = process.env): RateLimiter | undefined {
  built ??= { limiter: rateLimiterFromEnv(env, containerRedisClient) };
  return built.limiter;
}

/** A new limiter from `env`, or undefined when `REDIS_URL` is unset. Throws on invalid limits. */
export function rateLimiterFromEnv(
  env: NodeJS.ProcessEnv,
  redisFor: (url: string) => RedisClient = (url) => createRedisClient(url, {}, redisClusterMode(env)),
): RateLimiter | undefined {
  if (!env.REDIS_URL) return undefined;
  const rules = rateLimitRules(env);
  const store = new RedisTokenBucketStore(redisFor(env.REDIS_URL));
  const localShare = env.RATE_LIMIT_LOCAL_SHARE ? Number(env.RATE_LIMIT_LOCAL_SHARE) : DEFAULT_LOCAL_SHARE;
  return new RateLimiter(store, rules, { prefix: env.RATE_LIMIT_KEY_PREFIX || DEFAULT_RATE_LIMIT_PREFIX, localShare });
}
