import { type MetricName, type MetricUnitName, metricCatalogue } from './metric-catalogue.js';

/** A metrics object with one extra dimension set, published as soon as its metric is added. */
export interface DimensionedMetricSink {
  addDimension(name: string, value: string): unknown;
  addMetric(name: string, unit: MetricUnitName, value: number): unknown;
}

/** Where metrics go: the Powertools `metrics` singleton, or a spy in tests. */
export interface MetricSink {
  addMetric(name: string, unit: MetricUnitName, value: number): unknown;
  /** Powertools' `singleMetric()`: needed for metrics declared with extra dimensions. */
  singleMetric?(): DimensionedMetricSink;
}

type Declared<N extends MetricName> = (typeof metricCatalogue)[N];

/** The extra dimensions a metric is declared with (never when it has none). */
export type DimensionsOf<N extends MetricName> = Declared<N> extends { dimensions: readonly (infer D extends string)[] } ? D : never;

type EmitArgs<N extends MetricName> = [DimensionsOf<N>] extends [never]
  ? [value?: number]
  : [dimensions: Readonly<Record<DimensionsOf<N>, string>>, value?: number];

/**
 * Adds a declared metric with its catalogue unit: `emitMetric(metrics, 'CacheHit')`,
 * `emitMetric(metrics, 'ExportRows', { format: 'csv' }, rows)`. Only catalogue names
 * compile, and a metric declared with dimensions must be given their values. Metrics with
 * extra dimensions go through `singleMetric()` (their own EMF line, since Powertools
 * flushes one dimension set per line); a sink without it gets the bare metric.
 */
export function emitMetric<N extends MetricName>(sink: MetricSink, name: N, ...args: EmitArgs<N>): void {
  const { unit } = metricCatalogue[name];
  const [first, second] = args as [number | Record<string, string> | undefined, number | undefined];
  if (typeof first === 'object') {
    const value = second ?? 1;
    if (!sink.singleMetric) {
      sink.addMetric(name, unit, value);
      return;
    }
    const single = sink.singleMetric();
    for (const [dimension, dimensionValue] of Object.entries(first)) single.addDimension(dimension, dimensionValue);
    single.addMetric(name, unit, value);
    return;
  }
  sink.addMetric(name, unit, first ?? 1);
}

/** A sink that drops everything: the default of services built without metrics (tests, scripts). */
export const NO_METRICS: MetricSink = { addMetric: () => undefined };
