import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import type { DeliveredEvent } from '../../infra/local/eventbridge/put-events.js';
import { eventRules } from '../../events/rules.js';
import { type LocalEventSide, startLocalEventSide } from '../../infra/local/local-event-side.js';
import { authorizer, eventConsumers, functions, outboxPublisher } from '../../shared/registry.js';
import { type ApiResponse, inBatches, type LocalApi, startLocalApi } from './support/local-api.js';
import { bearer } from './support/tokens.js';

/**
 * The whole orders saga as `npm start` runs it, nothing called directly: the order and product
 * routes' bundles, the outbox stream → publisher → local EventBridge (rules of events/rules.ts)
 * → SQS → every registered consumer bundle (inventory-reserve, payment-process, order-finalize,
 * inventory-release, order-status-projector, notification-send), with the fake payment gateway.
 */
let api: LocalApi;
let side: LocalEventSide;
const seen: DeliveredEvent[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'saga-e2e-'));
const notifications = path.join(dir, 'outbox.jsonl');
const PUSH_CUSTOMER = 'cust-saga-push';

beforeAll(async () => {
  bundleFunctions([
    authorizer,
    outboxPublisher,
    ...eventConsumers,
    ...functions.filter((fn) => fn.id.startsWith('orders-') || fn.id.startsWith('products-') || fn.defaultRoute),
  ]);
  const flags = path.join(dir, 'flags.json');
  writeFileSync(
    flags,
    JSON.stringify({
      push_notifications: { enabled: true, allow: [PUSH_CUSTOMER] },
      new_notification_pipeline: { enabled: false },
      sms_for_important: { enabled: false },
    }),
  );
  Object.assign(process.env, { FLAGS_FILE: flags, NOTIFICATIONS_OUTBOX_FILE: notifications });
  api = await startLocalApi({ role: 'staff' });
  side = await startLocalEventSide({ dynamodbEndpoint: api.tables.endpoint, env: api.tables.env, eventsPort: 0, sqsPort: 0 });
  side.events.onEvent((event) => seen.push(event));
}, 180_000);
afterAll(async () => {
  await side?.stop();
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Detail = { id: string; type: string; correlation_id: string; causation_id: string | null; data: Record<string, any> };
const detailOf = (event: DeliveredEvent) => event.detail as unknown as Detail;
const eventsOf = (orderId: string) => seen.filter((event) => detailOf(event).data?.order_id === orderId);
const typesOf = (orderId: string) => eventsOf(orderId).map((event) => detailOf(event).type);

async function until<T>(what: string, probe: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: gave up; last ${JSON.stringify(value).slice(0, 400)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const FINAL = ['completed', 'rejected', 'payment_failed', 'cancelled'];
const finalOrder = (orderId: string) =>
  until(
    `order ${orderId} final`,
    () => api.request('GET', `/api/v1/orders/${orderId}`),
    (res: ApiResponse) => FINAL.includes(res.body?.status),
  );

async function product(stock: number): Promise<string> {
  const sku = `SG-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`.toUpperCase();
  expect((await api.request('POST', '/api/v1/products', { json: { sku, name: `Saga ${sku}`, price_minor: 1_250, currency: 'EUR' } })).status).toBe(201);
  if (stock > 0) expect((await api.request('POST', `/api/v1/products/${sku}/stock`, { json: { delta: stock, reason: 'e2e saga' } })).status).toBe(200);
  return sku;
}

async function order(
  items: { sku: string; quantity: number }[],
  token = 'tok_ok',
  options: { customer?: string; correlationId?: string } = {},
): Promise<string> {
  const headers: Record<string, string> = {
    'idempotency-key': `saga-${Math.random().toString(36).slice(2)}`,
    ...(options.correlationId ? { 'x-correlation-id': options.correlationId } : {}),
  };
  const res = await api.request('POST', '/api/v1/orders', {
    headers,
    json: { customer_id: options.customer ?? 'cust-saga', items, payment: { method: 'card', token } },
  });
  expect(res.status, res.text).toBe(202);
  return res.body.order_id as string;
}

const stock = async (sku: string) => {
  const { stock_available, stock_reserved } = (await api.request('GET', `/api/v1/products/${sku}`)).body;
  return { stock_available, stock_reserved };
};

const notified = () => {
  try {
    return readFileSync(notifications, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { order_id: string; event_type: string; channel: string });
  } catch {
    return [];
  }
};

describe('the orders saga end to end (local bus, queues, every consumer bundle)', { timeout: 180_000 }, () => {
  it('happy path: completed, stock taken, one charge, the timeline in order, correlation id on every event, the customer notified by push', async () => {
    const [a, b] = [await product(5), await product(2)];
    const orderId = await order(
      [
        { sku: a, quantity: 2 },
        { sku: b, quantity: 1 },
      ],
      'tok_ok',
      { customer: PUSH_CUSTOMER, correlationId: 'corr-saga-happy-1' },
    );
    const done = await finalOrder(orderId);
    expect(done.body).toMatchObject({ status: 'completed', total: { amount: 3 * 1_250, currency: 'EUR' } });
    // The projector records each saga event of the order once, in time order (the API wrote order.created).
    const projected = (
      await until(
        'timeline projected',
        () => api.request('GET', `/api/v1/orders/${orderId}`),
        (res: ApiResponse) => res.body.timeline.some((entry: { type: string }) => entry.type === 'order.completed'),
      )
    ).body.timeline as { type: string; at: string }[];
    expect(projected.map((entry) => entry.type)).toEqual(['order.created', 'inventory.reserved', 'payment.succeeded', 'order.completed']);
    expect(projected.map((entry) => entry.at)).toEqual([...projected.map((entry) => entry.at)].sort());
    // Sold: available stays reduced, and inventory-release settles the reservation on order.completed.
    expect(
      await until(
        'reservation settled',
        () => stock(a),
        (levels) => levels.stock_reserved === 0,
      ),
    ).toEqual({ stock_available: 3, stock_reserved: 0 });
    expect(
      await until(
        'reservation settled',
        () => stock(b),
        (levels) => levels.stock_reserved === 0,
      ),
    ).toEqual({ stock_available: 1, stock_reserved: 0 });
    const types = await until(
      'order.completed published',
      () => typesOf(orderId),
      (list) => list.includes('order.completed'),
    );
    expect(types.filter((type) => type === 'payment.succeeded')).toHaveLength(1);
    expect(new Set(eventsOf(orderId).map((event) => detailOf(event).correlation_id))).toEqual(new Set(['corr-saga-happy-1']));
    // Each event names the one that caused it.
    const ids = new Set(eventsOf(orderId).map((event) => detailOf(event).id));
    for (const event of eventsOf(orderId).filter((candidate) => detailOf(candidate).type !== 'order.created'))
      expect(ids.has(detailOf(event).causation_id!), detailOf(event).type).toBe(true);
    const notes = await until('notification sent', notified, (lines) => lines.some((line) => line.order_id === orderId));
    expect(notes.filter((line) => line.order_id === orderId)).toEqual([expect.objectContaining({ event_type: 'order.completed', channel: 'push' })]);
  });

  it('out of stock: rejected, nothing reserved', async () => {
    const sku = await product(1);
    const orderId = await order([{ sku, quantity: 2 }]);
    expect((await finalOrder(orderId)).body.status).toBe('rejected');
    expect(await stock(sku)).toEqual({ stock_available: 1, stock_reserved: 0 });
    expect(
      await until(
        'order.rejected published',
        () => typesOf(orderId),
        (list) => list.includes('order.rejected'),
      ),
    ).not.toContain('payment.succeeded');
  });

  it('declined card: payment_failed, the stock released exactly once, the customer told by e-mail', async () => {
    const sku = await product(4);
    const orderId = await order([{ sku, quantity: 3 }], 'tok_decline');
    expect((await finalOrder(orderId)).body.status).toBe('payment_failed');
    const types = await until(
      'inventory.released',
      () => typesOf(orderId),
      (list) => list.includes('inventory.released'),
    );
    expect(types.filter((type) => type === 'inventory.released')).toHaveLength(1);
    expect(
      await until(
        'stock back',
        () => stock(sku),
        (levels) => levels.stock_reserved === 0,
      ),
    ).toEqual({ stock_available: 4, stock_reserved: 0 });
    const notes = await until('notification sent', notified, (lines) => lines.some((line) => line.order_id === orderId));
    expect(notes.filter((line) => line.order_id === orderId)).toEqual([expect.objectContaining({ event_type: 'order.payment_failed', channel: 'email' })]);
  });

  it('100 concurrent orders for a product with stock 10: exactly 10 complete, the rest are rejected, stock never negative', async () => {
    const sku = await product(10);
    const ids = await inBatches(
      Array.from({ length: 100 }, (_, i) => i),
      20,
      () => order([{ sku, quantity: 1 }]),
    );
    const finals = await inBatches(ids, 10, async (id) => (await finalOrder(id)).body.status as string);
    expect(finals.filter((status) => status === 'completed')).toHaveLength(10);
    expect(finals.filter((status) => status === 'rejected')).toHaveLength(90);
    // Sold out, and every completed order's reservation settled by inventory-release.
    expect(
      await until(
        'reservations settled',
        () => stock(sku),
        (levels) => levels.stock_reserved === 0,
      ),
    ).toEqual({ stock_available: 0, stock_reserved: 0 });
  });

  it('a cancel racing the saga never leaks stock: cancelled with the stock back, or 409 once payment started', async () => {
    const sku = await product(3);
    const orderId = await order([{ sku, quantity: 2 }]);
    const cancel = await api.request('POST', `/api/v1/orders/${orderId}/cancel`);
    expect([200, 409]).toContain(cancel.status);
    const final = (await finalOrder(orderId)).body.status;
    if (cancel.status === 200) {
      expect(final).toBe('cancelled');
      expect(
        await until(
          'stock back',
          () => stock(sku),
          (levels) => levels.stock_available === 3 && levels.stock_reserved === 0,
        ),
      ).toEqual({ stock_available: 3, stock_reserved: 0 });
    } else {
      expect(final).toBe('completed');
      expect((await stock(sku)).stock_available).toBe(1);
    }
  });

  it('every event delivered again (a duplicate SQS message) changes nothing: one reservation, one charge', async () => {
    const sku = await product(6);
    const orderId = await order([{ sku, quantity: 2 }], 'tok_ok', { customer: 'cust-saga-dup' });
    await finalOrder(orderId);
    await until(
      'order.completed published',
      () => typesOf(orderId),
      (list) => list.includes('order.completed'),
    );
    // Settled before the snapshot: the reservation committed (inventory-release on order.completed),
    // the timeline projected and the customer notified — each by its own consumer, after the status.
    await until(
      'reservation committed',
      () => stock(sku),
      (levels) => levels.stock_reserved === 0,
    );
    await until(
      'order.completed projected',
      async () => (await api.request('GET', `/api/v1/orders/${orderId}`)).body.timeline as { type: string }[],
      (timeline) => timeline.some((entry) => entry.type === 'order.completed'),
    );
    await until(
      'customer notified',
      async () => notified().filter((line) => line.order_id === orderId),
      (lines) => lines.length > 0,
    );
    const before = { stock: await stock(sku), types: typesOf(orderId).sort(), order: (await api.request('GET', `/api/v1/orders/${orderId}`)).body };
    // The bus routed each event to the queues of the rules it matched; each of those queues gets it again.
    for (const event of eventsOf(orderId)) {
      for (const rule of eventRules.filter((candidate) => candidate.eventTypes.includes(detailOf(event).type as never))) {
        await side.eventSources.sendToQueue(rule.queue, JSON.stringify(event));
      }
    }
    // Give the consumers time to see every duplicate (each queue is polled continuously).
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    expect(await stock(sku)).toEqual(before.stock);
    expect(typesOf(orderId).sort()).toEqual(before.types);
    const after = (await api.request('GET', `/api/v1/orders/${orderId}`)).body;
    expect({ status: after.status, version: after.version, timeline: after.timeline }).toEqual({
      status: before.order.status,
      version: before.order.version,
      timeline: before.order.timeline,
    });
    expect(notified().filter((line) => line.order_id === orderId)).toHaveLength(1);
  });

  it('answers a viewer only about their own orders while the saga runs', async () => {
    const sku = await product(2);
    const mine = await order([{ sku, quantity: 1 }], 'tok_ok', { customer: 'cust-saga-viewer' });
    const viewer = await bearer('viewer', { sub: 'cust-saga-viewer' });
    const other = await bearer('viewer', { sub: 'cust-saga-other' });
    expect((await api.request('GET', `/api/v1/orders/${mine}`, { headers: viewer })).status).toBe(200);
    expect((await api.request('GET', `/api/v1/orders/${mine}`, { headers: other })).status).toBe(404);
    await finalOrder(mine);
  });
});
