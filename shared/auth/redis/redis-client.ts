import { type Redis, redisClass } from '../../redis/ioredis.js';
import { logger } from '../../powertools/logger.js';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
/** A revocation check must not slow a request noticeably; past this it fails open. */
export const REDIS_COMMAND_TIMEOUT_MS = 50;

/**
 * One client per container (`REDIS_URL`, default the local Redis). Commands time out after
 * 50 ms and are not retried, so a Redis outage costs each request at most that long.
 */
export function createRedisClient(env: NodeJS.ProcessEnv = process.env): Redis {
  const client = new (redisClass())(env.REDIS_URL ?? DEFAULT_REDIS_URL, {
    lazyConnect: true,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 1_000,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
  // Without a listener ioredis prints every reconnect failure; report each outage once.
  let reported = false;
  client.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    logger.warn('Redis connection failed; retrying in the background', { error: error.message });
  });
  client.on('ready', () => {
    reported = false;
  });
  return client;
}
