import { type Cluster, clusterClass, type Redis, type RedisClient, type RedisOptions, redisClass } from '../../redis/ioredis.js';

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

/** Whether `env` asks for the cluster client (`REDIS_CLUSTER=1`: ElastiCache Serverless, set by the CDK). */
export function redisClusterMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.REDIS_CLUSTER === '1';
}

/**
 * An ioredis client for `url` (`redis://` or `rediss://` for TLS) with the resilient options:
 * standalone, or — `cluster` (default: `REDIS_CLUSTER=1`) — a cluster client seeded with that
 * one endpoint. ElastiCache Serverless is cluster-mode behind one endpoint; the client learns
 * the slot map from it (CLUSTER SLOTS) and follows MOVED. `dnsLookup` keeps the host name (TLS
 * certificates name the endpoint, not its addresses), the documented ioredis setup for
 * ElastiCache with TLS.
 */
export function createRedisClient(url: string, overrides: RedisOptions = {}, cluster = redisClusterMode()): RedisClient {
  const options = { ...RESILIENT_REDIS_OPTIONS, ...overrides };
  if (!cluster) return new (redisClass())(url, options);
  return createClusterClient(url, options);
}

/** The standalone client, for callers that need Redis-only features (tests, probes). */
export function createStandaloneRedisClient(url: string, overrides: RedisOptions = {}): Redis {
  return new (redisClass())(url, { ...RESILIENT_REDIS_OPTIONS, ...overrides });
}

function createClusterClient(url: string, options: RedisOptions): Cluster {
  const parsed = new URL(url);
  const { lazyConnect, enableOfflineQueue, enableReadyCheck, connectTimeout, retryStrategy: _retry, ...perNode } = options;
  return new (clusterClass())([{ host: parsed.hostname, port: Number(parsed.port || 6379) }], {
    lazyConnect,
    enableOfflineQueue,
    enableReadyCheck,
    // Like the standalone client: no reconnect loop, the callers' breakers decide.
    clusterRetryStrategy: () => null,
    slotsRefreshTimeout: connectTimeout,
    dnsLookup: (address, callback) => callback(null, address),
    redisOptions: {
      ...perNode,
      connectTimeout,
      ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    },
  });
}

/** Whether a Redis answers PING at `url` within `timeoutMs`; the reason when not. */
export async function probeRedis(url: string, timeoutMs = 500): Promise<{ ok: true } | { ok: false; reason: string }> {
  const client = createStandaloneRedisClient(url, { connectTimeout: timeoutMs, commandTimeout: timeoutMs });
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
