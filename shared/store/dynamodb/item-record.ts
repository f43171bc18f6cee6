import type { Entity } from '../../entity/define-entity.js';
import { searchText } from '../../entity/search-text.js';
import { ALL_ATTR, ALL_PARTITION, filterAttr, filterValue, PK, SEARCH_ATTR, sortAttr } from '../../entity/table-design.js';
import type { StoredItem } from '../entity-store.js';

/** Separator of search fields; control characters never survive input validation. */
const SEARCH_SEPARATOR = '\u0001';

/**
 * Stored item → DynamoDB record: the item's own fields plus the key, the GSI keys of every
 * sort/filter index and the lower-cased search text. Internal attributes start with `_`.
 */
export function toRecord(entity: Entity, item: StoredItem): Record<string, unknown> {
  const view = { ...item, ...entity.derive(item as never) };
  const record: Record<string, unknown> = { ...item, [PK]: String(item[entity.idField]), [ALL_ATTR]: ALL_PARTITION };
  for (const [name, sort] of Object.entries(entity.list.sorts)) {
    record[sortAttr(name)] = sort.encode(view);
  }
  for (const [name, filter] of Object.entries(entity.list.filters)) {
    const value = filterValue(item[filter.field]);
    if (value) record[filterAttr(name)] = value;
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
