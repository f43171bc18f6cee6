import { outboxTable } from '../../shared/events/outbox.table.js';
import type { LocalTables } from './local-tables.js';

/** The name of this test file's outbox table (the registry declares it; createLocalTables made it). */
export async function ensureOutboxTable(tables: LocalTables): Promise<string> {
  const name = tables.env[outboxTable.envVar];
  if (!name) throw new Error(`${outboxTable.envVar} is not set: createLocalTables() makes every registered table`);
  return name;
}
