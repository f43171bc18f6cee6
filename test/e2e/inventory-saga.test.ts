import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import { type LocalEventSide, startLocalEventSide } from '../../infra/local/local-event-side.js';
import { authorizer, functions, lambdas } from '../../shared/registry.js';
import { type ApiResponse, type LocalApi, startLocalApi } from './support/local-api.js';

/**
 * The inventory half of the saga through the local run's real pieces: the order and product
 * routes' bundles, the outbox stream → publisher bundle → local EventBridge → SQS →
 * inventory-reserve / inventory-release bundles. Nothing is called directly.
 */
let api: LocalApi;
let side: LocalEventSide;
/** The envelope of every event the local bus accepted. */
const published: { type?: string; data?: Record<string, unknown> }[] = [];

beforeAll(async () => {
  const wanted = new Set(['outbox-publisher', 'inventory-reserve', 'inventory-release']);
  bundleFunctions([
    authorizer,
    ...functions.filter((fn) => fn.id.startsWith('orders-') || fn.id.startsWith('products-') || fn.defaultRoute),
    ...lambdas.filter((fn) => wanted.has(fn.id)),
  ]);
  api = await startLocalApi({ role: 'staff' });
  // Only the inventory half runs: with payment-process and order-finalize out, an order rests at
  // inventory_reserved (so a cancel can release it) and a refused one stays pending. The whole saga: saga.test.ts.
  side = await startLocalEventSide({
    dynamodbEndpoint: api.tables.endpoint,
    env: api.tables.env,
    eventsPort: 0,
    sqsPort: 0,
    lambdas: lambdas.filter((fn) => wanted.has(fn.id)),
  });
  side.events.onEvent((event) => published.push((event as { detail: (typeof published)[number] }).detail));
}, 180_000);
afterAll(async () => {
  await side?.stop();
  await api?.close();
});

async function until(what: string, probe: () => Promise<ApiResponse>, done: (res: ApiResponse) => boolean, timeoutMs = 45_000): Promise<ApiResponse> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await probe();
    if (done(res)) return res;
    if (Date.now() > deadline) throw new Error(`${what}: still ${res.status} ${res.text.slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('inventory through the local event side (bundles)', { timeout: 120_000 }, () => {
  it('POST /orders → inventory_reserved and the stock held; cancel → the stock back, once', async () => {
    const sku = `SAGA-${Date.now().toString(36).toUpperCase()}`;
    expect((await api.request('POST', '/api/v1/products', { json: { sku, name: 'Saga mug', price_minor: 1200, currency: 'EUR' } })).status).toBe(201);
    expect((await api.request('POST', `/api/v1/products/${sku}/stock`, { json: { delta: 5, reason: 'e2e saga' } })).status).toBe(200);

    const placed = await api.request('POST', '/api/v1/orders', {
      headers: { 'idempotency-key': `saga-${sku}` },
      json: { customer_id: 'cust-saga', items: [{ sku, quantity: 2 }], payment: { method: 'card', token: 'tok_ok' } },
    });
    expect(placed.status, placed.text).toBe(202);
    const orderId = placed.body.order_id as string;
    await until(
      'order reserved',
      () => api.request('GET', `/api/v1/orders/${orderId}`),
      (res) => res.body?.status === 'inventory_reserved',
    );
    expect((await api.request('GET', `/api/v1/products/${sku}`)).body).toMatchObject({ stock_available: 3, stock_reserved: 2 });

    expect((await api.request('POST', `/api/v1/orders/${orderId}/cancel`)).body).toMatchObject({ status: 'cancelled' });
    const restored = await until(
      'stock released',
      () => api.request('GET', `/api/v1/products/${sku}`),
      (res) => res.body?.stock_reserved === 0,
    );
    expect(restored.body).toMatchObject({ stock_available: 5, stock_reserved: 0, version: 4 });
    const types = () => published.filter((detail) => detail.data?.order_id === orderId).map((detail) => detail.type);
    await until(
      'inventory.released published',
      async () => ({ status: 200, text: String(types()) }) as ApiResponse,
      () => types().includes('inventory.released'),
    );
    expect(types().sort()).toEqual(['inventory.release_requested', 'inventory.released', 'inventory.reserved', 'order.cancelled', 'order.created']);
  });

  it('an order for more than the stock reserves nothing and stays pending (order-finalize, not running here, rejects it)', async () => {
    const sku = `SHORT-${Date.now().toString(36).toUpperCase()}`;
    await api.request('POST', '/api/v1/products', { json: { sku, name: 'Rare mug', price_minor: 900, currency: 'EUR' } });
    await api.request('POST', `/api/v1/products/${sku}/stock`, { json: { delta: 1, reason: 'e2e saga' } });
    const placed = await api.request('POST', '/api/v1/orders', {
      headers: { 'idempotency-key': `short-${sku}` },
      json: { customer_id: 'cust-saga', items: [{ sku, quantity: 2 }], payment: { method: 'card', token: 'tok_ok' } },
    });
    expect(placed.status).toBe(202);
    // The failure is committed as an outbox row; the local bus sees it published.
    const failedFor = () => published.find((detail) => detail.type === 'inventory.reservation_failed' && detail.data?.order_id === placed.body.order_id);
    for (const deadline = Date.now() + 45_000; !failedFor() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 250));
    const failed = failedFor();
    expect(failed).toMatchObject({ data: { reason: 'out_of_stock', shortages: [{ sku, requested: 2, available: 1 }] } });
    expect((await api.request('GET', `/api/v1/products/${sku}`)).body).toMatchObject({ stock_available: 1, stock_reserved: 0, version: 2 });
    expect((await api.request('GET', `/api/v1/orders/${placed.body.order_id}`)).body.status).toBe('pending');
  });
});
