import type { DimensionedMetricSink, MetricSink } from '../../shared/observability/emit-metric.js';

/** One metric as it was added: what would land in the EMF line. */
export interface RecordedMetric {
  name: string;
  unit: string;
  value: number;
  dimensions: Record<string, string>;
}

/** A metrics port that keeps what it is given, single metrics (extra dimensions) included. */
export function recordingMetrics(): MetricSink & { recorded: RecordedMetric[]; sum(name: string, dimensions?: Record<string, string>): number } {
  const recorded: RecordedMetric[] = [];
  return {
    recorded,
    addMetric(name, unit, value) {
      recorded.push({ name, unit, value, dimensions: {} });
    },
    singleMetric(): DimensionedMetricSink {
      const dimensions: Record<string, string> = {};
      return {
        addDimension: (name, value) => (dimensions[name] = value),
        addMetric: (name, unit, value) => recorded.push({ name, unit, value, dimensions: { ...dimensions } }),
      };
    },
    sum(name, dimensions) {
      return recorded
        .filter((metric) => metric.name === name && Object.entries(dimensions ?? {}).every(([key, value]) => metric.dimensions[key] === value))
        .reduce((total, metric) => total + metric.value, 0);
    },
  };
}
