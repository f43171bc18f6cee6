import type { EntityView } from '../entity/define-entity.js';

/** An item as stored: declared fields plus created_at/updated_at/version. */
export type StoredItem = EntityView;

/** An opaque position in an index, handed back in the next cursor. */
export type StartKey = Record<string, string>;

export interface ListFilter {
  name: string;
  /** Already normalised the way the filter indexes it (e.g. lower-cased). */
  value: string;
}

export interface ListQuery {
  sort: string;
  descending: boolean;
  filter?: ListFilter;
  /** Lower-cased substring matched against the declared search fields. */
  search?: string;
  pageSize: number;
  /** Items to pass over before the page starts (page-number access). */
  skip: number;
  startKey?: StartKey;
}

export interface ListPage {
  items: StoredItem[];
  /** Position after the last item, when the index may hold more. */
  lastKey?: StartKey;
}

/** Port the entity service depends on; adapters live in folders named for the technology. */
export interface EntityStore {
  get(id: string): Promise<StoredItem | undefined>;
  /** Fails with EntityAlreadyExistsError when the id is taken. */
  create(item: StoredItem): Promise<void>;
  /** Fails with ConcurrentModificationError unless `previous` is still current. */
  replace(next: StoredItem, previous: StoredItem): Promise<void>;
  /** Fails with ConcurrentModificationError unless `previous` is still current. */
  remove(previous: StoredItem): Promise<void>;
  list(query: ListQuery): Promise<ListPage>;
  /** Items matching; O(1) from counters unless `search` is given (then it reads the index). */
  count(query: { filter?: ListFilter; search?: string }): Promise<number>;
  /** Cheap reachability check for /health. */
  ping(): Promise<void>;
}
