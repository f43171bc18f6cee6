import { randomBytes } from 'node:crypto';
import { describe, it } from 'vitest';
import { RedisBackend } from '../../shared/cache/redis/redis-backend.js';
import { createRedisClient, probeRedis } from '../../shared/cache/redis/redis-client.js';

/** The Redis the tests use (shared with other people: only ever touch your own prefix). */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

const probe = await probeRedis(TEST_REDIS_URL, 1_000);

/**
 * `describe` for tests that need the real Redis. Without one they are skipped with a
 * message — unless `REQUIRE_REDIS=1` (set by .ci/run), where the absence is a failing test.
 */
export function describeWithRedis(name: string, body: () => void): void {
  if (probe.ok) {
    describe(name, body);
    return;
  }
  const why = `Redis at ${TEST_REDIS_URL} did not answer (${probe.reason})`;
  if (process.env.REQUIRE_REDIS === '1') {
    describe(name, () => {
      it('needs Redis (REQUIRE_REDIS=1)', () => {
        throw new Error(`${why}; REQUIRE_REDIS=1 makes that a failure. Start redis-server or unset REQUIRE_REDIS.`);
      });
    });
    return;
  }
  console.warn(`SKIPPED "${name}": ${why}. Set REQUIRE_REDIS=1 to make this a failure.`);
  describe.skip(name, body);
}

export interface RedisTestPrefix {
  /** Unique to this test file and run: `test:<label>:<random>:`. */
  prefix: string;
  /** A backend on the test Redis with patient timeouts, for assertions on raw keys. */
  backend: RedisBackend;
  keys(): Promise<string[]>;
  pttl(key: string): Promise<number>;
  /** UNLINKs every key under the prefix (and nothing else) and disconnects. */
  cleanup(): Promise<void>;
}

export function redisTestPrefix(label: string): RedisTestPrefix {
  const prefix = `test:${label}:${randomBytes(4).toString('hex')}:`;
  const client = createRedisClient(TEST_REDIS_URL, { commandTimeout: 5_000, connectTimeout: 2_000 });
  const backend = new RedisBackend(client);
  const keys = async () => {
    const found: string[] = [];
    for await (const batch of backend.scan(`${prefix}*`)) found.push(...batch);
    return found.sort();
  };
  return {
    prefix,
    backend,
    keys,
    pttl: async (key) => {
      await backend.mget([key]); // connects
      return client.pttl(key);
    },
    cleanup: async () => {
      await backend.unlink(await keys());
      await backend.close();
    },
  };
}
