import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/catalog.js';
import { domainEvent } from '../../events/catalog.js';
import type { Principal } from '../auth/principal.js';
import { CursorCodec } from '../cursor/cursor-codec.js';
import { ForbiddenError, ValidationError } from '../errors/app-error.js';
import type { IdempotencyRecord, OrderStore } from './order-store.js';
import { IdempotencyKeyReusedError, OrderNotCancellableError, OrderNotFoundError } from './orders.errors.js';
import type { CreateOrderInput, OrderView } from './orders.schemas.js';
import { createOrdersService } from './orders.service.js';
import type { ProductCatalog, ProductPrice } from './product-catalog.js';

const alice: Principal = { sub: 'cust-alice', role: 'viewer', method: 'jwt' };
const bob: Principal = { sub: 'cust-bob', role: 'viewer', method: 'jwt' };
const staff: Principal = { sub: 'staff-1', role: 'staff', method: 'jwt' };
const origin = { correlationId: 'corr-1', causationId: 'req-1' };

/** In-memory fakes at the two ports; `create` is atomic like the transaction it stands for. */
function setup(prices: Record<string, ProductPrice> = { 'SKU-A': { price_minor: 1250, currency: 'EUR' }, 'SKU-B': { price_minor: 300, currency: 'EUR' } }) {
  const orders = new Map<string, OrderView>();
  const keys = new Map<string, IdempotencyRecord>();
  const outbox: DomainEvent[] = [];
  const lookups: string[][] = [];
  const store: OrderStore = {
    async create(order, idempotency, event) {
      const used = keys.get(idempotency.key);
      if (used) return { kind: 'keyUsed', record: used };
      orders.set(order.order_id, structuredClone(order));
      keys.set(idempotency.key, structuredClone(idempotency));
      outbox.push(event);
      return { kind: 'created' };
    },
    async findIdempotency(key) {
      return keys.get(key);
    },
    async get(orderId) {
      const order = orders.get(orderId);
      return order && structuredClone(order);
    },
    async transition(next, previous, from, ...events) {
      const current = orders.get(previous.order_id);
      if (!current || current.version !== previous.version || !from.includes(current.status)) return false;
      orders.set(next.order_id, structuredClone(next));
      outbox.push(...events);
      return true;
    },
    async list(filter, limit) {
      const items = [...orders.values()].filter(
        (order) => (!filter.customer_id || order.customer_id === filter.customer_id) && (!filter.status || order.status === filter.status),
      );
      return { items: items.slice(0, limit) };
    },
  };
  const catalog: ProductCatalog = {
    async lookup(skus) {
      lookups.push([...skus]);
      return new Map(skus.flatMap((sku) => (prices[sku] ? [[sku, prices[sku]!] as const] : [])));
    },
  };
  let n = 0;
  const codec = new CursorCodec('x'.repeat(32));
  const service = createOrdersService({
    store,
    catalog,
    cursors: async () => codec,
    now: () => new Date('2026-12-03T10:00:00.000Z'),
    newOrderId: () => `ord_${String(++n).padStart(32, '0')}`,
  });
  return { service, orders, outbox, lookups };
}

const body = (overrides: Partial<CreateOrderInput> = {}): CreateOrderInput => ({
  customer_id: 'cust-alice',
  items: [
    { sku: 'SKU-A', quantity: 2 },
    { sku: 'SKU-B', quantity: 1 },
  ],
  payment: { method: 'card', token: 'tok_ok' },
  ...overrides,
});

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('orders service: create', () => {
  it('accepts a pending order priced from the catalog, with its order.created event', async () => {
    const { service, orders, outbox } = setup();
    const accepted = await service.create(body(), alice, 'key-1', origin);
    expect(accepted).toEqual({ order_id: 'ord_00000000000000000000000000000001', status: 'pending' });
    const order = orders.get(accepted.order_id)!;
    expect(order.total).toEqual({ amount: 2 * 1250 + 300, currency: 'EUR' });
    expect(order.items[0]).toEqual({ sku: 'SKU-A', quantity: 2, unit_price: { amount: 1250, currency: 'EUR' }, line_total: { amount: 2500, currency: 'EUR' } });
    expect(order.timeline).toEqual([{ type: 'order.created', at: '2026-12-03T10:00:00.000Z', detail: { lines: 2, total: { amount: 2800, currency: 'EUR' } } }]);
    expect(outbox).toHaveLength(1);
    const event = domainEvent.parse(outbox[0]);
    expect(event).toMatchObject({
      type: 'order.created',
      correlation_id: 'corr-1',
      causation_id: 'req-1',
      data: { order_id: accepted.order_id, total: { amount: 2800 } },
    });
  });

  it('answers a retry with the same key and body with the same response and writes nothing new', async () => {
    const { service, orders, outbox, lookups } = setup();
    const first = await service.create(body(), alice, 'key-1', origin);
    // Same body, keys in another order: still the same request.
    const reordered = { payment: { token: 'tok_ok', method: 'card' as const }, items: body().items, customer_id: 'cust-alice' };
    expect(await service.create(reordered, alice, 'key-1', origin)).toEqual(first);
    expect(orders.size).toBe(1);
    expect(outbox).toHaveLength(1);
    expect(lookups).toHaveLength(1);
  });

  it('refuses the same key with a different body with a 422 located at the Idempotency-Key header', async () => {
    const { service } = setup();
    await service.create(body(), alice, 'key-1', origin);
    const error = await thrown(service.create(body({ items: [{ sku: 'SKU-A', quantity: 3 }] }), alice, 'key-1', origin));
    expect(error).toBeInstanceOf(IdempotencyKeyReusedError);
    expect((error as ValidationError).errors).toEqual([{ loc: ['header', 'idempotency-key'], msg: expect.any(String), type: 'idempotency_key_reused' }]);
  });

  it('scopes keys per caller: the same key from another caller is a new order', async () => {
    const { service, orders } = setup();
    await service.create(body(), alice, 'key-1', origin);
    await service.create(body({ customer_id: 'cust-bob' }), bob, 'key-1', origin);
    expect(orders.size).toBe(2);
  });

  it('reports every unknown SKU at its line, in one 422, and writes nothing', async () => {
    const { service, orders } = setup();
    const error = await thrown(
      service.create(
        body({
          items: [
            { sku: 'SKU-A', quantity: 1 },
            { sku: 'NOPE', quantity: 1 },
            { sku: 'GONE', quantity: 2 },
          ],
        }),
        alice,
        'k',
        origin,
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).errors.map((detail) => [detail.loc, detail.type])).toEqual([
      [['body', 'items', 1, 'sku'], 'unknown_sku'],
      [['body', 'items', 2, 'sku'], 'unknown_sku'],
    ]);
    expect(orders.size).toBe(0);
  });

  it('refuses a SKU repeated on two lines and lines in different currencies', async () => {
    const { service } = setup({ A: { price_minor: 1, currency: 'EUR' }, B: { price_minor: 1, currency: 'USD' } });
    const duplicate = (await thrown(
      service.create(
        body({
          items: [
            { sku: 'A', quantity: 1 },
            { sku: 'A', quantity: 1 },
          ],
        }),
        alice,
        'k1',
        origin,
      ),
    )) as ValidationError;
    expect(duplicate.errors).toMatchObject([{ loc: ['body', 'items', 1, 'sku'], type: 'duplicate_sku' }]);
    const mixed = (await thrown(
      service.create(
        body({
          items: [
            { sku: 'A', quantity: 1 },
            { sku: 'B', quantity: 1 },
          ],
        }),
        alice,
        'k2',
        origin,
      ),
    )) as ValidationError;
    expect(mixed.errors).toMatchObject([{ loc: ['body', 'items', 1, 'sku'], type: 'currency_mismatch' }]);
  });

  it('lets a customer order only for themselves; staff may order for anyone', async () => {
    const { service } = setup();
    expect(await thrown(service.create(body({ customer_id: 'cust-bob' }), alice, 'k', origin))).toBeInstanceOf(ForbiddenError);
    await expect(service.create(body({ customer_id: 'cust-bob' }), staff, 'k', origin)).resolves.toMatchObject({ status: 'pending' });
  });
});

describe('orders service: get and cancel', () => {
  it('shows a customer their own order and answers 404 for another customer’s; staff see all', async () => {
    const { service } = setup();
    const { order_id } = await service.create(body(), alice, 'k', origin);
    await expect(service.get(order_id, alice)).resolves.toMatchObject({ order_id, status: 'pending' });
    expect(await thrown(service.get(order_id, bob))).toBeInstanceOf(OrderNotFoundError);
    await expect(service.get(order_id, staff)).resolves.toMatchObject({ order_id });
    expect(await thrown(service.get('ord_ffffffffffffffffffffffffffffffff', staff))).toBeInstanceOf(OrderNotFoundError);
  });

  it('cancels a pending order with an order.cancelled event carrying its lines, then refuses a second cancel with 409', async () => {
    const { service, outbox } = setup();
    const { order_id } = await service.create(body(), alice, 'k', origin);
    const cancelled = await service.cancel(order_id, alice, origin);
    expect(cancelled).toMatchObject({ status: 'cancelled', version: 2 });
    expect(cancelled.timeline.map((entry) => entry.type)).toEqual(['order.created', 'order.cancelled']);
    expect(outbox.at(-1)).toMatchObject({
      type: 'order.cancelled',
      data: {
        order_id,
        cancelled_by: 'cust-alice',
        items: [
          { sku: 'SKU-A', quantity: 2 },
          { sku: 'SKU-B', quantity: 1 },
        ],
      },
    });
    const again = await thrown(service.cancel(order_id, alice, origin));
    expect(again).toBeInstanceOf(OrderNotCancellableError);
    expect(again).toMatchObject({ kind: 'conflict', context: { status: 'cancelled' } });
  });

  it('refuses to cancel once payment started (paid) with 409, and hides another customer’s order with 404', async () => {
    const { service, orders, outbox } = setup();
    const { order_id } = await service.create(body(), alice, 'k', origin);
    orders.get(order_id)!.status = 'paid';
    expect(await thrown(service.cancel(order_id, alice, origin))).toBeInstanceOf(OrderNotCancellableError);
    expect(await thrown(service.cancel(order_id, bob, origin))).toBeInstanceOf(OrderNotFoundError);
    expect(outbox).toHaveLength(1);
  });

  it('cancels an inventory_reserved order and requests the release of its stock with it', async () => {
    const { service, orders, outbox } = setup();
    const { order_id } = await service.create(body(), alice, 'k', origin);
    orders.get(order_id)!.status = 'inventory_reserved';
    await expect(service.cancel(order_id, staff, origin)).resolves.toMatchObject({ status: 'cancelled' });
    expect(outbox.map((event) => event.type)).toEqual(['order.created', 'order.cancelled', 'inventory.release_requested']);
    expect(outbox.at(-1)).toMatchObject({
      correlation_id: 'corr-1',
      data: {
        order_id,
        reason: 'cancelled',
        items: [
          { sku: 'SKU-A', quantity: 2 },
          { sku: 'SKU-B', quantity: 1 },
        ],
      },
    });
  });

  it('requests no release when a pending order is cancelled (nothing is reserved yet)', async () => {
    const { service, outbox } = setup();
    const { order_id } = await service.create(body(), alice, 'k', origin);
    await service.cancel(order_id, alice, origin);
    expect(outbox.map((event) => event.type)).toEqual(['order.created', 'order.cancelled']);
  });
});

describe('orders service: list', () => {
  it('scopes a customer’s list to their own orders whatever customer_id they ask for', async () => {
    const { service } = setup();
    await service.create(body(), alice, 'a', origin);
    await service.create(body({ customer_id: 'cust-bob' }), bob, 'b', origin);
    expect((await service.list({}, alice)).items.map((order) => order.customer_id)).toEqual(['cust-alice']);
    expect((await service.list({ customer_id: 'cust-bob' }, alice)).items).toEqual([]);
    expect((await service.list({}, staff)).items).toHaveLength(2);
  });
});
