import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../../../events/sample-events.js';
import { timelineEntryOf } from './project-order-event.js';

describe('timelineEntryOf', () => {
  it('keeps the type and occurred_at, drops ids and the payment token, counts lines', () => {
    const created = sampleEvent('order.created');
    const entry = timelineEntryOf(created);
    expect(entry).toEqual({
      type: 'order.created',
      at: created.occurred_at,
      detail: { lines: (created.data as { items: unknown[] }).items.length, total: (created.data as { total: unknown }).total },
    });
    expect(JSON.stringify(entry)).not.toContain('tok_');
  });

  it('keeps an outcome’s own fields (reason, amount, payment id)', () => {
    const failed = sampleEvent('payment.failed', { data: { order_id: 'ord_1', amount: { amount: 100, currency: 'EUR' }, reason: 'timeout' } });
    expect(timelineEntryOf(failed).detail).toEqual({ amount: { amount: 100, currency: 'EUR' }, reason: 'timeout' });
    const released = sampleEvent('inventory.release_requested', {
      data: {
        order_id: 'ord_1',
        items: [
          { sku: 'A', quantity: 1 },
          { sku: 'B', quantity: 2 },
        ],
        reason: 'payment_failed',
      },
    });
    expect(timelineEntryOf(released).detail).toEqual({ lines: 2, reason: 'payment_failed' });
  });
});
