import { describe, expect, it } from 'vitest';
import { describeDetail, formatMoney } from './order.js';

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
});
