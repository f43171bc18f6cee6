/** POST /api/v1/orders/{order_id}/cancel — cancels an order until payment starts. */
import { cancelOrderHandler } from '../../shared/orders/order-handlers.js';

export const handler = cancelOrderHandler();
