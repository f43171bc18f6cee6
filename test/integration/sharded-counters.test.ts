import { DeleteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { EntityAlreadyExistsError } from '../../shared/entity/entity.errors.js';
import { filterValue } from '../../shared/entity/filter-value.js';
import { repairCounters } from '../../shared/store/dynamodb/counter-repair.js';
import { counterKey, counterKeys, PK } from '../../shared/store/dynamodb/table-design.js';
import type { StoredItem } from '../../shared/store/entity-store.js';
import { students } from '../../shared/students/students.entity.js';
import { useStudentsStore } from '../support/students-store.js';

const db = useStudentsStore();

const TOWNS = ['Hanoi', 'Hue', 'Da Nang', null];
function student(id: string, hometown: string | null, version = 1): StoredItem {
  const now = new Date().toISOString();
  return {
    student_id: id,
    first_name: 'Count',
    last_name: 'Me',
    email: null,
    hometown,
    math_score: null,
    literature_score: null,
    english_score: null,
    created_at: now,
    updated_at: now,
    version,
  } as StoredItem;
}

/** What the table really holds: items (not counters), per normalised hometown. */
async function truth(prefix: string) {
  const byTown = new Map<string, number>();
  let total = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db.client.send(new ScanCommand({ TableName: db.tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
    for (const record of out.Items ?? []) {
      const pk = String(record[PK]);
      if (pk.startsWith('#') || !pk.startsWith(prefix)) continue;
      total++;
      const town = filterValue(record.hometown);
      if (town) byTown.set(town, (byTown.get(town) ?? 0) + 1);
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return { total, byTown };
}

const townCount = (town: string) => db.store.count({ filter: { name: 'hometown', value: town } });

describe('sharded counters', () => {
  it('equal the item counts after 16 concurrent writers create, move and delete', async () => {
    const live = new Map<string, StoredItem>();
    const worker = async (w: number) => {
      for (let i = 0; i < 6; i++) {
        const id = `K${w}-${i}`;
        const created = student(id, TOWNS[(w + i) % TOWNS.length]!);
        await db.store.create(created);
        live.set(id, created);
        if (i % 3 === 1) {
          const moved = { ...created, hometown: TOWNS[(w + i + 1) % TOWNS.length]!, version: 2 } as StoredItem;
          await db.store.replace(moved, created);
          live.set(id, moved);
        }
        if (i % 4 === 2) {
          await db.store.remove(live.get(id)!);
          live.delete(id);
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, (_, w) => worker(w)));
    const actual = await truth('K');
    expect(actual.total).toBe(live.size);
    expect(await db.store.count({})).toBe(actual.total);
    for (const town of ['hanoi', 'hue', 'da nang']) expect(await townCount(town)).toBe(actual.byTown.get(town) ?? 0);
    // The writes were spread: more than one shard of the total counter holds a count.
    const { Items = [] } = await db.client.send(new ScanCommand({ TableName: db.tableName, ConsistentRead: true }));
    const shards = Items.filter((record) => /^#count#\d+$/.test(String(record[PK])) && Number(record.n) !== 0);
    expect(shards.length).toBeGreaterThan(1);
  }, 180_000);

  it('keeps a create atomic with its count: a duplicate id changes neither item nor counters', async () => {
    const before = await db.store.count({});
    await db.store.create(student('DUP-1', 'Hue'));
    await expect(db.store.create(student('DUP-1', 'Hanoi'))).rejects.toBeInstanceOf(EntityAlreadyExistsError);
    expect(await db.store.count({})).toBe(before + 1);
  });
});

describe('putMany', () => {
  it('skips existing ids in create mode and returns the delta without touching counters', async () => {
    await db.store.create(student('PM-1', 'Hanoi'));
    const before = { total: await db.store.count({}), hanoi: await townCount('hanoi'), hue: await townCount('hue') };
    const batch = Array.from({ length: 60 }, (_, i) => student(`PM-${i}`, i % 2 ? 'Hue' : 'HANOI'));
    const result = await db.store.putMany(batch, { mode: 'create', concurrency: 3 });
    expect(result.existing).toEqual(['PM-1']);
    expect(result.written).toBe(59);
    expect(result.delta).toEqual({ total: 59, filters: { hometown: { hanoi: 30, hue: 29 } } });
    expect(await db.store.count({})).toBe(before.total);
    await db.store.applyCounterDelta(result.delta, 'batch-1');
    expect(await db.store.count({})).toBe(before.total + 59);
    expect(await townCount('hanoi')).toBe(before.hanoi + 30);
    const got = await db.store.getMany(['PM-5', 'nope', 'PM-1']);
    expect(got.map((item) => [item.student_id, item.hometown])).toEqual([
      ['PM-5', 'Hue'],
      ['PM-1', 'Hanoi'],
    ]);
  });

  it('moves filter counts and bumps the version of replaced items in upsert mode', async () => {
    const hue = await townCount('hue');
    const result = await db.store.putMany([student('PM-3', 'Da Nang'), student('PM-NEW', null)], { mode: 'upsert' });
    expect(result.delta).toEqual({ total: 1, filters: { hometown: { hue: -1, 'da nang': 1 } } });
    await db.store.applyCounterDelta(result.delta, 'batch-2');
    expect(await townCount('hue')).toBe(hue - 1);
    expect((await db.store.get('PM-3'))?.version).toBe(2);
  });
});

describe('counters:repair', () => {
  it('recounts from the table after counters drifted (a lost delta, a stale value) and rewrites every shard', async () => {
    await db.store.putMany([student('RP-1', 'Vinh'), student('RP-2', 'Vinh')], { mode: 'create' }); // delta never applied
    await db.client.send(new PutCommand({ TableName: db.tableName, Item: { [PK]: counterKey(3, { name: 'hometown', value: 'ghost town' }), n: 5 } }));
    await db.client.send(new DeleteCommand({ TableName: db.tableName, Key: { [PK]: counterKeys(db.store.design)[0]! } }));
    const result = await repairCounters(db.client, students, db.tableName, 3);
    const actual = await truth('');
    expect(result.scanned).toBe(actual.total);
    expect(await db.store.count({})).toBe(actual.total);
    expect(await townCount('vinh')).toBe(2);
    expect(await townCount('ghost town')).toBe(0);
    expect(result.deleted).toBeGreaterThanOrEqual(1);
  });
});
