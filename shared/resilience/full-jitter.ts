export interface FullJitterOptions {
  /** Upper bound of the first retry's wait, in ms; doubled per attempt. */
  baseMs: number;
  /** Largest wait, in ms. @default 2000 */
  capMs?: number;
}

/**
 * Full-jitter exponential backoff (AWS Architecture Blog, "Exponential Backoff and Jitter"):
 * waits a random time in [0, min(cap, base·2^(attempt-1))) ms before retry `attempt` (1-based),
 * so callers that failed together do not retry together.
 */
export function fullJitter(attempt: number, { baseMs, capMs = 2_000 }: FullJitterOptions): Promise<void> {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}
