import { randomUUID } from 'node:crypto';
import { type DomainEvent, eventCatalog, type EventData, type EventType } from './catalog.js';
// npm run new:entity adds sample imports above this line

const items = [
  { sku: 'SKU-1', quantity: 2 },
  { sku: 'SKU-2', quantity: 1 },
];
const total = { amount: 4500, currency: 'EUR' };

/** A valid `data` per event type: documentation by example and test fixtures. */
export const sampleData: { [Type in EventType]: EventData<Type> } = {
  'order.created': {
    order_id: 'ord_01',
    customer_id: 'cust_42',
    items: [
      { sku: 'SKU-1', quantity: 2, unit_price: { amount: 1500, currency: 'EUR' } },
      { sku: 'SKU-2', quantity: 1, unit_price: { amount: 1500, currency: 'EUR' } },
    ],
    total,
    payment: { method: 'card', token: 'tok_ok' },
  },
  'inventory.reserved': { order_id: 'ord_01', items },
  'inventory.reservation_failed': { order_id: 'ord_01', reason: 'out_of_stock', shortages: [{ sku: 'SKU-1', requested: 2, available: 1 }] },
  'payment.succeeded': { order_id: 'ord_01', payment_id: 'pay_01', amount: total },
  'payment.failed': { order_id: 'ord_01', amount: total, reason: 'declined' },
  'order.completed': { order_id: 'ord_01', customer_id: 'cust_42', total },
  'order.rejected': { order_id: 'ord_01', reason: 'out_of_stock' },
  'order.payment_failed': { order_id: 'ord_01', customer_id: 'cust_42', reason: 'declined' },
  'order.cancelled': { order_id: 'ord_01', cancelled_by: 'cust_42', items },
  'inventory.release_requested': { order_id: 'ord_01', items, reason: 'payment_failed' },
  'inventory.released': { order_id: 'ord_01', items, reason: 'payment_failed' },
  'import.completed': {
    import_id: 'imp_3kq9Zx1bVtY0aLmN4pQr8sTu',
    entity: 'students',
    status: 'completed_with_errors',
    door: 's3',
    mode: 'create',
    totals: { total_rows: 1200, created: 1150, updated: 0, skipped: 10, errors: 40, warnings: 25, rows_processed: 1200 },
    message: null,
    report_url: 's3://records-imports/reports/imp_3kq9Zx1bVtY0aLmN4pQr8sTu/',
    report_key: 'reports/imp_3kq9Zx1bVtY0aLmN4pQr8sTu/errors.csv',
    started_at: '2026-12-02T13:58:00.000Z',
    finished_at: '2026-12-02T14:00:00.000Z',
  },
  // npm run new:entity adds the sample data of entity change events above this line
};

/** A complete, valid envelope of `type` with fresh ids. */
export function sampleEvent<Type extends EventType>(type: Type, overrides: Partial<DomainEvent> = {}): DomainEvent {
  return {
    id: randomUUID(),
    type,
    version: eventCatalog[type].version,
    occurred_at: '2026-12-02T14:00:00.000Z',
    correlation_id: 'req-123',
    causation_id: null,
    data: sampleData[type],
    ...overrides,
  } as DomainEvent;
}
