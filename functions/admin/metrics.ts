/** GET /api/v1/admin/metrics — per-route counts, errors and latency percentiles, cache stats, imports. */
import { metricsReport } from '../../shared/admin/metrics-report.service.js';
import { containerCache } from '../../shared/entity/entity-container.js';
import { createHttpHandler } from '../../shared/http/create-http-handler.js';
import { requestMetricsStore } from '../../shared/metrics/request-metrics-container.js';
import { declarationOf } from '../../shared/registry.js';

export const handler = createHttpHandler({
  declaration: declarationOf('admin-metrics'),
  handle: async () => ({ statusCode: 200, body: await metricsReport({ metrics: requestMetricsStore(), cache: containerCache() }) }),
});
