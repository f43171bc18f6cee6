import type { TableAction } from '../entity/entity-functions.js';
import { PK, type TableDesign } from '../store/dynamodb/table-design.js';

/**
 * THE notifications table: one claim per (event, channel), written with a conditional PutItem
 * BEFORE the send. `pk` = `<order_id>#<event_id>#<channel>` (TableDesign has no sort key yet;
 * the order id leads the key so a later pk/sk split is mechanical). Claims die by TTL.
 */
export const notificationsTable: TableDesign = {
  id: 'notifications',
  envVar: 'NOTIFICATIONS_TABLE_NAME',
  partitionKey: PK,
  indexes: [],
  timeToLiveAttribute: 'expires_at',
};

export const notificationsTableGrant: { table: string; actions: TableAction[] } = {
  table: notificationsTable.id,
  actions: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query'],
};
