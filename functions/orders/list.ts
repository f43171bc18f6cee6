/** GET /api/v1/orders — orders by customer and/or status, newest first, cursor paginated. */
import { listOrdersHandler } from '../../shared/orders/order-handlers.js';

export const handler = listOrdersHandler();
