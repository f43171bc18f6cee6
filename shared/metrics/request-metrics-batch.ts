import { LATENCY_BUCKETS, latencyBucket } from './latency-histogram.js';
import { emptyRouteCounters, type RequestSample, type RouteCounters } from './request-metrics-store.js';

/**
 * A container's samples not yet sent, summed per route. A flush drains them and, if it
 * fails, restores them, so an outage delays counts instead of losing them. Memory stays
 * bounded: one entry per route key, and route keys come from the registry.
 */
export class RequestMetricsBatch {
  private readonly routes = new Map<string, RouteCounters>();
  private pending = 0;

  add(sample: RequestSample): void {
    const counters = this.counters(sample.route);
    counters.requests++;
    if (sample.status >= 500) counters.serverErrors++;
    else if (sample.status >= 400) counters.clientErrors++;
    counters.latencyBuckets[latencyBucket(sample.latencyMs)]!++;
    this.pending++;
  }

  /** Requests counted since the last drain. */
  get pendingRequests(): number {
    return this.pending;
  }

  drain(): RouteCounters[] {
    const drained = [...this.routes.values()];
    this.routes.clear();
    this.pending = 0;
    return drained;
  }

  restore(drained: readonly RouteCounters[]): void {
    for (const { route, requests, clientErrors, serverErrors, latencyBuckets } of drained) {
      const counters = this.counters(route);
      counters.requests += requests;
      counters.clientErrors += clientErrors;
      counters.serverErrors += serverErrors;
      latencyBuckets.forEach((count, bucket) => {
        counters.latencyBuckets[bucket]! += count;
      });
      this.pending += requests;
    }
  }

  private counters(route: string): RouteCounters {
    let counters = this.routes.get(route);
    if (!counters) {
      counters = emptyRouteCounters(route, LATENCY_BUCKETS);
      this.routes.set(route, counters);
    }
    return counters;
  }
}
