import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DomainEvent, domainEvent, type EventEnvelope, isSagaEvent, type SagaEventType } from '../../events/catalog.js';
import type { Principal } from '../../shared/auth/principal.js';
import { CursorCodec } from '../../shared/cursor/cursor-codec.js';
import type { MetricSink } from '../../shared/observability/emit-metric.js';
import { orderEvent } from '../../shared/orders/order-events.js';
import { statusOf } from '../../shared/http/problem.js';
import { OrderNotCancellableError } from '../../shared/orders/orders.errors.js';
import { createOrdersService, type OrdersService } from '../../shared/orders/orders.service.js';
import { ordersTable } from '../../shared/orders/orders.table.js';
import type { ProductCatalog } from '../../shared/orders/product-catalog.js';
import type { OrderSagaStore } from '../../shared/orders/saga/order-saga-store.js';
import { MAX_TIMELINE_ENTRIES, projectOrderEvent } from '../../shared/orders/saga/project-order-event.js';
import { orderFinalizeConsumer, orderStatusProjectorConsumer, paymentProcessConsumer } from '../../shared/orders/saga/saga-consumers.js';
import { DEFAULT_CHARGE_POLICY, paymentBreaker } from '../../shared/payments/charge-order.js';
import { FAKE_TOKENS, type FakePaymentLedger, FakePaymentProvider } from '../../shared/payments/fake/fake-payment-provider.js';
import type { PaymentProvider } from '../../shared/payments/payment-provider.js';
import { createDocumentClient } from '../../shared/store/dynamodb/document-client.js';
import { DynamoDbOrderSagaStore } from '../../shared/store/dynamodb/dynamodb-order-saga-store.js';
import { DynamoDbOrderStore } from '../../shared/store/dynamodb/dynamodb-order-store.js';
import { envelopeRecord, lambdaContext, sqsEvent } from '../support/eventbridge-sqs-record.js';
import { createLocalTables, type LocalTables } from '../support/local-tables.js';
import { ensureOutboxTable } from '../support/outbox-table.js';

const staff: Principal = { sub: 'staff-1', role: 'staff', method: 'jwt' };
const alice: Principal = { sub: 'cust-alice', role: 'viewer', method: 'jwt' };
const origin = { correlationId: 'corr-saga-0001', causationId: 'req-saga-0001' };
const catalog: ProductCatalog = {
  async lookup(skus) {
    return new Map(skus.map((sku) => [sku, { price_minor: 1250, currency: 'EUR' }]));
  },
};

let tables: LocalTables;
let client: ReturnType<typeof createDocumentClient>;
let outboxName: string;
let orders: OrdersService;
let store: DynamoDbOrderSagaStore;
let keys = 0;

beforeAll(async () => {
  tables = await createLocalTables();
  outboxName = await ensureOutboxTable(tables);
  const ordersName = tables.env[ordersTable.envVar]!;
  client = createDocumentClient(process.env);
  const codec = new CursorCodec('s'.repeat(32));
  orders = createOrdersService({ store: new DynamoDbOrderStore(client, ordersName, outboxName), catalog, cursors: async () => codec });
  store = new DynamoDbOrderSagaStore(client, ordersName, outboxName);
});
afterAll(async () => {
  client?.destroy();
  await tables?.drop();
});

/** A placed order (2 lines, total 3 × 12.50 EUR) paying with `token`. */
async function placeOrder(token: string, customer = 'cust-alice'): Promise<string> {
  const { order_id } = await orders.create(
    {
      customer_id: customer,
      items: [
        { sku: 'SKU-A', quantity: 1 },
        { sku: 'SKU-B', quantity: 2 },
      ],
      payment: { method: 'card', token },
    },
    staff,
    `saga-${++keys}`,
    origin,
  );
  return order_id;
}

/** What inventory-reserve commits: pending → inventory_reserved with inventory.reserved, one transaction. */
async function reserve(orderId: string): Promise<EventEnvelope<'inventory.reserved'>> {
  const { order } = (await store.load(orderId))!;
  const event = orderEvent(
    'inventory.reserved',
    { order_id: orderId, items: order.items.map(({ sku, quantity }) => ({ sku, quantity })) },
    { correlationId: origin.correlationId, causationId: 'created' },
    new Date(),
  );
  expect(await store.advance({ orderId, from: 'pending', version: order.version, to: 'inventory_reserved', at: new Date(), events: [event] })).toBe(true);
  return event;
}

async function outboxEventsFor(orderId: string): Promise<EventEnvelope<SagaEventType>[]> {
  const rows: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await client.send(new ScanCommand({ TableName: outboxName, ConsistentRead: true, ExclusiveStartKey: start }));
    rows.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return rows
    .map((row) => domainEvent.parse(JSON.parse(String(row.event))))
    .filter(isSagaEvent)
    .filter((event) => event.data.order_id === orderId);
}
const ofType = async (orderId: string, type: string) => (await outboxEventsFor(orderId)).filter((event) => event.type === type);

function metricSpy(): MetricSink & { names: string[] } {
  const names: string[] = [];
  return { names, addMetric: (name: string) => names.push(name) };
}

/** A real payment-process handler on DynamoDB Local and a fake gateway with its own ledger (attempt timeout 2 s unless given). */
function paymentStep(options: { provider?: (ledger: FakePaymentLedger) => PaymentProvider; store?: OrderSagaStore; attemptTimeoutMs?: number } = {}) {
  const ledger: FakePaymentLedger = { answers: new Map(), attempts: new Map(), charges: [], outage: false };
  const metrics = metricSpy();
  const handler = paymentProcessConsumer(() => ({
    store: options.store ?? store,
    provider: options.provider?.(ledger) ?? new FakePaymentProvider({ ledger }),
    breaker: paymentBreaker(),
    policy: { ...DEFAULT_CHARGE_POLICY, attemptTimeoutMs: options.attemptTimeoutMs ?? 2_000 },
    backoff: async () => undefined,
    metrics,
  }));
  return { ledger, metrics, invoke: (event: SQSEvent) => handler(event, lambdaContext('payment-process')) };
}

function finalizeStep() {
  const metrics = metricSpy();
  const handler = orderFinalizeConsumer(() => ({ store, metrics }));
  return { metrics, invoke: (event: SQSEvent) => handler(event, lambdaContext('order-finalize')) };
}

const deliver = (queue: string, ...events: DomainEvent[]) => sqsEvent(...events.map((event) => envelopeRecord(event, queue)));

describe('payment-process (DynamoDB Local, fake gateway)', () => {
  it('tok_ok: payment_pending before the charge, then paid + payment.succeeded in one transaction, charged the order total once', async () => {
    const orderId = await placeOrder(FAKE_TOKENS.ok);
    const reserved = await reserve(orderId);
    let statusDuringCharge: string | undefined;
    const { ledger, metrics, invoke } = paymentStep({
      provider: (l) => {
        const fake = new FakePaymentProvider({ ledger: l });
        return {
          name: 'fake',
          charge: async (request, opts) => ((statusDuringCharge = (await store.load(orderId))!.order.status), fake.charge(request, opts)),
        };
      },
    });
    expect((await invoke(deliver('payment-process', reserved))).batchItemFailures).toEqual([]);

    expect(statusDuringCharge).toBe('payment_pending');
    const { order } = (await store.load(orderId))!;
    expect(order).toMatchObject({ status: 'paid', version: 4 });
    expect(ledger.charges).toEqual([
      expect.objectContaining({ idempotencyKey: `order:${orderId}`, amount: { amount: 3750, currency: 'EUR' }, reference: orderId }),
    ]);
    const [succeeded, ...more] = await ofType(orderId, 'payment.succeeded');
    expect(more).toEqual([]);
    expect(succeeded).toMatchObject({
      correlation_id: origin.correlationId,
      causation_id: reserved.id,
      data: { order_id: orderId, payment_id: ledger.charges[0]!.paymentId, amount: { amount: 3750, currency: 'EUR' } },
    });
    expect(metrics.names).toEqual(['PaymentsSucceeded']);
  });

  it('the same envelope twice in a batch and redelivered later → one gateway call, one charge, one payment.succeeded', async () => {
    const orderId = await placeOrder(FAKE_TOKENS.ok);
    const reserved = await reserve(orderId);
    const { ledger, invoke } = paymentStep();
    expect((await invoke(sqsEvent(envelopeRecord(reserved, 'payment-process'), envelopeRecord(reserved, 'payment-process')))).batchItemFailures).toEqual([]);
    expect((await invoke(sqsEvent(envelopeRecord(reserved, 'payment-process', 2)))).batchItemFailures).toEqual([]);
    // Re-published with a new envelope id (past the consumer's idempotency): the order is paid, nothing happens.
    expect((await invoke(deliver('payment-process', { ...reserved, id: crypto.randomUUID() }))).batchItemFailures).toEqual([]);
    expect(ledger.attempts.get(`order:${orderId}`)).toBe(1);
    expect(ledger.charges).toHaveLength(1);
    expect(await ofType(orderId, 'payment.succeeded')).toHaveLength(1);
  });

  it('two copies with different envelope ids handled concurrently → one charge, one payment.succeeded', async () => {
    const orderId = await placeOrder(FAKE_TOKENS.ok);
    const reserved = await reserve(orderId);
    const first = paymentStep();
    // Two containers, one gateway: the second step charges through the first one's ledger.
    const shared = paymentStep({ provider: () => new FakePaymentProvider({ ledger: first.ledger }) });
    const results = await Promise.all([
      first.invoke(deliver('payment-process', reserved)),
      shared.invoke(deliver('payment-process', { ...reserved, id: crypto.randomUUID() })),
    ]);
    expect(results.map((result) => result.batchItemFailures)).toEqual([[], []]);
    expect(first.ledger.charges).toHaveLength(1);
    expect((await store.load(orderId))!.order.status).toBe('paid');
    expect(await ofType(orderId, 'payment.succeeded')).toHaveLength(1);
    expect([...first.metrics.names, ...shared.metrics.names]).toEqual(['PaymentsSucceeded']);
  });

  it('a delivery that failed after the charge but before the write is retried: same key, no second charge, written once', async () => {
    const orderId = await placeOrder(FAKE_TOKENS.ok);
    const reserved = await reserve(orderId);
    let failNextPaidWrite = true;
    const crashing: OrderSagaStore = {
      load: (id) => store.load(id),
      project: (...args) => store.project(...args),
      advance: async (change) => {
        if (change.to === 'paid' && failNextPaidWrite) {
          failNextPaidWrite = false;
          throw new Error('DynamoDB went away after the charge');
        }
        return store.advance(change);
      },
    };
    const { ledger, invoke } = paymentStep({ store: crashing });
    expect((await invoke(deliver('payment-process', reserved))).batchItemFailures).toHaveLength(1);
    expect((await store.load(orderId))!.order.status).toBe('payment_pending');
    expect(ledger.charges).toHaveLength(1);

    expect((await invoke(sqsEvent(envelopeRecord(reserved, 'payment-process', 2)))).batchItemFailures).toEqual([]);
    expect((await store.load(orderId))!.order.status).toBe('paid');
    expect(ledger.attempts.get(`order:${orderId}`)).toBe(2);
    expect(ledger.charges).toHaveLength(1);
    expect(await ofType(orderId, 'payment.succeeded')).toHaveLength(1);
  });

  it.each([
    [FAKE_TOKENS.decline, 'declined', 1],
    [FAKE_TOKENS.insufficientFunds, 'insufficient_funds', 1],
    [FAKE_TOKENS.timeout, 'timeout', 3],
  ] as const)('%s → payment.failed {reason: %s} after %i call(s), nothing charged, order left for order-finalize', async (token, reason, calls) => {
    const orderId = await placeOrder(token);
    // tok_timeout never answers: a short attempt timeout keeps the three attempts quick.
    const { ledger, metrics, invoke } = paymentStep({ attemptTimeoutMs: 60 });
    expect((await invoke(deliver('payment-process', await reserve(orderId)))).batchItemFailures).toEqual([]);
    expect(ledger.attempts.get(`order:${orderId}`)).toBe(calls);
    expect(ledger.charges).toEqual([]);
    expect((await ofType(orderId, 'payment.failed')).map((event) => event.data)).toEqual([
      { order_id: orderId, amount: { amount: 3750, currency: 'EUR' }, reason },
    ]);
    expect(await store.load(orderId)).toMatchObject({ order: { status: 'payment_pending' }, paymentFailure: reason });
    expect(metrics.names).toEqual(['PaymentsFailed']);
  });

  it('a gateway outage opens the breaker: later orders fail fast as gateway_unavailable without a call', async () => {
    const { ledger, invoke } = paymentStep();
    ledger.outage = true;
    const ids = [await placeOrder(FAKE_TOKENS.ok), await placeOrder(FAKE_TOKENS.ok), await placeOrder(FAKE_TOKENS.ok)];
    const events = await Promise.all(ids.map(reserve));
    expect((await invoke(deliver('payment-process', ...events))).batchItemFailures).toEqual([]);
    for (const id of ids)
      expect((await ofType(id, 'payment.failed')).map((event) => (event.data as { reason: string }).reason)).toEqual(['gateway_unavailable']);
    // 3 + 2 calls open the breaker (5 in a row); the third order is never sent to the gateway.
    expect(ids.map((id) => ledger.attempts.get(`order:${id}`) ?? 0)).toEqual([3, 2, 0]);
  });

  it('a cancelled order is never charged', async () => {
    const orderId = await placeOrder(FAKE_TOKENS.ok);
    const reserved = await reserve(orderId);
    await orders.cancel(orderId, alice, origin);
    const { ledger, invoke } = paymentStep();
    expect((await invoke(deliver('payment-process', reserved))).batchItemFailures).toEqual([]);
    expect(ledger.attempts.size).toBe(0);
    expect((await store.load(orderId))!.order.status).toBe('cancelled');
    // The cancel of a reserved order requests the stock's release in its own transaction (docs/orders.md).
    expect((await outboxEventsFor(orderId)).map((event) => event.type).sort()).toEqual([
      'inventory.release_requested',
      'inventory.reserved',
      'order.cancelled',
      'order.created',
    ]);
  });

  it('a cancel that commits between the read and the payment_pending write wins: the step re-reads and charges nothing', async () => {
    const orderId = await placeOrder(FAKE_TOKENS.ok);
    const reserved = await reserve(orderId);
    let cancelFirst = true;
    const racing: OrderSagaStore = {
      load: (id) => store.load(id),
      project: (...args) => store.project(...args),
      advance: async (change) => {
        if (change.to === 'payment_pending' && cancelFirst) {
          cancelFirst = false;
          await orders.cancel(orderId, alice, origin);
        }
        return store.advance(change);
      },
    };
    const { ledger, invoke } = paymentStep({ store: racing });
    expect((await invoke(deliver('payment-process', reserved))).batchItemFailures).toEqual([]);
    expect(cancelFirst).toBe(false);
    expect(ledger.attempts.size).toBe(0);
    expect((await store.load(orderId))!.order.status).toBe('cancelled');
    expect(await ofType(orderId, 'payment.succeeded')).toEqual([]);
  });

  it('a cancel while the charge is in flight gets 409 (payment_pending), and the order is paid', async () => {
    const orderId = await placeOrder(FAKE_TOKENS.ok);
    const reserved = await reserve(orderId);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let charging!: () => void;
    const started = new Promise<void>((resolve) => (charging = resolve));
    const { invoke } = paymentStep({
      provider: (ledger) => {
        const fake = new FakePaymentProvider({ ledger });
        return { name: 'fake', charge: async (request, opts) => (charging(), await gate, fake.charge(request, opts)) };
      },
    });
    const run = invoke(deliver('payment-process', reserved));
    await started;
    const refused = await orders.cancel(orderId, alice, origin).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(OrderNotCancellableError);
    expect(statusOf(refused)).toBe(409);
    expect((refused as OrderNotCancellableError).context).toMatchObject({ status: 'payment_pending' });
    release();
    expect((await run).batchItemFailures).toEqual([]);
    expect((await store.load(orderId))!.order.status).toBe('paid');
    expect(await ofType(orderId, 'order.cancelled')).toEqual([]);
  });
});

describe('order-finalize (DynamoDB Local)', () => {
  it('payment.succeeded → paid → completed + order.completed; a duplicate and a stale event change nothing', async () => {
    const orderId = await placeOrder(FAKE_TOKENS.ok);
    await paymentStep().invoke(deliver('payment-process', await reserve(orderId)));
    const [succeeded] = await ofType(orderId, 'payment.succeeded');
    const { metrics, invoke } = finalizeStep();
    expect((await invoke(deliver('order-finalize', succeeded!, { ...succeeded!, id: crypto.randomUUID() }))).batchItemFailures).toEqual([]);
    expect((await store.load(orderId))!.order).toMatchObject({ status: 'completed', version: 5 });
    expect((await ofType(orderId, 'order.completed')).map((event) => [event.data, event.causation_id])).toEqual([
      [{ order_id: orderId, customer_id: 'cust-alice', total: { amount: 3750, currency: 'EUR' } }, succeeded!.id],
    ]);
    expect(metrics.names).toEqual(['OrdersCompleted']);
  });

  it('payment.failed → payment_failed + order.payment_failed (customer) + inventory.release_requested, in one transaction', async () => {
    const orderId = await placeOrder(FAKE_TOKENS.decline, 'cust-bob');
    await paymentStep().invoke(deliver('payment-process', await reserve(orderId)));
    const [failed] = await ofType(orderId, 'payment.failed');
    const { metrics, invoke } = finalizeStep();
    expect((await invoke(deliver('order-finalize', failed!))).batchItemFailures).toEqual([]);
    expect((await invoke(sqsEvent(envelopeRecord(failed!, 'order-finalize', 2)))).batchItemFailures).toEqual([]);
    expect((await store.load(orderId))!.order.status).toBe('payment_failed');
    expect((await ofType(orderId, 'order.payment_failed')).map((event) => event.data)).toEqual([
      { order_id: orderId, customer_id: 'cust-bob', reason: 'declined' },
    ]);
    const release = await ofType(orderId, 'inventory.release_requested');
    expect(release.map((event) => event.data)).toEqual([
      {
        order_id: orderId,
        items: [
          { sku: 'SKU-A', quantity: 1 },
          { sku: 'SKU-B', quantity: 2 },
        ],
        reason: 'payment_failed',
      },
    ]);
    expect(release[0]!.correlation_id).toBe(origin.correlationId);
    expect(metrics.names).toEqual(['OrdersRejected']);
  });

  it('inventory.reservation_failed → pending → rejected + order.rejected; not for an order cancelled meanwhile', async () => {
    const orderId = await placeOrder(FAKE_TOKENS.ok);
    const failed = orderEvent(
      'inventory.reservation_failed',
      { order_id: orderId, reason: 'out_of_stock', shortages: [{ sku: 'SKU-A', requested: 1, available: 0 }] },
      origin,
      new Date(),
    );
    const cancelledId = await placeOrder(FAKE_TOKENS.ok);
    await orders.cancel(cancelledId, alice, origin);
    const failedCancelled = orderEvent(
      'inventory.reservation_failed',
      { order_id: cancelledId, reason: 'out_of_stock', shortages: [{ sku: 'SKU-A', requested: 1, available: 0 }] },
      origin,
      new Date(),
    );
    const { metrics, invoke } = finalizeStep();
    expect((await invoke(deliver('order-finalize', failed, failedCancelled))).batchItemFailures).toEqual([]);
    expect((await store.load(orderId))!.order.status).toBe('rejected');
    expect((await ofType(orderId, 'order.rejected')).map((event) => event.data)).toEqual([{ order_id: orderId, reason: 'out_of_stock' }]);
    expect((await store.load(cancelledId))!.order.status).toBe('cancelled');
    expect(await ofType(cancelledId, 'order.rejected')).toEqual([]);
    expect(metrics.names).toEqual(['OrdersRejected']);
  });
});

describe('order-status-projector (DynamoDB Local)', () => {
  it('records every event once, out of order and redelivered, without repeating the API’s entries; GET answers it in time order', async () => {
    const orderId = await placeOrder(FAKE_TOKENS.ok);
    const reserved = await reserve(orderId);
    await paymentStep().invoke(deliver('payment-process', reserved));
    const [succeeded] = await ofType(orderId, 'payment.succeeded');
    await finalizeStep().invoke(deliver('order-finalize', succeeded!));
    const all = await outboxEventsFor(orderId);
    expect(all.map((event) => event.type).sort()).toEqual(['inventory.reserved', 'order.completed', 'order.created', 'payment.succeeded']);
    const before = (await store.load(orderId))!.order;

    const handler = orderStatusProjectorConsumer(() => ({ store }));
    const invoke = (event: SQSEvent) => handler(event, lambdaContext('order-status-projector'));
    // Newest first, every one twice, then again in a later batch.
    const newestFirst = [...all].sort((a, b) => (a.occurred_at < b.occurred_at ? 1 : -1));
    expect(
      (
        await invoke(
          sqsEvent(...newestFirst.flatMap((event) => [envelopeRecord(event, 'order-status-projector'), envelopeRecord(event, 'order-status-projector')])),
        )
      ).batchItemFailures,
    ).toEqual([]);
    expect((await invoke(sqsEvent(...all.map((event) => envelopeRecord(event, 'order-status-projector', 2))))).batchItemFailures).toEqual([]);
    // Past the consumer's idempotency (its record gone): the item's own condition still refuses a repeat.
    for (const event of all) await expect(projectOrderEvent(event, { store })).resolves.toEqual({ outcome: 'duplicate' });

    const view = await orders.get(orderId, alice);
    expect(view).toMatchObject({ status: 'completed', version: before.version });
    expect(view.timeline.map((entry) => entry.type)).toEqual(['order.created', 'inventory.reserved', 'payment.succeeded', 'order.completed']);
    expect(view.timeline.map((entry) => entry.at)).toEqual([...view.timeline.map((entry) => entry.at)].sort());
    expect(view.timeline[2]!.detail).toEqual({ payment_id: (succeeded!.data as { payment_id: string }).payment_id, amount: { amount: 3750, currency: 'EUR' } });
    // The view never carries the token or the dedupe set.
    expect(JSON.stringify(view)).not.toContain(FAKE_TOKENS.ok);
    expect(Object.keys(view)).not.toContain('_seen');
  });

  it('a cancel keeps the projected entries and is itself not repeated', async () => {
    const orderId = await placeOrder(FAKE_TOKENS.ok);
    const reserved = await reserve(orderId);
    expect(await projectOrderEvent(reserved, { store })).toEqual({ outcome: 'recorded' });
    await orders.cancel(orderId, alice, origin);
    const [cancelled] = await ofType(orderId, 'order.cancelled');
    expect(await projectOrderEvent(cancelled!, { store })).toEqual({ outcome: 'duplicate' });
    const view = await orders.get(orderId, alice);
    expect(view.timeline.map((entry) => entry.type)).toEqual(['order.created', 'inventory.reserved', 'order.cancelled']);
    expect(view.status).toBe('cancelled');
  });

  it(`keeps at most ${MAX_TIMELINE_ENTRIES} entries, and ignores events of unknown orders`, async () => {
    const orderId = await placeOrder(FAKE_TOKENS.ok);
    const outcomes: string[] = [];
    for (let i = 0; i < MAX_TIMELINE_ENTRIES; i++) {
      const event = orderEvent(
        'inventory.released',
        { order_id: orderId, items: [{ sku: 'SKU-A', quantity: 1 }], reason: 'cancelled' },
        origin,
        new Date(Date.UTC(2026, 11, 3, 12, 0, i)),
      );
      outcomes.push((await projectOrderEvent(event, { store })).outcome);
    }
    expect(outcomes.filter((outcome) => outcome === 'recorded')).toHaveLength(MAX_TIMELINE_ENTRIES - 1);
    expect(outcomes.at(-1)).toBe('full');
    expect((await orders.get(orderId, alice)).timeline).toHaveLength(MAX_TIMELINE_ENTRIES);
    const stray = orderEvent(
      'inventory.released',
      { order_id: 'ord_00000000000000000000000000000000', items: [{ sku: 'SKU-A', quantity: 1 }], reason: 'cancelled' },
      origin,
      new Date(),
    );
    expect(await projectOrderEvent(stray, { store })).toEqual({ outcome: 'missing' });
  });
});
