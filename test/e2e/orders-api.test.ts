import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFunctions } from '../../infra/build/bundle-functions.js';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { ordersTable } from '../../shared/orders/orders.table.js';
import { createOrdersService, type OrdersService } from '../../shared/orders/orders.service.js';
import { PRODUCTS_ENTITY } from '../../shared/orders/product-catalog.js';
import { authorizer, entities, functions } from '../../shared/registry.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbOrderStore } from '../../shared/store/dynamodb/dynamodb-order-store.js';
import { ensureOutboxTable } from '../support/outbox-table.js';
import { type LocalApi, startLocalApi } from './support/local-api.js';
import { errorLocs, expectProblem } from './support/problem-assertions.js';
import { bearer } from './support/tokens.js';

/** The priced path needs the products entity (its table and routes); without it only the refusals run. */
const productsRegistered = entities.some((entity) => entity.name === PRODUCTS_ENTITY);

let api: LocalApi;
let client: ReturnType<typeof createDocumentClient>;
/** Seeds orders straight into the table (behind the catalog) for the read and cancel routes. */
let seeder: OrdersService;
let alice: Record<string, string>;
let bob: Record<string, string>;

beforeAll(async () => {
  bundleFunctions([authorizer, ...functions.filter((fn) => fn.id.startsWith('orders-') || fn.id.startsWith('products-') || fn.defaultRoute)]);
  api = await startLocalApi();
  const outbox = await ensureOutboxTable(api.tables);
  client = createDocumentClient(process.env);
  const catalog = { lookup: async (skus: readonly string[]) => new Map(skus.map((sku) => [sku, { price_minor: 500, currency: 'EUR' }])) };
  seeder = createOrdersService({
    store: new DynamoDbOrderStore(client, api.tables.env[ordersTable.envVar]!, outbox),
    catalog,
    cursors: async () => new CursorCodec('s'.repeat(32)),
  });
  alice = await bearer('viewer', { sub: 'cust-e2e-alice' });
  bob = await bearer('viewer', { sub: 'cust-e2e-bob' });
}, 60_000);
afterAll(async () => {
  client?.destroy();
  await api?.close();
});

const order = (customer = 'cust-e2e-alice', items: unknown = [{ sku: 'E2E-ONE', quantity: 2 }]) => ({
  customer_id: customer,
  items,
  payment: { method: 'card', token: 'tok_ok' },
});
const res422Types = (res: { body: { errors: { type: string }[] } }) => res.body.errors.map((error) => error.type);
const seed = (key: string) =>
  seeder.create(order() as never, { sub: 'cust-e2e-alice', role: 'viewer', method: 'jwt' }, key, { correlationId: 'seed', causationId: null });

describe('orders API refusals', () => {
  it('answers 400 problem+json without an Idempotency-Key header', async () => {
    const res = await api.request('POST', '/api/v1/orders', { headers: alice, json: order() });
    expectProblem(res, 400);
    expect(res.body.code).toBe('idempotency.keyMissing');
  });

  it('answers 422 at the bad part: no items, quantity 0, more than 100 lines, unknown payment method', async () => {
    const cases: [unknown, unknown[]][] = [
      [order(undefined, []), ['body', 'items']],
      [order(undefined, [{ sku: 'E2E-ONE', quantity: 0 }]), ['body', 'items', 0, 'quantity']],
      [order(undefined, [{ sku: 'E2E-ONE', quantity: -3 }]), ['body', 'items', 0, 'quantity']],
      [
        order(
          undefined,
          Array.from({ length: 101 }, (_, i) => ({ sku: `E2E-${i}`, quantity: 1 })),
        ),
        ['body', 'items'],
      ],
      [{ ...order(), payment: { method: 'cash', token: 'x' } }, ['body', 'payment', 'method']],
    ];
    for (const [json, loc] of cases) {
      const res = await api.request('POST', '/api/v1/orders', { headers: { ...alice, 'idempotency-key': `bad-${JSON.stringify(loc)}` }, json });
      expectProblem(res, 422);
      expect(errorLocs(res)).toContainEqual(loc);
    }
  });

  it('refuses an order for another customer from a customer (403)', async () => {
    const res = await api.request('POST', '/api/v1/orders', { headers: { ...alice, 'idempotency-key': 'other-customer' }, json: order('cust-e2e-bob') });
    expectProblem(res, 403);
    expect(res.body.code).toBe('order.customerMismatch');
  });
});

describe('orders API reads and cancels', () => {
  it('shows a customer their order with status, totals and timeline, and answers 404 (not 403) to another customer', async () => {
    const { order_id } = await seed('e2e-read');
    const own = await api.request('GET', `/api/v1/orders/${order_id}`, { headers: alice });
    expect(own.status, own.text).toBe(200);
    expect(own.body).toMatchObject({ order_id, status: 'pending', total: { amount: 1000, currency: 'EUR' }, timeline: [{ type: 'order.created' }] });
    expect(own.headers.get('cache-control')).toBe('no-store');

    const other = await api.request('GET', `/api/v1/orders/${order_id}`, { headers: bob });
    expectProblem(other, 404);
    const missing = await api.request('GET', '/api/v1/orders/ord_ffffffffffffffffffffffffffffffff', { headers: bob });
    expectProblem(missing, 404);
    // Same answer for "not yours" and "does not exist": nothing tells them apart.
    expect(other.body.code).toBe(missing.body.code);

    const staff = await api.request('GET', `/api/v1/orders/${order_id}`, { as: 'staff' });
    expect(staff.status).toBe(200);
  });

  it('cancels a pending order (200, cancelled), then answers 409 to a second cancel; another customer gets 404', async () => {
    const { order_id } = await seed('e2e-cancel');
    const stranger = await api.request('POST', `/api/v1/orders/${order_id}/cancel`, { headers: bob });
    expectProblem(stranger, 404);
    const cancelled = await api.request('POST', `/api/v1/orders/${order_id}/cancel`, { headers: alice });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body).toMatchObject({ order_id, status: 'cancelled' });
    const again = await api.request('POST', `/api/v1/orders/${order_id}/cancel`, { headers: alice });
    expectProblem(again, 409);
    expect(again.body.code).toBe('order.notCancellable');
  });

  it('lists only the caller’s own orders for a customer, with a cursor', async () => {
    await seed('e2e-list-1');
    await seed('e2e-list-2');
    const mine = await api.request('GET', '/api/v1/orders?limit=1', { headers: alice });
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.next_cursor).toEqual(expect.any(String));
    const next = await api.request('GET', `/api/v1/orders?limit=1&cursor=${encodeURIComponent(mine.body.next_cursor)}`, { headers: alice });
    expect(next.body.items[0].order_id).not.toBe(mine.body.items[0].order_id);
    const theirs = await api.request('GET', '/api/v1/orders', { headers: bob });
    expect(theirs.body.items).toEqual([]);
  });
});

describe.skipIf(!productsRegistered)('orders API priced through the products table', () => {
  beforeAll(async () => {
    for (const [sku, price] of [
      ['E2E-ONE', 1250],
      ['E2E-TWO', 300],
    ] as const) {
      const res = await api.request('POST', '/api/v1/products', { as: 'staff', json: { sku, name: `Product ${sku}`, price_minor: price, currency: 'EUR' } });
      expect(res.status, res.text).toBe(201);
    }
  });

  it('accepts an order with 202 pending and answers a retry with the same key and body identically', async () => {
    const json = order(undefined, [
      { sku: 'E2E-ONE', quantity: 2 },
      { sku: 'E2E-TWO', quantity: 1 },
    ]);
    const first = await api.request('POST', '/api/v1/orders', { headers: { ...alice, 'idempotency-key': 'e2e-create' }, json });
    expect(first.status, first.text).toBe(202);
    expect(first.body).toEqual({ order_id: expect.stringMatching(/^ord_/), status: 'pending' });
    expect(first.headers.get('location')).toBe(`/api/v1/orders/${first.body.order_id}`);
    const retry = await api.request('POST', '/api/v1/orders', { headers: { ...alice, 'idempotency-key': 'e2e-create' }, json });
    expect(retry.status).toBe(202);
    expect(retry.body).toEqual(first.body);
    const stored = await api.request('GET', `/api/v1/orders/${first.body.order_id}`, { headers: alice });
    expect(stored.body.total).toEqual({ amount: 2 * 1250 + 300, currency: 'EUR' });

    const changed = await api.request('POST', '/api/v1/orders', { headers: { ...alice, 'idempotency-key': 'e2e-create' }, json: order() });
    expectProblem(changed, 422);
    expect(res422Types(changed)).toEqual(['idempotency_key_reused']);
  });

  it('answers 422 located at the unknown SKU', async () => {
    const res = await api.request('POST', '/api/v1/orders', {
      headers: { ...alice, 'idempotency-key': 'e2e-unknown' },
      json: order(undefined, [
        { sku: 'E2E-ONE', quantity: 1 },
        { sku: 'E2E-NONE', quantity: 1 },
      ]),
    });
    expectProblem(res, 422);
    expect(errorLocs(res)).toEqual([['body', 'items', 1, 'sku']]);
  });
});
