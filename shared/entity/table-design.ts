import { createHash } from 'node:crypto';
import type { Entity } from './define-entity.js';

/** A GSI serving one sort order, over all items or over one filter's partitions. */
export interface IndexDesign {
  name: string;
  partitionKey: string;
  sortKey: string;
  /** The sort order it serves; absent for the search-count index. */
  sort?: string;
  filter?: string;
  /** Non-key attributes projected (INCLUDE); absent = ALL. */
  include?: readonly string[];
}

export interface TableDesign {
  /** Logical table id, also the local table name. */
  id: string;
  /** Environment variable that carries the physical table name to functions. */
  envVar: string;
  partitionKey: string;
  indexes: IndexDesign[];
  /** Keys plus search text only: counting search matches reads ~1/6 of the bytes of a sort index. */
  searchIndex?: IndexDesign;
  /** Attribute (epoch seconds) after which DynamoDB TTL deletes an item. @default none */
  timeToLiveAttribute?: string;
}

/** Every item of a list index shares this partition value (one partition: see README limits). */
export const ALL_PARTITION = 'all';
export const PK = 'pk';
export const ALL_ATTR = '_all';
export const SEARCH_ATTR = '_search';
export const sortAttr = (sort: string) => `_s_${sort}`;
export const filterAttr = (filter: string) => `_f_${filter}`;
/** Counter items live in the entity's own table; '#' never occurs in an id. */
export const counterKey = (filter?: { name: string; value: string }) =>
  filter ? `#count#${filter.name}#${filter.value}` : '#count';

/** DynamoDB allows 20 GSIs per table; sorts × (1 + filters) must fit. */
const MAX_GSIS = 20;

/**
 * Derives the table and its indexes from the entity declaration: one GSI per sort field
 * over all items, one per (filter, sort) pair whose partition is the filter value, and a
 * lean keys-plus-search-text GSI that `search=` totals are counted on.
 */
export function tableDesign(entity: Entity): TableDesign {
  const sorts = Object.keys(entity.list.sorts);
  const filters = Object.keys(entity.list.filters);
  const indexes: IndexDesign[] = [];
  for (const sort of sorts) {
    indexes.push({ name: `by_${sort}`, partitionKey: ALL_ATTR, sortKey: sortAttr(sort), sort });
  }
  for (const filter of filters) {
    for (const sort of sorts) {
      indexes.push({ name: `${filter}_by_${sort}`, partitionKey: filterAttr(filter), sortKey: sortAttr(sort), sort, filter });
    }
  }
  const searchIndex: IndexDesign = { name: 'search_text', partitionKey: ALL_ATTR, sortKey: PK, include: [SEARCH_ATTR] };
  indexes.push(searchIndex);
  if (indexes.length > MAX_GSIS) {
    throw new Error(`${entity.name}: ${indexes.length} indexes exceed DynamoDB's ${MAX_GSIS} GSIs per table`);
  }
  return { id: entity.name, envVar: `${entity.name.toUpperCase()}_TABLE_NAME`, partitionKey: PK, indexes, searchIndex };
}

/** The index that serves a sort order, optionally inside a filter's partition. */
export function indexFor(design: TableDesign, sort: string, filter?: string): IndexDesign {
  const index = design.indexes.find((candidate) => candidate.sort === sort && candidate.filter === filter);
  if (!index) throw new Error(`${design.id}: no index for sort '${sort}' filter '${filter ?? '-'}'`);
  return index;
}

/** Longest filter value indexed as is; DynamoDB caps partition keys at 2,048 bytes. */
const MAX_FILTER_VALUE_BYTES = 512;

/**
 * How a filter value is indexed and queried: trimmed, case-folded; empty means none. A value
 * that normalisation made very long becomes its first 100 code points plus a SHA-256 of the
 * whole, so matching stays exact and the key stays within DynamoDB's limit.
 */
export function filterValue(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const value = raw.trim().normalize('NFKC').toLowerCase();
  if (value === '') return undefined;
  if (Buffer.byteLength(value) <= MAX_FILTER_VALUE_BYTES) return value;
  return `${Array.from(value).slice(0, 100).join('')}#${createHash('sha256').update(value).digest('hex')}`;
}
