import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseEmfLine } from './emf-line.js';
import { tapStdout } from './stdout-tap.js';
import { captureEmf } from './emf-capture.js';
import { LocalTelemetry } from './local-telemetry.js';

afterEach(() => vi.unstubAllEnvs());

/** A writable stand-in for process.stdout that records what reaches the terminal. */
function fakeStdout() {
  const written: string[] = [];
  const stream = { write: (chunk: unknown) => (written.push(String(chunk)), true) };
  return { stream: stream as unknown as NodeJS.WriteStream, written };
}

describe('parseEmfLine', () => {
  it('reads what Powertools Metrics really writes, single metrics with extra dimensions included', () => {
    vi.stubEnv('POWERTOOLS_DEV', '');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const lines: string[] = [];
    const restore = tapStdout({ onLine: (line) => lines.push(line), passThrough: () => false });
    try {
      const metrics = new Metrics({ namespace: 'RecordsPlatform', serviceName: 'students-export' });
      metrics.addMetric('StudentsCreated', 'Count', 1);
      metrics.addMetric('StudentsCreated', 'Count', 1);
      metrics.publishStoredMetrics();
      const single = metrics.singleMetric();
      single.addDimension('format', 'csv');
      single.addMetric('ExportRows', 'Count', 250);
    } finally {
      restore();
    }
    const parsed = lines.flatMap((line) => parseEmfLine(line) ?? []);
    expect(parsed).toEqual([
      { namespace: 'RecordsPlatform', name: 'StudentsCreated', unit: 'Count', dimensions: { service: 'students-export' }, values: [1, 1] },
      { namespace: 'RecordsPlatform', name: 'ExportRows', unit: 'Count', dimensions: { service: 'students-export', format: 'csv' }, values: [250] },
    ]);
  });

  it('is undefined for log lines and malformed EMF, never throws', () => {
    expect(parseEmfLine('{"level":"INFO","message":"hi"}')).toBeUndefined();
    expect(parseEmfLine('plain text')).toBeUndefined();
    expect(parseEmfLine('{"_aws": nope')).toBeUndefined();
    expect(parseEmfLine('{"_aws":{"CloudWatchMetrics":"x"}}')).toBeUndefined();
    expect(parseEmfLine('{"_aws":{"CloudWatchMetrics":[{"Namespace":"N","Metrics":[{"Name":"A"}]}]},"A":"str"}')).toEqual([]);
  });
});

describe('captureEmf', () => {
  it('feeds EMF lines to the telemetry, keeps them off the terminal and passes every other line', () => {
    const { stream, written } = fakeStdout();
    const telemetry = new LocalTelemetry();
    const emf =
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"RecordsPlatform","Dimensions":[["service"]],"Metrics":[{"Name":"CacheHit","Unit":"Count"}]}]},"service":"students-get","CacheHit":2}';
    const stop = captureEmfOn(stream, telemetry);
    stream.write(`${emf}\n`);
    stream.write('GET /health → 200 system-health 1.0 ms\n');
    stream.write('partial ');
    stream.write(`line\n${emf}\n`);
    stop();
    stream.write(`${emf}\n`);
    expect(written).toEqual(['GET /health → 200 system-health 1.0 ms\n', 'partial ', 'line\n', `${emf}\n`]);
    return telemetry.snapshot().then((data) => expect(data.totals.CacheHit).toBe(4));
  });
});

/** captureEmf on a given stream (the real one taps process.stdout). */
function captureEmfOn(stream: NodeJS.WriteStream, telemetry: LocalTelemetry): () => void {
  const original = process.stdout;
  Object.defineProperty(process, 'stdout', { value: stream, configurable: true });
  try {
    return captureEmf(telemetry, false);
  } finally {
    Object.defineProperty(process, 'stdout', { value: original, configurable: true });
  }
}
