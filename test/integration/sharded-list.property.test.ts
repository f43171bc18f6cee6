import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { createEntityService, type EntityService } from '../../shared/entity/entity-service.js';
import { filterValue } from '../../shared/entity/filter-value.js';
import { searchText } from '../../shared/entity/search-text.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import { toRecord } from '../../shared/store/dynamodb/item-record.js';
import { indexFor, shardOf, sortAttr } from '../../shared/store/dynamodb/table-design.js';
import type { StoredItem } from '../../shared/store/entity-store.js';
import { students } from '../../shared/students/students.entity.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';

/**
 * The sharded indexes (20 shards for all items, 7 per hometown) must list exactly what one
 * unsharded index would: every sort, direction, filter, search and page size, reached by
 * page number and by cursor, compared with a brute-force sort of the same items. Twelve ids
 * share one shard and sort first, so some pages come mostly from one shard.
 */
let tables: LocalTables;
let client: ReturnType<typeof createDocumentClient>;
let store: DynamoDbEntityStore;
let service: EntityService;
const items: StoredItem[] = [];

const FIRST = ['An', 'an', 'Ánh', 'Bình', 'Zoe', 'Élodie', 'Minh', 'Minh'];
const TOWNS = ['Hanoi', 'HANOI', 'Hue', 'Huế', null, 'Da Nang'];
const COUNT = 73;
/** Ids that sort before every `P…` id and all live in one shard of the all-items indexes. */
const HOT_SHARD = 3;
const HOT_COUNT = 12;

beforeAll(async () => {
  tables = await createLocalTables();
  client = createDocumentClient(process.env);
  store = new DynamoDbEntityStore(students, client, process.env.STUDENTS_TABLE_NAME!);
  const codec = new CursorCodec('p'.repeat(32));
  service = createEntityService(students, { store, cursors: async () => codec });
  for (let n = 0; n < COUNT; n++) {
    const at = new Date(Date.UTC(2026, 0, 1) + (n % 9) * 1_000).toISOString();
    const score = (k: number) => ((n * k) % 7 === 0 ? null : ((n * k) % 5) * 2);
    items.push({
      student_id: `P${String((n * 37) % 101).padStart(3, '0')}`,
      first_name: FIRST[n % FIRST.length]!,
      last_name: n % 4 === 0 ? 'Nguyen' : 'Tran',
      email: n % 3 === 0 ? null : `p${n}@example.edu`,
      hometown: TOWNS[n % TOWNS.length]!,
      math_score: score(3),
      literature_score: score(5),
      english_score: null,
      // Only 9 distinct timestamps: many ties, broken by id.
      created_at: at,
      updated_at: at,
      version: 1,
    } as StoredItem);
  }
  // A page of the default sort drawn from one shard: that shard runs dry and must read again.
  const shards = indexFor(store.design, students.list.defaultSort).shards;
  for (let n = 0; items.length < COUNT + HOT_COUNT; n++) {
    const id = `A${String(n).padStart(3, '0')}`;
    if (shardOf(id, shards) !== HOT_SHARD) continue;
    const at = new Date(Date.UTC(2026, 0, 2) + n * 1_000).toISOString();
    items.push({
      student_id: id,
      first_name: FIRST[n % FIRST.length]!,
      last_name: 'Hot',
      email: null,
      hometown: TOWNS[n % TOWNS.length]!,
      math_score: n % 10,
      literature_score: null,
      english_score: null,
      created_at: at,
      updated_at: at,
      version: 1,
    } as StoredItem);
  }
  const result = await store.putMany(items, { mode: 'create' });
  await store.applyCounterDelta(result.delta, 'property-seed');
}, 120_000);
afterAll(async () => {
  client?.destroy();
  await tables?.drop();
});

const design = () => store.design;
/** One index's order: its sort key (encoded value, then id) by UTF-8 bytes, reversed for descending. */
function bruteForce(sort: string, descending: boolean, town?: string, search?: string): string[] {
  const keyed = items
    .filter((item) => town === undefined || filterValue(item.hometown) === town)
    .map((item) => ({ item, record: toRecord(students, design(), item) }))
    .filter(({ record }) => search === undefined || String(record._search).includes(search))
    .map(({ item, record }) => ({ id: String(item.student_id), key: Buffer.from(String(record[sortAttr(sort)])) }));
  keyed.sort((a, b) => Buffer.compare(a.key, b.key) * (descending ? -1 : 1));
  return keyed.map((entry) => entry.id);
}

const queryArb = fc.record({
  sort: fc.constantFrom(...Object.keys(students.list.sorts)),
  descending: fc.boolean(),
  town: fc.option(fc.constantFrom('hanoi', 'hue', 'huế', 'da nang', 'nowhere'), { nil: undefined }),
  search: fc.option(fc.constantFrom('nguyen', 'an', 'p0', 'é'), { nil: undefined }),
  pageSize: fc.integer({ min: 1, max: 17 }),
});

type Query = { sort: string; descending: boolean; town?: string; search?: string; pageSize: number };

function input(q: Query, extra: Record<string, unknown> = {}) {
  return {
    sort: q.descending ? `-${q.sort}` : q.sort,
    page_size: q.pageSize,
    ...(q.town ? { hometown: q.town } : {}),
    ...(q.search ? { search: q.search } : {}),
    ...extra,
  } as never;
}

describe('sharded list pages', () => {
  it('equal a brute-force sort/filter when followed by cursor, with exact totals', async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, async (q) => {
        const expected = bruteForce(q.sort, q.descending, q.town, q.search === undefined ? undefined : searchText(q.search));
        const seen: string[] = [];
        let page = await service.list(input(q));
        expect(page.total).toBe(expected.length);
        for (let guard = 0; ; guard++) {
          expect(page.items.length).toBe(Math.min(q.pageSize, expected.length - seen.length));
          seen.push(...page.items.map((item) => String(item.student_id)));
          if (!page.next_cursor || guard > 80) break;
          page = await service.list({ cursor: page.next_cursor } as never);
        }
        expect(seen).toEqual(expected);
      }),
      { numRuns: 15 },
    );
  }, 300_000);

  it('equal the same slice of the brute-force order when reached by page number (skip walk)', async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, fc.integer({ min: 1, max: 30 }), async (q, pageNumber) => {
        const expected = bruteForce(q.sort, q.descending, q.town, q.search === undefined ? undefined : searchText(q.search));
        const page = await service.list(input(q, { page: pageNumber }));
        const start = (pageNumber - 1) * q.pageSize;
        expect(page.items.map((item) => String(item.student_id))).toEqual(expected.slice(start, start + q.pageSize));
        expect(page.has_next).toBe(start + q.pageSize < expected.length);
        if (page.next_cursor) {
          // The cursor of a page reached by number continues the same stream.
          const following = await service.list({ cursor: page.next_cursor } as never);
          expect(following.items.map((item) => String(item.student_id))).toEqual(expected.slice(start + q.pageSize, start + 2 * q.pageSize));
        }
      }),
      { numRuns: 20 },
    );
  }, 300_000);

  it('reads each shard its share of a page and reads again only the shard that ran dry', async () => {
    const reads: { partition: string; limit: number }[] = [];
    const counted = createDocumentClient(process.env);
    counted.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { IndexName?: string; Limit?: number; ExpressionAttributeValues?: Record<string, unknown> };
        const partition = input.ExpressionAttributeValues?.[':p'] as string | { S?: string } | undefined;
        if (input.IndexName) reads.push({ partition: typeof partition === 'string' ? partition : String(partition?.S), limit: Number(input.Limit) });
        return next(args);
      },
      { step: 'initialize', name: 'recordShardReads' },
    );
    const counting = new DynamoDbEntityStore(students, counted, process.env.STUDENTS_TABLE_NAME!);
    const shards = indexFor(store.design, students.list.defaultSort).shards;
    try {
      const page = await counting.list({ sort: students.list.defaultSort, descending: false, pageSize: 10, skip: 0 });
      expect(page.items.map((item) => String(item.student_id))).toEqual(bruteForce(students.list.defaultSort, false).slice(0, 10));
      const hot = reads.filter((read) => read.partition === `all#${HOT_SHARD}`);
      expect(hot.length).toBeGreaterThan(1);
      // Every other shard answered its first read: one Query each.
      expect(reads.length - hot.length).toBe(shards - 1);
      // Far fewer keys asked for than a page size from every shard (20 × 10 = 200).
      const asked = reads.reduce((sum, read) => sum + read.limit, 0);
      expect(asked).toBeLessThanOrEqual((shards * 10) / 2);
    } finally {
      counted.destroy();
    }
  });
});
