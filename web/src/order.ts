export interface Money {
  amount: number;
  currency: string;
}

/** An order as `GET /api/v1/orders/{order_id}` answers it. */
export interface Order {
  order_id: string;
  customer_id: string;
  status: string;
  items: { sku: string; quantity: number; unit_price: Money; line_total: Money }[];
  total: Money;
  timeline: { type: string; at: string; detail: Record<string, unknown> }[];
  created_at: string;
  updated_at: string;
  version: number;
}

/** Statuses an order never leaves (docs/orders.md): following it stops there. */
export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'rejected', 'payment_failed', 'cancelled']);

/**
 * Whether the saga is done with an order as far as the page can see: a final status AND the
 * event that made it so (`order.completed`, `order.cancelled`, …) in the timeline, which the
 * status projector appends a moment after the status changed.
 */
export function settled(order: Pick<Order, 'status' | 'timeline'>): boolean {
  return TERMINAL_STATUSES.has(order.status) && order.timeline.some((entry) => entry.type === `order.${order.status}`);
}

/** Integer minor units → `€12.50`, with the currency's own number of decimals. */
export function formatMoney(money: Money): string {
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency: money.currency });
    return format.format(money.amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2));
  } catch {
    return `${money.amount} ${money.currency}`;
  }
}

const isMoney = (value: unknown): value is Money =>
  typeof value === 'object' && value !== null && typeof (value as Money).amount === 'number' && typeof (value as Money).currency === 'string';

/** A timeline entry's detail in words: `lines 1 · total €12.50 · cancelled by local-admin`. */
export function describeDetail(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(
      ([key, value]) =>
        `${key.replace(/_/g, ' ')} ${isMoney(value) ? formatMoney(value) : typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`,
    )
    .join(' · ');
}
