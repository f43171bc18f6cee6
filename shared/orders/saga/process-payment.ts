import type { EventEnvelope } from '../../../events/catalog.js';
import { emitMetric, type MetricSink, NO_METRICS } from '../../observability/emit-metric.js';
import { chargeOrder, type ChargeOrderDeps, type ChargeOutcome } from '../../payments/charge-order.js';
import { logger } from '../../powertools/logger.js';
import { type EventOrigin, orderEvent } from '../order-events.js';
import type { OrderStatus } from '../orders.schemas.js';
import type { OrderSagaStore, SagaOrder } from './order-saga-store.js';

export interface ProcessPaymentDeps extends ChargeOrderDeps {
  store: OrderSagaStore;
  /** PaymentsSucceeded / PaymentsFailed. @default NO_METRICS */
  metrics?: MetricSink;
  now?: () => Date;
}

/** What one delivery did; stored as the idempotency record's result. */
export type ProcessPaymentResult =
  | { outcome: 'payment.succeeded' | 'payment.failed'; event_id: string; attempts: number }
  | { outcome: 'skipped'; status: OrderStatus | 'missing' };

/** Lost races on one order (each loser re-reads) before the delivery fails and SQS retries it. */
const RACE_ATTEMPTS = 3;

/**
 * The payment step, on `inventory.reserved`. First the order moves inventory_reserved →
 * payment_pending (conditional on status and version), so a cancel from then on is refused;
 * an order that is no longer inventory_reserved (cancelled) is left alone and never charged.
 * Then the order's total is charged with its token under the provider key `order:<id>`.
 * Success commits order → paid with `payment.succeeded`; any failure commits the reason on the
 * order (still payment_pending, version + 1) with `payment.failed`, for order-finalize.
 *
 * A delivery retried after the charge but before that write (crash, DynamoDB down) finds the
 * order payment_pending and charges again with the same key: the gateway answers the first
 * result and charges nothing more, and the write happens then. Two deliveries racing both get
 * that one answer; the version condition lets only one of them write its event.
 */
export async function processPayment(event: EventEnvelope<'inventory.reserved'>, deps: ProcessPaymentDeps): Promise<ProcessPaymentResult> {
  const now = deps.now ?? (() => new Date());
  const origin: EventOrigin = { correlationId: event.correlation_id, causationId: event.id };
  const orderId = event.data.order_id;

  for (let attempt = 1; attempt <= RACE_ATTEMPTS; attempt++) {
    const current = await deps.store.load(orderId);
    if (!current) {
      logger.warn('inventory.reserved for an order that does not exist: nothing to charge', { order_id: orderId });
      return { outcome: 'skipped', status: 'missing' };
    }
    const { order } = current;
    if (order.status === 'inventory_reserved') {
      const started = await deps.store.advance({ orderId, from: 'inventory_reserved', version: order.version, to: 'payment_pending', at: now(), events: [] });
      // Cancelled (or otherwise moved) between the read and the write: judge again.
      if (!started) continue;
      return charge({ ...current, order: { ...order, status: 'payment_pending', version: order.version + 1 } });
    }
    // A retried delivery: the charge started but its outcome was never written.
    if (order.status === 'payment_pending' && !current.paymentFailure) return charge(current);
    logger.info('order is past the payment step or cancelled: not charged', { order_id: orderId, status: order.status });
    return { outcome: 'skipped', status: order.status };
  }
  throw new Error(`order ${orderId} kept changing while payment tried to start; the delivery is retried`);

  async function charge(current: SagaOrder): Promise<ProcessPaymentResult> {
    const { order } = current;
    const outcome = current.paymentToken
      ? await chargeOrder({ order_id: orderId, amount: order.total, token: current.paymentToken }, deps)
      : noToken(order.total);
    const at = now();
    const out =
      outcome.event === 'payment.succeeded'
        ? orderEvent('payment.succeeded', outcome.data, origin, at)
        : orderEvent('payment.failed', outcome.data, origin, at);
    const committed = await deps.store.advance({
      orderId,
      from: 'payment_pending',
      version: order.version,
      to: outcome.event === 'payment.succeeded' ? 'paid' : 'payment_pending',
      at,
      events: [out],
      ...(outcome.event === 'payment.failed' ? { paymentFailure: outcome.data.reason } : {}),
    });
    if (!committed) {
      // Another delivery wrote the same gateway answer first.
      const latest = await deps.store.load(orderId);
      logger.info('payment outcome already written by another delivery', { order_id: orderId, status: latest?.order.status });
      return { outcome: 'skipped', status: latest?.order.status ?? 'missing' };
    }
    emitMetric(deps.metrics ?? NO_METRICS, outcome.event === 'payment.succeeded' ? 'PaymentsSucceeded' : 'PaymentsFailed');
    logger.info('payment outcome written', {
      order_id: orderId,
      outcome: outcome.event,
      ...(outcome.event === 'payment.failed' ? { reason: outcome.data.reason } : {}),
      attempts: outcome.attempts,
      event_id: out.id,
    });
    return { outcome: outcome.event, event_id: out.id, attempts: outcome.attempts };
  }

  /** An order stored before tokens were kept on it cannot be charged: declined, without a gateway call. */
  function noToken(amount: SagaOrder['order']['total']): ChargeOutcome {
    logger.warn('order has no stored payment token: failing its payment as declined', { order_id: orderId });
    return { event: 'payment.failed', data: { order_id: orderId, amount, reason: 'declined' }, attempts: 0 };
  }
}
