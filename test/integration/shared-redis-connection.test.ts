import { afterAll, expect, it } from 'vitest';
import { RedisBackend } from '../../shared/cache/redis/redis-backend.js';
import { createRedisClient } from '../../shared/cache/redis/redis-client.js';
import { RedisRequestMetrics } from '../../shared/metrics/redis/redis-request-metrics.js';
import { RedisTokenBucketStore } from '../../shared/rate-limit/redis/redis-token-bucket-store.js';
import { containerRedisClient } from '../../shared/redis/container-redis.js';
import { describeWithRedis, redisTestPrefix, TEST_REDIS_URL } from '../support/local-redis.js';

const keys = redisTestPrefix('shared-conn');
afterAll(() => keys.cleanup());

describeWithRedis('one Redis client shared by the cache, the rate limiter and the request metrics', () => {
  it('gives every container component the same client for one URL', () => {
    expect(containerRedisClient(TEST_REDIS_URL)).toBe(containerRedisClient(TEST_REDIS_URL));
  });

  it('connects once when all three start using it at the same moment', async () => {
    const client = createRedisClient(TEST_REDIS_URL, { commandTimeout: 2_000, connectTimeout: 2_000 });
    let connects = 0;
    client.on('connect', () => connects++);
    // The metrics adapter starts connecting in its constructor; the others join that connect.
    const metrics = new RedisRequestMetrics(client, { prefix: keys.prefix, flushRequests: 1 });
    const cache = new RedisBackend(client);
    const limiter = new RedisTokenBucketStore(client);
    const [values, take] = await Promise.all([
      cache.mget([`${keys.prefix}absent`]),
      limiter.take(`${keys.prefix}bucket`, { capacity: 2, refillPerSecond: 1 }),
      metrics.record({ route: 'GET /health', status: 200, latencyMs: 3 }),
    ]);
    expect(values).toEqual([null]);
    expect(take.allowed).toBe(true);
    expect((await metrics.snapshot()).routes.map((route) => route.route)).toContain('GET /health');
    expect(connects).toBe(1);
    await metrics.close();
  });
});
