import { inventoryReserveConsumer } from '../../shared/inventory/inventory-consumers.js';

/** SQS consumer of `inventory-reserve` (order.created): reserves every line or none. See docs/orders.md. */
export const handler = inventoryReserveConsumer();
