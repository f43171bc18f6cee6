import { describe, expect, it } from 'vitest';
import { students } from '../../students/students.entity.js';
import { addToDelta, counterDeltaUpdates, noDelta } from './counter-delta.js';
import { counterKeys, tableDesign } from './table-design.js';

const design = tableDesign(students);

describe('counterDeltaUpdates', () => {
  it('turns an aggregated delta into one ADD per non-zero counter, on a shard of that counter', () => {
    const delta = noDelta();
    addToDelta(delta, [{ name: 'hometown', value: 'hanoi' }], +1);
    addToDelta(delta, [{ name: 'hometown', value: 'hanoi' }], +1);
    addToDelta(delta, [{ name: 'hometown', value: 'hue' }], -1, false);
    addToDelta(delta, [{ name: 'hometown', value: 'hue' }], +1, false);
    const updates = counterDeltaUpdates(design, 'students', delta, 'job-1/chunk-7');
    expect(updates.map((update) => update.ExpressionAttributeValues[':d'])).toEqual([2, 2]);
    expect(counterKeys(design)).toContain(updates[0]!.Key.pk);
    expect(counterKeys(design, { name: 'hometown', value: 'hanoi' })).toContain(updates[1]!.Key.pk);
    expect(updates.every((update) => update.TableName === 'students' && update.UpdateExpression === 'ADD n :d')).toBe(true);
  });

  it('picks the same shards for the same seed (a retried batch) and spreads different seeds', () => {
    const delta = { total: 25, filters: {} };
    expect(counterDeltaUpdates(design, 't', delta, 'a')).toEqual(counterDeltaUpdates(design, 't', delta, 'a'));
    const shards = new Set(Array.from({ length: 200 }, (_, i) => counterDeltaUpdates(design, 't', delta, `batch-${i}`)[0]!.Key.pk));
    expect(shards.size).toBeGreaterThan(20);
  });

  it('refuses a filter the design has no counter for', () => {
    expect(() => counterDeltaUpdates(design, 't', { total: 0, filters: { city: { x: 1 } } }, 's')).toThrow(/no counter for filter 'city'/);
  });
});
