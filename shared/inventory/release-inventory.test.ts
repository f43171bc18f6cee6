import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../../events/sample-events.js';
import type { EventEnvelope } from '../../events/catalog.js';
import type { Reservation } from './inventory-store.js';
import { decideRelease } from './release-inventory.js';
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

describe('decideRelease', () => {
  const request = (reason: 'payment_failed' | 'cancelled' = 'cancelled') =>
    sampleEvent('inventory.release_requested', {
      data: {
        order_id: 'ord_1',
        items: [
          { sku: 'SKU-0', quantity: 1 },
          { sku: 'SKU-1', quantity: 1 },
        ],
        reason,
      },
    }) as EventEnvelope<'inventory.release_requested'>;

  it('gives back what the record holds with inventory.released, in one step up to 98 lines', () => {
    const decision = decideRelease({ event: request(), record: record({}), at });
    expect(decision).toMatchObject({
      kind: 'step',
      step: {
        move: 'return',
        lines: { length: 2 },
        record: { expected: { state: 'reserved', held: 2 }, next: { state: 'released', held: 0, release_reason: 'cancelled' } },
      },
    });
    if (decision.kind === 'step')
      expect(decision.step.events).toMatchObject([{ type: 'inventory.released', data: { reason: 'cancelled', items: [{ sku: 'SKU-0' }, { sku: 'SKU-1' }] } }]);
  });

  it('100 lines: the last 2 first (releasing), then 98 with the event; a resumed release keeps its first reason', () => {
    const all = record({ items: mergeLines(lines(100)), held: 100 });
    const first = decideRelease({ event: request('payment_failed'), record: all, at });
    if (first.kind !== 'step') throw new Error('expected a step');
    expect(first.step).toMatchObject({
      lines: [{ sku: 'SKU-98' }, { sku: 'SKU-99' }],
      events: [],
      record: { next: { state: 'releasing', held: 98, release_reason: 'payment_failed' } },
    });
    const second = decideRelease({ event: request('cancelled'), record: first.step.record.next, at });
    if (second.kind !== 'step') throw new Error('expected a step');
    expect(second.step).toMatchObject({ lines: { length: 98 }, record: { next: { state: 'released', held: 0, release_reason: 'payment_failed' } } });
    expect(second.step.events[0]).toMatchObject({ data: { reason: 'payment_failed' } });
  });

  it('nothing to do without a reservation or after it ended; retried while it is still being reserved', () => {
    expect(decideRelease({ event: request(), record: undefined, at })).toMatchObject({ kind: 'done', result: { why: 'nothingReserved' } });
    for (const state of ['released', 'failed', 'abandoned'] as const)
      expect(decideRelease({ event: request(), record: record({ state, held: 0 }), at })).toMatchObject({ kind: 'done', result: { why: 'settled', state } });
    expect(() => decideRelease({ event: request(), record: record({ state: 'reserving', held: 1 }), at })).toThrow(/still in progress/);
  });
});
