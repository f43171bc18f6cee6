import * as z from 'zod/mini';
import { cacheStatsReportSchema } from './cache-admin.schemas.js';

const count = z.int().check(z.nonnegative());
const percentile = z.nullable(z.number()).check(z.describe('Upper bound (ms) of the latency bucket the percentile falls in; null above the last bound (30 s)'));

const routeMetricsSchema = z.object({
  route: z.string().check(z.describe('API Gateway route key, e.g. `GET /api/v1/students/{student_id}`; `$default` for unmatched paths')),
  requests: count,
  errors: z.object({ '4xx': count, '5xx': count }),
  latency_ms: z.object({ p50: percentile, p95: percentile, p99: percentile }),
});

/** Placeholder until bulk import exists: every count is 0. */
const importMetricsSchema = z
  .object({ jobs_total: count, jobs_failed: count, rows_imported: count, rows_failed: count })
  .check(z.describe('Bulk import counters; all 0 until bulk import is implemented'));

/** `GET /api/v1/admin/metrics` body. */
export const metricsReportSchema = z
  .object({
    enabled: z.boolean().check(z.describe('Whether requests are being recorded (false without REDIS_URL: routes is empty)')),
    since: z.nullable(z.iso.datetime()).check(z.describe('When the first request was recorded; null before any')),
    routes: z.array(routeMetricsSchema).check(z.describe('Every route answered at least once, by route key')),
    cache: cacheStatsReportSchema,
    imports: importMetricsSchema,
  })
  .check(z.meta({ id: 'AdminMetrics' }));

export type MetricsReport = z.infer<typeof metricsReportSchema>;
export type RouteMetrics = MetricsReport['routes'][number];
