import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ValidationError } from '../../shared/errors/app-error.js';
import { toRecord } from '../../shared/store/dynamodb/item-record.js';
import { batchWrite } from '../../shared/store/dynamodb/batch-io.js';
import { students } from '../../shared/students/students.entity.js';
import { useStudentsStore } from '../support/students-store.js';
import { runQuery, type QueryPosition } from '../../shared/query/query-executor.js';
import type { QuerySort } from '../../shared/query/query-plan.js';
import { indexSortKey } from '../../shared/store/dynamodb/table-design.js';
import { compareUtf8 } from '../../shared/store/dynamodb/utf8-order.js';
import { matches, parseWhere, type Where } from '../../shared/query/where.js';

/** Any generated where answers exactly what a brute-force filter of the same items answers. */
const fixture = useStudentsStore();
const TOWNS = ['Hanoi', 'Hue', null, 'Da Nang'];
const items = Array.from({ length: 40 }, (_, n) => ({
  student_id: `Q${String(n).padStart(3, '0')}`,
  first_name: ['An', 'Binh', 'Chi', 'Anh'][n % 4]!,
  last_name: `L${n % 7}`,
  email: null,
  hometown: TOWNS[n % 4]!,
  math_score: n % 5 === 0 ? null : n % 11,
  literature_score: (n * 3) % 10,
  english_score: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  version: 1,
}));

const stringCond = fc.oneof(
  fc
    .record({
      f: fc.constantFrom('first_name', 'hometown', 'student_id'),
      op: fc.constantFrom('eq', 'ne', 'lt', 'gte', 'begins_with', 'contains'),
      v: fc.constantFrom('An', 'Hue', 'HUE', 'Q010', 'a', 'H'),
    })
    .map(({ f, op, v }) => ({ [f]: { [op]: v } })),
  fc
    .record({ f: fc.constantFrom('hometown', 'student_id'), v: fc.subarray(['Hanoi', 'Q001', 'Q007', 'Hue', null], { minLength: 1 }) })
    .map(({ f, v }) => ({ [f]: { in: v } })),
  fc.record({ f: fc.constantFrom('hometown', 'math_score', 'email'), v: fc.boolean() }).map(({ f, v }) => ({ [f]: { exists: v } })),
);
const numberCond = fc
  .record({
    f: fc.constantFrom('math_score', 'literature_score'),
    op: fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'between'),
    v: fc.integer({ min: 0, max: 10 }),
  })
  .map(({ f, op, v }) => ({ [f]: { [op]: op === 'between' ? [v, v + 3] : v } }));
const where: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    stringCond,
    numberCond,
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((and) => ({ and })),
    fc.array(tie('node'), { minLength: 1, maxLength: 3 }).map((or) => ({ or })),
    tie('node').map((not) => ({ not })),
  ),
})).node;

const sortArb: fc.Arbitrary<QuerySort | undefined> = fc.option(
  fc.record({ field: fc.constantFrom(...Object.keys(students.list.sorts)), descending: fc.boolean() }),
  { nil: undefined },
);

/** The order the sort's index keeps: encoded value, then id, by UTF-8 bytes. */
function sortedLikeIndex(found: typeof items, sort: QuerySort): string[] {
  const encode = students.list.sorts[sort.field]!.encode;
  const key = (item: (typeof items)[number]) => indexSortKey(encode({ ...item, ...students.derive(item as never) }), item.student_id);
  const sign = sort.descending ? -1 : 1;
  return [...found].sort((a, b) => sign * compareUtf8(key(a), key(b))).map((item) => item.student_id);
}

describe('generic query over DynamoDB Local', () => {
  it('returns exactly the brute-force matches for any where and sort, in pages of at most limit, across budgeted pages', async () => {
    const design = fixture.store.design;
    await batchWrite(
      fixture.client,
      fixture.tableName,
      items.map((item) => ({ PutRequest: { Item: toRecord(students, design, item as never) } })),
    );
    await fc.assert(
      fc.asyncProperty(where, sortArb, fc.integer({ min: 1, max: 7 }), async (raw, sort, limit) => {
        const parsed: Where = parseWhere(students, raw);
        const found = items.filter((item) => matches(parsed, item));
        const got: string[] = [];
        let start: QueryPosition | undefined;
        for (let page = 0; page < 200; page++) {
          const result = await runQuery(students, fixture.client, fixture.tableName, parsed, { limit, readBudget: 10, segments: 3, start, sort });
          expect(result.items.length).toBeLessThanOrEqual(limit);
          got.push(...result.items.map((item) => String(item.student_id)));
          if (!result.next) break;
          start = result.next;
        }
        // A sort orders everything but a single-key lookup, which has at most one item.
        if (sort) expect(got).toEqual(sortedLikeIndex(found, sort));
        else expect([...got].sort()).toEqual(found.map((item) => item.student_id).sort());
      }),
      { numRuns: 40 },
    );
  }, 180_000);

  it('refuses unknown fields, operators and wrong types with the path of the bad part', () => {
    const locs = (raw: unknown) => {
      try {
        parseWhere(students, raw);
        return [];
      } catch (error) {
        return (error as ValidationError).errors.map((e) => e.loc.join('.'));
      }
    };
    expect(locs({ and: [{ first_name: { eq: 'A' } }, { shoe_size: { eq: 1 } }] })).toEqual(['body.where.and.1.shoe_size']);
    expect(locs({ math_score: { like: 1 } })).toEqual(['body.where.math_score.like']);
    expect(locs({ or: [{ math_score: { gt: 'x' } }] })).toEqual(['body.where.or.0.math_score.gt']);
    expect(locs({ hometown: { in: ['Hue', 3] } })).toEqual(['body.where.hometown.in.1']);
  });
});
