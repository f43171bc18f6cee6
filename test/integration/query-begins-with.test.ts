import { describe, expect, it } from 'vitest';
import { runQuery, type QueryPosition, type QueryResult } from '../../shared/query/query-executor.js';
import { describePlan, type QuerySort } from '../../shared/query/query-plan.js';
import { matches, parseWhere } from '../../shared/query/where.js';
import { batchWrite } from '../../shared/store/dynamodb/batch-io.js';
import { toRecord } from '../../shared/store/dynamodb/item-record.js';
import { students } from '../../shared/students/students.entity.js';
import { useStudentsStore } from '../support/students-store.js';

/** A begins_with on a sort field is a key condition of its index: the scan plan's answer, reading only the prefix's range. */
const fixture = useStudentsStore();
const LAST_NAMES = ['Nguyen', 'Ngo', 'nguyen', 'Tran', 'Le', 'Pham', 'Hoang', 'Nghiem', 'Vu', 'Do'];
const items = Array.from({ length: 120 }, (_, n) => ({
  student_id: `B${String(n).padStart(3, '0')}`,
  first_name: ['An', 'Binh', 'Chi'][n % 3]!,
  last_name: LAST_NAMES[n % LAST_NAMES.length]!,
  email: null,
  hometown: ['Hanoi', 'Hue', null][n % 3]!,
  math_score: n % 11,
  literature_score: null,
  english_score: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  version: 1,
}));

/** Every page of a where (limit 4, read budget 10), the plans and the items read over all pages. */
async function allPages(raw: unknown, sort?: QuerySort) {
  const where = parseWhere(students, raw);
  const ids: string[] = [];
  const plans = new Set<string>();
  let itemsRead = 0;
  let start: QueryPosition | undefined;
  for (let page = 0; page < 500; page++) {
    const result: QueryResult = await runQuery(students, fixture.client, fixture.tableName, where, { limit: 4, readBudget: 10, segments: 3, start, sort });
    ids.push(...result.items.map((item) => String(item.student_id)));
    plans.add(describePlan(result.plan, 10));
    itemsRead += result.itemsRead;
    if (!result.next) break;
    start = result.next;
  }
  return { ids, plans: [...plans], itemsRead, expected: items.filter((item) => matches(where, item)).map((item) => item.student_id) };
}

describe('begins_with on a declared sort key, over DynamoDB Local', () => {
  it('answers what the filtered scan answers, with a begins_with key condition, reading only the matches', async () => {
    await batchWrite(
      fixture.client,
      fixture.tableName,
      items.map((item) => ({ PutRequest: { Item: toRecord(students, fixture.store.design, item as never) } })),
    );
    const keyed = await allPages({ last_name: { begins_with: 'Ng' } });
    // The same where inside an `or` is not a conjunct the planner can use: the scan plan.
    const scanned = await allPages({ or: [{ last_name: { begins_with: 'Ng' } }] });
    expect(keyed.plans).toEqual(['index(all_by_last_name, shards=20, begins_with=last_name)']);
    expect(scanned.plans).toEqual(['scan(parallel=3, budget=10)']);
    expect(keyed.expected).toHaveLength(36); // Nguyen, Ngo, Nghiem (not the lower-case nguyen)
    expect([...keyed.ids].sort()).toEqual([...scanned.ids].sort());
    expect([...keyed.ids].sort()).toEqual(keyed.expected.sort());
    expect(scanned.itemsRead).toBeGreaterThanOrEqual(items.length);
    expect(keyed.itemsRead).toBeLessThan(items.length);
    // In one page: the index range holds the folded 'ng…' names, the 36 matches and the 12 lower-case nguyen the where drops.
    const where = parseWhere(students, { last_name: { begins_with: 'Ng' } });
    const one = await runQuery(students, fixture.client, fixture.tableName, where, { limit: 100, readBudget: 1_000 });
    expect(one.items).toHaveLength(36);
    expect(one.itemsRead).toBe(48);
    expect(one.next).toBeUndefined();
  });

  it.each([false, true])('pages a prefix range in index order (descending %s) across budgeted pages', async (descending) => {
    const sort = { field: 'student_id', descending };
    const { ids, plans, expected } = await allPages({ and: [{ student_id: { begins_with: 'B07' } }, { math_score: { gte: 3 } }] }, sort);
    expect(plans).toEqual(['index(all_by_student_id, shards=20, begins_with=student_id)']);
    const ordered = [...expected].sort();
    expect(ids).toEqual(descending ? ordered.reverse() : ordered);
    expect(ids.length).toBeGreaterThan(4);
  });

  it('combines a pinned filter value with the prefix of the first name', async () => {
    const { ids, plans, expected } = await allPages({ and: [{ hometown: { eq: 'Hue' } }, { first_name: { begins_with: 'Bi' } }] });
    expect(plans).toEqual(['index(hometown_by_first_name, shards=7, begins_with=first_name)']);
    expect([...ids].sort()).toEqual(expected.sort());
    expect(expected.length).toBeGreaterThan(0);
  });
});
