import { afterAll, beforeAll, expect, it, vi } from 'vitest';
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
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/**
 * Redis absent, stalled or cut off mid-test: every service call is still answered (from
 * DynamoDB Local), within a few ms of the uncached path, and the breaker opens once per
 * outage with one warning. These use the production client options (50 ms timeout).
 */
let tables: LocalTables;
let store: DynamoDbEntityStore;
let codec: CursorCodec;
let redis: RedisTestPrefix;
let proxy: TcpProxy;
let uncached: EntityService;
const opened: TwoLevelCache[] = [];

function container(url: string, name: string, options: Partial<TwoLevelCacheOptions> = {}) {
  const warn = vi.fn();
  const addMetric = vi.fn();
  const backend = new RedisBackend(createRedisClient(url));
  const exec = vi.spyOn(backend, 'exec');
  const cache = new TwoLevelCache(backend, {
    prefix: `${redis.prefix}${name}:`,
    settleMs: 0,
    logger: { warn },
    metrics: { addMetric },
    ...options,
  });
  opened.push(cache);
  const loads = { get: 0 };
  const counted: EntityStore = {
    get: (id) => (loads.get++, store.get(id)),
    list: (query) => store.list(query),
    count: (query) => store.count(query),
    create: (item) => store.create(item),
    replace: (next, previous) => store.replace(next, previous),
    remove: (previous) => store.remove(previous),
    ping: () => store.ping(),
  };
  return { cache, exec, warn, addMetric, loads, service: createEntityService(students, { store: counted, cursors: async () => codec, cache }) };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** Median times of two calls measured alternately, so machine noise hits both alike. */
async function medians(a: () => Promise<unknown>, b: () => Promise<unknown>, runs = 31): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let n = 0; n < runs; n++) {
    times[0].push((await timed(a)).ms);
    times[1].push((await timed(b)).ms);
  }
  const median = (list: number[]) => list.sort((x, y) => x - y)[Math.floor(runs / 2)]!;
  return [median(times[0]), median(times[1])];
}

/** Slack for "costs nothing measurable": DynamoDB Local's own jitter on a busy 2-core machine. */
const NOISE_MS = 5;

describeWithRedis('entity cache when Redis fails', () => {
  beforeAll(async () => {
    tables = await createLocalTables();
    store = new DynamoDbEntityStore(students, createDocumentClient(tables.env), tables.env.STUDENTS_TABLE_NAME!);
    codec = new CursorCodec(tables.env.CURSOR_SECRET!);
    redis = redisTestPrefix('cache-resilience');
    const target = new URL(TEST_REDIS_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    uncached = createEntityService(students, { store, cursors: async () => codec });
    for (let n = 1; n <= 5; n++) await uncached.create({ student_id: `R${n}`, first_name: `Res${n}`, last_name: 'Ilient', math_score: n });
    for (let n = 0; n < 20; n++) await uncached.get('R1'); // warm DynamoDB Local before timing
  });
  afterAll(async () => {
    await Promise.all(opened.map((cache) => cache.close()));
    await proxy?.close();
    await redis?.cleanup();
    await tables?.drop();
  });

  it('answers every call from the store when Redis is at a dead port, and warns once', async () => {
    const c = container('redis://127.0.0.1:1', 'dead');
    const first = await timed(() => c.service.get('R1'));
    expect(first.value).toEqual(await uncached.get('R1'));
    expect(first.ms).toBeLessThan(250); // connection refused at once, then DynamoDB Local
    expect((await c.service.list({ page_size: 2 } as never)).items).toHaveLength(2);
    expect(await c.service.update('R2', { math_score: 7 })).toMatchObject({ version: 2, math_score: 7 });
    for (let n = 0; n < 10; n++) await c.service.get(`R${(n % 5) + 1}`);
    expect(c.warn).toHaveBeenCalledTimes(1);
    expect(c.warn.mock.calls[0]![0]).toMatch(/Cache unavailable/);
    // What failed, not a stack through node_modules.
    const logged = c.warn.mock.calls[0]![1] as { error: Record<string, unknown> };
    expect(logged.error).not.toBeInstanceOf(Error); // a logged Error carries its stack
    expect(logged.error).toMatchObject({ name: expect.any(String), message: expect.any(String) });
    expect(JSON.stringify(logged)).not.toMatch(/node_modules|\bat \S+ \(/);
    // Once per opening, whatever the number of reads; no hit or miss is counted while it is open.
    expect(c.addMetric.mock.calls.filter(([name]) => name !== 'CircuitOpen')).toEqual([['CacheUnavailable', 'Count', 1]]);
    expect(c.addMetric.mock.calls.filter(([name]) => name === 'CircuitOpen')).toHaveLength(1);
    // While the breaker is open Redis is not even tried, and the cache costs nothing measurable.
    const tried = c.exec.mock.calls.length;
    const [open, plain] = await medians(
      () => c.service.get('R1'),
      () => uncached.get('R1'),
    );
    expect(c.exec.mock.calls.length).toBe(tried);
    expect(open).toBeLessThan(plain + NOISE_MS);
  });

  it('spends at most one 50 ms command timeout on a Redis that stopped answering', async () => {
    proxy.mode = 'stall';
    try {
      const c = container(proxy.url, 'stall');
      const first = await timed(() => c.service.get('R3'));
      expect(first.value).toEqual(await uncached.get('R3'));
      expect(first.ms).toBeGreaterThanOrEqual(45);
      expect(first.ms).toBeLessThan(50 + 250);
      const tried = c.exec.mock.calls.length;
      const [next, plain] = await medians(
        () => c.service.get('R3'),
        () => uncached.get('R3'),
      );
      expect(c.exec.mock.calls.length).toBe(tried);
      expect(next).toBeLessThan(plain + NOISE_MS);
      expect(c.warn).toHaveBeenCalledTimes(1);
    } finally {
      proxy.mode = 'forward';
    }
  });

  it('keeps answering when Redis goes away mid-test, never serves L1 meanwhile, and recovers without serving what changed', async () => {
    // A clock of our own: the breaker stays open however slow this machine is, until we skip ahead.
    let skew = 0;
    const options = { breakerOpenMs: 15_000, now: () => Date.now() + skew };
    const writer = container(proxy.url, 'cut', options);
    const reader = container(proxy.url, 'cut', options);
    const v1 = await reader.service.get('R4');
    await reader.service.get('R4');
    expect(reader.loads.get).toBe(1); // second read from L1

    await proxy.cut();
    const v2 = await writer.service.update('R4', { first_name: 'Changed' }); // its invalidation is lost
    expect(v2.version).toBe(v1.version + 1);
    expect(await reader.service.get('R4')).toEqual(v2); // not the L1 copy: from the store
    for (let n = 0; n < 5; n++) {
      expect(await reader.service.get('R4')).toEqual(v2);
      await writer.service.get('R5');
    }
    expect(reader.warn).toHaveBeenCalledTimes(1);
    expect(writer.warn).toHaveBeenCalledTimes(1);

    await proxy.restore();
    skew += 15_000;
    // L2 still holds v1 under the old namespace; the reader saw the outage and moves it first.
    expect(await reader.service.get('R4')).toEqual(v2);
    const loads = reader.loads.get;
    expect(await reader.service.get('R4')).toEqual(v2);
    expect(reader.loads.get).toBe(loads); // cached again
    expect(await writer.service.get('R4')).toEqual(v2);
    expect(reader.warn).toHaveBeenCalledTimes(1);
  });
});
