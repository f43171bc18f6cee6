import type { QueryCommandInput, QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { type IndexDesign, indexPartitions, SEARCH_ATTR } from './table-design.js';
import { compareUtf8 } from './utf8-order.js';

export interface ShardedRead {
  table: string;
  index: IndexDesign;
  /** Filter value, or undefined for the all-items partitions. */
  value?: string;
  descending: boolean;
  /** Lower-cased substring of the search text (FilterExpression on the projected `_search`). */
  search?: string;
  /** Resume strictly after this index sort key (the previous page's last). */
  after?: string;
  /** Only sort keys starting with this (a `begins_with` key condition); `after`, if given, starts with it too. */
  prefix?: string;
  /** Keys each shard reads per round trip. */
  batch: number;
}

type Query = (input: QueryCommandInput) => Promise<Pick<QueryCommandOutput, 'Items' | 'LastEvaluatedKey' | 'Count'>>;

interface Shard {
  input: QueryCommandInput;
  keys: string[];
  at: number;
  startKey?: Record<string, unknown>;
  done: boolean;
}

/** Query input of one shard: its partition, the resume condition, the search filter. */
function shardInput(read: ShardedRead, partition: string): QueryCommandInput {
  const names: Record<string, string> = { '#p': read.index.partitionKey };
  const values: Record<string, unknown> = { ':p': partition };
  let condition = '#p = :p';
  if (read.prefix !== undefined) {
    // One condition per sort key: resuming inside the prefix's range is a BETWEEN that
    // includes `after` (and the range's upper bound), which the merge drops (keepKey).
    names['#s'] = read.index.sortKey;
    values[':b'] = read.prefix;
    if (read.after === undefined) condition += ' AND begins_with(#s, :b)';
    else if (read.descending) {
      condition += ' AND #s BETWEEN :b AND :a';
      values[':a'] = read.after;
    } else {
      condition += ' AND #s BETWEEN :a AND :z';
      values[':a'] = read.after;
      values[':z'] = prefixEnd(read.prefix);
      delete values[':b'];
    }
  } else if (read.after !== undefined) {
    condition += read.descending ? ' AND #s < :a' : ' AND #s > :a';
    names['#s'] = read.index.sortKey;
    values[':a'] = read.after;
  }
  let filter: string | undefined;
  if (read.search) {
    names['#q'] = SEARCH_ATTR;
    values[':q'] = read.search;
    filter = 'contains(#q, :q)';
  }
  return {
    TableName: read.table,
    IndexName: read.index.name,
    KeyConditionExpression: condition,
    FilterExpression: filter,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ScanIndexForward: !read.descending,
  };
}

/**
 * The sort keys of one list, in the order a single unsharded index would return them: every
 * shard is queried in parallel (keys only) and the streams are k-way merged by sort key,
 * which ends in the id and so is unique. Shards refill lazily, `batch` keys at a time.
 */
export async function* mergedSortKeys(query: Query, read: ShardedRead): AsyncGenerator<string> {
  const shards: Shard[] = indexPartitions(read.index, read.value).map((partition) => {
    const input = shardInput(read, partition);
    return {
      input: { ...input, ProjectionExpression: '#s', ExpressionAttributeNames: { ...input.ExpressionAttributeNames, '#s': read.index.sortKey } },
      keys: [],
      at: 0,
      done: false,
    };
  });
  // A prefix's BETWEEN bounds are inclusive: drop `after` itself and the bound past the range.
  const keepKey = (key: string) => read.prefix === undefined || (key !== read.after && key.startsWith(read.prefix));
  // A search filter may drop every key of a round: read more per trip so each yields something.
  const limit = read.search ? Math.max(read.batch, 200) : read.batch;
  const fill = async (shard: Shard) => {
    while (shard.at >= shard.keys.length && !shard.done) {
      const out = await query({ ...shard.input, Limit: limit, ExclusiveStartKey: shard.startKey });
      shard.keys = (out.Items ?? []).map((item) => String(item[read.index.sortKey])).filter(keepKey);
      shard.at = 0;
      shard.startKey = out.LastEvaluatedKey;
      shard.done = !out.LastEvaluatedKey;
    }
  };
  await Promise.all(shards.map(fill));
  const sign = read.descending ? -1 : 1;
  for (;;) {
    let best: Shard | undefined;
    for (const shard of shards) {
      if (shard.at >= shard.keys.length) continue;
      if (!best || sign * compareUtf8(shard.keys[shard.at]!, best.keys[best.at]!) < 0) best = shard;
    }
    if (!best) return;
    yield best.keys[best.at++]!;
    if (best.at >= best.keys.length) await fill(best);
  }
}

/** Items matching a search over every shard of an index (COUNT queries in parallel). */
export async function countSharded(query: Query, read: Omit<ShardedRead, 'after' | 'batch' | 'descending'>): Promise<number> {
  const counts = await Promise.all(
    indexPartitions(read.index, read.value).map(async (partition) => {
      const input = { ...shardInput({ ...read, descending: false, batch: 0 }, partition), Select: 'COUNT' as const };
      let total = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const out = await query({ ...input, ExclusiveStartKey: startKey });
        total += out.Count ?? 0;
        startKey = out.LastEvaluatedKey;
      } while (startKey);
      return total;
    }),
  );
  return counts.reduce((sum, count) => sum + count, 0);
}

/**
 * The least string after every string that starts with `prefix` (its last code point + 1,
 * skipping surrogates): the inclusive upper bound of a prefix range; a key equal to it is dropped.
 */
export function prefixEnd(prefix: string): string {
  const points = Array.from(prefix).map((ch) => ch.codePointAt(0)!);
  while (points.length > 0 && points.at(-1) === 0x10ffff) points.pop();
  if (points.length === 0) return '\u{10FFFF}'.repeat(prefix.length + 1);
  const last = points.pop()! + 1;
  points.push(last === 0xd800 ? 0xe000 : last);
  return String.fromCodePoint(...points);
}
