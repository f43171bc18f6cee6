import { describe, expect, it } from 'vitest';
import { decideCommit } from './commit-inventory.js';
import type { Reservation } from './inventory-store.js';
import { mergeLines } from './stock-lines.js';

const at = new Date('2026-12-03T12:00:00.000Z');
const lines = (count: number) => Array.from({ length: count }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 }));
const record = (over: Partial<Reservation>): Reservation => ({
  order_id: 'ord_1',
  state: 'reserved',
  items: mergeLines(lines(2)),
  held: 2,
  updated_at: at.toISOString(),
  ...over,
});

describe('decideCommit', () => {
  it('settles every held line as sold in one step up to 98 lines, the record reserved → committed, no event', () => {
    const decision = decideCommit({ orderId: 'ord_1', record: record({}), at });
    expect(decision).toMatchObject({
      kind: 'step',
      step: {
        move: 'commit',
        lines: [{ sku: 'SKU-0' }, { sku: 'SKU-1' }],
        events: [],
        record: { expected: { state: 'reserved', held: 2 }, next: { state: 'committed', held: 0 } },
      },
      result: { outcome: 'committed', lines: 2 },
    });
  });

  it('100 lines: the last 2 first (committing), then 98 (committed)', () => {
    const first = decideCommit({ orderId: 'ord_1', record: record({ items: mergeLines(lines(100)), held: 100 }), at });
    if (first.kind !== 'step') throw new Error('expected a step');
    expect(first.result).toBeUndefined();
    expect(first.step).toMatchObject({
      lines: [{ sku: 'SKU-98' }, { sku: 'SKU-99' }],
      record: { expected: { state: 'reserved', held: 100 }, next: { state: 'committing', held: 98 } },
    });
    const second = decideCommit({ orderId: 'ord_1', record: first.step.record.next, at });
    if (second.kind !== 'step') throw new Error('expected a step');
    expect(second.step).toMatchObject({
      lines: { length: 98 },
      record: { expected: { state: 'committing', held: 98 }, next: { state: 'committed', held: 0 } },
    });
  });

  it('nothing to do without a reservation or after it ended (committed, released, failed, abandoned); retried while it is being reserved', () => {
    expect(decideCommit({ orderId: 'ord_1', record: undefined, at })).toMatchObject({ kind: 'done', result: { why: 'nothingReserved' } });
    for (const state of ['committed', 'released', 'releasing', 'failed', 'abandoned'] as const) {
      expect(decideCommit({ orderId: 'ord_1', record: record({ state, held: state === 'releasing' ? 1 : 0 }), at })).toMatchObject({
        kind: 'done',
        result: { why: 'settled', state },
      });
    }
    expect(() => decideCommit({ orderId: 'ord_1', record: record({ state: 'reserving', held: 1 }), at })).toThrow(/still in progress/);
  });
});
