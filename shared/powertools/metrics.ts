import { Metrics } from '@aws-lambda-powertools/metrics';

/** EMF metrics, flushed once per invocation by the handler factory. */
export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'RecordsPlatform',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'records-platform',
});

/** Writes the metrics stored so far as EMF, if any: for entry points outside the HTTP handler factory. */
export function publishMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
