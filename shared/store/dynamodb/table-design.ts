import type { Entity } from '../../entity/define-entity.js';

/**
 * THE physical DynamoDB design of an entity, derived in one place from what the entity
 * declares (sorts, filters, search fields, capacity): index names and keys, how many write
 * shards each index and counter has, and the key functions every writer and reader uses
 * (the store, `npm run capacity`, `counters:repair`, CDK and the local table creation).
 * See docs/table-design.md for the arithmetic.
 */

/** A GSI serving one sort order, over all items or over one filter's values. */
export interface IndexDesign {
  name: string;
  partitionKey: string;
  sortKey: string;
  /** The sort order it serves. */
  sort?: string;
  filter?: string;
  /** Non-key attributes projected (INCLUDE); absent = KEYS_ONLY. Never ALL: items come from BatchGetItem. */
  include?: readonly string[];
  /** Partition values are `<value>#<shard>`, shard = shardOf(id, shards); 1 = unsharded. */
  shards: number;
}

/** Counter items summed on read; one shard moves per single-item write. */
export interface CounterDesign {
  filter?: string;
  shards: number;
}

export interface TableDesign {
  /** Logical table id, also the local table name. */
  id: string;
  /** Environment variable that carries the physical table name to functions. */
  envVar: string;
  partitionKey: string;
  indexes: IndexDesign[];
  /** The total counter and one counter family per filter; absent for tables without counts. */
  counters?: { total: CounterDesign; filters: Record<string, CounterDesign> };
  /** The declared write rate the shard counts were derived from. */
  capacity?: { writesPerSecond: number; hottestShare: Record<string, number> };
  /** Attribute (epoch seconds) after which DynamoDB TTL deletes an item. @default none */
  timeToLiveAttribute?: string;
  /**
   * DynamoDB Streams view of the table's changes, for the stream mappings of
   * shared/events/stream-sources.ts (the outbox reads NEW_IMAGE). @default none: no stream
   */
  stream?: StreamView;
}

/** What a stream record carries: the item after the change, or before and after. */
export type StreamView = 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES';

export const PK = 'pk';
export const SEARCH_ATTR = '_search';
/** Partition value of the unfiltered indexes, before its `#<shard>` suffix. */
export const ALL_VALUE = 'all';
export const partitionAttr = (filter?: string) => `_p_${filter ?? ALL_VALUE}`;
export const sortAttr = (sort: string) => `_k_${sort}`;
/**
 * Index sort keys are `<encoded sort value>\u0001<id>`: unique, so shards merge into exactly
 * the order of one index (ties by id) and a single key says where every shard resumes.
 * Control characters never survive input validation, and \u0001 sorts before any of them.
 */
export const SORT_KEY_SEPARATOR = '\u0001';

/** What one partition absorbs (AWS): above it writes throttle and GSIs push back on the table. */
export const PARTITION_WCU_LIMIT = 1_000;
export const PARTITION_RCU_LIMIT = 3_000;
/** Shards are sized for half the partition limit: headroom for bursts and hash variance. */
export const TARGET_WCU_PER_SHARD = 500;
/** A lean index entry (keys + search text) is under 1 KB: one WCU per GSI write. */
export const INDEX_ENTRY_WCU = 1;
/** A counter ADD inside TransactWriteItems costs 2 WCU. */
export const COUNTER_UPDATE_WCU = 2;

/** DynamoDB allows 20 GSIs per table; sorts × (1 + filters) must fit. */
const MAX_GSIS = 20;
/** BatchGetItem reads at most 100 keys: a counter family must fit in one call. */
const MAX_COUNTER_SHARDS = 100;

/** Shards needed so that `rate × share × wcu` spread over them stays at or under the target. */
export function shardsFor(writesPerSecond: number, share: number, wcuPerWrite: number): number {
  return Math.max(1, Math.ceil((writesPerSecond * share * wcuPerWrite) / TARGET_WCU_PER_SHARD));
}

/**
 * Derives the table from the entity declaration: per sort field one GSI over all items and
 * one per filter (partition = filter value), each write-sharded for the declared rate and the
 * declared share of the hottest filter value (undeclared: 1, the worst case); counters sized
 * the same way for their transactional cost.
 */
export function tableDesign(entity: Entity): TableDesign {
  const sorts = Object.keys(entity.list.sorts);
  const filters = Object.keys(entity.list.filters);
  const rate = entity.capacity?.writesPerSecond ?? TARGET_WCU_PER_SHARD;
  const share = (filter?: string) => (filter ? (entity.capacity?.skew?.[filter] ?? 1) : 1);
  const include = [SEARCH_ATTR];
  const indexes: IndexDesign[] = [];
  for (const filter of [undefined, ...filters]) {
    const shards = shardsFor(rate, share(filter), INDEX_ENTRY_WCU);
    for (const sort of sorts) {
      indexes.push({ name: `${filter ?? ALL_VALUE}_by_${sort}`, partitionKey: partitionAttr(filter), sortKey: sortAttr(sort), sort, filter, include, shards });
    }
  }
  if (indexes.length > MAX_GSIS) {
    throw new Error(`${entity.name}: ${indexes.length} indexes exceed DynamoDB's ${MAX_GSIS} GSIs per table`);
  }
  const counter = (filter?: string): CounterDesign => {
    const shards = shardsFor(rate, share(filter), COUNTER_UPDATE_WCU);
    if (shards > MAX_COUNTER_SHARDS) throw new Error(`${entity.name}: ${shards} counter shards exceed ${MAX_COUNTER_SHARDS} (one BatchGetItem)`);
    return { filter, shards };
  };
  return {
    id: entity.name,
    envVar: `${entity.name.toUpperCase()}_TABLE_NAME`,
    partitionKey: PK,
    indexes,
    counters: { total: counter(), filters: Object.fromEntries(filters.map((filter) => [filter, counter(filter)])) },
    capacity: { writesPerSecond: rate, hottestShare: Object.fromEntries(filters.map((filter) => [filter, share(filter)])) },
  };
}

/** The index that serves a sort order, optionally inside a filter's partitions. */
export function indexFor(design: TableDesign, sort: string, filter?: string): IndexDesign {
  const index = design.indexes.find((candidate) => candidate.sort === sort && candidate.filter === filter);
  if (!index) throw new Error(`${design.id}: no index for sort '${sort}' filter '${filter ?? '-'}'`);
  return index;
}

/** Stable shard of an id (FNV-1a over its UTF-16 units): the same in every process and language run. */
export function shardOf(id: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** Partition value of one shard of an index: `<value>#<shard>`. */
export const indexPartition = (value: string, shard: number) => `${value}#${shard}`;

/** Every partition value a list over `value` must query, one per shard. */
export function indexPartitions(index: IndexDesign, value = ALL_VALUE): string[] {
  return Array.from({ length: index.shards }, (_, shard) => indexPartition(value, shard));
}

export const indexSortKey = (encoded: string, id: string) => `${encoded}${SORT_KEY_SEPARATOR}${id}`;
export const idOfSortKey = (sortKey: string) => sortKey.slice(sortKey.lastIndexOf(SORT_KEY_SEPARATOR) + 1);

/** Counter items live in the entity's own table; '#' never occurs in an id. */
export function counterKey(shard: number, filter?: { name: string; value: string }): string {
  return filter ? `#count#${filter.name}#${filter.value}#${shard}` : `#count#${shard}`;
}

function counterFamily(design: TableDesign, filter?: { name: string }): CounterDesign {
  const counters = design.counters;
  const family = filter ? counters?.filters[filter.name] : counters?.total;
  if (!family) throw new Error(`${design.id}: no counter for '${filter?.name ?? 'total'}'`);
  return family;
}

/** Every shard key of the total (or one filter value's) counter: summed on read. */
export function counterKeys(design: TableDesign, filter?: { name: string; value: string }): string[] {
  return Array.from({ length: counterFamily(design, filter).shards }, (_, shard) => counterKey(shard, filter));
}

/** The counter shard a single-item write of `id` moves. */
export function counterKeyFor(design: TableDesign, id: string, filter?: { name: string; value: string }): string {
  return counterKey(shardOf(id, counterFamily(design, filter).shards), filter);
}

/** True for the counter items that share the table with the entity's items. */
export const isCounterKey = (pk: string) => pk.startsWith('#count#');
