import { type Redis, type RedisOptions, redisClass } from '../../redis/ioredis.js';

/**
 * Options that keep a slow or absent Redis from slowing requests down: commands time out
 * after 50 ms, nothing queues while disconnected, no retries per command, no background
 * reconnect loop (the cache's circuit breaker decides when to try again), and the
 * connection opens on first use.
 */
export const RESILIENT_REDIS_OPTIONS: RedisOptions = {
  lazyConnect: true,
  commandTimeout: 50,
  connectTimeout: 250,
  maxRetriesPerRequest: 0,
  enableOfflineQueue: false,
  enableReadyCheck: false,
  retryStrategy: () => null,
  // A connection is usable once TCP (and TLS) is up: no HELLO 3 handshake to wait for (it
  // outlives connectTimeout against a stalled server), no CLIENT SETINFO round trips.
  protocol: 2,
  disableClientInfo: true,
};

/** An ioredis client for `url` (`redis://` or `rediss://` for TLS) with the resilient options. */
export function createRedisClient(url: string, overrides: RedisOptions = {}): Redis {
  return new (redisClass())(url, { ...RESILIENT_REDIS_OPTIONS, ...overrides });
}

/** Whether a Redis answers PING at `url` within `timeoutMs`; the reason when not. */
export async function probeRedis(url: string, timeoutMs = 500): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = createRedisClient(url, { connectTimeout: timeoutMs, commandTimeout: timeoutMs });
  // The socket error (ECONNREFUSED, ETIMEDOUT…) says more than the rejection ("Connection is closed.").
  let socketError: Error | undefined;
  client.on('error', (error: Error) => (socketError ??= error));
  try {
    await client.connect();
    await client.ping();
    return { ok: true };
  } catch (error) {
    const cause = socketError ?? (error as Error);
    return { ok: false, reason: cause.message || (cause as NodeJS.ErrnoException).code || cause.name };
  } finally {
    client.disconnect();
  }
}
