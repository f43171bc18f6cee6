import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../../events/sample-events.js';
import type { EventEnvelope } from '../../events/catalog.js';
import type { Reservation } from './inventory-store.js';
import { decideReservation } from './reserve-inventory.js';
import { mergeLines } from './stock-lines.js';

const at = new Date('2026-12-03T12:00:00.000Z');
const lines = (count: number) => Array.from({ length: count }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1, unit_price: { amount: 100, currency: 'EUR' } }));
const created = (count = 2) =>
  sampleEvent('order.created', {
    data: { ...sampleEvent('order.created').data, order_id: 'ord_1', items: lines(count) } as never,
  }) as EventEnvelope<'order.created'>;
const record = (over: Partial<Reservation>): Reservation => ({
  order_id: 'ord_1',
  state: 'reserved',
  items: mergeLines(lines(2)),
  held: 2,
  updated_at: at.toISOString(),
  ...over,
});
const decide = (event: EventEnvelope<'order.created'>, over: Partial<Parameters<typeof decideReservation>[0]> = {}) =>
  decideReservation({ event, items: mergeLines(event.data.items), record: undefined, status: 'pending', failure: undefined, at, ...over });

describe('decideReservation', () => {
  it('a pending order without record: one step holding every line, moving the order and writing inventory.reserved', () => {
    const event = created();
    const decision = decide(event);
    expect(decision.kind).toBe('step');
    if (decision.kind !== 'step') return;
    expect(decision.step).toMatchObject({
      move: 'hold',
      lines: [{ sku: 'SKU-0' }, { sku: 'SKU-1' }],
      order: { from: 'pending', to: 'inventory_reserved' },
      record: { expected: undefined, next: { state: 'reserved', held: 2 } },
    });
    expect(decision.step.events).toMatchObject([
      {
        type: 'inventory.reserved',
        causation_id: event.id,
        correlation_id: event.correlation_id,
        data: {
          order_id: 'ord_1',
          items: [
            { sku: 'SKU-0', quantity: 1 },
            { sku: 'SKU-1', quantity: 1 },
          ],
        },
      },
    ]);
    expect(decision.result).toEqual({ outcome: 'reserved', order_id: 'ord_1', lines: 2 });
  });

  it('100 lines: first holds 3 with only a check on the order, no event; then the rest from the record', () => {
    const event = created(100);
    const first = decide(event);
    if (first.kind !== 'step') throw new Error('expected a step');
    expect(first.step).toMatchObject({ lines: { length: 3 }, order: { from: 'pending' }, events: [], record: { next: { state: 'reserving', held: 3 } } });
    expect(first.result).toBeUndefined();
    const second = decide(event, { record: first.step.record.next });
    if (second.kind !== 'step') throw new Error('expected a step');
    expect(second.step).toMatchObject({
      lines: { length: 97 },
      order: { to: 'inventory_reserved' },
      record: { expected: { state: 'reserving', held: 3 }, next: { state: 'reserved', held: 100 } },
    });
    expect(second.step.lines[0]).toEqual({ sku: 'SKU-3', quantity: 1 });
  });

  it('a settled record ends it, whatever the order says', () => {
    for (const state of ['reserved', 'failed', 'abandoned', 'released', 'releasing'] as const) {
      expect(decide(created(), { record: record({ state }), status: 'inventory_reserved' })).toMatchObject({ kind: 'done', result: { why: 'settled', state } });
    }
  });

  it('an order no longer pending: nothing when nothing is held, else the held lines go back (abandoned, no event)', () => {
    expect(decide(created(), { status: 'cancelled' })).toMatchObject({ kind: 'done', result: { outcome: 'skipped', why: 'notPending', status: 'cancelled' } });
    const held = record({ state: 'reserving', items: mergeLines(lines(100)), held: 3 });
    expect(decide(created(100), { status: 'cancelled', record: held })).toMatchObject({
      kind: 'step',
      step: { move: 'return', lines: { length: 3 }, events: [], record: { next: { state: 'abandoned', held: 0 } } },
      result: { why: 'notPending', returned: 3 },
    });
  });

  it('a shortage: the held lines go back with inventory.reservation_failed while the order is pending', () => {
    const failure = { reason: 'out_of_stock' as const, shortages: [{ sku: 'SKU-99', requested: 1, available: 0 }] };
    const held = record({ state: 'reserving', items: mergeLines(lines(100)), held: 3 });
    const decision = decide(created(100), { record: held, failure });
    expect(decision).toMatchObject({
      kind: 'step',
      step: { move: 'return', lines: { length: 3 }, order: { from: 'pending' }, record: { next: { state: 'failed', held: 0 } } },
      result: { outcome: 'failed', ...failure },
    });
    if (decision.kind === 'step')
      expect(decision.step.events).toMatchObject([{ type: 'inventory.reservation_failed', data: { order_id: 'ord_1', ...failure } }]);
  });
});
