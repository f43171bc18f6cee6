import { orderStatusProjectorConsumer } from '../../shared/orders/saga/saga-consumers.js';

/** SQS consumer of `order-status-projector` (every saga event → the order's timeline, once per event id): see docs/orders.md. */
export const handler = orderStatusProjectorConsumer();
