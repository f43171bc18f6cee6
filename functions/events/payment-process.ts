import { paymentProcessConsumer } from '../../shared/orders/saga/saga-consumers.js';

/** SQS consumer of `payment-process` (inventory.reserved → charge the order once, then paid + payment.succeeded or payment.failed): see docs/orders.md. */
export const handler = paymentProcessConsumer();
