import { describe, expect, it } from 'vitest';
import type { CacheAdmin, CacheStats } from '../cache/entity-cache.js';
import { DependencyUnavailableError } from '../errors/app-error.js';
import { LATENCY_BOUNDS_MS, LATENCY_BUCKETS } from '../metrics/latency-histogram.js';
import type { RequestMetricsSnapshot, RequestMetricsStore } from '../metrics/request-metrics-store.js';
import { metricsReportSchema } from './metrics-report.schemas.js';
import { metricsReport } from './metrics-report.service.js';

const level = { hits: 3, misses: 1, size: 2, evictions: 0, hit_rate_percent: 75 };
const STATS: CacheStats = { l1: level, l2: { ...level, hits: 1, hit_rate_percent: 50 } };

function fakeCache(): CacheAdmin {
  return { stats: async () => STATS, clear: async () => 0, invalidatePattern: async () => 0 };
}

function fakeMetrics(snapshot: RequestMetricsSnapshot | Error): RequestMetricsStore {
  return {
    record: async () => undefined,
    snapshot: async () => {
      if (snapshot instanceof Error) throw snapshot;
      return snapshot;
    },
  };
}

function buckets(entries: Record<number, number>): number[] {
  const result = new Array<number>(LATENCY_BUCKETS).fill(0);
  for (const [bound, n] of Object.entries(entries)) result[LATENCY_BOUNDS_MS.indexOf(Number(bound))] = n;
  return result;
}

describe('metricsReport', () => {
  it('turns each route’s counters into counts, errors and bucket-bound percentiles, beside the cache stats', async () => {
    const metrics = fakeMetrics({
      since: '2026-11-25T19:00:00.000Z',
      routes: [{ route: 'GET /api/v1/students', requests: 100, clientErrors: 3, serverErrors: 1, latencyBuckets: buckets({ 5: 60, 20: 36, 200: 3, 2000: 1 }) }],
    });
    const report = await metricsReport({ metrics, cache: fakeCache() });
    expect(report).toEqual({
      enabled: true,
      since: '2026-11-25T19:00:00.000Z',
      routes: [{ route: 'GET /api/v1/students', requests: 100, errors: { '4xx': 3, '5xx': 1 }, latency_ms: { p50: 5, p95: 20, p99: 200 } }],
      cache: { ...STATS, enabled: true },
      imports: { jobs_total: 0, jobs_failed: 0, rows_imported: 0, rows_failed: 0 },
    });
    expect(metricsReportSchema.safeParse(report).success).toBe(true);
  });

  it('reports enabled: false and no routes when nothing is recorded', async () => {
    const report = await metricsReport({ metrics: undefined, cache: undefined });
    expect(report).toMatchObject({ enabled: false, since: null, routes: [], cache: { enabled: false } });
    expect(metricsReportSchema.safeParse(report).success).toBe(true);
  });

  it('fails with the store’s 503 rather than report empty metrics', async () => {
    const down = new DependencyUnavailableError('Redis', 5);
    await expect(metricsReport({ metrics: fakeMetrics(down), cache: fakeCache() })).rejects.toBe(down);
  });
});
