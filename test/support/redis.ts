import { Redis } from 'ioredis';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Whether the Redis of `REDIS_URL` (default 127.0.0.1:6379) answers. Tests that need it run
 * only when it does, except under `REQUIRE_REDIS=1` (CI), where its absence is a failure.
 */
export async function redisAvailable(url = process.env.REDIS_URL ?? DEFAULT_REDIS_URL): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch (error) {
    if (process.env.REQUIRE_REDIS === '1') throw new Error(`REQUIRE_REDIS=1 but Redis at ${url} is not answering`, { cause: error });
    return false;
  } finally {
    client.disconnect();
  }
}
