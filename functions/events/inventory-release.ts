import { inventoryReleaseConsumer } from '../../shared/inventory/inventory-consumers.js';

/** SQS consumer of `inventory-release` (inventory.release_requested): gives reserved stock back once per order. See docs/orders.md. */
export const handler = inventoryReleaseConsumer();
