import type { ImportJobView } from './api-client.js';
import { CliError } from './api-client.js';

export const FINAL_STATUSES = new Set(['completed', 'completed_with_errors', 'failed']);

export interface PollOptions {
  initialMs: number;
  maxMs: number;
  /** Consecutive transient failures tolerated before giving up. @default 8 */
  maxTransientFailures?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Polls `get` until the job reaches a final status. The delay starts at `initialMs` and grows
 * ×1.5 (to `maxMs`) while the job does not move, back to `initialMs` when it does; transient
 * failures (network, 5xx, 429) are retried with the same backoff, others thrown.
 */
export async function pollUntilDone(get: () => Promise<ImportJobView>, onUpdate: (job: ImportJobView) => void, options: PollOptions): Promise<ImportJobView> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxFailures = options.maxTransientFailures ?? 8;
  let delay = options.initialMs;
  let failures = 0;
  let last = '';
  for (;;) {
    let job: ImportJobView;
    try {
      job = await get();
      failures = 0;
    } catch (error) {
      if (!(error instanceof CliError) || !error.transient || ++failures > maxFailures) throw error;
      delay = Math.min(options.maxMs, delay * 2);
      await sleep(delay);
      continue;
    }
    onUpdate(job);
    if (FINAL_STATUSES.has(job.status)) return job;
    const fingerprint = `${job.status}|${job.rows_processed}|${job.bytes_processed}`;
    delay = fingerprint === last ? Math.min(options.maxMs, Math.round(delay * 1.5)) : options.initialMs;
    last = fingerprint;
    await sleep(delay);
  }
}
