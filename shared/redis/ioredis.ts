import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';

export type Redis = IORedis.Redis;
export type RedisOptions = IORedis.RedisOptions;

let loaded: typeof IORedis.Redis | undefined;

/**
 * The ioredis client class, loaded on first use: a container without REDIS_URL never pays
 * its ~30 ms load. In AWS it comes from the shared-dependencies Lambda layer
 * (`/opt/nodejs/node_modules`, see infra/build/bundle-layers.ts) instead of ~200 KB in every
 * function bundle; `require` (not `import`) because CommonJS resolution searches NODE_PATH,
 * where Lambda mounts layers. Locally and in tests it resolves from node_modules.
 */
export function redisClass(): typeof IORedis.Redis {
  loaded ??= (createRequire(import.meta.url)('ioredis') as typeof IORedis).Redis;
  return loaded;
}
