import type { DomainEvent } from '../../events/catalog.js';
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

/** How counts move: the total and, per filter, per (normalised) value. */
export interface CounterDelta {
  total: number;
  filters: Record<string, Record<string, number>>;
}

export interface PutManyOptions {
  /** `create` skips ids that already exist; `upsert` replaces them (keeping created_at, version + 1). */
  mode: 'create' | 'upsert';
  /** Batch writes in flight at once (default 4). */
  concurrency?: number;
  /**
   * Called before a failed `putMany` rethrows, with the counter delta of the items it did
   * store: a caller that is never replayed can still count them.
   */
  onInterrupted?: (stored: CounterDelta) => void;
}

export interface PutManyResult {
  written: number;
  /** Ids that existed already (skipped in `create` mode, replaced in `upsert` mode). */
  existing: string[];
  /** What the counters must move by; NOT yet applied (see applyCounterDelta / counterDeltaUpdates). */
  delta: CounterDelta;
}

/** Port the entity service depends on; adapters live in folders named for the technology. */
export interface EntityStore {
  /** `consistent`: a strongly consistent read (twice the read cost), e.g. right after a write. */
  get(id: string, options?: { consistent?: boolean }): Promise<StoredItem | undefined>;
  /**
   * Fails with EntityAlreadyExistsError when the id is taken. `events` (the entity's change
   * events) commit with the write or not at all: the outbox rows of the same transaction.
   */
  create(item: StoredItem, events?: readonly DomainEvent[]): Promise<void>;
  /** Fails with ConcurrentModificationError unless `previous` is still current; `events` as for create. */
  replace(next: StoredItem, previous: StoredItem, events?: readonly DomainEvent[]): Promise<void>;
  /** Fails with ConcurrentModificationError unless `previous` is still current; `events` as for create. */
  remove(previous: StoredItem, events?: readonly DomainEvent[]): Promise<void>;
  list(query: ListQuery): Promise<ListPage>;
  /** Items matching; O(1) from counters unless `search` is given (then it reads the index). */
  count(query: { filter?: ListFilter; search?: string }): Promise<number>;
  /** Cheap reachability check for /health. */
  ping(): Promise<void>;
}

/** A search answered by one pass over the whole index: see `SearchableStore`. */
export interface SearchQuery {
  sort: string;
  descending: boolean;
  filter?: ListFilter;
  /** Lower-cased substring matched against the declared search fields. */
  search: string;
  /** Collect matches strictly after this position (a cursor's); every match is counted anyway. */
  after?: StartKey;
  /** Matches to collect, in list order. */
  limit: number;
  /** Epoch ms at which the pass stops and answers what it is sure of (see `SearchMatches.exact`). */
  deadline?: number;
  /** Told after every read of the pass; `sofar()` is what it is sure of at that moment (total estimated). */
  onProgress?: (sofar: () => SearchMatches) => void;
}

export interface SearchMatch {
  id: string;
  /** The position after this match: a page ending here continues from it. */
  key: StartKey;
}

export interface SearchMatches {
  /** Items matching; an estimate (never below the matches seen) unless `exact`. */
  total: number;
  /** False when the deadline stopped the pass before it had read every index entry. */
  exact: boolean;
  /** The first matches after `after` in list order, at most `limit`; only those the pass is sure of. */
  matches: SearchMatch[];
  /** `matches` holds every match after `after`: nothing follows the last one. */
  complete: boolean;
  /** Unless exact: every entry up to this position has been read (a page may end here with a cursor). */
  readUpTo?: StartKey;
}

/**
 * A store that answers a search in ONE pass: the count and the first matches together, so a
 * caller can keep the answer (count + positions) and serve later pages without recounting.
 */
export interface SearchableStore {
  searchMatches(query: SearchQuery): Promise<SearchMatches>;
  /** How many of `matches` (in list order) lie at or before `position` (a cursor's). */
  matchesUpTo(matches: readonly SearchMatch[], position: StartKey, descending: boolean): number;
  /** The items that exist among `ids`, in the order asked. */
  getMany(ids: readonly string[]): Promise<StoredItem[]>;
}

/** What bulk writers (the import, benches, repair tools) need on top of the single-item port. */
export interface BulkEntityStore extends EntityStore {
  /** The items that exist among `ids`, in the order asked (missing ones left out). */
  getMany(ids: readonly string[]): Promise<StoredItem[]>;
  /**
   * Bulk write without transactions (BatchWriteItem, unprocessed items retried). Counters are
   * not touched: the caller applies the returned delta once per batch, ideally atomically
   * with its checkpoint, so a writer dying in between leaves a batch uncounted AND unrecorded.
   */
  putMany(items: readonly StoredItem[], options: PutManyOptions): Promise<PutManyResult>;
  /** Applies an aggregated delta atomically (one transaction); `seed` picks the shards. */
  applyCounterDelta(delta: CounterDelta, seed: string): Promise<void>;
}
