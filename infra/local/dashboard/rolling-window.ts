/** Upper bounds (ms) of the latency histogram buckets; the last bucket is everything above. */
export const LATENCY_BOUNDS_MS = [1, 2, 5, 10, 20, 35, 50, 75, 100, 150, 200, 300, 500, 750, 1_000, 2_000, 5_000, 10_000, 30_000] as const;

export interface RollingWindowOptions {
  /** Width of one bucket. @default 10_000 */
  bucketMs?: number;
  /** Buckets kept: the window is `bucketMs × buckets` long. @default 60 (10 min) */
  buckets?: number;
  /** Keep a latency histogram per bucket (for p50/p90/p99). @default false */
  histogram?: boolean;
}

/** One bucket's aggregate. */
export interface WindowBucket {
  /** Start of the bucket, epoch ms. */
  t: number;
  count: number;
  sum: number;
  max: number;
}

interface Slot extends WindowBucket {
  histogram?: Uint32Array;
}

/**
 * Count, sum and max of a value over a rolling window of fixed buckets (a ring: memory does
 * not grow with traffic), and optionally a fixed latency histogram per bucket so percentiles
 * over the window cost no samples. A bucket older than the window is reused, not kept.
 */
export class RollingWindow {
  readonly bucketMs: number;
  readonly size: number;
  private readonly slots: Slot[];

  constructor(options: RollingWindowOptions = {}) {
    this.bucketMs = options.bucketMs ?? 10_000;
    this.size = options.buckets ?? 60;
    this.slots = Array.from({ length: this.size }, () => ({
      t: -1,
      count: 0,
      sum: 0,
      max: 0,
      ...(options.histogram ? { histogram: new Uint32Array(LATENCY_BOUNDS_MS.length + 1) } : {}),
    }));
  }

  /** Adds one observation of `value` at `now` (epoch ms). */
  add(value: number, now: number): void {
    const slot = this.slotAt(now);
    slot.count += 1;
    slot.sum += value;
    if (value > slot.max) slot.max = value;
    if (slot.histogram) slot.histogram[histogramIndex(value)]! += 1;
  }

  /** Adds `count` observations summing to `sum` (an EMF value array, a Count of 3). */
  addAggregate(sum: number, count: number, max: number, now: number): void {
    const slot = this.slotAt(now);
    slot.count += count;
    slot.sum += sum;
    if (max > slot.max) slot.max = max;
  }

  /** The buckets of the window ending at `now`, oldest first, empty ones included. */
  buckets(now: number): WindowBucket[] {
    const current = this.bucketStart(now);
    const out: WindowBucket[] = [];
    for (let i = this.size - 1; i >= 0; i--) {
      const t = current - i * this.bucketMs;
      const slot = this.slots[this.indexOf(t)]!;
      out.push(slot.t === t ? { t, count: slot.count, sum: slot.sum, max: slot.max } : { t, count: 0, sum: 0, max: 0 });
    }
    return out;
  }

  /** Totals over the window ending at `now`. */
  total(now: number): Omit<WindowBucket, 't'> {
    return this.buckets(now).reduce((acc, b) => ({ count: acc.count + b.count, sum: acc.sum + b.sum, max: Math.max(acc.max, b.max) }), {
      count: 0,
      sum: 0,
      max: 0,
    });
  }

  /**
   * The `q` quantile (0–1) over the window, as the upper bound of the histogram bucket it
   * falls in (the window's max when it falls in the open last bucket); undefined without data.
   */
  quantile(q: number, now: number): number | undefined {
    const merged = new Uint32Array(LATENCY_BOUNDS_MS.length + 1);
    let max = 0;
    for (const slot of this.liveSlots(now)) {
      if (!slot.histogram) return undefined;
      slot.histogram.forEach((n, i) => {
        merged[i]! += n;
      });
      max = Math.max(max, slot.max);
    }
    const total = merged.reduce((a, b) => a + b, 0);
    if (total === 0) return undefined;
    const rank = Math.ceil(q * total);
    let seen = 0;
    for (let i = 0; i < merged.length; i++) {
      seen += merged[i]!;
      if (seen >= rank) return Math.min(LATENCY_BOUNDS_MS[i] ?? max, max);
    }
    return max;
  }

  private liveSlots(now: number): Slot[] {
    const oldest = this.bucketStart(now) - (this.size - 1) * this.bucketMs;
    return this.slots.filter((slot) => slot.t >= oldest && slot.t <= now);
  }

  private slotAt(now: number): Slot {
    const t = this.bucketStart(now);
    const slot = this.slots[this.indexOf(t)]!;
    if (slot.t !== t) {
      slot.t = t;
      slot.count = 0;
      slot.sum = 0;
      slot.max = 0;
      slot.histogram?.fill(0);
    }
    return slot;
  }

  private bucketStart(now: number): number {
    return Math.floor(now / this.bucketMs) * this.bucketMs;
  }

  private indexOf(t: number): number {
    return Math.floor(t / this.bucketMs) % this.size;
  }
}

function histogramIndex(value: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => value <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length : index;
}
