import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../powertools/metrics.js';

/**
 * Counts flag evaluations per flag and value in memory and publishes them as `FlagEvaluations`
 * (dimensions `flag`, `value`: a handful of declared flags × their values, low cardinality) —
 * one EMF line per flag and value per flush, not one per evaluation.
 */
export function flagEvaluationTally() {
  const counts = new Map<string, { flag: string; value: string; count: number }>();
  return {
    count(flag: string, value: string): void {
      const key = `${flag}\u0000${value}`;
      const entry = counts.get(key) ?? { flag, value, count: 0 };
      entry.count += 1;
      counts.set(key, entry);
    },
    /** Publishes and resets the counts (call once per invocation). */
    flush(): void {
      for (const { flag, value, count } of counts.values()) {
        const single = metrics.singleMetric();
        single.addDimensions({ flag, value });
        single.addMetric('FlagEvaluations', MetricUnit.Count, count);
      }
      counts.clear();
    },
  };
}
