/** GET /api/v1/orders/{order_id} — one order with status, totals and timeline. */
import { getOrderHandler } from '../../shared/orders/order-handlers.js';

export const handler = getOrderHandler();
