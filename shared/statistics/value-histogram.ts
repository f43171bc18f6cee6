/** Summary of one numeric field; every figure is null when no value was seen. */
export interface NumericSummary {
  count: number;
  mean: number | null;
  median: number | null;
  /** Sample standard deviation (n − 1, as pandas' describe); null below two values. */
  std: number | null;
  min: number | null;
  max: number | null;
  q1: number | null;
  q3: number | null;
}

/**
 * Counts per distinct value. Scores have bounded precision (0–10 in hundredths: at most 1,001
 * distinct values), so memory is constant in the number of items while quantiles stay exact:
 * they are read from the sorted distinct values and their cumulative counts.
 */
export class ValueHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;

  add(value: number): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
    this.total++;
  }

  get count(): number {
    return this.total;
  }

  /** Distinct values ascending with their counts. */
  entries(): [value: number, count: number][] {
    return [...this.counts.entries()].sort((a, b) => a[0] - b[0]);
  }

  summary(): NumericSummary {
    const n = this.total;
    if (n === 0) return { count: 0, mean: null, median: null, std: null, min: null, max: null, q1: null, q3: null };
    const sorted = this.entries();
    let sum = 0;
    for (const [value, count] of sorted) sum += value * count;
    const mean = sum / n;
    let squares = 0;
    for (const [value, count] of sorted) squares += count * (value - mean) ** 2;
    const quantile = quantileOf(sorted, n);
    return {
      count: n,
      mean,
      median: quantile(0.5),
      std: n > 1 ? Math.sqrt(squares / (n - 1)) : null,
      min: sorted[0]![0],
      max: sorted[sorted.length - 1]![0],
      q1: quantile(0.25),
      q3: quantile(0.75),
    };
  }
}

/**
 * Quantiles by linear interpolation between order statistics (Hyndman & Fan type 7, the
 * default of numpy and pandas): position h = (n − 1)·p.
 */
function quantileOf(sorted: [number, number][], n: number) {
  /** The k-th smallest value (0-based), found by walking the cumulative counts. */
  const orderStatistic = (k: number): number => {
    let seen = 0;
    for (const [value, count] of sorted) {
      seen += count;
      if (k < seen) return value;
    }
    return sorted[sorted.length - 1]![0];
  };
  return (p: number): number => {
    const h = (n - 1) * p;
    const low = Math.floor(h);
    const lower = orderStatistic(low);
    if (h === low) return lower;
    return lower + (h - low) * (orderStatistic(low + 1) - lower);
  };
}
