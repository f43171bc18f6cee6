import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConcurrentModificationError, EntityAlreadyExistsError } from '../../shared/entity/entity.errors.js';
import type { ListQuery, StartKey, StoredItem } from '../../shared/store/entity-store.js';
import { students } from '../../shared/students/students.entity.js';
import { useStudentsStore } from '../support/students-store.js';

const db = useStudentsStore();

const STORED_KEYS = Object.keys(students.storedSchema.shape).sort();

let clock = Date.UTC(2026, 0, 1);
/** A stored item as the service would write it (every field present, version 1). */
function item(id: string, fields: Partial<Record<string, unknown>> = {}): StoredItem {
  const now = new Date((clock += 1_000)).toISOString();
  return {
    student_id: id,
    first_name: 'Store',
    last_name: 'Test',
    email: null,
    hometown: null,
    math_score: null,
    literature_score: null,
    english_score: null,
    created_at: now,
    updated_at: now,
    version: 1,
    ...fields,
  } as StoredItem;
}
const next = (previous: StoredItem, fields: Partial<Record<string, unknown>>): StoredItem =>
  ({ ...previous, ...fields, version: previous.version + 1 }) as StoredItem;

const counts = async (...hometowns: string[]) => ({
  total: await db.store.count({}),
  ...Object.fromEntries(await Promise.all(hometowns.map(async (town) => [town, await db.store.count({ filter: { name: 'hometown', value: town } })]))),
});

describe('create', () => {
  it('stores the item and answers it back from get', async () => {
    const created = item('C-01', { hometown: 'Hanoi', math_score: 7.25 });
    await db.store.create(created);
    expect(await db.store.get('C-01')).toEqual(created);
    expect(await db.store.get('C-02-MISSING')).toBeUndefined();
  });

  it('fails with EntityAlreadyExistsError when the id is taken and counts nothing', async () => {
    await db.store.create(item('C-10', { hometown: 'Cantho' }));
    const before = await counts('cantho');
    const attempt = db.store.create(item('C-10', { hometown: 'Cantho', first_name: 'Intruder' }));
    await expect(attempt).rejects.toBeInstanceOf(EntityAlreadyExistsError);
    await expect(attempt).rejects.toMatchObject({ code: 'student.alreadyExists', context: { id: 'C-10' } });
    expect(await counts('cantho')).toEqual(before);
    expect((await db.store.get('C-10'))?.first_name).toBe('Store');
  });

  it('moves the total and the hometown counts by one, case-folding the hometown', async () => {
    const before = await counts('haiphong');
    await db.store.create(item('C-20', { hometown: ' HaiPhong ' }));
    await db.store.create(item('C-21', { hometown: 'haiphong' }));
    await db.store.create(item('C-22'));
    expect(await counts('haiphong')).toEqual({ total: before.total + 3, haiphong: before.haiphong + 2 });
  });
});

describe('replace and remove', () => {
  it('replaces when the previous version is current and moves the hometown count', async () => {
    const v1 = item('R-01', { hometown: 'Quy Nhon' });
    await db.store.create(v1);
    const before = await counts('quy nhon', 'pleiku');
    const v2 = next(v1, { hometown: 'Pleiku', english_score: 8 });
    await db.store.replace(v2, v1);
    expect(await db.store.get('R-01')).toEqual(v2);
    expect(await counts('quy nhon', 'pleiku')).toEqual({ total: before.total, 'quy nhon': before['quy nhon'] - 1, pleiku: before.pleiku + 1 });
  });

  it('keeps the counts when the hometown changes only in case, and drops it when set to null', async () => {
    const v1 = item('R-02', { hometown: 'Vung Tau' });
    await db.store.create(v1);
    const before = await counts('vung tau');
    const v2 = next(v1, { hometown: 'VUNG TAU' });
    await db.store.replace(v2, v1);
    expect(await counts('vung tau')).toEqual(before);
    await db.store.replace(next(v2, { hometown: null }), v2);
    expect(await counts('vung tau')).toEqual({ total: before.total, 'vung tau': before['vung tau'] - 1 });
  });

  it('refuses a replace from a stale version with ConcurrentModificationError and writes nothing', async () => {
    const v1 = item('R-03', { hometown: 'Dalat' });
    await db.store.create(v1);
    const v2 = next(v1, { first_name: 'Winner' });
    await db.store.replace(v2, v1);
    const before = await counts('dalat', 'sapa');
    const stale = next(v1, { first_name: 'Loser', hometown: 'Sapa' });
    await expect(db.store.replace(stale, v1)).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(await db.store.get('R-03')).toEqual(v2);
    expect(await counts('dalat', 'sapa')).toEqual(before);
  });

  it('refuses a replace of an item that is gone', async () => {
    const v1 = item('R-04');
    await expect(db.store.replace(next(v1, {}), v1)).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(await db.store.get('R-04')).toBeUndefined();
  });

  it('refuses a remove from a stale version and keeps the item and its counts', async () => {
    const v1 = item('D-01', { hometown: 'Hoi An' });
    await db.store.create(v1);
    const v2 = next(v1, { math_score: 3 });
    await db.store.replace(v2, v1);
    const before = await counts('hoi an');
    await expect(db.store.remove(v1)).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(await db.store.get('D-01')).toEqual(v2);
    expect(await counts('hoi an')).toEqual(before);

    await db.store.remove(v2);
    expect(await db.store.get('D-01')).toBeUndefined();
    expect(await counts('hoi an')).toEqual({ total: before.total - 1, 'hoi an': before['hoi an'] - 1 });
    await expect(db.store.remove(v2)).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(await counts('hoi an')).toEqual({ total: before.total - 1, 'hoi an': before['hoi an'] - 1 });
  });
});

describe('internal attributes', () => {
  it('are stored on the record but never returned by get or list', async () => {
    const stored = item('I-01', { hometown: 'Ben Tre', email: 'x@example.com', math_score: 6 });
    await db.store.create(stored);
    const raw = await db.client.send(new GetCommand({ TableName: db.tableName, Key: { pk: 'I-01' } }));
    const internal = Object.keys(raw.Item ?? {}).filter((key) => key === 'pk' || key.startsWith('_'));
    expect(internal).toEqual(expect.arrayContaining(['pk', '_p_all', '_search', '_k_student_id', '_p_hometown']));

    expect(Object.keys((await db.store.get('I-01'))!).sort()).toEqual(STORED_KEYS);
    const page = await db.store.list({ sort: 'first_name', descending: false, pageSize: 100, skip: 0, filter: { name: 'hometown', value: 'ben tre' } });
    expect(page.items).toEqual([stored]);
    const searched = await db.store.list({ sort: 'student_id', descending: true, pageSize: 100, skip: 0, search: 'i-01' });
    expect(searched.items.map((found) => Object.keys(found).sort())).toEqual([STORED_KEYS]);
  });
});

describe('list', () => {
  const TOWN = 'walkville';
  beforeAll(async () => {
    // 23 items, some in TOWN, a few matching the search "zz"; created in scrambled order.
    for (let i = 0; i < 23; i++) {
      const n = (i * 7) % 23;
      await db.store.create(
        item(`W-${String(n).padStart(2, '0')}`, {
          first_name: n % 4 === 0 ? `Zz${n}` : `Name${(n * 5) % 23}`,
          hometown: n % 3 === 0 ? 'Walkville' : 'Elsewhere',
          math_score: n % 5 === 0 ? null : n % 10,
        }),
      );
    }
  });

  /** Every page by chaining lastKey. */
  async function byKeys(query: Omit<ListQuery, 'skip' | 'startKey'>) {
    const pages: string[][] = [];
    let startKey: StartKey | undefined;
    do {
      const page = await db.store.list({ ...query, skip: 0, startKey });
      pages.push(page.items.map((found) => String(found.student_id)));
      startKey = page.lastKey;
    } while (startKey);
    return pages.filter((page) => page.length > 0);
  }

  /** Every page by skipping (page - 1) * pageSize items, as `?page=N` does. */
  async function bySkip(query: Omit<ListQuery, 'skip' | 'startKey'>, total: number) {
    const pages: string[][] = [];
    for (let skip = 0; skip < total; skip += query.pageSize) {
      const page = await db.store.list({ ...query, skip });
      pages.push(page.items.map((found) => String(found.student_id)));
    }
    return pages;
  }

  it.each([
    { sort: 'student_id', descending: false },
    { sort: 'first_name', descending: true },
    { sort: 'average_score', descending: false },
    { sort: 'created_at', descending: true },
    { sort: 'last_name', descending: false, filter: { name: 'hometown', value: TOWN } },
    { sort: 'student_id', descending: false, search: 'zz' },
    { sort: 'average_score', descending: true, search: 'w-', filter: { name: 'hometown', value: 'elsewhere' } },
  ] as Omit<ListQuery, 'skip' | 'pageSize'>[])('skip walking returns the same pages as key walking (%j)', async (query) => {
    const total = await db.store.count({ filter: query.filter, search: query.search });
    expect(total).toBeGreaterThan(3);
    const keyed = await byKeys({ ...query, pageSize: 3 });
    const skipped = await bySkip({ ...query, pageSize: 3 }, total);
    expect(skipped).toEqual(keyed);
    expect(keyed.flat()).toHaveLength(total);
    expect(new Set(keyed.flat()).size).toBe(total);
  });

  it('returns an empty page when skipping past the end', async () => {
    const total = await db.store.count({ filter: { name: 'hometown', value: TOWN } });
    const page = await db.store.list({ sort: 'student_id', descending: false, pageSize: 5, skip: total, filter: { name: 'hometown', value: TOWN } });
    expect(page).toEqual({ items: [] });
  });

  it('counts search matches by reading the index, and filter matches from the counter', async () => {
    const everything = await db.store.list({ sort: 'student_id', descending: false, pageSize: 100, skip: 0 });
    const expectedSearch = everything.items.filter((found) => String(found.first_name).toLowerCase().includes('zz'));
    expect(await db.store.count({ search: 'zz' })).toBe(expectedSearch.length);
    const expectedTown = everything.items.filter((found) => String(found.hometown).toLowerCase() === TOWN);
    expect(await db.store.count({ filter: { name: 'hometown', value: TOWN } })).toBe(expectedTown.length);
    expect(await db.store.count({})).toBe(everything.items.length);
  });

  it('has no lastKey when the index runs out before the page is full', async () => {
    const total = await db.store.count({ filter: { name: 'hometown', value: TOWN } });
    const page = await db.store.list({ sort: 'student_id', descending: false, pageSize: total + 1, skip: 0, filter: { name: 'hometown', value: TOWN } });
    expect(page.items).toHaveLength(total);
    expect(page.lastKey).toBeUndefined();
  });
});

describe('ping', () => {
  it('answers while the table is reachable', async () => {
    await expect(db.store.ping()).resolves.toBeUndefined();
  });
});
