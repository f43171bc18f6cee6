import { afterAll, beforeAll, expect, it } from 'vitest';
import { createCacheFromEnv } from '../../shared/cache/cache-from-env.js';
import { CacheKeys } from '../../shared/cache/cache-keys.js';
import { RedisBackend } from '../../shared/cache/redis/redis-backend.js';
import { createRedisClient } from '../../shared/cache/redis/redis-client.js';
import { TwoLevelCache } from '../../shared/cache/two-level-cache.js';
import { RedisRequestMetrics } from '../../shared/metrics/redis/redis-request-metrics.js';
import { type Cluster, isCluster, type RedisClient } from '../../shared/redis/ioredis.js';
import { RedisTokenBucketStore } from '../../shared/rate-limit/redis/redis-token-bucket-store.js';
import { describeWithRedisCluster, type LocalRedisCluster, startRedisCluster } from '../support/local-redis-cluster.js';

/**
 * The Redis adapters on the cluster client against a local three-master Redis Cluster: what
 * ElastiCache Serverless (cluster-mode) asks of them. A cross-slot command fails there
 * (CROSSSLOT, or ioredis refusing a pipeline spanning nodes) and a SCAN of one node misses
 * the others' keys; the cache fails open, so the tests count loads and keys, not errors.
 */
let cluster: LocalRedisCluster;
const clients: RedisClient[] = [];
const closers: (() => Promise<void>)[] = [];

/** A cluster client with patient timeouts (behaviour, not speed, is under test). */
function clusterClient(): Cluster {
  const client = createRedisClient(cluster.url, { commandTimeout: 2_000, connectTimeout: 2_000 }, true);
  if (!isCluster(client)) throw new Error('expected the cluster client');
  clients.push(client);
  return client;
}

/** Keys per master, under `prefix`. */
async function keysPerMaster(client: Cluster, prefix: string): Promise<string[][]> {
  if (client.status === 'wait') await client.connect();
  return Promise.all(client.nodes('master').map((node) => node.keys(`${prefix}*`)));
}

const ENTITIES = ['students', 'courses', 'teachers', 'rooms', 'grades', 'terms'];
const scope = (entity: string) => ({ entity, ttlSeconds: 60, l1StaleMs: 0 });

describeWithRedisCluster('Redis adapters on a 3-master Redis Cluster (cluster client)', () => {
  beforeAll(async () => {
    cluster = await startRedisCluster();
  });
  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined);
    for (const client of clients) client.disconnect();
    await cluster?.stop();
  });

  it('the cluster client is what REDIS_CLUSTER=1 selects', () => {
    expect(isCluster(createRedisClient(cluster.url, {}, true))).toBe(true);
    expect(isCluster(createRedisClient(cluster.url, {}, false))).toBe(false);
  });

  it('a cache built from REDIS_URL with REDIS_CLUSTER=1 works on the cluster', async () => {
    const cache = createCacheFromEnv({ REDIS_URL: cluster.url, REDIS_CLUSTER: '1', CACHE_KEY_PREFIX: 'cluster:env:' })!;
    closers.push(() => cache.close());
    let loads = 0;
    for (let n = 0; n < 3; n++) await cache.item(scope('students'), '1', async () => ++loads);
    expect(loads).toBe(1);
  });

  it('cache: misses once then hits, invalidates an item and an entity, over entities on different masters', async () => {
    const prefix = 'cluster:cache:';
    const cache = new TwoLevelCache(new RedisBackend(clusterClient()), { prefix, settleMs: 0, statsFlushEvents: 1 });
    const other = new TwoLevelCache(new RedisBackend(clusterClient()), { prefix, settleMs: 0, statsFlushEvents: 1 });
    closers.push(
      () => cache.close(),
      () => other.close(),
    );
    let loads = 0;
    const load = (value: string) => async () => (loads++, { value });

    for (const entity of ENTITIES) {
      expect(await cache.item(scope(entity), '1', load(`${entity}-1`))).toEqual({ value: `${entity}-1` });
      expect(await cache.list(scope(entity), { page: 1 }, load(`${entity}-page`))).toEqual({ value: `${entity}-page` });
    }
    expect(loads).toBe(ENTITIES.length * 2);
    // The other container reads from L2: no load, every command answered.
    for (const entity of ENTITIES) {
      expect(await other.item(scope(entity), '1', load('stale'))).toEqual({ value: `${entity}-1` });
      expect(await other.list(scope(entity), { page: 1 }, load('stale'))).toEqual({ value: `${entity}-page` });
    }
    expect(loads).toBe(ENTITIES.length * 2);
    const spread = await keysPerMaster(clusterClient(), prefix);
    expect(spread.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);

    await cache.invalidate('students', '1'); // the item and the lists of that entity
    expect(await other.item(scope('students'), '1', load('students-1b'))).toEqual({ value: 'students-1b' });
    expect(await other.list(scope('students'), { page: 1 }, load('students-page-b'))).toEqual({ value: 'students-page-b' });
    expect(await other.item(scope('courses'), '1', load('stale'))).toEqual({ value: 'courses-1' });
    await cache.invalidate('courses'); // namespace bump
    expect(await other.item(scope('courses'), '1', load('courses-1b'))).toEqual({ value: 'courses-1b' });
    expect(loads).toBe(ENTITIES.length * 2 + 3);
  });

  it('cache admin: stats and clear() SCAN every master; invalidatePattern removes one entity', async () => {
    const prefix = 'cluster:admin:';
    const client = clusterClient();
    const cache = new TwoLevelCache(new RedisBackend(client), { prefix, settleMs: 0, statsFlushEvents: 1 });
    closers.push(() => cache.close());
    for (const entity of ENTITIES) await cache.item(scope(entity), '1', async () => ({ entity }));
    await cache.flushStats();
    const keys = new CacheKeys(prefix);
    const entries = (await keysPerMaster(client, prefix)).map((onNode) => onNode.filter((key) => keys.classify(key).kind === 'entry'));
    expect(entries.flat()).toHaveLength(ENTITIES.length);
    expect(entries.filter((onNode) => onNode.length > 0).length).toBeGreaterThan(1);

    const stats = await cache.stats();
    expect(stats.l2).toMatchObject({ size: ENTITIES.length, misses: ENTITIES.length });
    expect(stats.l1.size).toBe(ENTITIES.length);

    expect(await cache.invalidatePattern('rooms:*')).toBe(1);
    expect(await cache.clear()).toBe(ENTITIES.length - 1);
    expect((await keysPerMaster(client, prefix)).flat().filter((key) => keys.classify(key).kind === 'entry')).toEqual([]);
    expect((await cache.stats()).l2.size).toBe(0);
  });

  it('rate limiter: the token bucket script (EVALSHA, one key) on keys of different masters', async () => {
    const store = new RedisTokenBucketStore(clusterClient());
    closers.push(() => store.close());
    const bucket = { capacity: 3, refillPerSecond: 0.001 };
    for (const identity of ['alice', 'bob', 'carol', 'dave']) {
      const takes = [];
      for (let n = 0; n < 4; n++) takes.push(await store.take(`cluster:rl:${identity}`, bucket));
      expect(takes.map((take) => take.allowed)).toEqual([true, true, true, false]);
      expect(takes.map((take) => take.remaining)).toEqual([2, 1, 0, 0]);
    }
    const spread = await keysPerMaster(clusterClient(), 'cluster:rl:');
    expect(spread.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
  });

  it('reconnects on the next use after the connection ended (no reconnect loop, like the standalone client)', async () => {
    const client = clusterClient();
    const store = new RedisTokenBucketStore(client);
    closers.push(() => store.close());
    const bucket = { capacity: 5, refillPerSecond: 0.001 };
    expect((await store.take('cluster:reconnect', bucket)).remaining).toBe(4);
    client.disconnect();
    await expect.poll(() => client.status).toMatch(/^(close|end)$/);
    expect((await store.take('cluster:reconnect', bucket)).remaining).toBe(3);
  });

  it('request metrics: a flush (one pipeline on one hash) and a snapshot', async () => {
    const metrics = new RedisRequestMetrics(clusterClient(), { prefix: 'cluster:metrics:', flushRequests: 3 });
    closers.push(() => metrics.close());
    await expect.poll(() => clients.at(-1)!.status).toBe('ready');
    for (const status of [200, 404, 500]) await metrics.record({ route: 'GET /students', status, latencyMs: 12 });
    await metrics.record({ route: 'POST /students', status: 201, latencyMs: 30 });
    const snapshot = await metrics.snapshot();
    expect(snapshot.since).toEqual(expect.any(String));
    expect(snapshot.routes.map(({ route, requests, clientErrors, serverErrors }) => ({ route, requests, clientErrors, serverErrors }))).toEqual([
      { route: 'GET /students', requests: 3, clientErrors: 1, serverErrors: 1 },
      { route: 'POST /students', requests: 1, clientErrors: 0, serverErrors: 0 },
    ]);
  });
});
