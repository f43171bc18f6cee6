import { createRedisClient } from '../cache/redis/redis-client.js';
import type { RedisClient } from './ioredis.js';

const clients = new Map<string, RedisClient>();

/**
 * The container's one Redis client per URL, shared by the cache, the rate limiter and the
 * request metrics: one connection (and one TLS handshake at cold start) instead of three.
 */
export function containerRedisClient(url: string): RedisClient {
  let client = clients.get(url);
  if (!client) {
    client = createRedisClient(url);
    clients.set(url, client);
  }
  return client;
}
