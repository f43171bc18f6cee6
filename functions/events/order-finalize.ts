import { orderFinalizeConsumer } from '../../shared/orders/saga/saga-consumers.js';

/** SQS consumer of `order-finalize` (reservation_failed / payment.succeeded / payment.failed → rejected, completed or payment_failed (+ stock release)): see docs/orders.md. */
export const handler = orderFinalizeConsumer();
