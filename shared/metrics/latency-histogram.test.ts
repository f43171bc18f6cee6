import { describe, expect, it } from 'vitest';
import { LATENCY_BOUNDS_MS, LATENCY_BUCKETS, latencyBucket, latencyBucketLabel, latencyPercentile } from './latency-histogram.js';

/** Counts with `n` requests in the bucket of each given bound (ms), the rest empty. */
function counts(entries: Partial<Record<number | '+inf', number>>): number[] {
  const result = new Array<number>(LATENCY_BUCKETS).fill(0);
  for (const [bound, n] of Object.entries(entries)) {
    result[bound === '+inf' ? LATENCY_BOUNDS_MS.length : LATENCY_BOUNDS_MS.indexOf(Number(bound))] = n ?? 0;
  }
  return result;
}

describe('latencyBucket', () => {
  it('puts a latency in the first bucket whose upper bound is at least it', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(0.4)).toBe(0);
    expect(latencyBucket(1)).toBe(0);
    expect(latencyBucket(1.01)).toBe(1);
    expect(latencyBucket(7)).toBe(LATENCY_BOUNDS_MS.indexOf(10));
    expect(latencyBucket(10_000)).toBe(LATENCY_BOUNDS_MS.indexOf(10_000));
    expect(latencyBucket(29_000)).toBe(LATENCY_BOUNDS_MS.indexOf(30_000));
  });

  it('puts anything above the last bound in +inf', () => {
    expect(latencyBucket(30_001)).toBe(LATENCY_BUCKETS - 1);
    expect(latencyBucketLabel(LATENCY_BUCKETS - 1)).toBe('+inf');
    expect(latencyBucketLabel(0)).toBe('1');
  });
});

describe('latencyPercentile', () => {
  it('is null when nothing was counted', () => {
    expect(latencyPercentile(counts({}), 50)).toBeNull();
  });

  it('reports the upper bound of the bucket holding the nearest rank', () => {
    // 100 requests: 50 ≤ 5 ms, 45 ≤ 20 ms, 4 ≤ 100 ms, 1 ≤ 1000 ms.
    const histogram = counts({ 5: 50, 20: 45, 100: 4, 1000: 1 });
    expect(latencyPercentile(histogram, 50)).toBe(5);
    expect(latencyPercentile(histogram, 51)).toBe(20);
    expect(latencyPercentile(histogram, 95)).toBe(20);
    expect(latencyPercentile(histogram, 96)).toBe(100);
    expect(latencyPercentile(histogram, 99)).toBe(100);
    expect(latencyPercentile(histogram, 100)).toBe(1000);
  });

  it('gives one request every percentile of its bucket', () => {
    const histogram = counts({ 200: 1 });
    expect([50, 95, 99].map((p) => latencyPercentile(histogram, p))).toEqual([200, 200, 200]);
  });

  it('rounds the rank up, so a small sample reports its slow tail at p95 and p99', () => {
    // 10 requests: rank(p95) = ceil(9.5) = 10, the slowest one.
    const histogram = counts({ 2: 9, 500: 1 });
    expect(latencyPercentile(histogram, 50)).toBe(2);
    expect(latencyPercentile(histogram, 90)).toBe(2);
    expect(latencyPercentile(histogram, 95)).toBe(500);
  });

  it('is null when the percentile falls above the last bound', () => {
    const histogram = counts({ 10: 98, '+inf': 2 });
    expect(latencyPercentile(histogram, 98)).toBe(10);
    expect(latencyPercentile(histogram, 99)).toBeNull();
  });

  it('agrees with sorting the raw latencies and rounding each up to its bucket bound', () => {
    const latencies = Array.from({ length: 997 }, (_, i) => ((i * 7919) % 1000) * 1.7 + 0.3);
    const histogram = new Array<number>(LATENCY_BUCKETS).fill(0);
    for (const ms of latencies) histogram[latencyBucket(ms)]!++;
    const sorted = [...latencies].sort((a, b) => a - b);
    for (const p of [1, 50, 90, 95, 99, 100]) {
      const exact = sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
      expect(latencyPercentile(histogram, p), `p${p}`).toBe(LATENCY_BOUNDS_MS[latencyBucket(exact)]);
    }
  });
});
