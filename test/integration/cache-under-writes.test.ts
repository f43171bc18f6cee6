import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisBackend } from '../../shared/cache/redis/redis-backend.js';
import { CountingBackend as Counted } from '../support/counting-backend.js';
import { createRedisClient } from '../../shared/cache/redis/redis-client.js';
import { TwoLevelCache } from '../../shared/cache/two-level-cache.js';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { createEntityService, type EntityService } from '../../shared/entity/entity-service.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import type { EntityStore, StoredItem } from '../../shared/store/entity-store.js';
import { students } from '../../shared/students/students.entity.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { describeWithRedis, redisTestPrefix, type RedisTestPrefix, TEST_REDIS_URL } from '../support/local-redis.js';

/**
 * The cache under writes against the real Redis and DynamoDB Local: "containers" are
 * TwoLevelCache instances with their own L1 and connection, on the students declaration
 * (`l1StaleMs` 500). Their clock is a fake that only the test moves, so the staleness bound
 * is checked exactly however slow the machine is (Redis TTLs run on the server's clock and
 * are far longer than any test).
 */
let tables: LocalTables;
let store: DynamoDbEntityStore;
let redis: RedisTestPrefix;
let codec: CursorCodec;
const opened: TwoLevelCache[] = [];
let clock = 1_000_000;
const L1_STALE_MS = students.cache!.l1StaleMs!;

interface Container {
  service: EntityService;
  backend: Counted;
  /** Store reads this container made (the loads the cache did not save). */
  loads: string[];
}

/** One container; `hold` lets a test keep a store read open after it read the item. */
function container(prefix: string, hold?: (id: string) => Promise<void>): Container {
  const backend = new Counted(new RedisBackend(createRedisClient(TEST_REDIS_URL, { commandTimeout: 2_000 })));
  const cache = new TwoLevelCache(backend, { prefix, settleMs: 0, now: () => clock });
  opened.push(cache);
  const loads: string[] = [];
  const counted: EntityStore = {
    get: async (id: string): Promise<StoredItem | undefined> => {
      loads.push(id);
      const item = await store.get(id);
      await hold?.(id);
      return item;
    },
    list: (query) => store.list(query),
    count: (query) => store.count(query),
    create: (item) => store.create(item),
    replace: (next, previous) => store.replace(next, previous),
    remove: (previous) => store.remove(previous),
    ping: () => store.ping(),
  };
  return { backend, loads, service: createEntityService(students, { store: counted, cursors: async () => codec, cache }) };
}

describeWithRedis('entity cache under writes, two containers on one Redis', () => {
  beforeAll(async () => {
    tables = await createLocalTables();
    store = new DynamoDbEntityStore(students, createDocumentClient(tables.env), tables.env.STUDENTS_TABLE_NAME!);
    codec = new CursorCodec(tables.env.CURSOR_SECRET!);
    redis = redisTestPrefix('cache-writes');
    const seed = createEntityService(students, { store, cursors: async () => codec });
    for (let n = 1; n <= 6; n++) await seed.create({ student_id: `W${n}`, first_name: `First${n}`, last_name: 'Writes', hometown: 'Hanoi', math_score: n });
  });
  afterAll(async () => {
    await Promise.all(opened.map((cache) => cache.close()));
    await redis?.cleanup();
    await tables?.drop();
  });

  it('keeps an item cached in every container while other students are written', async () => {
    const prefix = `${redis.prefix}others:`;
    const [a, b] = [container(prefix), container(prefix)];
    await a.service.get('W1');
    await b.service.get('W1');
    for (let n = 0; n < 5; n++) {
      await a.service.update('W2', { math_score: n });
      clock += L1_STALE_MS; // every L1 entry must be checked again: the check finds W1 unchanged
      expect(await b.service.get('W1')).toMatchObject({ student_id: 'W1', version: 1 });
      expect(await a.service.get('W1')).toMatchObject({ student_id: 'W1', version: 1 });
    }
    expect(a.loads.filter((id) => id === 'W1')).toEqual(['W1']); // its first read only
    expect(b.loads).toEqual([]); // from L2 (a's load), then L1
  });

  it('shows a write to its own container at once and to another within l1StaleMs, with no round trip before', async () => {
    const prefix = `${redis.prefix}bound:`;
    const [a, b] = [container(prefix), container(prefix)];
    const before = await b.service.get('W3');
    await a.service.get('W3');
    clock += 100;
    const updated = await a.service.update('W3', { first_name: 'Updated' });
    expect(await a.service.get('W3')).toEqual(updated);
    const trips = b.backend.roundTrips;
    clock += L1_STALE_MS - 101; // b checked W3 at +0: its copy may be served until +499…
    expect(await b.service.get('W3')).toEqual(before);
    expect(b.backend.roundTrips).toBe(trips);
    clock += 1; // …and from +500 on the next read checks Redis and gets the write
    expect(await b.service.get('W3')).toEqual(updated);
    expect(b.backend.roundTrips).toBeGreaterThan(trips);
  });

  it('never caches what a reader loaded before a write that finished during its load', async () => {
    const prefix = `${redis.prefix}race:`;
    let release!: () => void;
    let loaded!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const reading = new Promise<void>((resolve) => (loaded = resolve));
    const reader = container(prefix, async (id) => {
      if (id !== 'W5') return;
      loaded(); // the reader holds W5 as it was before the write
      await held;
    });
    const writer = container(prefix);
    const slow = reader.service.get('W5');
    await reading;
    const updated = await writer.service.update('W5', { last_name: 'Rewritten' });
    release();
    expect((await slow).version).toBe(updated.version - 1);
    const late = container(prefix);
    expect(await late.service.get('W5')).toEqual(updated);
    expect(late.loads).toEqual(['W5']); // what the reader stored was dead on arrival
    clock += L1_STALE_MS;
    expect(await reader.service.get('W5')).toEqual(updated);
  });
});
