export interface FullJitterOptions {
  /** Upper bound of the first retry's wait, in ms; doubled per attempt. */
  baseMs: number;
  /** Largest wait, in ms. @default 2000 */
  capMs?: number;
}

/**
 * Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * a random wait in [0, min(cap, base·2^(attempt-1))) ms before retry `attempt` (1-based),
 * so callers that failed together do not retry together.
 */
export function fullJitterDelay(attempt: number, { baseMs, capMs = 2_000 }: FullJitterOptions, random: () => number = Math.random): number {
  return random() * fullJitterCeiling(attempt, { baseMs, capMs });
}

/** The bound `fullJitterDelay` stays under for retry `attempt`: base·2^(attempt-1), capped. */
export function fullJitterCeiling(attempt: number, { baseMs, capMs = 2_000 }: FullJitterOptions): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Waits `fullJitterDelay(attempt, options)`. */
export function fullJitter(attempt: number, options: FullJitterOptions): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, fullJitterDelay(attempt, options)));
}
