import { createTables } from '../../infra/local/create-tables.js';
import { ordersTable } from '../../shared/orders/orders.table.js';
import { tableDesigns } from '../../shared/registry.js';
import { OUTBOX_TABLE_ENV, OUTBOX_TABLE_ID } from '../../shared/store/dynamodb/outbox-put.js';
import { PK } from '../../shared/store/dynamodb/table-design.js';
import type { LocalTables } from './local-tables.js';

/**
 * The outbox table of this test file: the registry's when it declares one, else a stand-in
 * of the same key shape under the file's prefix (dropped with the other tables). Returns its name.
 */
export async function ensureOutboxTable(tables: LocalTables): Promise<string> {
  if (!tableDesigns.some((design) => design.id === OUTBOX_TABLE_ID)) {
    const prefix = tables.env[ordersTable.envVar]!.slice(0, -ordersTable.id.length);
    const env = await createTables(tables.client, [{ id: OUTBOX_TABLE_ID, envVar: OUTBOX_TABLE_ENV, partitionKey: PK, indexes: [] }], prefix);
    Object.assign(tables.env, env);
    Object.assign(process.env, env);
  }
  return process.env[OUTBOX_TABLE_ENV]!;
}
