import { PK, type TableDesign, shardsFor } from '../store/dynamodb/table-design.js';

/** Orders per second the table is sized for (the saga writes each order ~4 more times). */
export const ORDER_WRITES_PER_SECOND = 1_000;

export const ORDERS_BY_CUSTOMER_INDEX = 'customer_recent';
export const ORDERS_BY_STATUS_INDEX = 'status_recent';

/**
 * THE orders table: one item per order (`pk` = order id), one per used idempotency key
 * (`pk` = `#idem#<hash>`, deleted by TTL after a day) and one inventory reservation record per
 * reserved order (`pk` = `#inventory#<order id>`, shared/store/dynamodb/dynamodb-inventory-store.ts). Two lean indexes serve
 * `GET /api/v1/orders`, newest first (sort `_k_created` = created_at + id):
 * - `customer_recent`, partition `_p_customer` = customer id: one customer's orders are never
 *   a hot partition, so it is unsharded;
 * - `status_recent`, partition `_p_status` = `<status>#<shard>`: every new order is `pending`
 *   and every saga step moves the entry (a key change costs 2 index writes), so the status
 *   partitions are write-sharded for the declared rate like the entity indexes
 *   (docs/table-design.md) and a list merges the shards.
 */
export const ordersTable: TableDesign = {
  id: 'orders',
  envVar: 'ORDERS_TABLE_NAME',
  partitionKey: PK,
  indexes: [
    // `status` projected: a customer's list filtered by status filters on the index, not on items.
    { name: ORDERS_BY_CUSTOMER_INDEX, partitionKey: '_p_customer', sortKey: '_k_created', include: ['status'], shards: 1 },
    { name: ORDERS_BY_STATUS_INDEX, partitionKey: '_p_status', sortKey: '_k_created', shards: shardsFor(ORDER_WRITES_PER_SECOND, 1, 2) },
  ],
  timeToLiveAttribute: 'expires_at',
};
