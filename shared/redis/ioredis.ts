import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';

/**
 * The ioredis client class. In AWS it comes from the shared-dependencies Lambda layer
 * (`/opt/nodejs/node_modules`, see infra/build/bundle-layers.ts) instead of ~200 KB in every
 * function bundle. ESM imports do not search layers but CommonJS `require` does (NODE_PATH),
 * hence `createRequire`; locally and in tests it resolves from node_modules as usual.
 */
const requireFromHere = createRequire(import.meta.url);
export const Redis: typeof IORedis.Redis = (requireFromHere('ioredis') as typeof IORedis).Redis;
export type Redis = IORedis.Redis;
export type RedisOptions = IORedis.RedisOptions;
