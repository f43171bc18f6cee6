import { inventoryReleaseConsumer } from '../../shared/inventory/inventory-consumers.js';

/** SQS consumer of `inventory-release` (inventory.release_requested, order.completed): gives reserved stock back, or settles it as sold, once per order. See docs/orders.md. */
export const handler = inventoryReleaseConsumer();
