import { describe, expect, it } from 'vitest';
import { describeDetail, formatMoney, settled } from './order.js';

describe('orders view formatting', () => {
  it('shows integer minor units as money with the currency’s own decimals', () => {
    expect(formatMoney({ amount: 1250, currency: 'EUR' })).toBe('€12.50');
    expect(formatMoney({ amount: 1250, currency: 'JPY' })).toBe('¥1,250');
    expect(formatMoney({ amount: 5, currency: 'XX!' })).toBe('5 XX!');
  });

  it('puts a timeline detail in words', () => {
    expect(describeDetail({ lines: 1, total: { amount: 1250, currency: 'EUR' }, cancelled_by: 'local-admin' })).toBe(
      'lines 1 · total €12.50 · cancelled by local-admin',
    );
  });

  it('counts an order as settled only at a final status whose event has reached the timeline', () => {
    const at = '2026-01-01T00:00:00Z';
    const entry = (type: string) => ({ type, at, detail: {} });
    expect(settled({ status: 'paid', timeline: [entry('order.created'), entry('payment.succeeded')] })).toBe(false);
    expect(settled({ status: 'completed', timeline: [entry('order.created'), entry('payment.succeeded')] })).toBe(false); // the projector lags
    expect(settled({ status: 'completed', timeline: [entry('order.created'), entry('order.completed')] })).toBe(true);
    expect(settled({ status: 'payment_failed', timeline: [entry('order.payment_failed')] })).toBe(true);
    expect(settled({ status: 'cancelled', timeline: [entry('order.cancelled')] })).toBe(true);
  });
});
