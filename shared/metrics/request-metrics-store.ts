/** One answered request as the metrics see it. */
export interface RequestSample {
  /** API Gateway's route key (`GET /api/v1/students/{student_id}`, `$default`): bounded by the registry. */
  route: string;
  status: number;
  latencyMs: number;
}

/** One route's counters, summed over every container. */
export interface RouteCounters {
  route: string;
  requests: number;
  /** Answers with a 4xx status. */
  clientErrors: number;
  /** Answers with a 5xx status. */
  serverErrors: number;
  /** Requests per latency bucket (`LATENCY_BOUNDS_MS`, then +inf). */
  latencyBuckets: number[];
}

/** A route's counters before anything was counted. */
export function emptyRouteCounters(route: string, buckets: number): RouteCounters {
  return { route, requests: 0, clientErrors: 0, serverErrors: 0, latencyBuckets: new Array<number>(buckets).fill(0) };
}

export interface RequestMetricsSnapshot {
  /** When the first container recorded into this store (ISO 8601); null before any flush. */
  since: string | null;
  routes: RouteCounters[];
}

/**
 * Port of the per-route request metrics shared by all containers. Recording is best effort:
 * it never throws and never waits longer than one bounded flush. Reading is for the admin
 * endpoint and fails (DependencyUnavailableError → 503) when the store is unreachable,
 * since empty metrics would be a lie.
 */
export interface RequestMetricsStore {
  /** Counts the sample in memory, and sends what accumulated when a flush is due. */
  record(sample: RequestSample): Promise<void>;
  /** Every route's counters, after sending this container's pending samples. */
  snapshot(): Promise<RequestMetricsSnapshot>;
}
