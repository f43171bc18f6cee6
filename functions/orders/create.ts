/** POST /api/v1/orders — 202 with the pending order's id; idempotent on the Idempotency-Key header. */
import { createOrderHandler } from '../../shared/orders/order-handlers.js';

export const handler = createOrderHandler();
