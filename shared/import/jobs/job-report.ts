import type { ReportKind } from '../import-tally.js';
import type { ImportRowDetail, ImportSummary } from '../import-summary.js';
import type { ImportJob } from './import-job.js';

/**
 * Port of a job's report (`reports/{import_id}/`): every error, warning and skipped row,
 * made durable piece by piece with the checkpoints so that a resumed job neither loses nor
 * repeats a line. Each checkpoint writes the lines of the rows it covers as one segment that
 * names the previous one; the checkpoint records the segment it committed, so the committed
 * chain is known and segments of a worker that died before its checkpoint are never read.
 */
export interface JobReport {
  /** Holds one line until the checkpoint covering its row. */
  add(kind: ReportKind, detail: ImportRowDetail): void;
  /** Characters held since the last segment (the job checkpoints early above a bound). */
  readonly pendingBytes: number;
  /**
   * Writes the held lines of rows in (`fromRow`, `toRow`] as one segment chained after `after`
   * and returns its key, or `after` when there were none (nothing is written then).
   */
  flush(fromRow: number, toRow: number, after: string | undefined): Promise<string | undefined>;
  /**
   * Assembles errors.csv from the chains ending at `heads` (in row order: one per chunk, one
   * for a whole file), streamed; writes summary.json; returns the report URL.
   */
  write(job: ImportJob, summary: ImportSummary, heads: readonly (string | undefined)[]): Promise<string>;
}
