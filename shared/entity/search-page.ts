import type { CacheScope, EntityCache } from '../cache/entity-cache.js';
import { currentBudget } from '../runtime/request-budget.js';
import type { EntityStore, ListFilter, SearchableStore, SearchMatch, SearchMatches, StartKey, StoredItem } from '../store/entity-store.js';

/** Matches a search keeps (cached with its count): pages 1–50 at page_size 10 come from them. */
export const SEARCH_MATCHES_KEPT = 500;
/** How long one search pass may read (it goes on after an early answer) before it stops for good. */
export const SEARCH_BUDGET_MS = Number(process.env.SEARCH_BUDGET_MS ?? 25_000);
/** Kept back from the request's time budget for reading the page's items and answering. */
const ANSWER_RESERVE_MS = 1_000;

export interface SearchPageQuery {
  sort: string;
  descending: boolean;
  filter?: ListFilter;
  search: string;
  pageSize: number;
  /** Matches to pass over (page-number access); 0 with a cursor. */
  skip: number;
  startKey?: StartKey;
  /** The list parameters (sort, search, filters, page_size): the search's cache key without page_size. */
  canonical: Record<string, string | number>;
}

export interface SearchPage {
  items: StoredItem[];
  lastKey?: StartKey;
  total: number;
  /** False when the page came before the pass had read everything: `total` is then an estimate. */
  exact: boolean;
}

/** Tuning of searches; the defaults suit the API. */
export interface SearchOptions {
  /** @default SEARCH_MATCHES_KEPT */
  matchesKept?: number;
  /** @default SEARCH_BUDGET_MS (env `SEARCH_BUDGET_MS`) */
  budgetMs?: number;
  /** @default SEARCH_COUNT_WAIT_MS (env `SEARCH_COUNT_WAIT_MS`) */
  countWaitMs?: number;
}

export interface SearchPageDeps {
  store: EntityStore & SearchableStore;
  cache?: EntityCache;
  scope: CacheScope;
  options?: SearchOptions;
}

/** How long a page whose matches are sure waits for the exact count before answering with an estimate. */
export const SEARCH_COUNT_WAIT_MS = Number(process.env.SEARCH_COUNT_WAIT_MS ?? 250);
/** Least time between two looks at a running pass's progress (each look merges the shards' keys). */
const LOOK_EVERY_MS = 25;
const MAX_TIMER_MS = 2_147_483_647;

/** A pass under way in this container: its answer, and what it is sure of so far. */
interface RunningSearch {
  answer: Promise<SearchMatches>;
  settled: boolean;
  sofar?: () => SearchMatches;
  /** Waiters woken by the next read of the pass (or its end). */
  readers: Set<() => void>;
}

/**
 * Pages of searches. The search's answer — its count and its first `SEARCH_MATCHES_KEPT`
 * matches in list order — comes from ONE pass of the store over the index and is cached per
 * (search, filter, sort) apart from the pages (a write to the entity invalidates it with
 * the pages). So page 2 neither recounts nor rescans: it is a slice of the kept matches and
 * one BatchGetItem. Pages past the kept matches walk the index from the cursor (the term is
 * then common enough to fill a page quickly) and reuse the cached count.
 *
 * Early answer: a page whose matches the running pass is already sure of waits at most
 * `SEARCH_COUNT_WAIT_MS` for the count, then answers with an estimated total; the pass goes
 * on (one per search per container: later pages join it) until its answer is complete and
 * cached. A page that the pass cannot make sure of before the request's own budget runs out
 * comes from the early-stopping cursor walk. An estimate is never cached.
 */
export function createSearchPages(deps: SearchPageDeps) {
  const running = new Map<string, RunningSearch>();
  const budgetMs = deps.options?.budgetMs ?? SEARCH_BUDGET_MS;
  const countWaitMs = deps.options?.countWaitMs ?? SEARCH_COUNT_WAIT_MS;

  function start(key: string, query: SearchPageQuery, cacheKey: Record<string, unknown>): RunningSearch {
    const run: RunningSearch = { answer: Promise.resolve(NOTHING_YET), settled: false, readers: new Set() };
    const wake = () => {
      const readers = [...run.readers];
      run.readers.clear();
      for (const reader of readers) reader();
    };
    const load = () =>
      deps.store.searchMatches({
        sort: query.sort,
        descending: query.descending,
        filter: query.filter,
        search: query.search,
        limit: deps.options?.matchesKept ?? SEARCH_MATCHES_KEPT,
        deadline: Date.now() + budgetMs,
        onProgress: (sofar) => {
          run.sofar = sofar;
          wake();
        },
      });
    run.answer = deps.cache ? deps.cache.list(deps.scope, cacheKey, load, { keep: (answer) => answer.exact }) : load();
    const end = () => {
      run.settled = true;
      if (running.get(key) === run) running.delete(key);
      wake();
    };
    run.answer.then(end, end);
    running.set(key, run);
    return run;
  }

  /** Resolves after the pass's next read, its end, or `ms`, whichever comes first. */
  function nextRead(run: RunningSearch, ms: number): Promise<void> {
    return new Promise((resolve) => {
      // setTimeout takes at most 2^31 − 1 ms (no request budget: wait for the read).
      const timer = setTimeout(done, Math.min(Math.max(0, ms), MAX_TIMER_MS));
      function done() {
        clearTimeout(timer);
        run.readers.delete(done);
        resolve();
      }
      run.readers.add(done);
    });
  }

  /** Resolves when the pass ends or at `until` (epoch ms). */
  function endOr(run: RunningSearch, until: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.min(Math.max(0, until - Date.now()), MAX_TIMER_MS))));
    return Promise.race([
      run.answer.then(
        () => undefined,
        () => undefined,
      ),
      timeout,
    ]).finally(() => clearTimeout(timer));
  }

  async function page(query: SearchPageQuery): Promise<SearchPage> {
    const { page_size: _pageSize, ...params } = query.canonical;
    const cacheKey = { view: 'search-matches', ...params };
    const key = JSON.stringify(cacheKey);
    const run = running.get(key) ?? start(key, query, cacheKey);
    const budget = currentBudget();
    const stop = budget ? budget.deadline - ANSWER_RESERVE_MS : Number.POSITIVE_INFINITY;
    // The exact count, if it comes within the grace time.
    await endOr(run, Math.min(Date.now() + countWaitMs, stop));
    for (;;) {
      if (run.settled) return fromAnswer(query, await run.answer);
      const sofar = run.sofar?.();
      if (sofar && covers(query, sofar)) return fromAnswer(query, sofar);
      if (Date.now() >= stop) return atStop(query, sofar ?? NOTHING_YET);
      await nextRead(run, stop - Date.now());
      await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
    }
  }

  function offsetIn(query: SearchPageQuery, answer: SearchMatches): number {
    return query.startKey ? deps.store.matchesUpTo(answer.matches, query.startKey, query.descending) : query.skip;
  }

  /** The answer holds the whole page (or says there is nothing there). */
  function covers(query: SearchPageQuery, answer: SearchMatches): boolean {
    const offset = offsetIn(query, answer);
    return offset + query.pageSize <= answer.matches.length || answer.complete || (answer.exact && offset >= answer.total);
  }

  async function fromAnswer(query: SearchPageQuery, answer: SearchMatches): Promise<SearchPage> {
    const offset = offsetIn(query, answer);
    // A page number past the end must not walk the whole index to find nothing.
    if (!query.startKey && answer.exact && offset >= answer.total) return { items: [], total: answer.total, exact: true };
    if (covers(query, answer)) {
      const slice = answer.matches.slice(offset, offset + query.pageSize);
      const more = slice.length === query.pageSize && (offset + query.pageSize < answer.matches.length || !answer.complete);
      return slicePage(answer, offset, slice, more ? slice.at(-1)!.key : undefined);
    }
    // Beyond the kept matches (the term is common: a page fills quickly): walk from the cursor.
    const walked = await deps.store.list({ ...query, search: query.search });
    const seen = offset + walked.items.length + (walked.lastKey ? 1 : 0);
    return { ...walked, total: atLeast(answer, seen), exact: answer.exact };
  }

  /**
   * Out of time before the pass was sure of a whole page (a rare term on a big index): the
   * matches it is sure of, fewer than a page or none, with a cursor at the position it has
   * read up to — what it has, never a 504. Without such a position, the cursor walk.
   */
  async function atStop(query: SearchPageQuery, answer: SearchMatches): Promise<SearchPage> {
    const offset = offsetIn(query, answer);
    const kept = deps.options?.matchesKept ?? SEARCH_MATCHES_KEPT;
    const readUpTo = answer.readUpTo;
    // The position must lie past the cursor's, or the client would be handed the same cursor back.
    const progressed =
      readUpTo !== undefined && (!query.startKey || deps.store.matchesUpTo([{ id: '', key: readUpTo }], query.startKey, query.descending) === 0);
    if (!progressed || answer.matches.length >= kept || offset > answer.matches.length) return fromAnswer(query, answer);
    return slicePage(answer, offset, answer.matches.slice(offset), readUpTo);
  }

  async function slicePage(answer: SearchMatches, offset: number, slice: SearchMatch[], lastKey: StartKey | undefined): Promise<SearchPage> {
    const items = await deps.store.getMany(slice.map((match) => match.id));
    return { items, lastKey, total: atLeast(answer, offset + slice.length + (lastKey ? 1 : 0)), exact: answer.exact };
  }

  return {
    page,
    /** After a write in this container: later pages must not join a pass that may predate it. */
    forget: () => running.clear(),
  };
}

export type SearchPages = ReturnType<typeof createSearchPages>;

/** What a pass that has read nothing yet is sure of. */
const NOTHING_YET: SearchMatches = { total: 0, exact: false, matches: [], complete: false };

/** An estimate never says fewer than the client has already been shown. */
function atLeast(answer: SearchMatches, seen: number): number {
  return answer.exact ? answer.total : Math.max(answer.total, seen);
}

/** Whether a store answers searches in one pass (the DynamoDB store does; test fakes may not). */
export function isSearchable(store: EntityStore): store is EntityStore & SearchableStore {
  const candidate = store as Partial<SearchableStore>;
  return typeof candidate.searchMatches === 'function' && typeof candidate.getMany === 'function' && typeof candidate.matchesUpTo === 'function';
}
