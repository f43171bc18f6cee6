import { describe, expect, it } from 'vitest';
import { RollingWindow } from './rolling-window.js';

describe('RollingWindow', () => {
  it('sums per bucket and forgets buckets older than the window', () => {
    const window = new RollingWindow({ bucketMs: 1_000, buckets: 3 });
    window.add(5, 10_000);
    window.add(7, 10_500);
    window.add(1, 11_200);
    expect(window.total(11_999)).toEqual({ count: 3, sum: 13, max: 7 });
    expect(window.buckets(11_999)).toEqual([
      { t: 9_000, count: 0, sum: 0, max: 0 },
      { t: 10_000, count: 2, sum: 12, max: 7 },
      { t: 11_000, count: 1, sum: 1, max: 1 },
    ]);
    // Three seconds on, the 10 s bucket has rolled out of the window.
    expect(window.total(13_000)).toEqual({ count: 1, sum: 1, max: 1 });
    expect(window.total(14_000)).toEqual({ count: 0, sum: 0, max: 0 });
  });

  it('reuses a slot for a new bucket instead of adding to what it held a window ago', () => {
    const window = new RollingWindow({ bucketMs: 1_000, buckets: 2 });
    window.add(100, 0);
    window.add(1, 2_000); // the same ring slot as t=0
    expect(window.buckets(2_000)).toEqual([
      { t: 1_000, count: 0, sum: 0, max: 0 },
      { t: 2_000, count: 1, sum: 1, max: 1 },
    ]);
  });

  it('answers percentiles from a fixed histogram, bounded by the max seen', () => {
    const window = new RollingWindow({ bucketMs: 1_000, buckets: 10, histogram: true });
    for (let i = 0; i < 98; i++) window.add(3, 500);
    window.add(180, 600);
    window.add(900, 700);
    // The upper bound of the bucket the quantile falls in (3 ms lies in (2, 5]).
    expect(window.quantile(0.5, 900)).toBe(5);
    expect(window.quantile(0.99, 900)).toBe(200);
    expect(window.quantile(1, 900)).toBe(900);
    expect(window.quantile(0.5, 60_000)).toBeUndefined();
    expect(new RollingWindow().quantile(0.5, 0)).toBeUndefined();
  });

  it('keeps the same memory however many observations it sees', () => {
    const window = new RollingWindow({ bucketMs: 10, buckets: 5, histogram: true });
    for (let t = 0; t < 100_000; t++) window.add(t % 50, t);
    expect(window.buckets(100_000)).toHaveLength(5);
    expect(window.total(99_999).count).toBe(50);
  });
});
