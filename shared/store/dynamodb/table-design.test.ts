import { describe, expect, it } from 'vitest';
import { defineEntity } from '../../entity/define-entity.js';
import { students } from '../../students/students.entity.js';
import { counterKeyFor, counterKeys, idOfSortKey, indexPartitions, shardOf, shardsFor, tableDesign, TARGET_WCU_PER_SHARD } from './table-design.js';

describe('tableDesign', () => {
  const design = tableDesign(students);

  it('shards each index so the declared rate and skew stay at or under the per-shard target', () => {
    const shards = Object.fromEntries(design.indexes.map((index) => [index.name, index.shards]));
    // 10,000 writes/s × 1 WCU / 500 = 20; the hottest hometown takes 35%: 3,500 / 500 = 7.
    expect(shards.all_by_student_id).toBe(20);
    expect(shards.hometown_by_last_name).toBe(7);
    for (const index of design.indexes) {
      const share = index.filter ? 0.35 : 1;
      expect((10_000 * share) / index.shards).toBeLessThanOrEqual(TARGET_WCU_PER_SHARD);
    }
    // Counter ADDs run inside transactions (2 WCU): 40 total shards, 14 per hometown.
    expect(design.counters?.total.shards).toBe(40);
    expect(design.counters?.filters.hometown?.shards).toBe(14);
  });

  it('derives one lean GSI per sort and per (filter, sort), and no separate search index', () => {
    expect(design.indexes.map((index) => index.name)).toEqual([
      'all_by_student_id',
      'all_by_first_name',
      'all_by_last_name',
      'all_by_average_score',
      'all_by_created_at',
      'hometown_by_student_id',
      'hometown_by_first_name',
      'hometown_by_last_name',
      'hometown_by_average_score',
      'hometown_by_created_at',
    ]);
    expect(new Set(design.indexes.map((index) => JSON.stringify(index.include)))).toEqual(new Set(['["_search"]']));
  });

  it('treats an undeclared filter skew as the worst case (every write in one value)', () => {
    const unskewed = defineEntity({ ...students, capacity: { writesPerSecond: 2_000 } });
    const shards = tableDesign(unskewed).indexes.find((index) => index.filter === 'hometown')?.shards;
    expect(shards).toBe(shardsFor(2_000, 1, 1));
    expect(shards).toBe(4);
  });

  it('refuses a skew for an unknown filter or outside (0, 1]', () => {
    expect(() => defineEntity({ ...students, capacity: { writesPerSecond: 10, skew: { city: 0.5 } } })).toThrow(/unknown filter 'city'/);
    expect(() => defineEntity({ ...students, capacity: { writesPerSecond: 10, skew: { hometown: 1.5 } } })).toThrow(/fraction/);
  });

  it('places an id on a stable shard, spread evenly over ids', () => {
    expect(shardOf('S001', 20)).toBe(shardOf('S001', 20));
    const counts = new Array<number>(20).fill(0);
    for (let i = 0; i < 20_000; i++) counts[shardOf(`ST${String(i).padStart(6, '0')}`, 20)]!++;
    for (const count of counts) expect(Math.abs(count - 1_000)).toBeLessThan(150);
  });

  it('names every shard partition and counter key, and recovers the id from a sort key', () => {
    const index = design.indexes.find((candidate) => candidate.filter === 'hometown')!;
    expect(indexPartitions(index, 'hanoi')).toEqual(Array.from({ length: 7 }, (_, shard) => `hanoi#${shard}`));
    expect(counterKeys(design)).toContain(counterKeyFor(design, 'S001'));
    expect(counterKeyFor(design, 'S001', { name: 'hometown', value: 'hue' })).toMatch(/^#count#hometown#hue#\d+$/);
    expect(idOfSortKey('nguyen\u0001S-01')).toBe('S-01');
  });
});
