import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Entity } from '../../entity/define-entity.js';
import { filterValue } from '../../entity/filter-value.js';
import type { CounterDelta } from '../entity-store.js';
import { batchWrite } from './batch-io.js';
import { counterKeys, isCounterKey, PK, type TableDesign, tableDesign } from './table-design.js';

export interface RecountResult {
  counts: CounterDelta;
  /** Items read (counter and design items excluded). */
  scanned: number;
  /** Counter items written (every shard of every counter) and stale ones deleted. */
  written: number;
  deleted: number;
}

/**
 * Recounts an entity from its table and rewrites every counter shard (the sum on shard 0,
 * the others 0; counters of filter values no item has any more are deleted). Reads with
 * parallel Scan segments, keys and filter fields only, page by page: memory holds one page
 * per segment and one number per filter value. Writes that land while it runs may be lost
 * from the counts: run it with writes paused (or run it again afterwards).
 */
export async function repairCounters(client: DynamoDBDocumentClient, entity: Entity, tableName: string, segments = 4): Promise<RecountResult> {
  const design = tableDesign(entity);
  const counts: CounterDelta = { total: 0, filters: Object.fromEntries(Object.keys(entity.list.filters).map((name) => [name, {}])) };
  const existingCounters = new Set<string>();
  const fields = Object.values(entity.list.filters).map((filter) => filter.field);
  const names = Object.fromEntries([PK, ...fields].map((field, i) => [`#a${i}`, field]));
  let scanned = 0;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new ScanCommand({
            TableName: tableName,
            Segment: segment,
            TotalSegments: segments,
            ProjectionExpression: Object.keys(names).join(', '),
            ExpressionAttributeNames: names,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const record of out.Items ?? []) {
          const pk = String(record[PK]);
          if (isCounterKey(pk)) existingCounters.add(pk);
          if (pk.startsWith('#')) continue;
          scanned++;
          counts.total++;
          for (const [name, filter] of Object.entries(entity.list.filters)) {
            const value = filterValue(record[filter.field]);
            if (value) counts.filters[name]![value] = (counts.filters[name]![value] ?? 0) + 1;
          }
        }
        startKey = out.LastEvaluatedKey;
      } while (startKey);
    }),
  );
  const puts = counterItems(design, counts);
  const keep = new Set(puts.map((item) => item[PK]));
  const stale = [...existingCounters].filter((key) => !keep.has(key));
  await batchWrite(client, tableName, [
    ...puts.map((item) => ({ PutRequest: { Item: item } })),
    ...stale.map((key) => ({ DeleteRequest: { Key: { [PK]: key } } })),
  ]);
  return { counts, scanned, written: puts.length, deleted: stale.length };
}

/** Every shard of every counter, holding `counts` (all of it on shard 0). */
function counterItems(design: TableDesign, counts: CounterDelta): { pk: string; n: number }[] {
  const family = (keys: string[], n: number) => keys.map((key, shard) => ({ [PK]: key, n: shard === 0 ? n : 0 }) as { pk: string; n: number });
  return [
    ...family(counterKeys(design), counts.total),
    ...Object.entries(counts.filters).flatMap(([name, values]) =>
      Object.entries(values).flatMap(([value, n]) => family(counterKeys(design, { name, value }), n)),
    ),
  ];
}
