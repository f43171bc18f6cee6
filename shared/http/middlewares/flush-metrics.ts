import type { MiddlewareObj } from '@middy/core';
import { metrics } from '../../powertools/metrics.js';

/**
 * Publishes the invocation's EMF metrics, if any, plus a ColdStart metric once per
 * container. Unlike Powertools' logMetrics it stays silent when a request recorded no
 * metric (the common, successful case), instead of warning on every invocation.
 */
export function flushMetrics(): MiddlewareObj {
  let cold = true;
  function flushMetricsBefore() {
    if (cold) {
      cold = false;
      metrics.captureColdStartMetric();
    }
  }
  function flushMetricsAfter() {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
  return { before: flushMetricsBefore, after: flushMetricsAfter, onError: flushMetricsAfter };
}
