import type { QueryCommandInput, QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { type IndexDesign, indexPartitions, SEARCH_ATTR } from './table-design.js';
import { compareUtf8 } from './utf8-order.js';

export interface SearchPassRead {
  table: string;
  index: IndexDesign;
  /** Filter value, or undefined for the all-items partitions. */
  value?: string;
  descending: boolean;
  /** Lower-cased substring of the projected `_search` text. */
  search: string;
  /** Collect sort keys strictly after this one (in list order); everything is counted. */
  after?: string;
  /** Sort keys to collect. */
  limit: number;
  /** Epoch ms after which no further Query is sent. */
  deadline?: number;
  /** Called after every Query with what the pass is sure of so far (a snapshot, computed on call). */
  onRead?: (sofar: () => SearchPass) => void;
}

/** Entries the first Query of a shard reads; each next one reads 4× more (DynamoDB stops at 1 MB). */
const FIRST_READ = 100;
const READ_GROWTH = 4;
const MAX_READ = 6_400;

export interface SearchPass {
  /** Matches counted (all of them when `exact`). */
  matched: number;
  /** Index entries read: the share of the index the pass covered, for an estimate. */
  scanned: number;
  /** Every shard was read to its end. */
  exact: boolean;
  /** Sort keys after `after`, in list order, at most `limit`: only those no unread entry can precede. */
  keys: string[];
  /** `keys` holds every match after `after`. */
  complete: boolean;
  /** Unless exact: every entry up to this sort key has been read (undefined until each open shard has read once). */
  readUpTo?: string;
}

type Query = (input: QueryCommandInput) => Promise<Pick<QueryCommandOutput, 'Items' | 'LastEvaluatedKey' | 'Count' | 'ScannedCount'>>;

interface Shard {
  keys: string[];
  /** A match after `after` was left out because `keys` was full. */
  truncated: boolean;
  /** Last sort key read (LastEvaluatedKey); undefined before the first page. */
  reached?: string;
  startKey?: Record<string, unknown>;
  done: boolean;
}

/**
 * One pass over every shard of a lean index for a search: each shard is its own segment,
 * read in parallel to its end with `contains(_search, :q)` and only the sort key projected.
 * It counts every match and keeps each shard's first `limit` matches after `after`; their
 * merge is the first `limit` of the whole list (shards are sorted, sort keys unique). At
 * the deadline it stops sending Queries and answers the keys it is sure of: those that
 * precede every position an unfinished shard has not yet read past.
 */
export async function searchPass(query: Query, read: SearchPassRead): Promise<SearchPass> {
  const sign = read.descending ? -1 : 1;
  const after = read.after;
  const past = (key: string) => after === undefined || sign * compareUtf8(key, after) > 0;
  let matched = 0;
  let scanned = 0;
  const partitions = indexPartitions(read.index, read.value);
  const shards: Shard[] = partitions.map(() => ({ keys: [], truncated: false, done: false }));
  const sofar = (): SearchPass => {
    const exact = shards.every((shard) => shard.done);
    const merged = shards.flatMap((shard) => shard.keys).sort((a, b) => sign * compareUtf8(a, b));
    // A shard still being read bounds what is certain, unless it already holds `limit` keys.
    const open = shards.filter((shard) => !shard.done && shard.keys.length < read.limit);
    const sure = (key: string) => open.every((shard) => shard.reached !== undefined && sign * compareUtf8(key, shard.reached) <= 0);
    const certain: string[] = [];
    for (const key of merged) {
      if (certain.length === read.limit || !sure(key)) break;
      certain.push(key);
    }
    const bounds = open.map((shard) => shard.reached);
    const readUpTo =
      exact || open.length === 0 || bounds.some((bound) => bound === undefined)
        ? undefined
        : (bounds as string[]).reduce((low, bound) => (sign * compareUtf8(bound, low) < 0 ? bound : low));
    return { matched, scanned, exact, keys: certain, complete: exact && merged.length <= read.limit && !shards.some((shard) => shard.truncated), readUpTo };
  };
  await Promise.all(
    partitions.map(async (partition, at) => {
      const shard = shards[at]!;
      // Small reads first: a common term's page is sure after one short round; then fewer, bigger reads.
      let reading = FIRST_READ;
      const input: QueryCommandInput = {
        TableName: read.table,
        IndexName: read.index.name,
        KeyConditionExpression: '#p = :p',
        FilterExpression: 'contains(#q, :q)',
        ProjectionExpression: '#s',
        ExpressionAttributeNames: { '#p': read.index.partitionKey, '#q': SEARCH_ATTR, '#s': read.index.sortKey },
        ExpressionAttributeValues: { ':p': partition, ':q': read.search },
        ScanIndexForward: !read.descending,
      };
      const { '#s': _sortKey, ...countNames } = input.ExpressionAttributeNames!;
      while (!shard.done) {
        if (read.deadline !== undefined && Date.now() >= read.deadline) return;
        // A shard holding its `limit` keys only counts on (tiny answers, the same reads), 1 MB at a time.
        const counting = shard.keys.length >= read.limit;
        const out = await query(
          counting
            ? { ...input, Select: 'COUNT', ProjectionExpression: undefined, ExpressionAttributeNames: countNames, ExclusiveStartKey: shard.startKey }
            : { ...input, Limit: Math.min(reading, MAX_READ), ExclusiveStartKey: shard.startKey },
        );
        reading *= READ_GROWTH;
        if (counting && (out.Count ?? 0) > 0) shard.truncated = true;
        matched += out.Count ?? 0;
        scanned += out.ScannedCount ?? 0;
        for (const item of out.Items ?? []) {
          const key = String(item[read.index.sortKey]);
          if (!past(key)) continue;
          if (shard.keys.length < read.limit) shard.keys.push(key);
          else shard.truncated = true;
        }
        shard.startKey = out.LastEvaluatedKey;
        shard.reached = out.LastEvaluatedKey ? String(out.LastEvaluatedKey[read.index.sortKey]) : undefined;
        shard.done = !out.LastEvaluatedKey;
        read.onRead?.(sofar);
      }
    }),
  );
  return sofar();
}
