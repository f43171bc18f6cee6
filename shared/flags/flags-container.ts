import { createFeatureFlags, type FeatureFlags } from './feature-flags.js';
import { flagEvaluationTally } from './flag-evaluation-metrics.js';
import { flagSourceFromEnv } from './flags-from-env.js';

let flags: FeatureFlags | undefined;
let tally: ReturnType<typeof flagEvaluationTally> | undefined;

/** The feature flags of this container, from its environment (flags-from-env.ts), built once. */
export function featureFlags(env: NodeJS.ProcessEnv = process.env): FeatureFlags {
  if (!flags) {
    tally = flagEvaluationTally();
    flags = createFeatureFlags({ source: flagSourceFromEnv(env), count: tally.count });
  }
  return flags;
}

/** Publishes this invocation's flag evaluation counts. */
export function flushFlagMetrics(): void {
  tally?.flush();
}
