import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { recordingMetrics } from '../../test/support/recording-metrics.js';
import { emitMetric } from './emit-metric.js';
import { metricCatalogue } from './metric-catalogue.js';

/**
 * The EMF lines a real Powertools Metrics writes, parsed. POWERTOOLS_DEV makes every
 * Metrics (single metrics included, built on the spot) print through the global console;
 * POWERTOOLS_METRICS_DISABLED=false keeps dev mode from switching them off.
 */
function emfLines(write: (metrics: Metrics) => void): Record<string, unknown>[] {
  vi.stubEnv('POWERTOOLS_DEV', 'true');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  const metrics = new Metrics({ namespace: 'RecordsPlatform', serviceName: 'students-export' });
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  try {
    write(metrics);
  } finally {
    log.mockRestore();
    vi.unstubAllEnvs();
  }
  return lines.map((line) => JSON.parse(line));
}

afterEach(() => vi.restoreAllMocks());

describe('emitMetric', () => {
  it('adds the metric with the unit the catalogue declares, 1 by default', () => {
    const sink = recordingMetrics();
    emitMetric(sink, 'CacheHit');
    emitMetric(sink, 'ImportJobDuration', 1_250);
    expect(sink.recorded).toEqual([
      { name: 'CacheHit', unit: 'Count', value: 1, dimensions: {} },
      { name: 'ImportJobDuration', unit: metricCatalogue.ImportJobDuration.unit, value: 1_250, dimensions: {} },
    ]);
    expect(metricCatalogue.ImportJobDuration.unit).toBe('Milliseconds');
  });

  it('adds a metric declared with dimensions as a single metric carrying their values', () => {
    const sink = recordingMetrics();
    emitMetric(sink, 'ExportRows', { format: 'xlsx' }, 42);
    emitMetric(sink, 'CircuitOpen', { dependency: 'cache' });
    expect(sink.recorded).toEqual([
      { name: 'ExportRows', unit: 'Count', value: 42, dimensions: { format: 'xlsx' } },
      { name: 'CircuitOpen', unit: 'Count', value: 1, dimensions: { dependency: 'cache' } },
    ]);
  });

  it('writes EMF through Powertools: service plus the declared dimensions, in the platform namespace', () => {
    const [line, ...more] = emfLines((metrics) => emitMetric(metrics, 'ExportRows', { format: 'csv' }, 7));
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          { Namespace: 'RecordsPlatform', Dimensions: [expect.arrayContaining(['service', 'format'])], Metrics: [{ Name: 'ExportRows', Unit: 'Count' }] },
        ],
      },
      service: 'students-export',
      format: 'csv',
      ExportRows: 7,
    });
  });

  it('rejects names and dimensions the catalogue does not declare (checked by tsc, never run)', () => {
    const sink = recordingMetrics();
    const neverRun = () => {
      // @ts-expect-error not in the catalogue
      emitMetric(sink, 'CacheHits');
      // @ts-expect-error ExportRows is declared with a format dimension
      emitMetric(sink, 'ExportRows', 3);
      // @ts-expect-error CacheHit has no dimensions
      emitMetric(sink, 'CacheHit', { format: 'csv' });
      // @ts-expect-error CircuitOpen's dimension is dependency
      emitMetric(sink, 'CircuitOpen', { format: 'csv' });
    };
    expect(neverRun).toBeTypeOf('function');
  });
});
