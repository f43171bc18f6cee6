import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../../events/sample-events.js';
import { sqsConsumer } from '../../shared/consumers/sqs-consumer.js';
import { chargeOrder, DEFAULT_CHARGE_POLICY, paymentBreaker } from '../../shared/payments/charge-order.js';
import { FAKE_TOKENS, FakePaymentProvider, type FakePaymentLedger } from '../../shared/payments/fake/fake-payment-provider.js';
import { envelopeRecord, lambdaContext, sqsEvent } from '../support/eventbridge-sqs-record.js';
import { useLocalTables } from '../support/local-tables.js';

useLocalTables();

const QUEUE = 'payment-process';
const total = { amount: 4500, currency: 'EUR' };

/**
 * The shape of the payment step: an idempotent consumer of inventory.reserved whose effect
 * charges through the fake gateway. The order's total and token come from a map here (the
 * orders store in the real consumer).
 */
function paymentConsumer(tokens: Record<string, string>) {
  const ledger: FakePaymentLedger = { answers: new Map(), attempts: new Map(), charges: [], outage: false };
  const effects: string[] = [];
  const handler = sqsConsumer({
    consumer: QUEUE,
    events: ['inventory.reserved'],
    setup: () => ({
      provider: new FakePaymentProvider({ ledger }),
      breaker: paymentBreaker(),
      policy: { ...DEFAULT_CHARGE_POLICY, attemptTimeoutMs: 50 },
      backoff: async () => undefined,
    }),
    handle: async (event, deps) => {
      effects.push(event.id);
      return chargeOrder({ order_id: event.data.order_id, amount: total, token: tokens[event.data.order_id] ?? FAKE_TOKENS.ok }, deps);
    },
  });
  return { ledger, effects, invoke: (event: SQSEvent) => handler(event, lambdaContext(QUEUE)) };
}

const reservedFor = (order_id: string) =>
  sampleEvent('inventory.reserved', { correlation_id: 'flow-payments-0001', data: { order_id, items: [{ sku: 'SKU-1', quantity: 1 }] } });

describe('payment step: consumer idempotency + provider idempotency key', () => {
  it('a redelivered reservation (same event id) calls the gateway once', async () => {
    const { ledger, effects, invoke } = paymentConsumer({});
    const event = reservedFor('ord_redeliver');
    expect((await invoke(sqsEvent(envelopeRecord(event, QUEUE), envelopeRecord(event, QUEUE)))).batchItemFailures).toEqual([]);
    expect((await invoke(sqsEvent(envelopeRecord(event, QUEUE, 2)))).batchItemFailures).toEqual([]);
    expect(effects).toEqual([event.id]);
    expect(ledger.attempts.get('order:ord_redeliver')).toBe(1);
    expect(ledger.charges).toHaveLength(1);
  });

  it('a re-published reservation (new event id, same order) runs the effect again but charges once', async () => {
    const { ledger, effects, invoke } = paymentConsumer({});
    const first = reservedFor('ord_republish');
    const second = reservedFor('ord_republish');
    await invoke(sqsEvent(envelopeRecord(first, QUEUE)));
    await invoke(sqsEvent(envelopeRecord(second, QUEUE)));
    expect(effects).toEqual([first.id, second.id]);
    expect(ledger.attempts.get('order:ord_republish')).toBe(2);
    expect(ledger.charges.map((charge) => charge.reference)).toEqual(['ord_republish']);
  });

  it('a flaky gateway is retried inside one delivery; a declined card and a dead gateway end the record, not retry it', async () => {
    const { ledger, invoke } = paymentConsumer({ ord_flaky: FAKE_TOKENS.flaky, ord_declined: FAKE_TOKENS.decline, ord_timeout: FAKE_TOKENS.timeout });
    const records = ['ord_flaky', 'ord_declined', 'ord_timeout'].map((id) => envelopeRecord(reservedFor(id), QUEUE));
    expect((await invoke(sqsEvent(...records))).batchItemFailures).toEqual([]);
    expect(ledger.charges.map((charge) => charge.reference)).toEqual(['ord_flaky']);
    expect([...ledger.attempts.entries()]).toEqual([
      ['order:ord_flaky', 2],
      ['order:ord_declined', 1],
      ['order:ord_timeout', 3],
    ]);
  });
});
