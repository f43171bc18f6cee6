import { describe, expect, it } from 'vitest';
import { isCluster } from '../../redis/ioredis.js';
import { createRedisClient, RESILIENT_REDIS_OPTIONS, redisClusterMode } from './redis-client.js';

describe('createRedisClient', () => {
  it('is standalone unless REDIS_CLUSTER=1', () => {
    expect(redisClusterMode({})).toBe(false);
    expect(redisClusterMode({ REDIS_CLUSTER: '0' })).toBe(false);
    expect(redisClusterMode({ REDIS_CLUSTER: '1' })).toBe(true);
    expect(isCluster(createRedisClient('redis://127.0.0.1:6379', {}, false))).toBe(false);
  });

  it('seeds a cluster client with the URL’s endpoint: TLS for rediss://, credentials, the resilient options per node', () => {
    const client = createRedisClient('rediss://user:p%40ss@cache.example:6380', { commandTimeout: 70 }, true);
    if (!isCluster(client)) throw new Error('expected a cluster client');
    expect((client as unknown as { startupNodes: unknown }).startupNodes).toEqual([{ host: 'cache.example', port: 6380 }]);
    expect(client.options).toMatchObject({
      lazyConnect: true,
      enableOfflineQueue: false,
      enableReadyCheck: false,
      slotsRefreshTimeout: RESILIENT_REDIS_OPTIONS.connectTimeout,
    });
    expect(client.options.clusterRetryStrategy?.(1, undefined)).toBeNull();
    expect(client.options.redisOptions).toMatchObject({ tls: {}, username: 'user', password: 'p@ss', commandTimeout: 70, maxRetriesPerRequest: 0 });
    const resolved = new Promise((resolve) => client.options.dnsLookup?.('cache.example', (_error, address) => resolve(address)));
    return expect(resolved).resolves.toBe('cache.example'); // TLS certificates name the endpoint
  });

  it('uses plain TCP for redis://', () => {
    const client = createRedisClient('redis://127.0.0.1:7000', {}, true);
    if (!isCluster(client)) throw new Error('expected a cluster client');
    expect(client.options.redisOptions).not.toHaveProperty('tls');
  });
});
