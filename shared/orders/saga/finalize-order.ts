import type { DomainEvent, EventEnvelope } from '../../../events/catalog.js';
import { emitMetric, type MetricSink, NO_METRICS } from '../../observability/emit-metric.js';
import { logger } from '../../powertools/logger.js';
import { type EventOrigin, orderEvent } from '../order-events.js';
import type { OrderStatus, OrderView } from '../orders.schemas.js';
import type { OrderSagaStore } from './order-saga-store.js';

/** The events order-finalize consumes. */
export const FINALIZE_EVENTS = ['inventory.reservation_failed', 'payment.succeeded', 'payment.failed'] as const;
export type FinalizeEvent = EventEnvelope<(typeof FINALIZE_EVENTS)[number]>;

export interface FinalizeOrderDeps {
  store: OrderSagaStore;
  /** OrdersCompleted / OrdersRejected. @default NO_METRICS */
  metrics?: MetricSink;
  now?: () => Date;
}

export type FinalizeOrderResult =
  | { outcome: 'completed' | 'rejected' | 'payment_failed'; event_ids: string[] }
  | { outcome: 'skipped'; status: OrderStatus | 'missing' };

/** One step's rule: the status it moves from, the status it ends in, and the events that causes. */
interface FinalStep {
  from: OrderStatus;
  to: 'completed' | 'rejected' | 'payment_failed';
  events: (order: OrderView, origin: EventOrigin, at: Date) => DomainEvent[];
  metric: 'OrdersCompleted' | 'OrdersRejected';
}

function stepOf(event: FinalizeEvent): FinalStep {
  switch (event.type) {
    case 'inventory.reservation_failed':
      return {
        from: 'pending',
        to: 'rejected',
        metric: 'OrdersRejected',
        events: (order, origin, at) => [orderEvent('order.rejected', { order_id: order.order_id, reason: event.data.reason }, origin, at)],
      };
    case 'payment.succeeded':
      return {
        from: 'paid',
        to: 'completed',
        metric: 'OrdersCompleted',
        events: (order, origin, at) => [
          orderEvent('order.completed', { order_id: order.order_id, customer_id: order.customer_id, total: order.total }, origin, at),
        ],
      };
    case 'payment.failed':
      return {
        from: 'payment_pending',
        to: 'payment_failed',
        metric: 'OrdersRejected',
        // The compensation travels with the outcome: the stock release is requested in the same transaction.
        events: (order, origin, at) => [
          orderEvent('order.payment_failed', { order_id: order.order_id, customer_id: order.customer_id, reason: event.data.reason }, origin, at),
          orderEvent(
            'inventory.release_requested',
            { order_id: order.order_id, items: order.items.map(({ sku, quantity }) => ({ sku, quantity })), reason: 'payment_failed' },
            origin,
            at,
          ),
        ],
      };
  }
}

const RACE_ATTEMPTS = 3;

/**
 * The saga's last step: reservation_failed → pending → rejected (+ order.rejected);
 * payment.succeeded → paid → completed (+ order.completed); payment.failed → payment_pending →
 * payment_failed (+ order.payment_failed and inventory.release_requested). Each is one
 * transaction conditioned on status and version; an order in any other status (already
 * finalized, cancelled) is left alone, so duplicates and stale events change nothing.
 */
export async function finalizeOrder(event: FinalizeEvent, deps: FinalizeOrderDeps): Promise<FinalizeOrderResult> {
  const now = deps.now ?? (() => new Date());
  const origin: EventOrigin = { correlationId: event.correlation_id, causationId: event.id };
  const orderId = event.data.order_id;
  const step = stepOf(event);
  for (let attempt = 1; attempt <= RACE_ATTEMPTS; attempt++) {
    const current = await deps.store.load(orderId);
    if (!current) {
      logger.warn('event for an order that does not exist: nothing to finalize', { order_id: orderId });
      return { outcome: 'skipped', status: 'missing' };
    }
    const { order } = current;
    if (order.status !== step.from) {
      logger.info('order is not where this event applies: left alone', { order_id: orderId, status: order.status, expected: step.from });
      return { outcome: 'skipped', status: order.status };
    }
    const at = now();
    const events = step.events(order, origin, at);
    if (await deps.store.advance({ orderId, from: step.from, version: order.version, to: step.to, at, events })) {
      emitMetric(deps.metrics ?? NO_METRICS, step.metric);
      logger.info('order finalized', { order_id: orderId, status: step.to, event_ids: events.map((e) => e.id) });
      return { outcome: step.to, event_ids: events.map((e) => e.id) };
    }
  }
  throw new Error(`order ${orderId} kept changing while it was finalized; the delivery is retried`);
}
