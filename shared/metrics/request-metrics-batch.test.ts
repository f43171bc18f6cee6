import { describe, expect, it } from 'vitest';
import { LATENCY_BOUNDS_MS } from './latency-histogram.js';
import { RequestMetricsBatch } from './request-metrics-batch.js';

const ROUTE = 'GET /api/v1/students/{student_id}';

describe('RequestMetricsBatch', () => {
  it('sums requests, status classes and latency buckets per route', () => {
    const batch = new RequestMetricsBatch();
    batch.add({ route: ROUTE, status: 200, latencyMs: 3 });
    batch.add({ route: ROUTE, status: 304, latencyMs: 4 });
    batch.add({ route: ROUTE, status: 404, latencyMs: 12 });
    batch.add({ route: ROUTE, status: 503, latencyMs: 60 });
    batch.add({ route: '$default', status: 404, latencyMs: 1 });
    expect(batch.pendingRequests).toBe(5);
    const [students, fallback] = batch.drain();
    expect(students).toMatchObject({ route: ROUTE, requests: 4, clientErrors: 1, serverErrors: 1 });
    expect(students!.latencyBuckets[LATENCY_BOUNDS_MS.indexOf(5)]).toBe(2);
    expect(students!.latencyBuckets[LATENCY_BOUNDS_MS.indexOf(20)]).toBe(1);
    expect(students!.latencyBuckets[LATENCY_BOUNDS_MS.indexOf(100)]).toBe(1);
    expect(fallback).toMatchObject({ route: '$default', requests: 1, clientErrors: 1, serverErrors: 0 });
    expect(batch.pendingRequests).toBe(0);
    expect(batch.drain()).toEqual([]);
  });

  it('puts drained counts back after a failed flush, merged with what arrived meanwhile', () => {
    const batch = new RequestMetricsBatch();
    batch.add({ route: ROUTE, status: 500, latencyMs: 3 });
    const drained = batch.drain();
    batch.add({ route: ROUTE, status: 200, latencyMs: 3 });
    batch.restore(drained);
    expect(batch.pendingRequests).toBe(2);
    const [merged] = batch.drain();
    expect(merged).toMatchObject({ requests: 2, serverErrors: 1 });
    expect(merged!.latencyBuckets[LATENCY_BOUNDS_MS.indexOf(5)]).toBe(2);
  });
});
