import { createRedisClient } from './redis/redis-client.js';
import { RedisRevocationList } from './redis/redis-revocation-list.js';
import type { RevocationList } from './revocation-list.js';

/** Keeps revocations of different deployments (and test runs) on one Redis apart. */
export const DEFAULT_REDIS_PREFIX = 'records-platform:auth:';

let revocations: RevocationList | undefined;

/** The revocation list of this container (Redis at `REDIS_URL`, keys under `AUTH_REDIS_PREFIX`). */
export function revocationList(env: NodeJS.ProcessEnv = process.env): RevocationList {
  revocations ??= new RedisRevocationList(createRedisClient(env), env.AUTH_REDIS_PREFIX ?? DEFAULT_REDIS_PREFIX);
  return revocations;
}
