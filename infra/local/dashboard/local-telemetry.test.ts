import { describe, expect, it } from 'vitest';
import { LocalTelemetry } from './local-telemetry.js';

const emf = (name: string, service: string, values: number[], unit = 'Count') => ({
  namespace: 'RecordsPlatform',
  name,
  unit,
  dimensions: { service },
  values,
});

describe('LocalTelemetry', () => {
  it('aggregates requests per route, invocations per function and metrics with their catalogue group', async () => {
    let now = 1_000_000;
    const telemetry = new LocalTelemetry({ clock: () => now });
    telemetry.recordRequest({ method: 'POST', routeKey: 'POST /api/v1/students', status: 201, ms: 12 });
    telemetry.recordRequest({ method: 'POST', routeKey: 'POST /api/v1/students', status: 422, ms: 4 });
    telemetry.recordRequest({ method: 'GET', routeKey: '$default', status: 503, ms: 30 });
    telemetry.recordInvocation({ functionId: 'orders-consumer', ms: 8, outcome: 'ok', batchItemFailures: 2 });
    telemetry.recordInvocation({ functionId: 'orders-consumer', ms: 9, outcome: 'timeout' });
    telemetry.recordMetric(emf('StudentsCreated', 'students-create', [1]));
    telemetry.recordMetric(emf('StudentsCreated', 'students-create', [1, 1]));
    telemetry.recordMetric(emf('CacheHit', 'students-get', [1]));
    telemetry.recordMetric(emf('CacheMiss', 'students-get', [3]));
    telemetry.recordMetric(emf('SomethingNew', 'x', [5]));
    now += 5_000;
    const data = await telemetry.snapshot();
    expect(data.api).toEqual({ requests: 3, client_errors: 1, server_errors: 1 });
    expect(data.routes.map((r) => r.route).sort()).toEqual(['GET $default', 'POST /api/v1/students']);
    expect(data.functions).toEqual([expect.objectContaining({ function: 'orders-consumer', invocations: 2, errors: 1, timeouts: 1, batch_item_failures: 2 })]);
    expect(data.totals).toMatchObject({ StudentsCreated: 3, CacheHit: 1, CacheMiss: 3 });
    expect(data.cache).toEqual({ hits: 1, misses: 3, hit_ratio: 25 });
    expect(data.metrics.find((m) => m.name === 'StudentsCreated')?.group).toBe('students');
    expect(data.metrics.find((m) => m.name === 'SomethingNew')?.group).toBe('other');
    expect(data.queues).toEqual([]);
  });

  it('rolls observations out of the window', async () => {
    let now = 0;
    const telemetry = new LocalTelemetry({ bucketMs: 1_000, buckets: 5, clock: () => now });
    telemetry.recordRequest({ method: 'GET', routeKey: 'GET /health', status: 200, ms: 1 });
    telemetry.recordMetric(emf('StudentsCreated', 'students-create', [1]));
    now = 4_999;
    expect((await telemetry.snapshot()).api.requests).toBe(1);
    now = 5_000;
    const later = await telemetry.snapshot();
    expect(later.api.requests).toBe(0);
    expect(later.routes).toEqual([]);
    expect(later.totals).toEqual({});
  });

  it('holds at most maxSeries series and counts what it had to drop', async () => {
    const telemetry = new LocalTelemetry({ maxSeries: 10 });
    for (let i = 0; i < 1_000; i++) {
      telemetry.recordMetric(emf('FlagEvaluations', `fn-${i}`, [1]));
      telemetry.recordRequest({ method: 'GET', routeKey: `GET /r${i}`, status: 200, ms: 1 });
    }
    expect(telemetry.seriesCount).toBe(10);
    const data = await telemetry.snapshot();
    expect(data.series).toEqual({ held: 10, limit: 10, dropped_observations: 1_990 });
    // Known series keep counting after the limit is reached.
    telemetry.recordMetric(emf('FlagEvaluations', 'fn-0', [1]));
    expect((await telemetry.snapshot()).totals.FlagEvaluations).toBe(6);
  });

  it('reads queue depths when a snapshot is taken, and survives a failing read', async () => {
    const telemetry = new LocalTelemetry();
    telemetry.setQueueDepths(async () => [{ queue: 'orders', depth: 2, dlqDepth: 1 }]);
    expect((await telemetry.snapshot()).queues).toEqual([{ queue: 'orders', depth: 2, dlqDepth: 1 }]);
    telemetry.setQueueDepths(async () => {
      throw new Error('sqs down');
    });
    expect((await telemetry.snapshot()).queues).toEqual([]);
  });
});
