import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { RedisBackend } from '../../shared/cache/redis/redis-backend.js';
import { createRedisClient } from '../../shared/cache/redis/redis-client.js';
import { TwoLevelCache } from '../../shared/cache/two-level-cache.js';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { createEntityService, type EntityService } from '../../shared/entity/entity-service.js';
import { createMatchedWrites } from '../../shared/entity/matched-writes.js';
import { BadRequestError, ValidationError } from '../../shared/errors/app-error.js';
import type { BulkBody, BulkOperation } from '../../shared/query/bulk-body.js';
import { type BulkServiceDeps, createBulkService } from '../../shared/query/bulk-service.js';
import { runQuery } from '../../shared/query/query-executor.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import type { EntityStore, StoredItem } from '../../shared/store/entity-store.js';
import { students } from '../../shared/students/students.entity.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { describeWithRedis, redisTestPrefix, type RedisTestPrefix, TEST_REDIS_URL } from '../support/local-redis.js';

/**
 * Bulk update and delete against DynamoDB Local and the real Redis: the matches come from the
 * query executor, the writes from the entity service (its conditional transactions with
 * counter shards, and the cache's invalidation). Each test seeds its own id prefix, and
 * wheres are scoped to it, so the tests share one table.
 */
let tables: LocalTables;
let client: ReturnType<typeof createDocumentClient>;
let store: DynamoDbEntityStore;
let codec: CursorCodec;
let redis: RedisTestPrefix;
let cache: TwoLevelCache;
let service: EntityService;

const TOWNS = ['Hanoi', 'Hue', 'Da Nang'];

describeWithRedis('bulk update and delete over DynamoDB Local and Redis', () => {
  beforeAll(async () => {
    tables = await createLocalTables();
    client = createDocumentClient(tables.env);
    store = new DynamoDbEntityStore(students, client, tables.env.STUDENTS_TABLE_NAME!);
    codec = new CursorCodec(tables.env.CURSOR_SECRET!);
    redis = redisTestPrefix('bulk');
    cache = new TwoLevelCache(new RedisBackend(createRedisClient(TEST_REDIS_URL, { commandTimeout: 2_000 })), { prefix: redis.prefix, settleMs: 0 });
    service = createEntityService(students, { store, cursors: async () => codec, cache });
  });
  afterAll(async () => {
    await cache?.close();
    await redis?.cleanup();
    client?.destroy();
    await tables?.drop();
  });

  let seeded = 0;
  /** `n` students `<P><nn>` with hometowns cycling through TOWNS and math_score = nn % 10. */
  async function seed(prefix: string, n: number): Promise<string[]> {
    const ids = Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);
    for (const [i, id] of ids.entries()) {
      await service.create({ student_id: id, first_name: 'Bulk', last_name: `L${i}`, hometown: TOWNS[i % 3], math_score: i % 10 });
    }
    seeded += n;
    return ids;
  }

  const bulk = (overrides: Partial<BulkServiceDeps> = {}, writer: BulkServiceDeps['writer'] = createMatchedWrites(students, { store, cache })) =>
    createBulkService(students, {
      run: (where, options) => runQuery(students, client, tables.env.STUDENTS_TABLE_NAME!, where, options),
      cursors: async () => codec,
      writer,
      readBudget: 1_000,
      callReadBudget: 10_000,
      segments: 3,
      ...overrides,
    });

  /** Follows the cursor to the end; returns every answer. */
  async function exhaust(operation: BulkOperation, body: BulkBody, deps: Partial<BulkServiceDeps> = {}) {
    const svc = bulk(deps);
    const answers = [];
    let cursor: string | undefined;
    for (let call = 0; call < 200; call++) {
      const { result } = await svc.run(operation, { ...body, ...(cursor ? { cursor } : {}) });
      answers.push(result);
      if (!result.cursor) break;
      cursor = result.cursor;
    }
    return answers;
  }
  const sum = (answers: Record<string, unknown>[], key: string) => answers.reduce((total, a) => total + Number(a[key] ?? 0), 0);
  const prefixed = (prefix: string) => ({ student_id: { begins_with: prefix } });

  beforeEach(async () => {
    // Every test starts from counters that agree with the items (checked again at its end).
    expect(await store.count({})).toBe(seeded);
  });

  it('updates the matches of an index plan, moving the filter counters and refreshing cached items and pages', async () => {
    await seed('UA', 12);
    const hue = await store.count({ filter: { name: 'hometown', value: 'hue' } });
    const hanoi = await store.count({ filter: { name: 'hometown', value: 'hanoi' } });
    // Cached before: an item and a list page that the bulk update must not leave stale.
    expect(await service.get('UA000')).toMatchObject({ hometown: 'Hanoi', version: 1 });
    const pageBefore = await service.list({ hometown: 'hue', page_size: 100 } as never);
    const where = { and: [{ hometown: { eq: 'Hanoi' } }, prefixed('UA')] };
    const { result, plan } = await bulk().run('update', { where, set: { hometown: 'Hue', email: 'moved@example.edu' } });
    expect(plan).toMatch(/^index\(hometown_by_/);
    expect(result).toEqual({ matched: 4, updated: 4, unchanged: 0, skipped: 0, failed: [], dry_run: false, cursor: null });
    expect(await service.get('UA000')).toMatchObject({ hometown: 'Hue', email: 'moved@example.edu', version: 2 });
    expect(await service.get('UA001')).toMatchObject({ hometown: 'Hue', version: 1 }); // was Hue already, not matched
    expect(await store.count({ filter: { name: 'hometown', value: 'hue' } })).toBe(hue + 4);
    expect(await store.count({ filter: { name: 'hometown', value: 'hanoi' } })).toBe(hanoi - 4);
    const pageAfter = await service.list({ hometown: 'hue', page_size: 100 } as never);
    expect(pageAfter.total).toBe(pageBefore.total + 4);
    expect(pageAfter.items.map((item) => item.student_id)).toEqual(expect.arrayContaining(['UA000', 'UA003', 'UA006', 'UA009']));
  });

  it('deletes the matches of a scan, keeping the total and filter counters right and the cache from serving them', async () => {
    const ids = await seed('DA', 20);
    expect(await service.get('DA002')).toMatchObject({ math_score: 2 }); // cached
    const total = await store.count({});
    const hue = await store.count({ filter: { name: 'hometown', value: 'hue' } });
    const where = { and: [prefixed('DA'), { math_score: { lt: 3 } }] };
    const matching = ids.filter((_, i) => i % 10 < 3);
    const hueMatching = ids.filter((_, i) => i % 10 < 3 && i % 3 === 1).length;
    const answers = await exhaust('delete', { where }, { readBudget: 7, callReadBudget: 14 });
    seeded -= sum(answers, 'deleted');
    expect(sum(answers, 'deleted')).toBe(matching.length);
    expect(sum(answers, 'matched')).toBe(matching.length);
    expect(answers.at(-1)!.cursor).toBeNull();
    expect(await store.count({})).toBe(total - matching.length);
    expect(await store.count({ filter: { name: 'hometown', value: 'hue' } })).toBe(hue - hueMatching);
    await expect(service.get('DA002')).rejects.toMatchObject({ code: 'student.notFound' });
    expect(await store.getMany(matching)).toEqual([]);
    expect((await store.getMany(ids)).length).toBe(ids.length - matching.length);
  });

  it('stops at the call read budget with a cursor and continues to exactly the brute-force matches; dry run counts the same', async () => {
    const ids = await seed('BA', 30);
    const where = { and: [prefixed('BA'), { math_score: { gte: 5 } }] };
    const expected = ids.filter((_, i) => i % 10 >= 5);
    const budgets = { readBudget: 4, callReadBudget: 9 };
    const dry = await exhaust('update', { where, set: { last_name: 'Bulked' }, dry_run: true }, budgets);
    expect(dry.length).toBeGreaterThan(1); // the budget cut the walk into several calls
    expect(dry.every((a) => a.dry_run && a.updated === 0)).toBe(true);
    expect(sum(dry, 'matched')).toBe(expected.length);
    expect((await store.getMany(expected)).every((item) => item.last_name !== 'Bulked')).toBe(true);
    const applied = await exhaust('update', { where, set: { last_name: 'Bulked' } }, budgets);
    expect(applied.length).toBeGreaterThan(1);
    expect(sum(applied, 'matched')).toBe(sum(dry, 'matched'));
    expect(sum(applied, 'updated')).toBe(expected.length);
    const after = await store.getMany(ids);
    expect(
      after
        .filter((item) => item.last_name === 'Bulked')
        .map((item) => item.student_id)
        .sort(),
    ).toEqual(expected);
    expect(after.filter((item) => item.last_name === 'Bulked').every((item) => item.version === 2)).toBe(true);
  });

  it('caps a call at limit matches and answers a cursor; repeating a call is harmless', async () => {
    await seed('LA', 9);
    const body = { where: prefixed('LA'), set: { english_score: 9 }, limit: 4 };
    const svc = bulk();
    const first = (await svc.run('update', body)).result;
    expect(first).toMatchObject({ matched: 4, updated: 4, unchanged: 0 });
    expect(first.cursor).toEqual(expect.any(String));
    // The same call again (a client retry): the same items, already holding the value.
    const again = (await svc.run('update', body)).result;
    expect(again).toMatchObject({ matched: 4, updated: 0, unchanged: 4 });
    const second = (await svc.run('update', { ...body, cursor: first.cursor! })).result;
    const retried = (await svc.run('update', { ...body, cursor: first.cursor! })).result;
    expect(second).toMatchObject({ matched: 4, updated: 4 });
    expect(retried).toMatchObject({ matched: 4, updated: 0, unchanged: 4 });
    const last = (await svc.run('update', { ...body, cursor: second.cursor! })).result;
    expect(last).toMatchObject({ matched: 1, updated: 1, cursor: null });
    const items = await store.getMany(Array.from({ length: 9 }, (_, i) => `LA00${i}`));
    expect(items.map((item) => [item.english_score, item.version])).toEqual(Array.from({ length: 9 }, () => [9, 2]));
  });

  it('refuses a cursor sent with another where, set or dry_run, with 422s at their location, and an absent or empty where with 400', async () => {
    await seed('CA', 3);
    const svc = bulk();
    const { result } = await svc.run('update', { where: prefixed('CA'), set: { english_score: 1 }, limit: 1 });
    const refused = async (operation: BulkOperation, body: Record<string, unknown>) => {
      const error = await svc.run(operation, body as BulkBody).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      return (error as ValidationError).errors.map((detail) => [detail.loc.join('.'), detail.type]);
    };
    expect(await refused('update', { where: prefixed('CA'), set: { english_score: 2 }, cursor: result.cursor })).toEqual([['body.cursor', 'cursor_invalid']]);
    expect(await refused('update', { where: prefixed('CA'), set: { english_score: 1 }, dry_run: true, cursor: result.cursor })).toEqual([
      ['body.cursor', 'cursor_invalid'],
    ]);
    expect(await refused('delete', { where: prefixed('CA'), cursor: result.cursor })).toEqual([['body.cursor', 'cursor_invalid']]);
    for (const where of [undefined, null, {}, []]) {
      const error = await svc.run('delete', { where } as unknown as BulkBody).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BadRequestError);
      expect((error as BadRequestError).code).toBe('bulk.whereRequired');
    }
    expect(await refused('delete', { where: { shoe_size: { eq: 1 } } })).toEqual([['body.where.shoe_size', 'unknown_field']]);
    // Nothing was deleted by the refused calls.
    expect((await store.getMany(['CA000', 'CA001', 'CA002'])).length).toBe(3);
  });

  it('does not lose a single-item update that lands between the bulk read and its write: the item is re-read and still updated', async () => {
    await seed('RA', 3);
    let raced = false;
    // The bulk's store: right before its first replace, another writer updates the same item.
    const racing: EntityStore = {
      get: (id, options) => store.get(id, options),
      list: (query) => store.list(query),
      count: (query) => store.count(query),
      create: (item) => store.create(item),
      remove: (previous) => store.remove(previous),
      ping: () => store.ping(),
      replace: async (next: StoredItem, previous: StoredItem) => {
        if (!raced && previous.student_id === 'RA001') {
          raced = true;
          await service.update('RA001', { first_name: 'Concurrent' });
        }
        return store.replace(next, previous);
      },
    };
    const writer = createMatchedWrites(students, { store: racing, cache });
    const { result } = await bulk({}, writer).run('update', { where: prefixed('RA'), set: { email: 'bulk@example.edu' } });
    expect(raced).toBe(true);
    expect(result).toMatchObject({ matched: 3, updated: 3, failed: [] });
    expect(await service.get('RA001')).toMatchObject({ first_name: 'Concurrent', email: 'bulk@example.edu', version: 3 });
  });

  it('skips a match that a concurrent write took out of the where, and reports items that keep losing races in failed', async () => {
    await seed('SA', 2);
    const hostile = (mode: 'out' | 'always'): EntityStore => ({
      get: (id, options) => store.get(id, options),
      list: (query) => store.list(query),
      count: (query) => store.count(query),
      create: (item) => store.create(item),
      remove: async (previous) => {
        // Another writer moves the item out of the where (or keeps bumping it) before each delete lands.
        await service.update(String(previous.student_id), mode === 'out' ? { math_score: 9 } : { english_score: Math.random() });
        return store.remove(previous);
      },
      replace: (next, previous) => store.replace(next, previous),
      ping: () => store.ping(),
    });
    const where = { and: [prefixed('SA'), { math_score: { lt: 5 } }] };
    const out = await bulk({}, createMatchedWrites(students, { store: hostile('out'), cache })).run('delete', { where });
    expect(out.result).toMatchObject({ matched: 2, deleted: 0, skipped: 2, failed: [] });
    const where2 = prefixed('SA');
    const lost = await bulk({}, createMatchedWrites(students, { store: hostile('always'), cache })).run('delete', { where: where2 });
    expect(lost.result).toMatchObject({ matched: 2, deleted: 0, skipped: 0 });
    expect(lost.result.failed.map((f) => f.reason)).toEqual(['student.writeConflict', 'student.writeConflict']);
    expect((await store.getMany(['SA000', 'SA001'])).length).toBe(2);
  }, 30_000);

  it('stops before its time runs out (after at least one page) and answers a cursor that continues the work', async () => {
    await seed('TA', 5);
    const body = { where: { student_id: { in: ['TA000', 'TA001', 'TA002', 'TA003', 'TA004'] } }, set: { literature_score: 3 } };
    // 1.5 s left, 2 s to keep back: only the first page (of 2) runs.
    const short = (await bulk({ remainingMs: () => 1_500, reserveMs: 2_000, pageSize: 2 }).run('update', body)).result;
    expect(short).toMatchObject({ matched: 2, updated: 2 });
    expect(short.cursor).toEqual(expect.any(String));
    const rest = (await bulk().run('update', { ...body, cursor: short.cursor! })).result;
    expect(rest).toMatchObject({ matched: 3, updated: 3, cursor: null });
  });

  it('ends with counters that agree with the items', async () => {
    expect(await store.count({})).toBe(seeded);
  });
});
