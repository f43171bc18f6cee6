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
  /**
   * Keys the caller expects to take from the merged stream (skip + page size). Each shard
   * first reads its share of them plus a margin; one that runs dry before the caller is done
   * reads again, what is still wanted and at least twice its previous read.
   */
  wanted: number;
  /** Floor of every shard read (a caller that drops keys itself wants more per trip). @default 1 */
  minRead?: number;
}

/**
 * A shard's first read: its share of the wanted keys with slack for hash variance, plus a
 * margin. A re-read is one more round trip in series; with a margin of 3 a page of 10 needs
 * one in ~1.3% of pages over 20 shards (4 keys each) and ~0.3% over 7 (5 keys each); with 2
 * it would be ~16% and ~20%, i.e. in the p95.
 */
const SHARE_SLACK = 1.25;
const SHARE_MARGIN = 3;
/** DynamoDB returns at most 1 MB per Query anyway; lean entries are far below that at 1,000. */
const MAX_READ = 1_000;
/** A search filter may drop every key of a round: read more per trip so each yields something. */
const SEARCH_MIN_READ = 200;

type Query = (input: QueryCommandInput) => Promise<Pick<QueryCommandOutput, 'Items' | 'LastEvaluatedKey' | 'Count'>>;

interface Shard {
  input: QueryCommandInput;
  keys: string[];
  at: number;
  /** Limit of the shard's last read. */
  read: number;
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
 * which ends in the id and so is unique. A shard's next key is needed only once the merge
 * has taken all it read, so shards first read about `wanted / shards` keys each (a page of
 * 10 over 20 shards reads 80 keys, not 200) and only a shard that runs dry reads again.
 */
export async function* mergedSortKeys(query: Query, read: ShardedRead): AsyncGenerator<string> {
  const partitions = indexPartitions(read.index, read.value);
  const floor = Math.max(1, read.minRead ?? 1, read.search ? SEARCH_MIN_READ : 1);
  const firstRead = Math.min(MAX_READ, Math.max(floor, Math.ceil((read.wanted / partitions.length) * SHARE_SLACK) + SHARE_MARGIN));
  const shards: Shard[] = partitions.map((partition) => {
    const input = shardInput(read, partition);
    return {
      input: { ...input, ProjectionExpression: '#s', ExpressionAttributeNames: { ...input.ExpressionAttributeNames, '#s': read.index.sortKey } },
      keys: [],
      at: 0,
      read: 0,
      done: false,
    };
  });
  // A prefix's BETWEEN bounds are inclusive: drop `after` itself and the bound past the range.
  const keepKey = (key: string) => read.prefix === undefined || (key !== read.after && key.startsWith(read.prefix));
  let taken = 0;
  const fill = async (shard: Shard) => {
    while (shard.at >= shard.keys.length && !shard.done) {
      const limit = shard.read === 0 ? firstRead : Math.min(MAX_READ, Math.max(floor, read.wanted - taken, shard.read * 2));
      const out = await query({ ...shard.input, Limit: limit, ExclusiveStartKey: shard.startKey });
      shard.read = limit;
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
    taken++;
    yield best.keys[best.at++]!;
    if (best.at >= best.keys.length) await fill(best);
  }
}

/** Items matching a search over every shard of an index (COUNT queries in parallel). */
export async function countSharded(query: Query, read: Omit<ShardedRead, 'after' | 'wanted' | 'descending'>): Promise<number> {
  const counts = await Promise.all(
    indexPartitions(read.index, read.value).map(async (partition) => {
      const input = { ...shardInput({ ...read, descending: false, wanted: 0 }, partition), Select: 'COUNT' as const };
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
