import { BatchWriteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Entity } from '../../shared/entity/define-entity.js';
import { filterValue } from '../../shared/entity/filter-value.js';
import { counterKey, PK, tableDesign } from '../../shared/store/dynamodb/table-design.js';
import { toRecord } from '../../shared/store/dynamodb/item-record.js';
import type { StoredItem } from '../../shared/store/entity-store.js';

export interface SeedOptions {
  /** Parallel BatchWrite loops pulling from the same batch source. */
  writers: number;
  /** Called after every `reportEvery` items with the running count. */
  onProgress?: (written: number) => void;
  reportEvery?: number;
}

export interface SeedResult {
  items: number;
  ms: number;
  itemsPerSecond: number;
  /** BatchWrite retries of UnprocessedItems. */
  retries: number;
  /** Items per counter (shard 0 of `#count#<shard>`, `#count#hometown#<value>#<shard>`): the sum the store reads. */
  counters: Map<string, number>;
}

/**
 * Writes items straight to the table with 25-item BatchWrites from several concurrent
 * writers, building each DynamoDB record with the adapter's own `toRecord` so GSI and
 * search attributes are exactly what the API writes. Batches are pulled from a generator,
 * so memory stays flat however many items go in. Counter items are not written here.
 */
export async function seedItems(
  doc: DynamoDBDocumentClient,
  entity: Entity,
  tableName: string,
  batches: Iterator<StoredItem[]>,
  options: SeedOptions,
): Promise<SeedResult> {
  const design = tableDesign(entity);
  const counters = new Map<string, number>();
  const count = (key: string) => counters.set(key, (counters.get(key) ?? 0) + 1);
  let items = 0;
  let retries = 0;
  let nextReport = options.reportEvery ?? Number.POSITIVE_INFINITY;
  const started = performance.now();

  async function writer() {
    for (let next = batches.next(); !next.done; next = batches.next()) {
      let requests = next.value.map((item) => {
        count(counterKey(0));
        for (const [name, filter] of Object.entries(entity.list.filters)) {
          const value = filterValue(item[filter.field]);
          if (value) count(counterKey(0, { name, value }));
        }
        return { PutRequest: { Item: toRecord(entity, design, item) } };
      });
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 0) {
          retries++;
          await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** attempt)));
        }
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
      items += next.value.length;
      if (items >= nextReport) {
        options.onProgress?.(items);
        nextReport += options.reportEvery ?? 0;
      }
    }
  }

  await Promise.all(Array.from({ length: options.writers }, writer));
  const ms = performance.now() - started;
  return { items, ms, itemsPerSecond: items / (ms / 1000), retries, counters };
}

/** Sets counter items (`n`) to the given values, the way the store's ADD keeps them. */
export async function writeCounters(doc: DynamoDBDocumentClient, tableName: string, counters: Map<string, number>): Promise<void> {
  for (const [key, n] of counters) {
    await doc.send(new PutCommand({ TableName: tableName, Item: { [PK]: key, n } }));
  }
}
