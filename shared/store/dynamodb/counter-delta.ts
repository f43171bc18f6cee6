import type { CounterDelta, ListFilter } from '../entity-store.js';
import { counterKey, PK, shardOf, type TableDesign } from './table-design.js';

/** An UpdateItem (also usable as a TransactWriteItems `Update`) that adds to one counter shard. */
export interface CounterUpdate {
  TableName: string;
  Key: Record<string, string>;
  UpdateExpression: string;
  ExpressionAttributeValues: Record<string, number>;
}

/** An empty delta. */
export const noDelta = (): CounterDelta => ({ total: 0, filters: {} });

/** Adds `by` to the count of the total (when `total`) and of each filter value. */
export function addToDelta(delta: CounterDelta, filters: ListFilter[], by: number, total = true): void {
  if (total) delta.total += by;
  for (const filter of filters) {
    const values = (delta.filters[filter.name] ??= {});
    values[filter.value] = (values[filter.value] ?? 0) + by;
  }
}

/**
 * The counter updates that apply an aggregated delta (a bulk batch's): one `ADD n :d` per
 * non-zero counter, each on one shard chosen from `seed`. Pure, so an importer can put them in
 * the same TransactWriteItems as its checkpoint (a retried batch picks the same shards, and a
 * batch is counted exactly when its checkpoint is). A transaction holds at most 100 items:
 * a delta touching more filter values than that must be split by the caller.
 */
export function counterDeltaUpdates(design: TableDesign, tableName: string, delta: CounterDelta, seed: string): CounterUpdate[] {
  const counters = design.counters;
  if (!counters) throw new Error(`${design.id}: the table has no counters`);
  const update = (key: string, by: number): CounterUpdate => ({
    TableName: tableName,
    Key: { [PK]: key },
    UpdateExpression: 'ADD n :d',
    ExpressionAttributeValues: { ':d': by },
  });
  const updates: CounterUpdate[] = [];
  if (delta.total !== 0) updates.push(update(counterKey(shardOf(seed, counters.total.shards)), delta.total));
  for (const [name, values] of Object.entries(delta.filters)) {
    const family = counters.filters[name];
    if (!family) throw new Error(`${design.id}: no counter for filter '${name}'`);
    for (const [value, by] of Object.entries(values)) {
      if (by !== 0) updates.push(update(counterKey(shardOf(`${seed}|${value}`, family.shards), { name, value }), by));
    }
  }
  return updates;
}
