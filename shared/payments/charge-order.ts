import type { EventData } from '../../events/catalog.js';
import { CircuitBreaker } from '../resilience/circuit-breaker.js';
import { errorSummary } from '../powertools/error-summary.js';
import { emitMetric } from '../observability/emit-metric.js';
import { logger } from '../powertools/logger.js';
import { metrics } from '../powertools/metrics.js';
import { fullJitter } from '../resilience/full-jitter.js';
import type { ChargeResult, Money, PaymentProvider } from './payment-provider.js';
import { isTransientPaymentError, PaymentGatewayTimeoutError } from './payments.errors.js';

/** How hard one charge tries before the order is given up as unpayable for now. */
export interface ChargePolicy {
  /** Calls per charge, the first included. */
  attempts: number;
  /** Each call is abandoned (and aborted) after this long. */
  attemptTimeoutMs: number;
  /** Full jitter (shared/resilience/full-jitter.ts): the wait before retry n is uniform in [0, min(maxDelayMs, baseDelayMs × 2^(n-1))). */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * 3 calls of ≤ 2 s with ≤ 100 ms and ≤ 200 ms waits between them: a charge gives up within
 * ~6.3 s, inside a consumer timeout of 10 s (its queue's visibility timeout is 60 s).
 */
export const DEFAULT_CHARGE_POLICY: ChargePolicy = { attempts: 3, attemptTimeoutMs: 2_000, baseDelayMs: 100, maxDelayMs: 1_000 };

/** 5 transient failures in a row open the breaker for 30 s: orders then fail fast as gateway_unavailable. */
export const PAYMENT_BREAKER = { failureThreshold: 5, openMs: 30_000 } as const;

/** The gateway's breaker; one per container, built in the consumer's setup. */
export function paymentBreaker(now: () => number = Date.now): CircuitBreaker {
  return new CircuitBreaker({ dependency: 'payments', openMs: PAYMENT_BREAKER.openMs, failureThreshold: PAYMENT_BREAKER.failureThreshold, now });
}

/** The provider-side idempotency key: one charge per order, whatever is redelivered. */
export const chargeIdempotencyKey = (orderId: string) => `order:${orderId}`;

export interface ChargeOrderInput {
  order_id: string;
  amount: Money;
  token: string;
}

export interface ChargeOrderDeps {
  provider: PaymentProvider;
  breaker: CircuitBreaker;
  policy?: ChargePolicy;
  /** Waits before retry `retry` (1-based). @default fullJitter with the policy's delays */
  backoff?: (retry: number) => Promise<void>;
}

/** The event the charge leads to, with its `data`, and how many calls it took. */
export type ChargeOutcome =
  | { event: 'payment.succeeded'; data: EventData<'payment.succeeded'>; attempts: number }
  | { event: 'payment.failed'; data: EventData<'payment.failed'>; attempts: number };

/**
 * Charges an order once: the provider is called with the order's idempotency key, each call
 * under a timeout, transient failures retried with full-jitter backoff while the breaker
 * allows. A decline is final at once. Exhausted retries end as `timeout` (the last call timed
 * out) or `gateway_unavailable`; an open breaker fails fast as `gateway_unavailable`.
 * Errors that are not transient gateway errors (bugs) are rethrown.
 */
export async function chargeOrder(input: ChargeOrderInput, deps: ChargeOrderDeps): Promise<ChargeOutcome> {
  const policy = deps.policy ?? DEFAULT_CHARGE_POLICY;
  const backoff = deps.backoff ?? ((retry: number) => fullJitter(retry, { baseMs: policy.baseDelayMs, capMs: policy.maxDelayMs }));
  const request = { idempotencyKey: chargeIdempotencyKey(input.order_id), amount: input.amount, token: input.token, reference: input.order_id };
  const failed = (reason: EventData<'payment.failed'>['reason'], attempts: number): ChargeOutcome => ({
    event: 'payment.failed',
    data: { order_id: input.order_id, amount: input.amount, reason },
    attempts,
  });
  let reason: 'timeout' | 'gateway_unavailable' = 'gateway_unavailable';
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (!deps.breaker.allows()) return failed('gateway_unavailable', attempt - 1);
    if (attempt > 1) await backoff(attempt - 1);
    try {
      const result = await callWithTimeout(deps.provider, request, policy.attemptTimeoutMs);
      deps.breaker.succeed();
      return outcomeOf(result, input, attempt);
    } catch (error) {
      if (!isTransientPaymentError(error)) throw error;
      reason = error instanceof PaymentGatewayTimeoutError ? 'timeout' : 'gateway_unavailable';
      if (deps.breaker.fail()) {
        logger.warn('payment gateway breaker opened', { provider: deps.provider.name, open_ms: deps.breaker.openMs, error: errorSummary(error) });
        emitMetric(metrics, 'CircuitOpen', { dependency: 'payments' });
      }
      logger.warn('payment attempt failed', { order_id: input.order_id, attempt, error: errorSummary(error) });
    }
  }
  return failed(reason, policy.attempts);
}

function outcomeOf(result: ChargeResult, input: ChargeOrderInput, attempts: number): ChargeOutcome {
  if (result.status === 'succeeded') {
    return { event: 'payment.succeeded', data: { order_id: input.order_id, payment_id: result.paymentId, amount: input.amount }, attempts };
  }
  return { event: 'payment.failed', data: { order_id: input.order_id, amount: input.amount, reason: result.reason }, attempts };
}

/** One provider call, aborted and reported as a timeout when it outlives `timeoutMs`. */
async function callWithTimeout(provider: PaymentProvider, request: Parameters<PaymentProvider['charge']>[0], timeoutMs: number): Promise<ChargeResult> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new PaymentGatewayTimeoutError(provider.name, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([provider.charge(request, { signal: controller.signal }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
