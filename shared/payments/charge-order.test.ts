import { describe, expect, it, vi } from 'vitest';
import { type ChargeOrderDeps, chargeIdempotencyKey, chargeOrder, DEFAULT_CHARGE_POLICY, PAYMENT_BREAKER, paymentBreaker } from './charge-order.js';
import { FAKE_TOKENS, FakePaymentProvider, type FakePaymentLedger } from './fake/fake-payment-provider.js';
import type { PaymentProvider } from './payment-provider.js';
import { PaymentGatewayUnavailableError } from './payments.errors.js';

const amount = { amount: 4500, currency: 'EUR' };
const freshLedger = (): FakePaymentLedger => ({ answers: new Map(), attempts: new Map(), charges: [], outage: false });

/** A fake gateway with its own ledger, a breaker on a test clock, and recorded backoff waits. */
function setup(overrides: Partial<ChargeOrderDeps> = {}, latencyMs = 0) {
  const ledger = freshLedger();
  let now = 0;
  const retries: number[] = [];
  const deps: ChargeOrderDeps = {
    provider: new FakePaymentProvider({ ledger, latencyMs }),
    breaker: paymentBreaker(() => now),
    policy: { ...DEFAULT_CHARGE_POLICY, attemptTimeoutMs: 30 },
    backoff: async (retry) => void retries.push(retry),
    ...overrides,
  };
  return { ledger, deps, retries, advance: (ms: number) => (now += ms) };
}

const order = (order_id: string, token: string) => ({ order_id, amount, token });

describe('chargeOrder', () => {
  it('charges tok_ok once and answers payment.succeeded with the payment id', async () => {
    const { ledger, deps } = setup();
    const outcome = await chargeOrder(order('ord_1', FAKE_TOKENS.ok), deps);
    expect(outcome).toMatchObject({ event: 'payment.succeeded', attempts: 1, data: { order_id: 'ord_1', amount } });
    expect(ledger.charges).toEqual([
      { idempotencyKey: 'order:ord_1', paymentId: outcome.event === 'payment.succeeded' ? outcome.data.payment_id : '', amount, reference: 'ord_1' },
    ]);
  });

  it('turns a decline into payment.failed at once, without retrying', async () => {
    const { ledger, deps } = setup();
    expect(await chargeOrder(order('ord_d', FAKE_TOKENS.decline), deps)).toEqual({
      event: 'payment.failed',
      attempts: 1,
      data: { order_id: 'ord_d', amount, reason: 'declined' },
    });
    expect(await chargeOrder(order('ord_f', FAKE_TOKENS.insufficientFunds), deps)).toMatchObject({ data: { reason: 'insufficient_funds' } });
    expect(ledger.attempts.get('order:ord_d')).toBe(1);
    expect(ledger.charges).toEqual([]);
  });

  it('retries a transient failure after a backoff and charges once (tok_flaky)', async () => {
    const { ledger, deps, retries } = setup();
    const outcome = await chargeOrder(order('ord_flaky', FAKE_TOKENS.flaky), deps);
    expect(outcome).toMatchObject({ event: 'payment.succeeded', attempts: 2 });
    expect(ledger.attempts.get('order:ord_flaky')).toBe(2);
    expect(ledger.charges).toHaveLength(1);
    expect(retries).toEqual([1]);
  });

  it('waits a full-jitter backoff (≤ 100 ms, then ≤ 200 ms) between the calls of the default policy', async () => {
    const { deps } = setup({ backoff: undefined, policy: { ...DEFAULT_CHARGE_POLICY, attemptTimeoutMs: 30 } });
    const down = { name: 'down', charge: async () => Promise.reject(new PaymentGatewayUnavailableError('down', '503')) } satisfies PaymentProvider;
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.99);
    const started = Date.now();
    try {
      expect(await chargeOrder(order('ord_j', FAKE_TOKENS.ok), { ...deps, provider: down })).toMatchObject({
        attempts: 3,
        data: { reason: 'gateway_unavailable' },
      });
    } finally {
      random.mockRestore();
    }
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(0.99 * (100 + 200) - 5); // timers never fire early
    expect(elapsed).toBeLessThan(2_000);
  });

  it('gives up on a gateway that never answers as payment.failed timeout, each call aborted', async () => {
    const { ledger, deps } = setup();
    const started = Date.now();
    const outcome = await chargeOrder(order('ord_t', FAKE_TOKENS.timeout), deps);
    expect(outcome).toEqual({ event: 'payment.failed', attempts: 3, data: { order_id: 'ord_t', amount, reason: 'timeout' } });
    expect(ledger.attempts.get('order:ord_t')).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 30 - 5);
    expect(ledger.charges).toEqual([]);
  });

  it(`opens the breaker after ${PAYMENT_BREAKER.failureThreshold} failures in a row; orders then fail fast as gateway_unavailable`, async () => {
    const { ledger, deps, advance } = setup();
    ledger.outage = true;
    // First order: 3 failed calls; second: 2 more reach the threshold and open the breaker.
    expect(await chargeOrder(order('ord_a', FAKE_TOKENS.ok), deps)).toMatchObject({ attempts: 3, data: { reason: 'gateway_unavailable' } });
    expect(await chargeOrder(order('ord_b', FAKE_TOKENS.ok), deps)).toMatchObject({ attempts: 2, data: { reason: 'gateway_unavailable' } });
    expect(deps.breaker.allows()).toBe(false);
    const before = [...ledger.attempts.values()].reduce((sum, count) => sum + count, 0);
    expect(await chargeOrder(order('ord_c', FAKE_TOKENS.ok), deps)).toEqual({
      event: 'payment.failed',
      attempts: 0,
      data: { order_id: 'ord_c', amount, reason: 'gateway_unavailable' },
    });
    expect([...ledger.attempts.values()].reduce((sum, count) => sum + count, 0)).toBe(before); // the gateway was not called
    // After the open period one trial goes through; the gateway is back, so the order is charged.
    ledger.outage = false;
    advance(PAYMENT_BREAKER.openMs);
    expect(await chargeOrder(order('ord_c', FAKE_TOKENS.ok), deps)).toMatchObject({ event: 'payment.succeeded', attempts: 1 });
    expect(ledger.charges.map((charge) => charge.reference)).toEqual(['ord_c']);
  });

  it('charges an order once however often it is charged again, even concurrently', async () => {
    const { ledger, deps } = setup({}, 5);
    const outcomes = await Promise.all([1, 2, 3].map(() => chargeOrder(order('ord_once', FAKE_TOKENS.ok), deps)));
    const again = await chargeOrder(order('ord_once', FAKE_TOKENS.ok), deps);
    expect(new Set([...outcomes, again].map((outcome) => (outcome.event === 'payment.succeeded' ? outcome.data.payment_id : 'failed'))).size).toBe(1);
    expect(ledger.charges).toHaveLength(1);
    expect(ledger.charges[0]!.idempotencyKey).toBe(chargeIdempotencyKey('ord_once'));
  });

  it('rethrows errors that are not transient gateway errors', async () => {
    const { deps } = setup();
    const broken = { name: 'broken', charge: async () => Promise.reject(new TypeError('bug')) } satisfies PaymentProvider;
    await expect(chargeOrder(order('ord_x', FAKE_TOKENS.ok), { ...deps, provider: broken })).rejects.toThrow(TypeError);
  });
});
