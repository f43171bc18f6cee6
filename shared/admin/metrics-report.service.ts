import { latencyPercentile } from '../metrics/latency-histogram.js';
import type { RequestMetricsStore, RouteCounters } from '../metrics/request-metrics-store.js';
import { type CacheAdminDeps, cacheStats } from './cache-admin.service.js';
import type { MetricsReport, RouteMetrics } from './metrics-report.schemas.js';

export interface MetricsReportDeps extends CacheAdminDeps {
  /** The shared request metrics; undefined when none are recorded (no REDIS_URL). */
  metrics: RequestMetricsStore | undefined;
}

const NO_IMPORTS: MetricsReport['imports'] = { jobs_total: 0, jobs_failed: 0, rows_imported: 0, rows_failed: 0 };

/**
 * Per-route request counts, error counts and latency percentiles over every container, the
 * cache statistics, and the import counters (zero until bulk import exists).
 */
export async function metricsReport({ metrics, cache }: MetricsReportDeps): Promise<MetricsReport> {
  const [snapshot, cacheReport] = await Promise.all([metrics?.snapshot(), cacheStats({ cache })]);
  return {
    enabled: metrics !== undefined,
    since: snapshot?.since ?? null,
    routes: (snapshot?.routes ?? []).map(routeMetrics),
    cache: cacheReport,
    imports: NO_IMPORTS,
  };
}

function routeMetrics({ route, requests, clientErrors, serverErrors, latencyBuckets }: RouteCounters): RouteMetrics {
  return {
    route,
    requests,
    errors: { '4xx': clientErrors, '5xx': serverErrors },
    latency_ms: {
      p50: latencyPercentile(latencyBuckets, 50),
      p95: latencyPercentile(latencyBuckets, 95),
      p99: latencyPercentile(latencyBuckets, 99),
    },
  };
}
