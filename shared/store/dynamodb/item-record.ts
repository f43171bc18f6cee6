import type { Entity } from '../../entity/define-entity.js';
import { filterValue } from '../../entity/filter-value.js';
import { searchText } from '../../entity/search-text.js';
import type { StoredItem } from '../entity-store.js';
import { ALL_VALUE, indexPartition, indexSortKey, partitionAttr, PK, SEARCH_ATTR, shardOf, sortAttr, type TableDesign } from './table-design.js';

/** Separator of search fields; control characters never survive input validation. */
const SEARCH_SEPARATOR = '\u0001';

/**
 * Stored item → DynamoDB record: the item's own fields plus the key, the sharded partition
 * value of every index family (`<value>#<shard>`), one unique sort key per sort
 * (`<encoded>\u0001<id>`) and the lower-cased search text. Internal attributes start with `_`.
 */
export function toRecord(entity: Entity, design: TableDesign, item: StoredItem): Record<string, unknown> {
  const id = String(item[entity.idField]);
  const view = { ...item, ...entity.derive(item as never) };
  const record: Record<string, unknown> = { ...item, [PK]: id };
  const shards = new Map(design.indexes.map((index) => [index.filter, index.shards]));
  record[partitionAttr()] = indexPartition(ALL_VALUE, shardOf(id, shards.get(undefined) ?? 1));
  for (const [name, filter] of Object.entries(entity.list.filters)) {
    const value = filterValue(item[filter.field]);
    if (value) record[partitionAttr(name)] = indexPartition(value, shardOf(id, shards.get(name) ?? 1));
  }
  for (const [name, sort] of Object.entries(entity.list.sorts)) {
    record[sortAttr(name)] = indexSortKey(sort.encode(view), id);
  }
  record[SEARCH_ATTR] = entity.list.searchFields
    .map((field) => view[field])
    .filter((value) => value != null)
    .map((value) => searchText(String(value)))
    .join(SEARCH_SEPARATOR);
  return record;
}

/** DynamoDB record → stored item: drops the key and every internal attribute. */
export function fromRecord(entity: Entity, record: Record<string, unknown>): StoredItem {
  const item: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key !== PK && !key.startsWith('_')) item[key] = value;
  }
  for (const field of entity.nullableFields) {
    item[field] ??= null;
  }
  return item as StoredItem;
}
