import { sqsConsumer } from '../consumers/sqs-consumer.js';
import { containerCache } from '../entity/entity-container.js';
import { outboxTable } from '../events/outbox.table.js';
import { ordersTable } from '../orders/orders.table.js';
import { metrics, publishMetrics } from '../powertools/metrics.js';
import { tracer } from '../powertools/tracer.js';
import { products } from '../products/products.entity.js';
import { requiredEnv } from '../runtime/required-env.js';
import { createDocumentClient } from '../store/dynamodb/document-client.js';
import { DynamoDbInventoryStore } from '../store/dynamodb/dynamodb-inventory-store.js';
import { tableDesign } from '../store/dynamodb/table-design.js';
import { commitInventory } from './commit-inventory.js';
import type { InventoryDeps } from './inventory-deps.js';
import { releaseInventory } from './release-inventory.js';
import { reserveInventory } from './reserve-inventory.js';

export const INVENTORY_RESERVE_CONSUMER = 'inventory-reserve';
export const INVENTORY_RELEASE_CONSUMER = 'inventory-release';

/**
 * The ports from the environment: the DynamoDB store over the products table
 * (`PRODUCTS_TABLE_NAME`), the orders table and the outbox, the container's cache (the one
 * product reads go through) and the Powertools metrics.
 */
export function inventoryDepsFromEnv(env: NodeJS.ProcessEnv): InventoryDeps {
  const client = tracer.captureAWSv3Client(createDocumentClient(env));
  const tables = {
    products: requiredEnv(env, tableDesign(products).envVar),
    orders: requiredEnv(env, ordersTable.envVar),
    outbox: requiredEnv(env, outboxTable.envVar),
  };
  return { store: new DynamoDbInventoryStore(client, tables), cache: containerCache(env), metrics };
}

/** The `inventory-reserve` consumer (order.created): all lines or none; `setup` overrides the ports (tests). */
export function inventoryReserveConsumer(setup: (env: NodeJS.ProcessEnv) => InventoryDeps = inventoryDepsFromEnv) {
  return sqsConsumer({
    consumer: INVENTORY_RESERVE_CONSUMER,
    events: ['order.created'],
    setup,
    handle: async (event, deps) => {
      try {
        return await reserveInventory(event, deps);
      } finally {
        publishMetrics();
      }
    },
  });
}

/**
 * The `inventory-release` consumer: inventory.release_requested gives the reservation back,
 * order.completed settles it as sold (out of `stock_reserved`); each once per order. `setup`
 * overrides the ports (tests).
 */
export function inventoryReleaseConsumer(setup: (env: NodeJS.ProcessEnv) => InventoryDeps = inventoryDepsFromEnv) {
  return sqsConsumer({
    consumer: INVENTORY_RELEASE_CONSUMER,
    events: ['inventory.release_requested', 'order.completed'],
    setup,
    handle: async (event, deps) => {
      try {
        return event.type === 'order.completed' ? await commitInventory(event, deps) : await releaseInventory(event, deps);
      } finally {
        publishMetrics();
      }
    },
  });
}
