import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainEvent, domainEvent, isSagaEvent } from '../../events/catalog.js';
import { LambdaInvoker } from '../../infra/local/lambda-invoker.js';
import type { LambdaDeclaration } from '../../shared/entity/entity-functions.js';
import { orderEvent } from '../../shared/orders/order-events.js';
import { createOrdersService, type OrdersService } from '../../shared/orders/orders.service.js';
import { ordersTable } from '../../shared/orders/orders.table.js';
import { FAKE_TOKENS, fakePaymentLedger } from '../../shared/payments/fake/fake-payment-provider.js';
import { eventConsumers } from '../../shared/registry.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbOrderSagaStore } from '../../shared/store/dynamodb/dynamodb-order-saga-store.js';
import { DynamoDbOrderStore } from '../../shared/store/dynamodb/dynamodb-order-store.js';
import { envelopeRecord, sqsEvent } from '../support/eventbridge-sqs-record.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { ensureOutboxTable } from '../support/outbox-table.js';

/**
 * The three saga consumers as deployed: their esbuild bundles (run `npm run build` first),
 * loaded by the local runtime's invoker with only the environment (table names, no ports
 * injected), fed EventBridge → SQS records. The fake gateway's ledger is process-wide, so the
 * test sees the charges the bundle made.
 */
let tables: LocalTables;
let client: ReturnType<typeof createDocumentClient>;
let outboxName: string;
let orders: OrdersService;
let store: DynamoDbOrderSagaStore;
const invoker = new LambdaInvoker();
const declared = (id: string): LambdaDeclaration => eventConsumers.find((fn) => fn.id === id)!;

beforeAll(async () => {
  tables = await createLocalTables();
  outboxName = await ensureOutboxTable(tables);
  client = createDocumentClient(process.env);
  const catalog = { lookup: async (skus: string[]) => new Map(skus.map((sku) => [sku, { price_minor: 800, currency: 'EUR' }])) };
  orders = createOrdersService({ store: new DynamoDbOrderStore(client, tables.env[ordersTable.envVar]!, outboxName), catalog });
  store = new DynamoDbOrderSagaStore(client, tables.env[ordersTable.envVar]!, outboxName);
});
afterAll(async () => {
  client?.destroy();
  await tables?.drop();
});

async function outboxEventsFor(orderId: string): Promise<DomainEvent[]> {
  const out = await client.send(new ScanCommand({ TableName: outboxName, ConsistentRead: true }));
  return (out.Items ?? [])
    .map((row) => domainEvent.parse(JSON.parse(String(row.event))))
    .filter(isSagaEvent)
    .filter((event) => event.data.order_id === orderId);
}

const invoke = async (id: string, ...events: DomainEvent[]) =>
  (await invoker.invoke(declared(id), sqsEvent(...events.map((event) => envelopeRecord(event, id))))) as SQSBatchResponse;

describe('saga consumer bundles (local invoker, DynamoDB Local)', () => {
  it('reserved → payment-process → order-finalize → completed, charged once; the projector fills the timeline', async () => {
    const principal = { sub: 'cust-e2e', role: 'viewer' as const, method: 'jwt' as const };
    const { order_id: orderId } = await orders.create(
      { customer_id: 'cust-e2e', items: [{ sku: 'SKU-E2E', quantity: 2 }], payment: { method: 'card', token: FAKE_TOKENS.ok } },
      principal,
      'saga-e2e-1',
      { correlationId: 'corr-e2e-0001', causationId: 'req-e2e' },
    );
    const reserved = orderEvent(
      'inventory.reserved',
      { order_id: orderId, items: [{ sku: 'SKU-E2E', quantity: 2 }] },
      { correlationId: 'corr-e2e-0001', causationId: 'created' },
      new Date(),
    );
    expect(await store.advance({ orderId, from: 'pending', version: 1, to: 'inventory_reserved', at: new Date(), events: [reserved] })).toBe(true);

    expect((await invoke('payment-process', reserved, reserved)).batchItemFailures).toEqual([]);
    expect(fakePaymentLedger().charges.filter((charge) => charge.reference === orderId)).toHaveLength(1);
    const succeeded = (await outboxEventsFor(orderId)).filter((event) => event.type === 'payment.succeeded');
    expect(succeeded).toHaveLength(1);

    expect((await invoke('order-finalize', succeeded[0]!)).batchItemFailures).toEqual([]);
    const all = await outboxEventsFor(orderId);
    expect(all.map((event) => event.type).sort()).toEqual(['inventory.reserved', 'order.completed', 'order.created', 'payment.succeeded']);
    expect(new Set(all.map((event) => event.correlation_id))).toEqual(new Set(['corr-e2e-0001']));

    expect((await invoke('order-status-projector', ...all)).batchItemFailures).toEqual([]);
    const view = await orders.get(orderId, principal);
    expect(view.status).toBe('completed');
    expect(view.timeline.map((entry) => entry.type)).toEqual(['order.created', 'inventory.reserved', 'payment.succeeded', 'order.completed']);
  });
});
