/**
 * API Gateway throttles of single routes (per route key, all callers together), below the
 * stage's 100 requests/s and bursts of 200. Declared on the functions whose requests cost most
 * (docs/deploy.md#per-route-throttles), so that a flood of them cannot use up the stage's
 * budget, the account's Lambda concurrency or the tables' capacity. The per-caller limits of
 * shared/rate-limit/rate-limit-rules.ts apply on top, in the function.
 */
export interface RouteThrottle {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests admitted at once before the rate applies. */
  readonly burstLimit: number;
}

/** `POST /{entity}/query`: a `where` may plan a scan of the table. */
export const QUERY_THROTTLE: RouteThrottle = { rateLimit: 20, burstLimit: 40 };

/** Exports, statistics and charts: one request reads many items (and rasterises, for charts). */
export const HEAVY_READ_THROTTLE: RouteThrottle = { rateLimit: 5, burstLimit: 10 };

/** Bulk import and cache clear: one request writes or deletes thousands of items or keys. */
export const BULK_THROTTLE: RouteThrottle = { rateLimit: 1, burstLimit: 5 };
