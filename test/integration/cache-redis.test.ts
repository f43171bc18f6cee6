import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisBackend } from '../../shared/cache/redis/redis-backend.js';
import { createRedisClient } from '../../shared/cache/redis/redis-client.js';
import { TwoLevelCache, type TwoLevelCacheOptions } from '../../shared/cache/two-level-cache.js';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { createEntityService, type EntityService } from '../../shared/entity/entity-service.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import type { EntityStore } from '../../shared/store/entity-store.js';
import { students } from '../../shared/students/students.entity.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { describeWithRedis, redisTestPrefix, type RedisTestPrefix, TEST_REDIS_URL } from '../support/local-redis.js';

/**
 * The cache against the real Redis and the real store (DynamoDB Local): two "containers"
 * (two TwoLevelCache instances, each with its own L1 and connection) share one Redis, as
 * two Lambda containers share ElastiCache.
 */
let tables: LocalTables;
let store: DynamoDbEntityStore;
let redis: RedisTestPrefix;
let codec: CursorCodec;
const opened: TwoLevelCache[] = [];
/** The containers' clock, moved past the L1 staleness bound where a test needs another container to see a write. */
let offset = 0;
const now = () => Date.now() + offset;
const L1_STALE_MS = students.cache!.l1StaleMs!;
const pastL1Bound = () => (offset += L1_STALE_MS);

interface Container {
  service: EntityService;
  cache: TwoLevelCache;
  /** Store reads this container made (the loads the cache did not save). */
  loads: { get: number; list: number };
}

/**
 * One Lambda container's wiring: its own connection, L1 and service, over the shared store.
 * These tests check behaviour, not speed: a patient command timeout keeps a busy test
 * machine (DynamoDB Local's JVM on the same cores) from opening the breaker mid-test. The
 * 50 ms production timeout is exercised in cache-resilience.test.ts.
 */
function container(prefix: string, options: Partial<TwoLevelCacheOptions> = {}): Container {
  const client = createRedisClient(TEST_REDIS_URL, { commandTimeout: 2_000 });
  const cache = new TwoLevelCache(new RedisBackend(client), { prefix, settleMs: 0, now, ...options });
  opened.push(cache);
  const loads = { get: 0, list: 0 };
  const counted: EntityStore = {
    get: (id) => (loads.get++, store.get(id)),
    list: (query) => (loads.list++, store.list(query)),
    count: (query) => store.count(query),
    create: (item) => store.create(item),
    replace: (next, previous) => store.replace(next, previous),
    remove: (previous) => store.remove(previous),
    ping: () => store.ping(),
  };
  return { cache, loads, service: createEntityService(students, { store: counted, cursors: async () => codec, cache }) };
}

/** Two containers on a cache prefix of their own (statistics included). */
function twoContainers(name: string, options: Partial<TwoLevelCacheOptions> = {}) {
  const prefix = `${redis.prefix}${name}:`;
  return { prefix, a: container(prefix, options), b: container(prefix, options) };
}

describeWithRedis('entity cache on Redis, two containers', () => {
  beforeAll(async () => {
    tables = await createLocalTables();
    store = new DynamoDbEntityStore(students, createDocumentClient(tables.env), tables.env.STUDENTS_TABLE_NAME!);
    codec = new CursorCodec(tables.env.CURSOR_SECRET!);
    redis = redisTestPrefix('cache-redis');
    const seed = createEntityService(students, { store, cursors: async () => codec });
    for (let n = 1; n <= 6; n++) {
      await seed.create({ student_id: `S${n}`, first_name: `First${n}`, last_name: 'Cache', hometown: n % 2 ? 'Hanoi' : 'Hue', math_score: n });
    }
  });
  afterAll(async () => {
    await Promise.all(opened.map((cache) => cache.close()));
    await redis?.cleanup();
    await tables?.drop();
  });

  it('misses once, then hits L2 in the other container and L1 in the same one', async () => {
    const { a, b } = twoContainers('hit');
    const fromStore = await a.service.get('S1');
    expect(await b.service.get('S1')).toEqual(fromStore);
    expect(await b.service.get('S1')).toEqual(fromStore);
    expect(a.loads.get + b.loads.get).toBe(1);
    await Promise.all([a.cache.flushStats(), b.cache.flushStats()]);
    const stats = await a.cache.stats();
    expect(stats.l2).toMatchObject({ hits: 1, misses: 1, size: 1, hit_rate_percent: 50 });
    expect(stats.l1).toMatchObject({ hits: 1, misses: 2, size: 2, hit_rate_percent: 33.33 });
  });

  it('keeps entries as JSON, with the version they were read under, at <prefix>{<entity>}:v<ns>:item|list:… with the declared TTL', async () => {
    const { prefix, a } = twoContainers('layout');
    const item = await a.service.get('S2');
    const page = await a.service.list({ page_size: 2 } as never);
    const keys = (await redis.keys()).filter((key) => key.startsWith(`${prefix}{students}:`));
    expect(keys).toEqual([
      expect.stringMatching(new RegExp(`^${prefix}\\{students\\}:v0:item:S2$`)),
      expect.stringMatching(/:\{students\}:v0:list:[0-9a-f]{64}$/),
    ]);
    const [itemJson, pageJson] = await redis.backend.mget([`${prefix}{students}:v0:item:S2`, keys.find((key) => key.includes(':list:'))!]);
    expect(JSON.parse(itemJson!)).toEqual({ w: '', v: item }); // no write token: not written lately
    expect(JSON.parse(pageJson!)).toEqual({ w: expect.any(String), v: page }); // the list version
    expect(page.next_cursor).toEqual(expect.any(String)); // the whole ListResult, cursor included
    const ttl = await redis.pttl(`${prefix}{students}:v0:item:S2`);
    expect(ttl).toBeGreaterThan(58_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('serves pages equal to the uncached path, cursor pages included', async () => {
    const { a, b } = twoContainers('pages');
    const uncached = createEntityService(students, { store, cursors: async () => codec });
    const first = await a.service.list({ page_size: 4, sort: '-average_score' } as never);
    expect(await b.service.list({ page_size: 4, sort: '-average_score' } as never)).toEqual(first);
    expect(first).toEqual(await uncached.list({ page_size: 4, sort: '-average_score' } as never));
    const second = await b.service.list({ cursor: first.next_cursor! } as never);
    expect(second).toEqual(await uncached.list({ cursor: first.next_cursor! } as never));
    expect(await a.service.list({ cursor: first.next_cursor! } as never)).toEqual(second);
    expect(a.loads.list + b.loads.list).toBe(2);
  });

  it('after a write through one container, the other serves neither the old item nor old list pages', async () => {
    const { a, b } = twoContainers('write');
    const before = await b.service.get('S3');
    const hanoi = await b.service.list({ hometown: 'Hanoi' } as never);
    const all = await b.service.list({} as never);
    await b.service.get('S3'); // now in b's L1 as well
    const loads = b.loads.get;

    const updated = await a.service.update('S3', { hometown: 'Hue', math_score: 9.5 });
    expect(updated.version).toBe(before.version + 1);
    expect(await a.service.get('S3')).toEqual(updated);
    pastL1Bound(); // b's L1 may serve what it holds for l1StaleMs (see cache-under-writes.test.ts)
    expect(await b.service.get('S3')).toEqual(updated);
    expect(b.loads.get).toBe(loads); // a's read after its write cached the new version: b takes it from L2
    const hanoiAfter = await b.service.list({ hometown: 'Hanoi' } as never);
    expect(hanoiAfter.total).toBe(hanoi.total - 1);
    expect(hanoiAfter.items.map((s) => s.student_id)).not.toContain('S3');
    const allAfter = await b.service.list({} as never);
    expect(allAfter.items.find((s) => s.student_id === 'S3')).toEqual(updated);
    expect(allAfter).not.toEqual(all);

    await a.service.remove('S3');
    pastL1Bound();
    await expect(b.service.get('S3')).rejects.toThrow(/not found/);
    expect((await b.service.list({} as never)).total).toBe(all.total - 1);
    await a.service.create({ student_id: 'S3', first_name: 'Back', last_name: 'Again', hometown: 'Hanoi', math_score: 3 });
    pastL1Bound();
    expect(await b.service.get('S3')).toMatchObject({ first_name: 'Back', version: 1 });
  });

  it('adds statistics up across both containers', async () => {
    const { a, b } = twoContainers('stats', { statsFlushEvents: 1_000_000, statsFlushIntervalMs: 3_600_000 });
    for (const id of ['S1', 'S2']) await a.service.get(id); // 2 × (L1 miss, L2 miss)
    for (const id of ['S1', 'S2', 'S1']) await b.service.get(id); // 2 × (L1 miss, L2 hit), 1 L1 hit
    await a.service.get('S1'); // L1 hit
    await Promise.all([a.cache.flushStats(), b.cache.flushStats()]);
    expect(await a.cache.stats()).toEqual({
      l1: { hits: 2, misses: 4, size: 4, evictions: 0, hit_rate_percent: 33.33 },
      l2: { hits: 2, misses: 2, size: 2, evictions: expect.any(Number), hit_rate_percent: 50 },
    });
    expect(await b.cache.stats()).toEqual(await a.cache.stats());
  });

  it('collapses 10 concurrent gets of one id in a container into one store read', async () => {
    const { a } = twoContainers('flight');
    const results = await Promise.all(Array.from({ length: 10 }, () => a.service.get('S4')));
    expect(a.loads.get).toBe(1);
    expect(new Set(results.map((result) => JSON.stringify(result))).size).toBe(1);
  });

  it('invalidatePattern() and clear() remove entries under the prefix only and return counts', async () => {
    const { prefix, a, b } = twoContainers('admin');
    for (const id of ['S1', 'S2', 'S4']) await a.service.get(id);
    await a.service.list({} as never);
    await a.service.list({ page_size: 2 } as never);
    await b.service.get('S5');
    const sentinel = `${redis.prefix}admin-sentinel:{students}:v0:item:S1`;
    await redis.backend.exec([{ op: 'set', key: sentinel, value: 'not the cache', ttlMs: 60_000 }]);

    expect(await a.cache.invalidatePattern('students:v*:item:*')).toBe(4);
    expect(await a.cache.invalidatePattern('students:v*:item:*')).toBe(0);
    const loads = b.loads.get;
    pastL1Bound();
    await b.service.get('S5'); // was in b's L1: once it checks, the namespace moved, so it reloads
    expect(b.loads.get).toBe(loads + 1);

    expect(await b.cache.clear()).toBe(3); // two list pages + the S5 just reloaded
    expect(await a.cache.clear()).toBe(0);
    expect((await redis.keys()).filter((key) => key.startsWith(`${prefix}{students}:v`))).toEqual([]);
    expect(await redis.backend.mget([sentinel])).toEqual(['not the cache']);
    expect(Number((await redis.backend.mget([`${prefix}{students}:ns`]))[0])).toBeGreaterThanOrEqual(2);
    await expect(a.cache.invalidatePattern('')).rejects.toThrow(/must not be empty/);
  });

  it('marks the lists settling after a write so lagging pages are not stored; the item is stored at once', async () => {
    const { prefix, a } = twoContainers('settle', { settleMs: 1_000 });
    await a.service.update('S6', { math_score: 6.5 });
    const ttl = await redis.pttl(`${prefix}{students}:settling`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_000);
    await a.service.list({ page_size: 3 } as never);
    await a.service.list({ page_size: 3 } as never);
    expect(a.loads.list).toBe(2);
    await a.service.get('S6');
    await a.service.get('S6');
    expect(a.loads.get).toBe(1 + 1); // update's own read + one consistent read, then cached
  });
});
