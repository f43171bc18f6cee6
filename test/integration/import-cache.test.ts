import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisBackend } from '../../shared/cache/redis/redis-backend.js';
import { createRedisClient } from '../../shared/cache/redis/redis-client.js';
import { TwoLevelCache } from '../../shared/cache/two-level-cache.js';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { createEntityService, type EntityService } from '../../shared/entity/entity-service.js';
import { directImport } from '../../shared/import/direct/direct-import.js';
import { cacheInvalidatingSink } from '../../shared/import/jobs/cache-invalidating-sink.js';
import { importJobContainer } from '../../shared/import/jobs/import-job-container.js';
import { entities } from '../../shared/registry.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import { DynamoDbImportSink } from '../../shared/store/dynamodb/dynamodb-import-sink.js';
import type { EntityStore } from '../../shared/store/entity-store.js';
import { students } from '../../shared/students/students.entity.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { describeWithRedis, redisTestPrefix, type RedisTestPrefix, TEST_REDIS_URL } from '../support/local-redis.js';
import { importJobStoreOf } from '../support/students-store.js';

/**
 * Imports and the read cache against the real Redis and DynamoDB Local. The importing
 * container is the production wiring (importJobContainer with REDIS_URL: the sink of the
 * direct and S3 doors); the reading container is another TwoLevelCache on the same prefix,
 * with its own L1 and a clock only the test moves, so its `l1StaleMs` bound is passed exactly.
 */
let tables: LocalTables;
let store: DynamoDbEntityStore;
let redis: RedisTestPrefix;
let codec: CursorCodec;
const opened: TwoLevelCache[] = [];
let clock = 1_000_000;

function reader(): { service: EntityService; loads: string[] } {
  const cache = new TwoLevelCache(new RedisBackend(createRedisClient(TEST_REDIS_URL, { commandTimeout: 2_000 })), { prefix: redis.prefix, now: () => clock });
  opened.push(cache);
  const loads: string[] = [];
  const counted: EntityStore = {
    get: (id, options) => {
      loads.push(`get ${id}`);
      return store.get(id, options);
    },
    list: (query) => {
      loads.push('list');
      return store.list(query);
    },
    count: (query) => store.count(query),
    create: (item) => store.create(item),
    replace: (next, previous) => store.replace(next, previous),
    remove: (previous) => store.remove(previous),
    ping: () => store.ping(),
  };
  return { loads, service: createEntityService(students, { store: counted, cursors: async () => codec, cache }) };
}

function roster(rows: [id: string, firstName: string][]): { name: string; bytes: Buffer } {
  const lines = ['Student ID,First Name,Last Name,Hometown,Math', ...rows.map(([id, first]) => `${id},${first},Cache,Hanoi,7`)];
  return { name: 'roster.csv', bytes: Buffer.from(`${lines.join('\r\n')}\r\n`) };
}

describeWithRedis('imports invalidate the read cache (real Redis)', () => {
  beforeAll(async () => {
    tables = await createLocalTables();
    store = new DynamoDbEntityStore(students, createDocumentClient(tables.env), tables.env.STUDENTS_TABLE_NAME!);
    codec = new CursorCodec(tables.env.CURSOR_SECRET!);
    redis = redisTestPrefix('import-cache');
    const seed = createEntityService(students, { store, cursors: async () => codec });
    for (const id of ['IC1', 'IC2', 'IC3']) await seed.create({ student_id: id, first_name: 'Before', last_name: 'Cache', hometown: 'Hanoi', math_score: 5 });
  });
  afterAll(async () => {
    await Promise.all(opened.map((cache) => cache.close()));
    await redis?.cleanup();
    await tables?.drop();
  });

  it('serves the imported values of an upsert import, by id and in list pages, once l1StaleMs has passed', async () => {
    const { service, loads } = reader();
    const names = async () => Object.fromEntries((await service.list({ page_size: 50 } as never)).items.map((item) => [item.student_id, item.first_name]));
    expect((await service.get('IC1')).first_name).toBe('Before');
    expect((await service.get('IC3')).first_name).toBe('Before');
    expect(await names()).toEqual({ IC1: 'Before', IC2: 'Before', IC3: 'Before' });
    // All cached now: reading again past l1StaleMs costs no store read.
    clock += students.cache!.l1StaleMs! + 1;
    await service.get('IC1');
    await service.get('IC3');
    await names();
    expect(loads).toEqual(['get IC1', 'get IC3', 'list']);

    const container = importJobContainer(entities, { ...process.env, REDIS_URL: TEST_REDIS_URL, CACHE_KEY_PREFIX: redis.prefix });
    const jobs = importJobStoreOf({ client: createDocumentClient(tables.env), store, tableName: tables.env.STUDENTS_TABLE_NAME!, tables });
    const result = await directImport(
      { jobs, sink: container.sink(students), entity: students, owner: 'req-import-cache' },
      roster([
        ['IC1', 'Imported'],
        ['IC2', 'Imported'],
        ['IC9', 'New'],
      ]),
      'upsert',
    );
    expect(result).toMatchObject({ created: 1, updated: 2, errors: 0 });

    clock += students.cache!.l1StaleMs! + 1;
    loads.length = 0;
    expect((await service.get('IC1')).first_name).toBe('Imported');
    expect(await names()).toEqual({ IC1: 'Imported', IC2: 'Imported', IC3: 'Before', IC9: 'New' });
    expect(loads).toEqual(['get IC1', 'list']);
    // Items the import did not write stay cached.
    expect((await service.get('IC3')).first_name).toBe('Before');
    expect(loads).toEqual(['get IC1', 'list']);
  });

  it('still imports when the cache is unreachable (and the next reads go to the store)', async () => {
    const down = new TwoLevelCache(new RedisBackend(createRedisClient('redis://127.0.0.1:1', { connectTimeout: 200 })), { prefix: redis.prefix });
    const client = createDocumentClient(tables.env);
    const sink = cacheInvalidatingSink(new DynamoDbImportSink(students, store, client, tables.env.STUDENTS_TABLE_NAME!), students, async () => down);
    const jobs = importJobStoreOf({ client, store, tableName: tables.env.STUDENTS_TABLE_NAME!, tables });
    const result = await directImport({ jobs, sink, entity: students, owner: 'req-cache-down' }, roster([['IC3', 'Offline']]), 'upsert');
    expect(result).toMatchObject({ updated: 1, errors: 0 });
    expect((await store.get('IC3'))?.first_name).toBe('Offline');
    await down.close();
  });
});
