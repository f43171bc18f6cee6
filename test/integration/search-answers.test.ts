import { afterAll, beforeAll, expect, it } from 'vitest';
import { RedisBackend } from '../../shared/cache/redis/redis-backend.js';
import { createRedisClient } from '../../shared/cache/redis/redis-client.js';
import { TwoLevelCache } from '../../shared/cache/two-level-cache.js';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { createEntityService, type EntityService } from '../../shared/entity/entity-service.js';
import type { EntityView } from '../../shared/entity/define-entity.js';
import type { SearchOptions } from '../../shared/entity/search-page.js';
import { searchText } from '../../shared/entity/search-text.js';
import { filterValue } from '../../shared/entity/filter-value.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import { toRecord } from '../../shared/store/dynamodb/item-record.js';
import { sortAttr } from '../../shared/store/dynamodb/table-design.js';
import type { EntityStore, SearchableStore, SearchQuery, StoredItem } from '../../shared/store/entity-store.js';
import { students } from '../../shared/students/students.entity.js';
import { withBudget } from '../../shared/runtime/request-budget.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { describeWithRedis, redisTestPrefix, type RedisTestPrefix, TEST_REDIS_URL } from '../support/local-redis.js';

/**
 * Search that answers (issue 11): one pass per (search, filter, sort) gives the count and the
 * first matches; that answer is cached apart from the pages, so later pages neither recount
 * nor rescan, and a write invalidates it. Behaviour only, at small scale (the timing is the
 * `search` bench).
 */
let tables: LocalTables;
let client: ReturnType<typeof createDocumentClient>;
let store: DynamoDbEntityStore;
let redis: RedisTestPrefix;
const codec = new CursorCodec('s'.repeat(32));
const opened: TwoLevelCache[] = [];
const items: StoredItem[] = [];
const TOWNS = ['Hanoi', 'Hue', null];
const LAST = ['Nguyen', 'Tran', 'Nguyễn', 'Le'];
const COUNT = 120;

function student(n: number): StoredItem {
  const at = new Date(Date.UTC(2026, 1, 1) + (n % 11) * 1_000).toISOString();
  return {
    student_id: `Q${String((n * 53) % 211).padStart(3, '0')}`,
    first_name: n % 5 === 0 ? 'Anh' : 'Minh',
    last_name: LAST[n % LAST.length]!,
    email: n % 6 === 0 ? null : `q${n}@example.edu`,
    hometown: TOWNS[n % TOWNS.length]!,
    math_score: n % 7 === 0 ? null : n % 10,
    literature_score: null,
    english_score: null,
    created_at: at,
    updated_at: at,
    version: 1,
  } as StoredItem;
}

beforeAll(async () => {
  tables = await createLocalTables();
  client = createDocumentClient(process.env);
  store = new DynamoDbEntityStore(students, client, process.env.STUDENTS_TABLE_NAME!);
  for (let n = 0; n < COUNT; n++) items.push(student(n));
  const result = await store.putMany(items, { mode: 'create' });
  await store.applyCounterDelta(result.delta, 'search-seed');
  redis = redisTestPrefix('search');
}, 120_000);
afterAll(async () => {
  for (const cache of opened) await cache.close();
  await redis?.cleanup();
  client?.destroy();
  await tables?.drop();
});

/** The store with its one-pass searches counted (every other call passes through). */
function countingStore(): { store: EntityStore & SearchableStore; passes: SearchQuery[] } {
  const passes: SearchQuery[] = [];
  return {
    passes,
    store: {
      get: (id, options) => store.get(id, options),
      getMany: (ids) => store.getMany(ids),
      list: (query) => store.list(query),
      count: (query) => store.count(query),
      create: (item) => store.create(item),
      replace: (next, previous) => store.replace(next, previous),
      remove: (previous) => store.remove(previous),
      ping: () => store.ping(),
      searchMatches: (query) => (passes.push(query), store.searchMatches(query)),
      matchesUpTo: (matches, position, descending) => store.matchesUpTo(matches, position, descending),
    },
  };
}

function serviceWith(options: { cached: boolean; search?: SearchOptions }) {
  const counted = countingStore();
  let cache: TwoLevelCache | undefined;
  if (options.cached) {
    cache = new TwoLevelCache(new RedisBackend(createRedisClient(TEST_REDIS_URL, { commandTimeout: 2_000 })), { prefix: redis.prefix, settleMs: 0 });
    opened.push(cache);
  }
  const service = createEntityService(students, { store: counted.store, cursors: async () => codec, cache, search: options.search });
  return { service, passes: counted.passes };
}

/** Ids in one index's order (sort key by UTF-8 bytes), filtered the way the API filters. */
function bruteForce(search: string, sort = students.list.defaultSort, descending = false, town?: string): string[] {
  const keyed = items
    .filter((item) => town === undefined || filterValue(item.hometown) === town)
    .map((item) => ({ item, record: toRecord(students, store.design, item) }))
    .filter(({ record }) => String(record._search).includes(searchText(search)))
    .map(({ item, record }) => ({ id: String(item.student_id), key: Buffer.from(String(record[sortAttr(sort)])) }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key) * (descending ? -1 : 1));
  return keyed.map((entry) => entry.id);
}

async function walk(service: EntityService, query: Record<string, unknown>) {
  let page = await service.list(query as never);
  const first = page;
  const ids = page.items.map((item) => String(item.student_id));
  for (let guard = 0; page.next_cursor && guard < 100; guard++) {
    page = await service.list({ cursor: page.next_cursor } as never);
    ids.push(...page.items.map((item) => String(item.student_id)));
  }
  return { first, ids };
}

const ids = (page: { items: EntityView[] }) => page.items.map((item) => String(item.student_id));

it('pages of a search, followed by cursor, equal a brute-force filter of the table, also past the kept matches', async () => {
  // Only 7 matches kept: later pages walk the index from the cursor with the cached count.
  const { service } = serviceWith({ cached: false, search: { matchesKept: 7 } });
  const cases: [string, Record<string, unknown>, string[]][] = [
    ['nguyen', { search: 'nguyen', page_size: 4 }, bruteForce('nguyen')],
    ['NGUYỄN, -average_score', { search: 'NGUYỄN', sort: '-average_score', page_size: 3 }, bruteForce('nguyễn', 'average_score', true)],
    ['anh in hue, last_name', { search: 'anh', hometown: 'Hue', sort: 'last_name', page_size: 5 }, bruteForce('anh', 'last_name', false, 'hue')],
    ['q1', { search: 'q1', page_size: 10 }, bruteForce('q1')],
  ];
  for (const [name, query, expected] of cases) {
    expect(expected.length, name).toBeGreaterThan(7);
    const { first, ids: seen } = await walk(service, query);
    expect(first.total, name).toBe(expected.length);
    expect(first.total_estimated, name).toBeUndefined();
    expect(seen, name).toEqual(expected);
  }
});

it('page N by number is the same slice as the brute-force order, and a page past the end is empty', async () => {
  const { service } = serviceWith({ cached: false, search: { matchesKept: 7 } });
  const expected = bruteForce('minh');
  for (const page of [1, 2, 3, 9]) {
    const answer = await service.list({ search: 'minh', page_size: 4, page } as never);
    expect(ids(answer)).toEqual(expected.slice((page - 1) * 4, page * 4));
    expect(answer.total).toBe(expected.length);
  }
  const past = await service.list({ search: 'minh', page: 500 } as never);
  expect(past.items).toEqual([]);
  expect(past.has_next).toBe(false);
});

it('a search with no match answers an empty first page with total 0', async () => {
  const { service } = serviceWith({ cached: false });
  const answer = await service.list({ search: 'zzz-nobody' } as never);
  expect(answer).toMatchObject({ items: [], total: 0, total_pages: 0, has_next: false, next_cursor: null });
});

describeWithRedis('the cached search answer', () => {
  it('is computed once per (search, filter, sort): page 2 by cursor and another page size reuse it', async () => {
    const { service, passes } = serviceWith({ cached: true });
    const expected = bruteForce('tran');
    const first = await service.list({ search: 'Tran', page_size: 5 } as never);
    expect(passes).toHaveLength(1);
    const second = await service.list({ cursor: first.next_cursor } as never);
    expect(ids(second)).toEqual(expected.slice(5, 10));
    expect(second.total).toBe(expected.length);
    const wider = await service.list({ search: 'tran', page_size: 8, page: 2 } as never);
    expect(ids(wider)).toEqual(expected.slice(8, 16));
    // Another container sharing the cache reuses it too.
    const other = serviceWith({ cached: true });
    await other.service.list({ search: 'tran', page_size: 5, page: 3 } as never);
    expect(passes).toHaveLength(1);
    expect(other.passes).toHaveLength(0);
    // A different search, filter or sort is its own pass.
    await service.list({ search: 'tran', hometown: 'Hanoi' } as never);
    await service.list({ search: 'tran', sort: '-created_at' } as never);
    expect(passes).toHaveLength(3);
  });

  it('is invalidated by a write: the next page 1 recounts and sees the new match', async () => {
    const { service, passes } = serviceWith({ cached: true });
    const before = await service.list({ search: 'Le' } as never);
    await service.list({ search: 'le', page: 2 } as never);
    expect(passes).toHaveLength(1);
    await service.create({
      student_id: 'Q999',
      first_name: 'Zed',
      last_name: 'Lê Le',
      email: null,
      hometown: null,
      math_score: null,
      literature_score: null,
      english_score: null,
    });
    const after = await service.list({ search: 'le' } as never);
    expect(passes).toHaveLength(2);
    expect(after.total).toBe(before.total + 1);
    await service.remove('Q999');
    expect((await service.list({ search: 'le' } as never)).total).toBe(before.total);
  });

  it('is not cached when the pass ran out of time: the page still answers, its total marked estimated', async () => {
    const { service, passes } = serviceWith({ cached: true, search: { budgetMs: 0 } });
    const expected = bruteForce('minh');
    const answer = await service.list({ search: 'minh', page_size: 6 } as never);
    expect(ids(answer)).toEqual(expected.slice(0, 6));
    expect(answer.total_estimated).toBe(true);
    expect(answer.total).toBeGreaterThanOrEqual(7);
    expect(answer.has_next).toBe(true);
    const next = await service.list({ cursor: answer.next_cursor } as never);
    expect(ids(next)).toEqual(expected.slice(6, 12));
    // Neither the answer nor the page with the estimate was kept.
    await service.list({ search: 'minh', page_size: 6 } as never);
    expect(passes).toHaveLength(3);
  });

  it('out of time before a whole page is sure: answers the sure matches with a cursor where the pass has read up to, and the next page continues there', async () => {
    const expected = bruteForce('minh');
    const full = await store.searchMatches({ sort: students.list.defaultSort, descending: false, search: 'minh', limit: 500 });
    // A pass that is slow to finish: after its first reads it is sure of 3 matches only.
    const slow: EntityStore & SearchableStore = {
      ...countingStore().store,
      searchMatches: async (query) => {
        query.onProgress?.(() => ({ total: 3, exact: false, matches: full.matches.slice(0, 3), complete: false, readUpTo: full.matches[2]!.key }));
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        return full;
      },
    };
    const service = createEntityService(students, { store: slow, cursors: async () => codec, search: { countWaitMs: 0 } });
    const inBudget = <T>(work: () => Promise<T>) => withBudget({ deadline: Date.now() + 1_300, budgetMs: 1_300 }, work);
    const first = await inBudget(() => service.list({ search: 'minh', page_size: 6 } as never));
    expect(ids(first)).toEqual(expected.slice(0, 3));
    expect(first).toMatchObject({ total_estimated: true, has_next: true });
    const second = await inBudget(() => service.list({ cursor: first.next_cursor } as never));
    expect(ids(second)).toEqual(expected.slice(3, 9));
  });
});
