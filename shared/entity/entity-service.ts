import type { EntityCache, LoadContext } from '../cache/entity-cache.js';
import { ValidationError } from '../errors/app-error.js';
import { fullJitter } from '../resilience/full-jitter.js';
import type { CursorCodec } from '../cursor/cursor-codec.js';
import { invalidCursor } from '../cursor/cursor-codec.js';
import type { EntityStore, ListFilter, StartKey, StoredItem } from '../store/entity-store.js';
import type { Entity, EntityView } from './define-entity.js';
import { ConcurrentModificationError, EntityNotFoundError, EntityVersionMismatchError, EntityWriteConflictError } from './entity.errors.js';
import { DEFAULT_PAGE_SIZE, type ListQueryInput } from './list-query.js';
import { searchText } from './search-text.js';
import { filterValue } from './filter-value.js';
import { emitMetric, type MetricSink, NO_METRICS } from '../observability/emit-metric.js';
import { entityWriteMetrics } from '../observability/entity-write-metrics.js';
import { entityView } from './entity-view.js';
import { changeEvents } from './change-events.js';
import type { EventOrigin } from '../events/event-origin.js';
import { invalidatingWrite } from './invalidating-write.js';
import { createSearchPages, isSearchable, type SearchOptions } from './search-page.js';

export interface EntityServiceDeps {
  store: EntityStore;
  cursors: () => Promise<CursorCodec>;
  clock?: () => Date;
  /** Read-through cache for get and list; used only when the entity declares `cache`. */
  cache?: EntityCache;
  /** Counts successful writes (`StudentsCreated` …). @default none */
  metrics?: MetricSink;
  /** How searches keep their matches and how long one may read (shared/entity/search-page.ts). */
  search?: SearchOptions;
}

/** `*` (any current version) or the versions named by an If-Match header ([] = none can match). */
export type ExpectedVersion = '*' | readonly number[];

export interface ListResult {
  items: EntityView[];
  total: number;
  page: number;
  page_size: number;
  total_pages: number;
  has_next: boolean;
  has_prev: boolean;
  next_cursor: string | null;
  /** Present (true) only when a search ran out of time: `total` is then an estimate, never below what was shown. */
  total_estimated?: true;
}

/** Conditional writes that lose a race without If-Match are retried this many times. */
export const WRITE_ATTEMPTS = 5;
/** Write attempts wait up to 10, 20, 40 … ms. */
export const WRITE_BACKOFF = { baseMs: 10 };

/**
 * CRUD and list use cases of any declared entity. Depends on ports only: the store, the
 * cursor codec, a clock and, optionally, a cache that get and list read through (for
 * entities that declare a TTL) and that every write invalidates.
 */
export function createEntityService(entity: Entity, deps: EntityServiceDeps) {
  const clock = deps.clock ?? (() => new Date());
  const metrics = deps.metrics ?? NO_METRICS;
  const written = entityWriteMetrics(entity.name);
  const cache = entity.cache && deps.cache;
  const scope = { entity: entity.name, ttlSeconds: entity.cache?.ttlSeconds ?? 0, l1StaleMs: entity.cache?.l1StaleMs ?? 0 };
  const view = entityView(entity);
  const events = changeEvents(entity);

  async function current(id: string, read: LoadContext = { consistent: false }): Promise<StoredItem> {
    // A miss right after a write of this item reads strongly consistent (see LoadContext).
    const item = await deps.store.get(id, { consistent: read.consistent });
    if (!item) throw new EntityNotFoundError(entity.singular, id);
    return item;
  }

  function checkExpected(item: StoredItem, id: string, expected?: ExpectedVersion) {
    if (expected === undefined || expected === '*') return;
    if (!expected.includes(item.version)) {
      throw new EntityVersionMismatchError(entity.singular, id, expected, item.version);
    }
  }

  /** Read → check → conditional write, retried when a concurrent writer got there first. */
  async function writeWithRetry(id: string, expected: ExpectedVersion | undefined, write: (item: StoredItem) => Promise<EntityView | undefined>) {
    for (let attempt = 1; ; attempt++) {
      const item = await current(id);
      checkExpected(item, id, expected);
      try {
        return await write(item);
      } catch (error) {
        if (!(error instanceof ConcurrentModificationError)) throw error;
        if (expected !== undefined) {
          // The client's precondition held when we read, but another write won: 412 with the truth.
          const latest = await current(id);
          throw new EntityVersionMismatchError(entity.singular, id, expected === '*' ? [item.version] : expected, latest.version);
        }
        // No precondition was sent, so this is contention, not a 412 (RFC 9110 §15.5.13).
        if (attempt >= WRITE_ATTEMPTS) throw new EntityWriteConflictError(entity.singular, id, attempt);
        await fullJitter(attempt, WRITE_BACKOFF);
      }
    }
  }

  const searches = isSearchable(deps.store) ? createSearchPages({ store: deps.store, cache: cache || undefined, scope, options: deps.search }) : undefined;
  const invalidating = async <T>(id: string, write: () => Promise<T>) => {
    try {
      return await invalidatingWrite(cache, entity.name, id, write);
    } finally {
      searches?.forget();
    }
  };

  async function loadPage(query: ResolvedQuery): Promise<ListResult> {
    const skip = query.startKey ? 0 : (query.page - 1) * query.pageSize;
    if (query.search && searches) {
      const found = await searches.page({ ...query, search: query.search, skip });
      return pageResult(query, found, found.exact);
    }
    const counting = deps.store.count({ filter: query.filter, search: query.search });
    // A page number past the end must not walk the whole index to find nothing.
    const known = skip > 0 ? await counting : undefined;
    const reading = known !== undefined && skip >= known ? Promise.resolve({ items: [], lastKey: undefined }) : deps.store.list({ ...query, skip });
    const [total, page] = await Promise.all([counting, reading]);
    return pageResult(query, { ...page, total }, true);
  }

  async function pageResult(query: ResolvedQuery, page: { items: StoredItem[]; lastKey?: StartKey; total: number }, exact: boolean): Promise<ListResult> {
    const { total } = page;
    const totalPages = Math.ceil(total / query.pageSize);
    // An estimated total must not end the pages: only the index says whether more follow.
    const hasNext = page.lastKey !== undefined && (!exact || query.page < totalPages);
    const nextCursor = hasNext ? (await deps.cursors()).encode({ e: entity.name, q: query.canonical, k: page.lastKey as StartKey, p: query.page + 1 }) : null;
    return {
      items: page.items.map(view),
      total,
      page: query.page,
      page_size: query.pageSize,
      total_pages: totalPages,
      has_next: hasNext,
      has_prev: query.page > 1,
      next_cursor: nextCursor,
      ...(exact ? {} : { total_estimated: true as const }),
    };
  }

  return {
    view,

    /** Reachability of the store, for /health. */
    ping: () => deps.store.ping(),

    /** `origin`: the request, for the correlation of the change event (entities that declare `events`). */
    async create(input: Record<string, unknown>, origin?: EventOrigin): Promise<EntityView> {
      const now = clock().toISOString();
      // Read-only fields start at their declared values whatever the caller passed.
      const item = { ...nulls(entity), ...input, ...entity.readOnly, created_at: now, updated_at: now, version: 1 } as StoredItem;
      await invalidating(String(item[entity.idField]), () => deps.store.create(item, events.created(item, origin)));
      emitMetric(metrics, written.created);
      return view(item);
    },

    async get(id: string): Promise<EntityView> {
      const load = async (read?: LoadContext) => view(await current(id, read));
      return cache ? cache.item(scope, id, load) : load();
    },

    async update(id: string, patch: Record<string, unknown>, expected?: ExpectedVersion, origin?: EventOrigin): Promise<EntityView> {
      const updated = (await invalidating(id, () =>
        writeWithRetry(id, expected, async (item) => {
          const next = { ...item, ...writable(entity, patch), updated_at: clock().toISOString(), version: item.version + 1 } as StoredItem;
          await deps.store.replace(next, item, events.updated(next, item, origin));
          return view(next);
        }),
      )) as EntityView;
      emitMetric(metrics, written.updated);
      return updated;
    },

    async remove(id: string, expected?: ExpectedVersion, origin?: EventOrigin): Promise<void> {
      await invalidating(id, () =>
        writeWithRetry(id, expected, (item) => deps.store.remove(item, events.deleted(item, clock(), origin)).then(() => undefined)),
      );
      emitMetric(metrics, written.deleted);
    },

    async list(input: ListQueryInput): Promise<ListResult> {
      // Cursor checks run on every request; the page itself (items, total, next_cursor) is
      // what gets cached, keyed by the query it answers.
      const query = await resolveQuery(entity, input, deps.cursors);
      if (!cache) return loadPage(query);
      return cache.list(scope, { q: query.canonical, p: query.page, k: query.startKey ?? null }, () => loadPage(query), {
        keep: (page) => page.total_estimated !== true,
      });
    },

    /**
     * Every item matching the list's filters, sort and search, as views, page after page
     * through the store's `list` (startKey to startKey): one page in memory at a time. For
     * exports and statistics; never cached.
     */
    async *items(input: Omit<ListQueryInput, 'page' | 'page_size' | 'cursor'>, pageSize = STREAM_PAGE_SIZE): AsyncGenerator<EntityView> {
      const query = await resolveQuery(entity, { ...input, page: undefined, cursor: undefined, page_size: undefined }, deps.cursors);
      let startKey: StartKey | undefined;
      do {
        const page = await deps.store.list({ ...query, pageSize, skip: 0, startKey });
        for (const item of page.items) yield view(item);
        startKey = page.lastKey;
      } while (startKey);
    },
  };
}

/** Items per store page when streaming a whole result (DynamoDB caps a page at 1 MB anyway). */
const STREAM_PAGE_SIZE = 500;

export type EntityService = ReturnType<typeof createEntityService>;

/** The patch without read-only fields: those keep their stored values on update. */
function writable(entity: Entity, patch: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(patch).filter(([field]) => !entity.readOnlyFields.includes(field)));
}

function nulls(entity: Entity): Record<string, null> {
  return Object.fromEntries(entity.nullableFields.map((field) => [field, null]));
}

interface ResolvedQuery {
  sort: string;
  descending: boolean;
  filter?: ListFilter;
  search?: string;
  pageSize: number;
  page: number;
  startKey?: StartKey;
  /** The parameters a cursor is bound to. */
  canonical: Record<string, string | number>;
}

/**
 * Applies defaults and, with a cursor, its bound query: parameters may be repeated but must
 * not contradict the cursor; `page` and `cursor` together are refused.
 */
async function resolveQuery(entity: Entity, input: ListQueryInput, cursors: () => Promise<CursorCodec>): Promise<ResolvedQuery> {
  const given: Record<string, string | number> = {};
  if (input.sort) given.sort = input.sort;
  if (input.page_size) given.page_size = input.page_size;
  if (input.search) given.search = searchText(input.search);
  for (const name of Object.keys(entity.list.filters)) {
    const value = filterValue((input as Record<string, unknown>)[name]);
    if (value) given[name] = value;
  }
  let canonical: Record<string, string | number> = { sort: entity.list.defaultSort, page_size: DEFAULT_PAGE_SIZE, ...given };
  let page = input.page ?? 1;
  let startKey: StartKey | undefined;
  if (input.cursor) {
    if (input.page !== undefined) {
      throw new ValidationError([{ loc: ['query', 'page'], msg: 'Use either page or cursor, not both', type: 'mutually_exclusive' }]);
    }
    const cursor = (await cursors()).decode(input.cursor, entity.name);
    for (const [key, value] of Object.entries(given)) {
      if (cursor.q[key] !== value) throw invalidCursor(`The cursor was issued for a different ${key}; drop the parameter or start again.`);
    }
    canonical = cursor.q;
    page = cursor.p;
    startKey = cursor.k;
  }
  const sort = String(canonical.sort);
  const filterName = Object.keys(entity.list.filters).find((name) => canonical[name] !== undefined);
  return {
    sort: sort.replace(/^-/, ''),
    descending: sort.startsWith('-'),
    filter: filterName ? { name: filterName, value: String(canonical[filterName]) } : undefined,
    search: canonical.search === undefined ? undefined : String(canonical.search),
    pageSize: Number(canonical.page_size),
    page,
    startKey,
    canonical,
  };
}
