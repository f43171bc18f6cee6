import type { CacheScope, EntityCache } from '../cache/entity-cache.js';
import { currentBudget } from '../runtime/request-budget.js';
import type { EntityStore, ListFilter, SearchableStore, SearchMatches, StartKey, StoredItem } from '../store/entity-store.js';

/** Matches a search keeps (cached with its count): pages 1–50 at page_size 10 come from them. */
export const SEARCH_MATCHES_KEPT = 500;
/** How long one search pass may read before it answers with what it is sure of. */
export const SEARCH_BUDGET_MS = Number(process.env.SEARCH_BUDGET_MS ?? 10_000);
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
  /** False when the pass ran out of time: `total` is then an estimate. */
  exact: boolean;
}

/** Tuning of searches; the defaults suit the API. */
export interface SearchOptions {
  /** @default SEARCH_MATCHES_KEPT */
  matchesKept?: number;
  /** @default SEARCH_BUDGET_MS (env `SEARCH_BUDGET_MS`) */
  budgetMs?: number;
}

export interface SearchPageDeps {
  store: EntityStore & SearchableStore;
  cache?: EntityCache;
  scope: CacheScope;
  options?: SearchOptions;
}

/**
 * A page of a search. The search's answer — its count and its first `SEARCH_MATCHES_KEPT`
 * matches in list order — comes from ONE pass of the store over the index, and is cached
 * per (search, filter, sort) apart from the pages (a write to the entity invalidates it
 * with the pages). So page 2 neither recounts nor rescans: it is a slice of the kept
 * matches and one BatchGetItem. Pages past the kept matches walk the index from the cursor
 * (the search is then common enough to fill a page quickly) and reuse the cached count.
 * A pass that runs out of time answers the matches it is sure of with an estimated total,
 * which is never cached.
 */
export async function searchPage(query: SearchPageQuery, deps: SearchPageDeps): Promise<SearchPage> {
  const answer = await searchAnswer(query, deps);
  const offset = query.startKey ? positionAfter(answer, query.startKey) : query.skip;
  // A page number past the end must not walk the whole index to find nothing.
  if (!query.startKey && answer.exact && offset! >= answer.total) return { items: [], total: answer.total, exact: true };
  if (offset !== undefined && (offset + query.pageSize <= answer.matches.length || answer.complete)) {
    const slice = answer.matches.slice(offset, offset + query.pageSize);
    const items = await deps.store.getMany(slice.map((match) => match.id));
    const more = slice.length === query.pageSize && (offset + query.pageSize < answer.matches.length || !answer.complete);
    const lastKey = more ? slice.at(-1)!.key : undefined;
    return { items, lastKey, total: atLeast(answer, offset + slice.length + (more ? 1 : 0)), exact: answer.exact };
  }
  // Beyond the kept matches (or past what a stopped pass was sure of): walk from the cursor.
  const page = await deps.store.list({ ...query, search: query.search });
  const seen = (offset ?? 0) + page.items.length + (page.lastKey ? 1 : 0);
  return { ...page, total: atLeast(answer, seen), exact: answer.exact };
}

function searchAnswer(query: SearchPageQuery, deps: SearchPageDeps): Promise<SearchMatches> {
  const load = () =>
    deps.store.searchMatches({
      sort: query.sort,
      descending: query.descending,
      filter: query.filter,
      search: query.search,
      limit: deps.options?.matchesKept ?? SEARCH_MATCHES_KEPT,
      deadline: passDeadline(deps.options?.budgetMs ?? SEARCH_BUDGET_MS),
    });
  if (!deps.cache) return load();
  const { page_size: _pageSize, ...key } = query.canonical;
  return deps.cache.list(deps.scope, { view: 'search-matches', ...key }, load, { keep: (answer) => answer.exact });
}

/** The pass stops after `budgetMs`, or earlier when the request's own budget says so. */
function passDeadline(budgetMs: number): number {
  const ownLimit = Date.now() + budgetMs;
  const budget = currentBudget();
  return budget ? Math.min(ownLimit, budget.deadline - ANSWER_RESERVE_MS) : ownLimit;
}

/** Index in the kept matches right after the cursor's position, or undefined when it is not among them. */
function positionAfter(answer: SearchMatches, startKey: StartKey): number | undefined {
  const wanted = JSON.stringify(startKey);
  const index = answer.matches.findIndex((match) => JSON.stringify(match.key) === wanted);
  return index === -1 ? undefined : index + 1;
}

/** An estimate never says fewer than the client has already been shown. */
function atLeast(answer: SearchMatches, seen: number): number {
  return answer.exact ? answer.total : Math.max(answer.total, seen);
}

/** Whether a store answers searches in one pass (the DynamoDB store does; test fakes may not). */
export function isSearchable(store: EntityStore): store is EntityStore & SearchableStore {
  const candidate = store as Partial<SearchableStore>;
  return typeof candidate.searchMatches === 'function' && typeof candidate.getMany === 'function';
}
