import type { MiddlewareObj, Request } from '@middy/core';
import type { FunctionDeclaration } from '../../entity/entity-functions.js';
import { requestMetricsStore } from '../../metrics/request-metrics-container.js';
import type { RequestMetricsStore } from '../../metrics/request-metrics-store.js';
import type { HttpContext, HttpEvent, HttpResponse } from '../http-types.js';

export interface RequestMetricsOptions {
  /** Resolved at the first request; undefined records nothing. @default the container's (`REDIS_URL`) */
  store?: () => RequestMetricsStore | undefined;
  /** Milliseconds on a monotonic clock. @default performance.now */
  now?: () => number;
}

type Req = Request<HttpEvent, HttpResponse, Error, HttpContext>;

/**
 * Counts every answer per route key (`GET /api/v1/students/{student_id}`; `$default`), with
 * its status class and latency, into the shared request metrics for `GET /api/v1/admin/metrics`.
 * Runs right inside the request id, so the answer it sees is final (problem+json included)
 * and the latency covers the whole chain. Best effort: the store batches, bounds its flush
 * and never throws; without a store nothing is recorded.
 */
export function requestMetrics(
  declaration: Pick<FunctionDeclaration, 'id'>,
  options: RequestMetricsOptions = {},
): MiddlewareObj<HttpEvent, HttpResponse, Error, HttpContext> {
  const now = options.now ?? (() => performance.now());
  // Keyed by request: locally, concurrent requests share one handler instance.
  const started = new WeakMap<Req, number>();
  let resolved: { store: RequestMetricsStore | undefined } | undefined;

  function requestMetricsBefore(request: Req) {
    // Built on the first request, so its connection opens while the request runs.
    resolved ??= { store: (options.store ?? requestMetricsStore)() };
    if (resolved.store) started.set(request, now());
  }
  async function requestMetricsAfter(request: Req) {
    const start = started.get(request);
    if (start === undefined || !resolved?.store) return;
    // Once per request, even if a later step failed and onError runs after `after`.
    started.delete(request);
    const sample = {
      // A request without a route key was not routed by API Gateway (direct invoke): name the function.
      route: request.event.routeKey || declaration.id,
      status: request.response?.statusCode ?? 500,
      latencyMs: now() - start,
    };
    try {
      await resolved.store.record(sample);
    } catch {
      // Metrics must never fail a request; the store already reports its own outages.
    }
  }
  return { before: requestMetricsBefore, after: requestMetricsAfter, onError: requestMetricsAfter };
}
