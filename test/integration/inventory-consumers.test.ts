import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainEvent, domainEvent, type EventEnvelope, isSagaEvent } from '../../events/catalog.js';
import type { Principal } from '../../shared/auth/principal.js';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { outboxTable } from '../../shared/events/outbox.table.js';
import {
  INVENTORY_RELEASE_CONSUMER,
  INVENTORY_RESERVE_CONSUMER,
  inventoryReleaseConsumer,
  inventoryReserveConsumer,
} from '../../shared/inventory/inventory-consumers.js';
import type { InventoryDeps } from '../../shared/inventory/inventory-deps.js';
import type { InventoryStore } from '../../shared/inventory/inventory-store.js';
import { orderEvent } from '../../shared/orders/order-events.js';
import { ordersTable } from '../../shared/orders/orders.table.js';
import { createOrdersService, type OrdersService } from '../../shared/orders/orders.service.js';
import { products } from '../../shared/products/products.entity.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbEntityStore } from '../../shared/store/dynamodb/dynamodb-entity-store.js';
import { DynamoDbInventoryStore, reservationPk } from '../../shared/store/dynamodb/dynamodb-inventory-store.js';
import { DynamoDbOrderStore } from '../../shared/store/dynamodb/dynamodb-order-store.js';
import { DynamoDbProductCatalog } from '../../shared/store/dynamodb/dynamodb-product-catalog.js';
import { tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { envelopeRecord, lambdaContext, sqsEvent } from '../support/eventbridge-sqs-record.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { createCacheFromEnv } from '../../shared/cache/cache-from-env.js';
import { createEntityService } from '../../shared/entity/entity-service.js';
import { describeWithRedis, redisTestPrefix, TEST_REDIS_URL } from '../support/local-redis.js';
import { recordingMetrics } from '../support/recording-metrics.js';

const alice: Principal = { sub: 'cust-alice', role: 'viewer', method: 'jwt' };
const staff: Principal = { sub: 'staff-1', role: 'staff', method: 'jwt' };
const origin = { correlationId: 'corr-inventory-1', causationId: 'req-inventory-1' };

let tables: LocalTables;
let client: ReturnType<typeof createDocumentClient>;
let names: { products: string; orders: string; outbox: string };
let productStore: DynamoDbEntityStore;
let orders: OrdersService;
/** TransactItems per TransactWriteItems this file's client sent. */
const transactionSizes: number[] = [];

beforeAll(async () => {
  tables = await createLocalTables();
  names = { products: tables.env[tableDesign(products).envVar]!, orders: tables.env[ordersTable.envVar]!, outbox: tables.env[outboxTable.envVar]! };
  client = createDocumentClient(process.env);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand') transactionSizes.push((args.input as { TransactItems: unknown[] }).TransactItems.length);
      return next(args);
    },
    { step: 'initialize', name: 'countTransactItems' },
  );
  productStore = new DynamoDbEntityStore(products, client, names.products);
  const codec = new CursorCodec('i'.repeat(32));
  orders = createOrdersService({
    store: new DynamoDbOrderStore(client, names.orders, names.outbox),
    catalog: new DynamoDbProductCatalog(productStore),
    cursors: async () => codec,
  });
});
afterAll(async () => {
  client?.destroy();
  await tables?.drop();
});

/** The real ports on DynamoDB Local; `wrap` changes the store (crash or race injection). */
function inventory(wrap: (store: InventoryStore) => InventoryStore = (store) => store) {
  const metrics = recordingMetrics();
  const deps: InventoryDeps = { store: wrap(new DynamoDbInventoryStore(client, names)), metrics };
  const reserveHandler = inventoryReserveConsumer(() => deps);
  const releaseHandler = inventoryReleaseConsumer(() => deps);
  return {
    metrics,
    reserve: (event: SQSEvent): Promise<SQSBatchResponse> => reserveHandler(event, lambdaContext(INVENTORY_RESERVE_CONSUMER)),
    release: (event: SQSEvent): Promise<SQSBatchResponse> => releaseHandler(event, lambdaContext(INVENTORY_RELEASE_CONSUMER)),
  };
}

let skuCounter = 0;
const run = randomBytes(3).toString('hex').toUpperCase();
/** Creates a product with `stock` units available; returns its SKU. */
async function product(stock: number): Promise<string> {
  const sku = `INV-${run}-${++skuCounter}`;
  const at = new Date().toISOString();
  await productStore.create({
    sku,
    name: `Product ${sku}`,
    price_minor: 500,
    currency: 'EUR',
    stock_available: stock,
    stock_reserved: 0,
    created_at: at,
    updated_at: at,
    version: 1,
  });
  return sku;
}

/** `count` products, 8 created at a time (the local client's connection timeout is short). */
async function newProducts(count: number, stock: number): Promise<string[]> {
  const skus: string[] = [];
  for (let i = 0; i < count; i += 8) skus.push(...(await Promise.all(Array.from({ length: Math.min(8, count - i) }, () => product(stock)))));
  return skus;
}

/** Reads many products' stock, 8 at a time. */
async function stocksOf(skus: readonly string[]) {
  const levels: Awaited<ReturnType<typeof stockOf>>[] = [];
  for (let i = 0; i < skus.length; i += 8) levels.push(...(await Promise.all(skus.slice(i, i + 8).map(stockOf))));
  return levels;
}

async function stockOf(sku: string) {
  const item = (await client.send(new GetCommand({ TableName: names.products, Key: { pk: sku }, ConsistentRead: true }))).Item!;
  return { available: item.stock_available as number, reserved: item.stock_reserved as number, version: item.version as number };
}

async function outboxEvents(orderId: string): Promise<DomainEvent[]> {
  const rows: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(new ScanCommand({ TableName: names.outbox, ConsistentRead: true, ExclusiveStartKey: start }));
    rows.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return rows
    .map((row) => domainEvent.parse(JSON.parse(String(row.event))))
    .filter(isSagaEvent)
    .filter((event) => event.data.order_id === orderId)
    .sort((a, b) => a.occurred_at.localeCompare(b.occurred_at));
}

const typesOf = (events: DomainEvent[]) => events.map((event) => event.type);
const only = <Type extends DomainEvent['type']>(events: DomainEvent[], type: Type) => events.filter((event) => event.type === type) as EventEnvelope<Type>[];

/** Places an order through the orders service; returns its id and the order.created it committed. */
async function placeOrder(lines: { sku: string; quantity: number }[]) {
  const { order_id } = await orders.create(
    { customer_id: 'cust-alice', items: lines, payment: { method: 'card', token: 'tok_ok' } },
    alice,
    `key-${randomBytes(6).toString('hex')}`,
    origin,
  );
  const [created] = only(await outboxEvents(order_id), 'order.created');
  return { orderId: order_id, created: created! };
}

async function orderOf(orderId: string) {
  return (await client.send(new GetCommand({ TableName: names.orders, Key: { pk: orderId }, ConsistentRead: true }))).Item!;
}

async function reservationOf(orderId: string) {
  return (await client.send(new GetCommand({ TableName: names.orders, Key: { pk: reservationPk(orderId) }, ConsistentRead: true }))).Item;
}

/** Delivers until no record fails (SQS redelivery), at most `attempts` times; returns the number of deliveries. */
async function deliverUntilSettled(
  invoke: (event: SQSEvent) => Promise<SQSBatchResponse>,
  envelope: DomainEvent,
  queue: string,
  attempts = 5,
): Promise<number> {
  for (let receive = 1; receive <= attempts; receive++) {
    if ((await invoke(sqsEvent(envelopeRecord(envelope, queue, receive)))).batchItemFailures.length === 0) return receive;
  }
  throw new Error(`${envelope.type} ${envelope.id} still failing after ${attempts} deliveries`);
}

describe('inventory-reserve on DynamoDB Local', () => {
  it('reserves every line in one transaction: stock moves, the order is inventory_reserved, inventory.reserved is in the outbox', async () => {
    const [a, b] = [await product(5), await product(3)];
    const { orderId, created } = await placeOrder([
      { sku: a, quantity: 2 },
      { sku: b, quantity: 3 },
    ]);
    const { reserve, metrics } = inventory();
    transactionSizes.length = 0;
    expect((await reserve(sqsEvent(envelopeRecord(created, INVENTORY_RESERVE_CONSUMER)))).batchItemFailures).toEqual([]);

    expect(transactionSizes).toEqual([2 + 3]); // 2 lines + record + order + outbox
    expect(await stockOf(a)).toEqual({ available: 3, reserved: 2, version: 2 });
    expect(await stockOf(b)).toEqual({ available: 0, reserved: 3, version: 2 });
    expect(await orderOf(orderId)).toMatchObject({ status: 'inventory_reserved', version: 2 });
    // The status index entry moved with it.
    expect((await orders.list({ status: 'inventory_reserved' }, staff)).items.map((order) => order.order_id)).toContain(orderId);
    const events = await outboxEvents(orderId);
    expect(typesOf(events)).toEqual(['order.created', 'inventory.reserved']);
    expect(events[1]).toMatchObject({
      correlation_id: origin.correlationId,
      causation_id: created.id,
      data: {
        order_id: orderId,
        items: [
          { sku: a, quantity: 2 },
          { sku: b, quantity: 3 },
        ],
      },
    });
    expect(await reservationOf(orderId)).toMatchObject({ state: 'reserved', held: 2 });
    expect(metrics.sum('InventoryReserved')).toBe(1);
    // The reservation record is invisible to the orders API.
    expect((await orders.get(orderId, staff)).status).toBe('inventory_reserved');
  });

  it('a short line reserves nothing and writes inventory.reservation_failed with the shortage', async () => {
    const [a, b] = [await product(5), await product(1)];
    const { orderId, created } = await placeOrder([
      { sku: a, quantity: 2 },
      { sku: b, quantity: 3 },
    ]);
    const { reserve, metrics } = inventory();
    expect((await reserve(sqsEvent(envelopeRecord(created, INVENTORY_RESERVE_CONSUMER)))).batchItemFailures).toEqual([]);

    expect(await stockOf(a)).toEqual({ available: 5, reserved: 0, version: 1 });
    expect(await stockOf(b)).toEqual({ available: 1, reserved: 0, version: 1 });
    expect(await orderOf(orderId)).toMatchObject({ status: 'pending', version: 1 });
    const [failed] = only(await outboxEvents(orderId), 'inventory.reservation_failed');
    expect(failed).toMatchObject({
      causation_id: created.id,
      data: { order_id: orderId, reason: 'out_of_stock', shortages: [{ sku: b, requested: 3, available: 1 }] },
    });
    expect(only(await outboxEvents(orderId), 'inventory.reserved')).toEqual([]);
    expect(await reservationOf(orderId)).toMatchObject({ state: 'failed', held: 0 });
    expect(metrics.sum('InventoryReservationFailed')).toBe(1);
  });

  it('a SKU whose product is gone fails the reservation as unknown_sku (available 0), every shortage listed', async () => {
    const [a, b, c] = [await product(5), await product(5), await product(0)];
    const { orderId, created } = await placeOrder([
      { sku: a, quantity: 1 },
      { sku: b, quantity: 1 },
      { sku: c, quantity: 2 },
    ]);
    await client.send(new DeleteCommand({ TableName: names.products, Key: { pk: b } }));
    const { reserve } = inventory();
    await reserve(sqsEvent(envelopeRecord(created, INVENTORY_RESERVE_CONSUMER)));

    const [failed] = only(await outboxEvents(orderId), 'inventory.reservation_failed');
    expect(failed!.data).toEqual({
      order_id: orderId,
      reason: 'unknown_sku',
      shortages: [
        { sku: b, requested: 1, available: 0 },
        { sku: c, requested: 2, available: 0 },
      ],
    });
    expect(await stockOf(a)).toEqual({ available: 5, reserved: 0, version: 1 });
  });

  it('merges lines naming one SKU twice into one condition on the summed quantity', async () => {
    const a = await product(3);
    const { orderId, created } = await placeOrder([{ sku: a, quantity: 1 }]);
    // The orders API refuses duplicate SKUs; an event is input all the same.
    const doubled = { ...created, data: { ...created.data, items: [created.data.items[0]!, { ...created.data.items[0]!, quantity: 2 }] } };
    await inventory().reserve(sqsEvent(envelopeRecord(doubled, INVENTORY_RESERVE_CONSUMER)));
    expect(await stockOf(a)).toEqual({ available: 0, reserved: 3, version: 2 });
    expect(only(await outboxEvents(orderId), 'inventory.reserved')[0]!.data.items).toEqual([{ sku: a, quantity: 3 }]);
  });

  it('skips an order cancelled before its reservation: nothing moved, no inventory event', async () => {
    const a = await product(4);
    const { orderId, created } = await placeOrder([{ sku: a, quantity: 2 }]);
    await orders.cancel(orderId, alice, origin);
    const { reserve } = inventory();
    expect((await reserve(sqsEvent(envelopeRecord(created, INVENTORY_RESERVE_CONSUMER)))).batchItemFailures).toEqual([]);
    expect(await stockOf(a)).toEqual({ available: 4, reserved: 0, version: 1 });
    expect(typesOf(await outboxEvents(orderId))).toEqual(['order.created', 'order.cancelled']);
    expect(await reservationOf(orderId)).toBeUndefined();
  });

  it('concurrent reservations of the last units: exactly as many win as there are units, stock never negative', async () => {
    const a = await product(3);
    const placed = await Promise.all(Array.from({ length: 10 }, () => placeOrder([{ sku: a, quantity: 1 }])));
    // Ten containers at once, each redelivering what failed (TransactionConflict after retries).
    await Promise.all(placed.map(({ created }) => deliverUntilSettled(inventory().reserve, created, INVENTORY_RESERVE_CONSUMER)));

    const outcomes = await Promise.all(placed.map(async ({ orderId }) => typesOf(await outboxEvents(orderId)).slice(1)));
    expect(outcomes.filter((types) => types.join() === 'inventory.reserved')).toHaveLength(3);
    expect(outcomes.filter((types) => types.join() === 'inventory.reservation_failed')).toHaveLength(7);
    expect(await stockOf(a)).toMatchObject({ available: 0, reserved: 3, version: 4 });
    const statuses = await Promise.all(placed.map(async ({ orderId }) => (await orderOf(orderId)).status));
    expect(statuses.filter((status) => status === 'inventory_reserved')).toHaveLength(3);
  });

  it('a duplicate delivery of the envelope is handled once, and a re-published order.created (new id) reserves nothing more', async () => {
    const a = await product(10);
    const { orderId, created } = await placeOrder([{ sku: a, quantity: 4 }]);
    const { reserve } = inventory();
    expect(
      (await reserve(sqsEvent(envelopeRecord(created, INVENTORY_RESERVE_CONSUMER), envelopeRecord(created, INVENTORY_RESERVE_CONSUMER)))).batchItemFailures,
    ).toEqual([]);
    expect((await reserve(sqsEvent(envelopeRecord(created, INVENTORY_RESERVE_CONSUMER, 2)))).batchItemFailures).toEqual([]);
    const republished = { ...created, id: crypto.randomUUID() };
    expect((await reserve(sqsEvent(envelopeRecord(republished, INVENTORY_RESERVE_CONSUMER)))).batchItemFailures).toEqual([]);

    expect(await stockOf(a)).toEqual({ available: 6, reserved: 4, version: 2 });
    expect(typesOf(await outboxEvents(orderId))).toEqual(['order.created', 'inventory.reserved']);
  });
});

// ~100 products per test: creating them dominates, and the shared cores may be busy.
describe('inventory-reserve: orders of more lines than one transaction holds', { timeout: 120_000 }, () => {
  const lines = (count: number, stock = 2) => newProducts(count, stock);

  it('100 lines: two transactions (3 lines, then 97 + record + order + outbox = 100 actions), one inventory.reserved', async () => {
    const skus = await lines(100);
    const { orderId, created } = await placeOrder(skus.map((sku) => ({ sku, quantity: 1 })));
    transactionSizes.length = 0;
    await deliverUntilSettled(inventory().reserve, created, INVENTORY_RESERVE_CONSUMER);

    expect(transactionSizes).toEqual([3 + 2, 97 + 3]);
    const levels = await stocksOf(skus);
    expect(levels.every((level) => level.available === 1 && level.reserved === 1 && level.version === 2)).toBe(true);
    const [reserved] = only(await outboxEvents(orderId), 'inventory.reserved');
    expect(reserved!.data.items).toHaveLength(100);
    expect(await orderOf(orderId)).toMatchObject({ status: 'inventory_reserved' });
    expect(await reservationOf(orderId)).toMatchObject({ state: 'reserved', held: 100 });
  });

  it('100 lines, the last one short: the early step is given back in the failure transaction, nothing stays held', async () => {
    const skus = await lines(100);
    const { orderId, created } = await placeOrder(skus.map((sku, index) => ({ sku, quantity: index === 99 ? 3 : 1 })));
    transactionSizes.length = 0;
    await deliverUntilSettled(inventory().reserve, created, INVENTORY_RESERVE_CONSUMER);

    expect(transactionSizes).toEqual([5, 100, 3 + 3]); // hold 3, refused final step, return 3 + record + check + outbox
    const levels = await stocksOf(skus);
    expect(levels.every((level) => level.available === 2 && level.reserved === 0)).toBe(true);
    expect(levels.slice(0, 3).map((level) => level.version)).toEqual([3, 3, 3]); // held and given back
    const [failed] = only(await outboxEvents(orderId), 'inventory.reservation_failed');
    expect(failed!.data.shortages).toEqual([{ sku: skus[99], requested: 3, available: 2 }]);
    expect(await orderOf(orderId)).toMatchObject({ status: 'pending', version: 1 });
  });

  it('copies of order.created with different ids running at once hold each unit once (the record condition)', async () => {
    const skus = await lines(98);
    const { orderId, created } = await placeOrder(skus.map((sku) => ({ sku, quantity: 1 })));
    const copies = [created, { ...created, id: crypto.randomUUID() }, { ...created, id: crypto.randomUUID() }];
    // Every copy decides its first step on the same (absent) record before any applies it.
    let arrived = 0;
    let release: () => void = () => undefined;
    const allRead = new Promise<void>((resolve) => (release = resolve));
    const racing = (store: InventoryStore): InventoryStore => ({
      ...bound(store),
      async apply(step) {
        if (!step.record.expected && ++arrived === copies.length) release();
        if (!step.record.expected) await Promise.race([allRead, new Promise((resolve) => setTimeout(resolve, 5_000))]);
        return store.apply(step);
      },
    });
    await Promise.all(copies.map((copy) => deliverUntilSettled(inventory(racing).reserve, copy, INVENTORY_RESERVE_CONSUMER)));
    expect(arrived).toBe(copies.length);
    const levels = await stocksOf(skus);
    expect(levels.every((level) => level.available === 1 && level.reserved === 1)).toBe(true);
    expect(only(await outboxEvents(orderId), 'inventory.reserved')).toHaveLength(1);
  });

  it('a crash between the two steps is resumed by the redelivery: each unit held once', async () => {
    const skus = await lines(99);
    const { orderId, created } = await placeOrder(skus.map((sku) => ({ sku, quantity: 1 })));
    let crashed = false;
    const { reserve } = inventory((store) => ({
      ...bound(store),
      async apply(step) {
        const outcome = await store.apply(step);
        if (!crashed && step.record.next.state === 'reserving') {
          crashed = true;
          throw new Error('container died after the first step');
        }
        return outcome;
      },
    }));
    expect(await deliverUntilSettled(reserve, created, INVENTORY_RESERVE_CONSUMER)).toBe(2);
    const levels = await stocksOf(skus);
    expect(levels.every((level) => level.available === 1 && level.reserved === 1 && level.version === 2)).toBe(true);
    expect(only(await outboxEvents(orderId), 'inventory.reserved')).toHaveLength(1);
  });

  it('a cancel between the two steps: the held lines go back (abandoned), no inventory event, nothing leaks', async () => {
    const skus = await lines(99);
    const { orderId, created } = await placeOrder(skus.map((sku) => ({ sku, quantity: 1 })));
    const { reserve } = inventory((store) => ({
      ...bound(store),
      async apply(step) {
        const outcome = await store.apply(step);
        if (step.record.next.state === 'reserving') await orders.cancel(orderId, alice, origin);
        return outcome;
      },
    }));
    await deliverUntilSettled(reserve, created, INVENTORY_RESERVE_CONSUMER);
    const levels = await stocksOf(skus);
    expect(levels.every((level) => level.available === 2 && level.reserved === 0)).toBe(true);
    expect(typesOf(await outboxEvents(orderId))).toEqual(['order.created', 'order.cancelled']);
    expect(await reservationOf(orderId)).toMatchObject({ state: 'abandoned', held: 0 });
  });
});

describe('inventory-release on DynamoDB Local', { timeout: 120_000 }, () => {
  async function reservedOrder(lineCount: number, stock = 5, quantity = 2) {
    const skus = await newProducts(lineCount, stock);
    const placed = await placeOrder(skus.map((sku) => ({ sku, quantity })));
    await deliverUntilSettled(inventory().reserve, placed.created, INVENTORY_RESERVE_CONSUMER);
    return { ...placed, skus };
  }

  it('cancel from inventory_reserved writes inventory.release_requested in its transaction; the release gives the units back exactly once', async () => {
    const { orderId, skus } = await reservedOrder(2);
    await orders.cancel(orderId, alice, origin);
    const events = await outboxEvents(orderId);
    // order.cancelled and inventory.release_requested share one transaction and one occurred_at.
    expect(typesOf(events).sort()).toEqual(['inventory.release_requested', 'inventory.reserved', 'order.cancelled', 'order.created']);
    const [requested] = only(events, 'inventory.release_requested');
    expect(requested).toMatchObject({
      correlation_id: origin.correlationId,
      data: { order_id: orderId, reason: 'cancelled', items: skus.map((sku) => ({ sku, quantity: 2 })) },
    });

    const { release, metrics } = inventory();
    transactionSizes.length = 0;
    expect(
      (await release(sqsEvent(envelopeRecord(requested!, INVENTORY_RELEASE_CONSUMER), envelopeRecord(requested!, INVENTORY_RELEASE_CONSUMER))))
        .batchItemFailures,
    ).toEqual([]);
    expect(transactionSizes).toEqual([2 + 2]); // 2 lines + record + outbox
    // A second request for the same order (a new event id) finds the reservation released.
    const again = orderEvent('inventory.release_requested', { order_id: orderId, items: requested!.data.items, reason: 'payment_failed' }, origin, new Date());
    expect((await release(sqsEvent(envelopeRecord(again, INVENTORY_RELEASE_CONSUMER)))).batchItemFailures).toEqual([]);

    for (const sku of skus) expect(await stockOf(sku)).toEqual({ available: 5, reserved: 0, version: 3 });
    const released = only(await outboxEvents(orderId), 'inventory.released');
    expect(released).toHaveLength(1);
    expect(released[0]).toMatchObject({
      causation_id: requested!.id,
      data: { order_id: orderId, reason: 'cancelled', items: skus.map((sku) => ({ sku, quantity: 2 })) },
    });
    expect(await reservationOf(orderId)).toMatchObject({ state: 'released', held: 0, release_reason: 'cancelled' });
    expect(metrics.sum('InventoryReleased')).toBe(1);
  });

  it('a release request for an order that reserved nothing changes nothing', async () => {
    const a = await product(1);
    const { orderId, created } = await placeOrder([{ sku: a, quantity: 2 }]);
    await inventory().reserve(sqsEvent(envelopeRecord(created, INVENTORY_RESERVE_CONSUMER)));
    const request = orderEvent(
      'inventory.release_requested',
      { order_id: orderId, items: [{ sku: a, quantity: 2 }], reason: 'payment_failed' },
      origin,
      new Date(),
    );
    expect((await inventory().release(sqsEvent(envelopeRecord(request, INVENTORY_RELEASE_CONSUMER)))).batchItemFailures).toEqual([]);
    expect(await stockOf(a)).toEqual({ available: 1, reserved: 0, version: 1 });
    expect(only(await outboxEvents(orderId), 'inventory.released')).toEqual([]);
  });

  it('100 lines go back in two transactions (2 lines + record, then 98 + record + outbox)', async () => {
    const { orderId, skus } = await reservedOrder(100, 3, 1);
    const request = orderEvent(
      'inventory.release_requested',
      { order_id: orderId, items: skus.map((sku) => ({ sku, quantity: 1 })), reason: 'payment_failed' },
      origin,
      new Date(),
    );
    transactionSizes.length = 0;
    await deliverUntilSettled(inventory().release, request, INVENTORY_RELEASE_CONSUMER);
    expect(transactionSizes).toEqual([2 + 1, 98 + 2]);
    const levels = await stocksOf(skus);
    expect(levels.every((level) => level.available === 3 && level.reserved === 0 && level.version === 3)).toBe(true);
    expect(only(await outboxEvents(orderId), 'inventory.released')).toHaveLength(1);
  });

  it('a product deleted while reserved is skipped; the others go back', async () => {
    const { orderId, skus } = await reservedOrder(2);
    await client.send(new DeleteCommand({ TableName: names.products, Key: { pk: skus[0] } }));
    const request = orderEvent(
      'inventory.release_requested',
      { order_id: orderId, items: skus.map((sku) => ({ sku, quantity: 2 })), reason: 'payment_failed' },
      origin,
      new Date(),
    );
    await deliverUntilSettled(inventory().release, request, INVENTORY_RELEASE_CONSUMER);
    expect(await stockOf(skus[1]!)).toEqual({ available: 5, reserved: 0, version: 3 });
    expect(only(await outboxEvents(orderId), 'inventory.released')).toHaveLength(1);
  });
});

describe('inventory-release on order.completed: reserved units leave stock_reserved (sold)', { timeout: 120_000 }, () => {
  async function reservedOrder(lineCount: number, stock = 5, quantity = 2) {
    const skus = await newProducts(lineCount, stock);
    const placed = await placeOrder(skus.map((sku) => ({ sku, quantity })));
    await deliverUntilSettled(inventory().reserve, placed.created, INVENTORY_RESERVE_CONSUMER);
    return { ...placed, skus };
  }
  /** The order.completed order-finalize writes (a new envelope id each call, as a re-publish has). */
  const completed = (orderId: string) =>
    orderEvent('order.completed', { order_id: orderId, customer_id: 'cust-alice', total: { amount: 1000, currency: 'EUR' } }, origin, new Date());

  it('commits in one transaction (lines + record): stock_reserved back to 0, stock_available stays reduced, no event', async () => {
    const { orderId, skus } = await reservedOrder(2);
    const before = typesOf(await outboxEvents(orderId));
    const { release } = inventory();
    transactionSizes.length = 0;
    expect((await release(sqsEvent(envelopeRecord(completed(orderId), INVENTORY_RELEASE_CONSUMER)))).batchItemFailures).toEqual([]);

    expect(transactionSizes).toEqual([2 + 1]);
    for (const sku of skus) expect(await stockOf(sku)).toEqual({ available: 3, reserved: 0, version: 3 });
    expect(await reservationOf(orderId)).toMatchObject({ state: 'committed', held: 0 });
    expect(typesOf(await outboxEvents(orderId))).toEqual(before);
  });

  it('a duplicate and a re-published order.completed commit once, and a later release request gives nothing back', async () => {
    const a = await product(10);
    const [first, other] = [await placeOrder([{ sku: a, quantity: 2 }]), await placeOrder([{ sku: a, quantity: 3 }])];
    for (const { created } of [first, other]) await deliverUntilSettled(inventory().reserve, created, INVENTORY_RESERVE_CONSUMER);
    expect(await stockOf(a)).toEqual({ available: 5, reserved: 5, version: 3 });

    const { release } = inventory();
    const event = completed(first.orderId);
    // Same envelope twice in a batch and redelivered; then a copy with a new id (only the record condition stops it).
    expect(
      (await release(sqsEvent(envelopeRecord(event, INVENTORY_RELEASE_CONSUMER), envelopeRecord(event, INVENTORY_RELEASE_CONSUMER)))).batchItemFailures,
    ).toEqual([]);
    expect((await release(sqsEvent(envelopeRecord(event, INVENTORY_RELEASE_CONSUMER, 2)))).batchItemFailures).toEqual([]);
    transactionSizes.length = 0;
    expect((await release(sqsEvent(envelopeRecord(completed(first.orderId), INVENTORY_RELEASE_CONSUMER)))).batchItemFailures).toEqual([]);
    expect(transactionSizes).toEqual([]);
    // The other order's 3 units stay reserved: only the completed order's 2 were sold.
    expect(await stockOf(a)).toEqual({ available: 5, reserved: 3, version: 4 });

    const request = orderEvent(
      'inventory.release_requested',
      { order_id: first.orderId, items: [{ sku: a, quantity: 2 }], reason: 'cancelled' },
      origin,
      new Date(),
    );
    expect((await release(sqsEvent(envelopeRecord(request, INVENTORY_RELEASE_CONSUMER)))).batchItemFailures).toEqual([]);
    expect(await stockOf(a)).toEqual({ available: 5, reserved: 3, version: 4 });
    expect(only(await outboxEvents(first.orderId), 'inventory.released')).toEqual([]);
    expect(await reservationOf(first.orderId)).toMatchObject({ state: 'committed', held: 0 });
  });

  it('order.completed after a release is a no-op: the units given back stay available', async () => {
    const { orderId, skus } = await reservedOrder(2);
    await orders.cancel(orderId, alice, origin);
    const [requested] = only(await outboxEvents(orderId), 'inventory.release_requested');
    await deliverUntilSettled(inventory().release, requested!, INVENTORY_RELEASE_CONSUMER);
    transactionSizes.length = 0;
    expect((await inventory().release(sqsEvent(envelopeRecord(completed(orderId), INVENTORY_RELEASE_CONSUMER)))).batchItemFailures).toEqual([]);
    expect(transactionSizes).toEqual([]);
    for (const sku of skus) expect(await stockOf(sku)).toEqual({ available: 5, reserved: 0, version: 3 });
    expect(await reservationOf(orderId)).toMatchObject({ state: 'released', held: 0 });
  });

  it('100 lines commit in two transactions (2 lines + record, then 98 + record); a crash between them is resumed', async () => {
    const { orderId, skus } = await reservedOrder(100, 3, 1);
    let crashed = false;
    const { release } = inventory((store) => ({
      ...bound(store),
      async apply(step) {
        const outcome = await store.apply(step);
        if (!crashed && step.record.next.state === 'committing') {
          crashed = true;
          throw new Error('container died after the first commit step');
        }
        return outcome;
      },
    }));
    transactionSizes.length = 0;
    expect(await deliverUntilSettled(release, completed(orderId), INVENTORY_RELEASE_CONSUMER)).toBe(2);
    expect(transactionSizes).toEqual([2 + 1, 98 + 1]);
    const levels = await stocksOf(skus);
    expect(levels.every((level) => level.available === 2 && level.reserved === 0 && level.version === 3)).toBe(true);
    expect(await reservationOf(orderId)).toMatchObject({ state: 'committed', held: 0 });
  });
});

describeWithRedis('inventory steps and the products cache (Redis)', () => {
  it('GET /products/{sku} in another container shows the new stock right after a reservation, a release and a commit', async () => {
    const redis = redisTestPrefix('inventory-cache');
    const env = { REDIS_URL: TEST_REDIS_URL, CACHE_KEY_PREFIX: redis.prefix };
    // Two containers: the products-get function's cache and the consumers' cache, one Redis.
    const [readerCache, consumerCache] = [createCacheFromEnv(env)!, createCacheFromEnv(env)!];
    try {
      const reader = createEntityService(products, { store: productStore, cache: readerCache, cursors: async () => new CursorCodec('r'.repeat(32)) });
      const sku = await product(6);
      expect(await reader.get(sku)).toMatchObject({ stock_available: 6, stock_reserved: 0, version: 1 });
      // Served from the cache from now on: a write that bypasses it stays unseen for the TTL.
      await client.send(
        new UpdateCommand({
          TableName: names.products,
          Key: { pk: sku },
          UpdateExpression: 'SET #n = :n',
          ExpressionAttributeNames: { '#n': 'name' },
          ExpressionAttributeValues: { ':n': 'Renamed behind the cache' },
        }),
      );
      expect(await reader.get(sku)).toMatchObject({ name: `Product ${sku}` });

      const deps: InventoryDeps = { store: new DynamoDbInventoryStore(client, names), cache: consumerCache };
      const { orderId, created } = await placeOrder([{ sku, quantity: 4 }]);
      await deliverUntilSettled(
        (event) => inventoryReserveConsumer(() => deps)(event, lambdaContext(INVENTORY_RESERVE_CONSUMER)),
        created,
        INVENTORY_RESERVE_CONSUMER,
      );
      expect(await reader.get(sku)).toMatchObject({ stock_available: 2, stock_reserved: 4, version: 2, name: 'Renamed behind the cache' });

      await orders.cancel(orderId, alice, origin);
      const [requested] = only(await outboxEvents(orderId), 'inventory.release_requested');
      await deliverUntilSettled(
        (event) => inventoryReleaseConsumer(() => deps)(event, lambdaContext(INVENTORY_RELEASE_CONSUMER)),
        requested!,
        INVENTORY_RELEASE_CONSUMER,
      );
      expect(await reader.get(sku)).toMatchObject({ stock_available: 6, stock_reserved: 0, version: 3 });

      // A second order reserved, then completed: the commit invalidates the cached product too.
      const second = await placeOrder([{ sku, quantity: 5 }]);
      await deliverUntilSettled(
        (event) => inventoryReserveConsumer(() => deps)(event, lambdaContext(INVENTORY_RESERVE_CONSUMER)),
        second.created,
        INVENTORY_RESERVE_CONSUMER,
      );
      expect(await reader.get(sku)).toMatchObject({ stock_available: 1, stock_reserved: 5, version: 4 });
      const done = orderEvent(
        'order.completed',
        { order_id: second.orderId, customer_id: 'cust-alice', total: { amount: 2500, currency: 'EUR' } },
        origin,
        new Date(),
      );
      await deliverUntilSettled(
        (event) => inventoryReleaseConsumer(() => deps)(event, lambdaContext(INVENTORY_RELEASE_CONSUMER)),
        done,
        INVENTORY_RELEASE_CONSUMER,
      );
      expect(await reader.get(sku)).toMatchObject({ stock_available: 1, stock_reserved: 0, version: 5 });
    } finally {
      await readerCache.close();
      await consumerCache.close();
      await redis.cleanup();
    }
  });
});

/** The store's methods bound to it, to override one of them. */
function bound(store: InventoryStore): InventoryStore {
  return {
    reservation: (orderId) => store.reservation(orderId),
    orderStatus: (orderId) => store.orderStatus(orderId),
    stock: (skus) => store.stock(skus),
    apply: (step) => store.apply(step),
  };
}
