/**
 * Upper bounds (ms) of the latency buckets every container counts into. A fixed set keeps
 * the counts summable across containers (HINCRBY per bucket) and percentiles computable at
 * read time; 30 s covers API Gateway's 29 s integration limit, anything above lands in +inf.
 */
export const LATENCY_BOUNDS_MS: readonly number[] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 30_000];

/** Number of buckets: one per bound plus the +inf bucket. */
export const LATENCY_BUCKETS = LATENCY_BOUNDS_MS.length + 1;

/** The bucket that counts a request of `latencyMs`: the first whose bound is ≥ it (+inf last). */
export function latencyBucket(latencyMs: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => latencyMs <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length : index;
}

/** A bucket's name in storage and reports: its bound in ms, or `+inf`. */
export function latencyBucketLabel(bucket: number): string {
  return bucket < LATENCY_BOUNDS_MS.length ? String(LATENCY_BOUNDS_MS[bucket]) : '+inf';
}

/**
 * The p-th percentile (0 < p ≤ 100, nearest rank) of the latencies counted in `counts`
 * (one count per bucket), reported as the upper bound of the bucket it falls in: "p95 ≤ 50
 * ms". Null when nothing was counted or when it falls in the +inf bucket (above 30 s).
 */
export function latencyPercentile(counts: readonly number[], p: number): number | null {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (let bucket = 0; bucket < counts.length; bucket++) {
    seen += counts[bucket] ?? 0;
    if (seen >= rank) return LATENCY_BOUNDS_MS[bucket] ?? null;
  }
  return null;
}
