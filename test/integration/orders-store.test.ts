import { GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainEvent } from '../../events/catalog.js';
import type { Principal } from '../../shared/auth/principal.js';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import { ValidationError } from '../../shared/errors/app-error.js';
import { IdempotencyKeyReusedError, OrderNotCancellableError } from '../../shared/orders/orders.errors.js';
import type { CreateOrderInput } from '../../shared/orders/orders.schemas.js';
import { createOrdersService, type OrdersService } from '../../shared/orders/orders.service.js';
import { ordersTable } from '../../shared/orders/orders.table.js';
import type { ProductCatalog } from '../../shared/orders/product-catalog.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbOrderStore } from '../../shared/store/dynamodb/dynamodb-order-store.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { ensureOutboxTable } from '../support/outbox-table.js';

const alice: Principal = { sub: 'cust-alice', role: 'viewer', method: 'jwt' };
const staff: Principal = { sub: 'staff-1', role: 'staff', method: 'jwt' };
const origin = { correlationId: 'corr-int', causationId: 'req-int' };
/** The catalog is a fake at its port here: this file is about the order table's transactions. */
const catalog: ProductCatalog = {
  async lookup(skus) {
    return new Map(skus.filter((sku) => sku.startsWith('SKU')).map((sku) => [sku, { price_minor: 999, currency: 'EUR' }]));
  },
};

let tables: LocalTables;
let client: ReturnType<typeof createDocumentClient>;
let ordersName: string;
let outboxName: string;
let service: OrdersService;

beforeAll(async () => {
  tables = await createLocalTables();
  outboxName = await ensureOutboxTable(tables);
  ordersName = tables.env[ordersTable.envVar]!;
  client = createDocumentClient(process.env);
  service = serviceOver(outboxName);
});
afterAll(async () => {
  client?.destroy();
  await tables?.drop();
});

function serviceOver(outbox: string): OrdersService {
  const codec = new CursorCodec('c'.repeat(32));
  return createOrdersService({ store: new DynamoDbOrderStore(client, ordersName, outbox), catalog, cursors: async () => codec });
}

const body = (customer = 'cust-alice', quantity = 1): CreateOrderInput => ({
  customer_id: customer,
  items: [
    { sku: 'SKU-1', quantity },
    { sku: 'SKU-2', quantity: 2 },
  ],
  payment: { method: 'card', token: 'tok_ok' },
});

async function scan(table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

async function outboxEventsFor(orderId: string) {
  return (await scan(outboxName))
    .map((row) => domainEvent.parse(JSON.parse(String(row.event))))
    .filter((event) => 'order_id' in event.data && event.data.order_id === orderId);
}

describe('orders on DynamoDB Local', () => {
  it('writes the order, its idempotency record and its order.created outbox row together', async () => {
    const accepted = await service.create(body(), alice, 'int-1', origin);
    const order = (await client.send(new GetCommand({ TableName: ordersName, Key: { pk: accepted.order_id }, ConsistentRead: true }))).Item!;
    expect(order).toMatchObject({ status: 'pending', version: 1, customer_id: 'cust-alice', total: { amount: 999 * 3, currency: 'EUR' } });
    const events = await outboxEventsFor(accepted.order_id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'order.created', correlation_id: 'corr-int' });
    const outboxRow = (await scan(outboxName)).find((row) => row.pk === events[0]!.id)!;
    expect(outboxRow.expires_at).toEqual(expect.any(Number));
    expect((await scan(ordersName)).filter((item) => String(item.pk).startsWith('#idem#') && item.order_id === accepted.order_id)).toHaveLength(1);
  });

  it('replays the same key and body with the same response and no second order or event', async () => {
    const first = await service.create(body(), alice, 'int-2', origin);
    const again = await service.create(body(), alice, 'int-2', origin);
    expect(again).toEqual(first);
    const orders = (await scan(ordersName)).filter((item) => item.order_id === first.order_id && !String(item.pk).startsWith('#'));
    expect(orders).toHaveLength(1);
    expect(await outboxEventsFor(first.order_id)).toHaveLength(1);
  });

  it('answers 422 for the same key with a different body', async () => {
    await service.create(body(), alice, 'int-3', origin);
    await expect(service.create(body('cust-alice', 5), alice, 'int-3', origin)).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('turns 20 concurrent creates with one key into exactly one order, one event and one answer', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => service.create(body('cust-alice', 7), alice, 'int-race', origin)));
    expect(new Set(answers.map((answer) => answer.order_id)).size).toBe(1);
    const orderId = answers[0]!.order_id;
    const orders = (await scan(ordersName)).filter((item) => item.pk === orderId);
    expect(orders).toHaveLength(1);
    expect(await outboxEventsFor(orderId)).toHaveLength(1);
  });

  it('writes nothing when the outbox row cannot be written (one transaction)', async () => {
    const broken = serviceOver(`${outboxName}-missing`);
    const before = await scan(ordersName);
    await expect(broken.create(body(), alice, 'int-atomic', origin)).rejects.toThrow();
    expect(await scan(ordersName)).toHaveLength(before.length);
    // The key is still free: the retry creates an order (and its event) instead of replaying one that never committed.
    const retried = await service.create(body(), alice, 'int-atomic', origin);
    await expect(service.get(retried.order_id, alice)).resolves.toMatchObject({ status: 'pending' });
    expect(await outboxEventsFor(retried.order_id)).toHaveLength(1);
  });

  it('does not commit an order with an unknown SKU', async () => {
    const before = (await scan(ordersName)).length;
    await expect(service.create({ ...body(), items: [{ sku: 'NOPE', quantity: 1 }] }, alice, 'int-unknown', origin)).rejects.toBeInstanceOf(ValidationError);
    expect((await scan(ordersName)).length).toBe(before);
  });

  it('cancels a pending order with its order.cancelled event in the same transaction, and refuses once the saga marked it paid', async () => {
    const { order_id } = await service.create(body(), alice, 'int-cancel', origin);
    const cancelled = await service.cancel(order_id, alice, origin);
    expect(cancelled).toMatchObject({ status: 'cancelled', version: 2 });
    expect((await outboxEventsFor(order_id)).map((event) => event.type).sort()).toEqual(['order.cancelled', 'order.created']);
    await expect(service.get(order_id, alice)).resolves.toMatchObject({ status: 'cancelled' });

    const paid = await service.create(body(), alice, 'int-paid', origin);
    await client.send(
      new UpdateCommand({
        TableName: ordersName,
        Key: { pk: paid.order_id },
        UpdateExpression: 'SET #s = :s, #v = #v + :one',
        ExpressionAttributeNames: { '#s': 'status', '#v': 'version' },
        ExpressionAttributeValues: { ':s': 'paid', ':one': 1 },
      }),
    );
    await expect(service.cancel(paid.order_id, alice, origin)).rejects.toBeInstanceOf(OrderNotCancellableError);
    expect((await outboxEventsFor(paid.order_id)).map((event) => event.type)).toEqual(['order.created']);
  });

  it('lets exactly one of several concurrent cancels win', async () => {
    const { order_id } = await service.create(body(), alice, 'int-cancel-race', origin);
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => service.cancel(order_id, alice, origin)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(OrderNotCancellableError);
    expect((await outboxEventsFor(order_id)).filter((event) => event.type === 'order.cancelled')).toHaveLength(1);
  });

  it('lists a customer’s orders and orders by status newest first, page by page through the cursor', async () => {
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await service.create(body('cust-lister'), staff, `int-list-${i}`, origin)).order_id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.list({ customer_id: 'cust-lister', limit: 3, cursor }, staff);
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((order) => order.order_id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(new Set(seen)).toEqual(new Set(created));
    expect(seen).toHaveLength(7);

    // By status: the pending orders of every customer, merged over the status shards.
    const pending: string[] = [];
    const createdAt: string[] = [];
    cursor = undefined;
    do {
      const page = await service.list({ status: 'pending', limit: 4, cursor }, staff);
      pending.push(...page.items.map((order) => order.order_id));
      createdAt.push(...page.items.map((order) => `${order.created_at}|${order.order_id}`));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(new Set(pending).size).toBe(pending.length);
    for (const id of created) expect(pending).toContain(id);
    expect(createdAt).toEqual([...createdAt].sort().reverse());

    const cancelledOnly = await service.list({ customer_id: 'cust-alice', status: 'cancelled' }, staff);
    expect(cancelledOnly.items.length).toBeGreaterThan(0);
    expect(cancelledOnly.items.every((order) => order.status === 'cancelled')).toBe(true);
  });
});
