import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { createEntityService, type EntityService } from '../../shared/entity/entity-service.js';
import { filterValue } from '../../shared/entity/filter-value.js';
import { searchText } from '../../shared/entity/search-text.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import { toRecord } from '../../shared/store/dynamodb/item-record.js';
import { sortAttr } from '../../shared/store/dynamodb/table-design.js';
import type { StoredItem } from '../../shared/store/entity-store.js';
import { students } from '../../shared/students/students.entity.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';

/**
 * The sharded indexes (20 shards for all items, 7 per hometown) must list exactly what one
 * unsharded index would: every sort, direction, filter, search and page size, reached by
 * page number and by cursor, compared with a brute-force sort of the same items.
 */
let tables: LocalTables;
let client: ReturnType<typeof createDocumentClient>;
let store: DynamoDbEntityStore;
let service: EntityService;
const items: StoredItem[] = [];

const FIRST = ['An', 'an', 'Ánh', 'Bình', 'Zoe', 'Élodie', 'Minh', 'Minh'];
const TOWNS = ['Hanoi', 'HANOI', 'Hue', 'Huế', null, 'Da Nang'];
const COUNT = 73;

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
});
