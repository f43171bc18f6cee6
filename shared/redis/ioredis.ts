import { createRequire } from 'node:module';
import type * as IORedis from 'ioredis';

export type Redis = IORedis.Redis;
export type Cluster = IORedis.Cluster;
export type RedisOptions = IORedis.RedisOptions;
export type ClusterOptions = IORedis.ClusterOptions;
/** A standalone client (local Redis) or a cluster client (ElastiCache Serverless): the adapters take either. */
export type RedisClient = Redis | Cluster;

let loaded: typeof IORedis | undefined;

/**
 * ioredis, loaded on first use: a container without REDIS_URL never pays its ~30 ms load.
 * In AWS it comes from the shared-dependencies Lambda layer (`/opt/nodejs/node_modules`, see
 * infra/build/bundle-layers.ts) instead of ~200 KB in every function bundle; `require` (not
 * `import`) because CommonJS resolution searches NODE_PATH, where Lambda mounts layers.
 * Locally and in tests it resolves from node_modules.
 */
function ioredis(): typeof IORedis {
  loaded ??= createRequire(import.meta.url)('ioredis') as typeof IORedis;
  return loaded;
}

/** The standalone ioredis client class. */
export function redisClass(): typeof IORedis.Redis {
  return ioredis().Redis;
}

/** The cluster-aware ioredis client class. */
export function clusterClass(): typeof IORedis.Cluster {
  return ioredis().Cluster;
}

/** Whether `client` speaks the cluster protocol (routes by slot, one connection per master). */
export function isCluster(client: RedisClient): client is Cluster {
  return (client as Cluster).isCluster === true;
}
