import { EVENT_TYPES } from '../../../events/catalog.js';
import { sqsConsumer } from '../../consumers/sqs-consumer.js';
import { paymentBreaker } from '../../payments/charge-order.js';
import { paymentProviderFromEnv } from '../../payments/payment-provider-from-env.js';
import { metrics, publishMetrics } from '../../powertools/metrics.js';
import { FINALIZE_EVENTS, finalizeOrder, type FinalizeOrderDeps } from './finalize-order.js';
import type { OrderSagaStore } from './order-saga-store.js';
import { processPayment, type ProcessPaymentDeps } from './process-payment.js';
import { projectOrderEvent } from './project-order-event.js';
import { sagaStoreFromEnv } from './saga-store-from-env.js';

/** Ports of payment-process: the saga store, the gateway named by `PAYMENT_PROVIDER` and this container's breaker. */
export const paymentDepsFromEnv = (env: NodeJS.ProcessEnv): ProcessPaymentDeps => ({
  store: sagaStoreFromEnv(env),
  provider: paymentProviderFromEnv(env),
  breaker: paymentBreaker(),
  metrics,
});

/** `payment-process` (inventory.reserved): see processPayment. `setup` overrides the ports (tests). */
export function paymentProcessConsumer(setup: (env: NodeJS.ProcessEnv) => ProcessPaymentDeps = paymentDepsFromEnv) {
  return sqsConsumer({
    consumer: 'payment-process',
    events: ['inventory.reserved'],
    setup,
    handle: async (event, deps) => {
      try {
        return await processPayment(event, deps);
      } finally {
        publishMetrics();
      }
    },
  });
}

/** `order-finalize` (reservation_failed, payment.succeeded, payment.failed): see finalizeOrder. */
export function orderFinalizeConsumer(setup: (env: NodeJS.ProcessEnv) => FinalizeOrderDeps = (env) => ({ store: sagaStoreFromEnv(env), metrics })) {
  return sqsConsumer({
    consumer: 'order-finalize',
    events: FINALIZE_EVENTS,
    setup,
    handle: async (event, deps) => {
      try {
        return await finalizeOrder(event, deps);
      } finally {
        publishMetrics();
      }
    },
  });
}

/** `order-status-projector` (every event type): see projectOrderEvent. */
export function orderStatusProjectorConsumer(setup: (env: NodeJS.ProcessEnv) => { store: OrderSagaStore } = (env) => ({ store: sagaStoreFromEnv(env) })) {
  return sqsConsumer({ consumer: 'order-status-projector', events: EVENT_TYPES, setup, handle: (event, deps) => projectOrderEvent(event, deps) });
}
